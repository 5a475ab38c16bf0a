"""Fee estimator of the formalization bundle (formalization/fees.py): no DB."""

import datetime
from decimal import Decimal

import pytest

from catalog import parameters
from formalization import fees
from formalization.fees import (
    FeeBreakdown,
    FeeLine,
    ParameterMissing,
    commercial_registry_fee_uvb,
    establishment_fee_uvb,
    fee_breakdown,
    round_fee,
    young_entrepreneur_exempt,
)

YEAR = 2026
UVB = parameters.uvb(YEAR)
SMMLV = parameters.smmlv(YEAR)
ON = datetime.date(YEAR, 6, 1)
MILLION = Decimal(1_000_000)
ALL_CODES = tuple(f"F{number:02d}" for number in range(1, 26))
# The catalog's rule: "Gratuito" only with its norm or official record.
FREE_CODES = ["F02", "F09"]
UNCONFIRMED_CODES = ("F01", "F08", "F10", "F11", "F12", "F13", "F14", "F16")
CONTRIBUTION_CODES = ("F21", "F22", "F23", "F24", "F25")
NOT_ESTIMABLE_CODES = ("F15", "F17", "F18", "F19")


def uvb_to_cop(uvb, year=YEAR) -> Decimal:
    return Decimal(uvb) * parameters.uvb(year)


def chamber(fee_uvb) -> Decimal:
    """A CCB line in pesos: UVB of the year, rounded by the chamber rule."""
    return round_fee(Decimal(fee_uvb) * UVB, year=YEAR)


def sin_cuantia() -> Decimal:
    return (4 * SMMLV / 30).quantize(Decimal(1))


def sas(**overrides):
    """The worked example of docs/domain.md §5.1: SAS, one shareholder, COP 10 M."""
    answers = {
        "tipo": "sas",
        "fecha_nacimiento": datetime.date(1980, 5, 5),
        "jovenes_mayoria": False,
        "num_accionistas": 1,
        "capital_suscrito": Decimal(10_000_000),
        "capital_pagado": Decimal(10_000_000),
        "activos": Decimal(10_000_000),
        "tiene_establecimiento": True,
        "num_empleados": 0,
        "servicio_turistico": "ninguno",
    }
    return {**answers, **overrides}


def natural(**overrides):
    answers = {
        "tipo": "persona_natural",
        "fecha_nacimiento": datetime.date(1980, 5, 5),
        "activos": Decimal(10_000_000),
        "tiene_establecimiento": True,
        "num_empleados": 0,
        "servicio_turistico": "ninguno",
    }
    return {**answers, **overrides}


def amounts(breakdown: FeeBreakdown, code: str) -> list[Decimal | None]:
    return [line.amount for line in breakdown.for_code(code)]


# --- matrícula tier formula -----------------------------------------------------

BREAKPOINTS = (  # (breakpoint UVB, base UVB)
    (6_500, "47.5"),
    (25_000, "112.25"),
    (65_000, "152.25"),
    (650_000, "415.5"),
    (2_000_000, "753"),
)
PER_MILLION_RATES = ("0.7", "0.35", "0.1", "0.045", "0.025", "0.0125")


def test_official_2026_example_73_million_is_53_1_uvb():
    fee = commercial_registry_fee_uvb(Decimal(73_000_000), year=2026)
    assert fee == Decimal("53.1")
    assert fee * parameters.uvb(2026) == Decimal(643_041)
    line = fee_breakdown(natural(activos=Decimal(73_000_000)), ["F03"], on=ON)
    assert line.lines[0].amount == round_fee(Decimal(643_041), year=2026)


def test_per_million_is_the_default_reading_in_the_data():
    [entry] = fees.tables()["commercial_registry"]
    assert entry["default_reading"] == "per_million"
    assert "millón" in entry["note"]
    assert [str(tier.rate) for tier in fees.registry_tiers(YEAR)] == list(
        PER_MILLION_RATES
    )


@pytest.mark.parametrize(
    ("tier", "breakpoint_uvb", "base_uvb"),
    [(index + 1, *row) for index, row in enumerate(BREAKPOINTS)],
)
def test_per_million_reading_starts_each_tier_at_its_base(
    tier, breakpoint_uvb, base_uvb
):
    assets = uvb_to_cop(breakpoint_uvb) + MILLION
    rate = Decimal(PER_MILLION_RATES[tier])
    fee = commercial_registry_fee_uvb(assets, year=YEAR)
    assert fee == min(Decimal(base_uvb) + rate, Decimal(1000))


@pytest.mark.parametrize(
    ("tier", "breakpoint_uvb"),
    [(index, row[0]) for index, row in enumerate(BREAKPOINTS)],
)
def test_per_million_reading_is_the_lower_tier_up_to_the_breakpoint(
    tier, breakpoint_uvb
):
    previous = ((0, "2"), *BREAKPOINTS)[tier]
    at = commercial_registry_fee_uvb(uvb_to_cop(breakpoint_uvb), year=YEAR)
    expected = (
        Decimal(previous[1])
        + Decimal(PER_MILLION_RATES[tier])
        * (uvb_to_cop(breakpoint_uvb) - uvb_to_cop(previous[0]))
        / MILLION
    )
    assert at == min(expected, Decimal(1000))


@pytest.mark.parametrize(
    ("assets_cop", "expected_uvb"),
    [
        (0, Decimal(2)),
        (1_000_000, Decimal("2.7")),
        (10_000_000, Decimal(9)),
        (73_000_000, Decimal("53.1")),
        (10**13, Decimal(1000)),
    ],
)
def test_per_million_values_min_and_cap(assets_cop, expected_uvb):
    assert commercial_registry_fee_uvb(Decimal(assets_cop), year=YEAR) == expected_uvb


@pytest.mark.parametrize(("breakpoint_uvb", "base_uvb"), BREAKPOINTS)
def test_continuous_reading_is_the_base_at_each_breakpoint(breakpoint_uvb, base_uvb):
    fee = commercial_registry_fee_uvb(
        uvb_to_cop(breakpoint_uvb), year=YEAR, reading="continuous"
    )
    assert fee == Decimal(base_uvb)


@pytest.mark.parametrize(("breakpoint_uvb", "base_uvb"), BREAKPOINTS)
def test_continuous_reading_has_no_jump_where_per_million_has_one(
    breakpoint_uvb, base_uvb
):
    def fee(assets, reading):
        return commercial_registry_fee_uvb(assets, year=YEAR, reading=reading)

    point = uvb_to_cop(breakpoint_uvb)
    below, above = fee(point - 1, "continuous"), fee(point + 1, "continuous")
    assert below < Decimal(base_uvb) < above
    assert abs(above - below) < Decimal("0.01")
    if Decimal(base_uvb) < 1000:
        assert fee(point, "per_million") > fee(point + 1, "per_million")


@pytest.mark.parametrize(
    ("assets_uvb", "expected_uvb"),
    [
        (0, Decimal(2)),
        (1_000, Decimal(9)),
        (10_000, Decimal("59.75")),
        (100_000, Decimal("168")),
        (3_976_000, Decimal(1000)),
        (3_975_000, Decimal("999.875")),
        (5_000_000, Decimal(1000)),
        (50_000_000, Decimal(1000)),
    ],
)
def test_continuous_reading_values_min_and_cap(assets_uvb, expected_uvb):
    fee = commercial_registry_fee_uvb(
        uvb_to_cop(assets_uvb), year=YEAR, reading="continuous"
    )
    assert fee == expected_uvb


def test_negative_assets_are_rejected():
    with pytest.raises(ValueError):
        commercial_registry_fee_uvb(Decimal(-1), year=YEAR)


# --- rounding -------------------------------------------------------------------

THRESHOLD = SMMLV * Decimal("0.03")


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("8476.99"), Decimal(8_500)),
        (Decimal(45_150), Decimal(45_200)),
        (THRESHOLD - 100, Decimal(52_400)),
        (THRESHOLD, Decimal(52_500)),
        (THRESHOLD + Decimal("0.01"), Decimal(53_000)),
        (Decimal(72_660), Decimal(73_000)),
        (Decimal(69_500), Decimal(70_000)),
        (Decimal(643_041), Decimal(643_000)),
        (Decimal(0), Decimal(0)),
    ],
)
def test_round_fee_with_the_threshold_of_the_year(amount, expected):
    assert round_fee(amount, year=YEAR) == expected


def test_rounding_threshold_is_3_percent_of_each_years_smmlv():
    amount = Decimal(45_150)
    assert parameters.smmlv(2025) * Decimal("0.03") < amount < THRESHOLD
    assert round_fee(amount, year=2025) == Decimal(45_000)
    assert round_fee(amount, year=2026) == Decimal(45_200)


# --- establishment tiers --------------------------------------------------------


@pytest.mark.parametrize(
    ("owner_assets_uvb", "fee_uvb"),
    [
        (0, 4),
        (6_500, 4),
        (6_501, 10),
        (25_000, 10),
        (25_001, 16),
        (65_001, 22),
        (650_001, 28),
        (2_000_001, 34),
        (10_000_000, 34),
        (10_000_001, 40),
    ],
)
def test_establishment_fee_by_owner_assets_tier(owner_assets_uvb, fee_uvb):
    assets = uvb_to_cop(owner_assets_uvb)
    assert establishment_fee_uvb(assets, year=YEAR) == Decimal(fee_uvb)
    assert establishment_fee_uvb(assets, year=YEAR, same_jurisdiction=False) == Decimal(
        2 * fee_uvb
    )


# --- worked example -------------------------------------------------------------

WORKED_EXAMPLE_CODES = ("F01", "F04", "F05", "F06", "F07", "F08", "F09")


@pytest.mark.parametrize(
    ("code", "concept_start", "fee_uvb"),
    [
        ("F04", "Matrícula mercantil de persona jurídica", Decimal(9)),
        ("F04", "Inscripción del documento de constitución", Decimal(6)),
        ("F04", "Inscripción de la situación de control", Decimal(6)),
        ("F05", "Matrícula del establecimiento", Decimal(4)),
        ("F04", "Formulario del RUES", Decimal("0.7")),
    ],
)
def test_worked_example_chamber_lines(code, concept_start, fee_uvb):
    breakdown = fee_breakdown(sas(), WORKED_EXAMPLE_CODES, on=ON)
    [line] = [
        line
        for line in breakdown.for_code(code)
        if line.concept.startswith(concept_start)
    ]
    assert line.amount == chamber(fee_uvb)
    assert line.collected_online
    assert line.basis


def test_worked_example_registration_tax_lines():
    breakdown = fee_breakdown(sas(), WORKED_EXAMPLE_CODES, on=ON)
    assert [(line.concept, line.amount) for line in breakdown.for_code("F07")] == [
        (
            "Impuesto de registro: constitución de la SAS (acto con cuantía)",
            Decimal(70_000),
        ),
        (
            "Impuesto de registro: situación de control (acto sin cuantía)",
            sin_cuantia(),
        ),
    ]


def test_worked_example_totals():
    breakdown = fee_breakdown(sas(), WORKED_EXAMPLE_CODES, on=ON)
    ccb = breakdown.amount_due("F04") + breakdown.amount_due("F05")
    assert ccb == chamber(9) + 2 * chamber(6) + chamber(4) + chamber("0.7")
    assert breakdown.amount_due("F07") == Decimal(70_000) + sin_cuantia()
    assert breakdown.total_online == ccb + Decimal(70_000) + sin_cuantia()
    assert (breakdown.year, breakdown.uvb, breakdown.smmlv) == (YEAR, UVB, SMMLV)
    assert breakdown.notes == ()


def test_worked_example_in_2025_is_the_calculator_column_of_domain_md():
    breakdown = fee_breakdown(sas(), WORKED_EXAMPLE_CODES, on=datetime.date(2025, 6, 1))
    ccb = breakdown.amount_due("F04") + breakdown.amount_due("F05")
    assert breakdown.for_code("F04")[0].amount == Decimal(104_000)
    assert ccb == Decimal(296_100)
    assert breakdown.uvb == parameters.uvb(2025)


def test_2026_estimate_uses_the_2026_money():
    breakdown = fee_breakdown(sas(), WORKED_EXAMPLE_CODES, on=ON)
    assert breakdown.uvb == parameters.uvb(2026) != parameters.uvb(2025)
    assert breakdown.smmlv == parameters.smmlv(2026)
    assert breakdown.for_code("F04")[1].amount == round_fee(
        6 * parameters.uvb(2026), year=2026
    )


def test_worked_example_with_ley_1780_only_frees_the_matricula():
    breakdown = fee_breakdown(sas(jovenes_mayoria=True), WORKED_EXAMPLE_CODES, on=ON)
    matricula = breakdown.for_code("F04")[0]
    assert matricula.concept == "Matrícula mercantil de persona jurídica"
    assert matricula.amount == Decimal(0)
    assert matricula.note == "Exento por la Ley 1780 de 2016 (Decreto 639 de 2017)"
    assert "Ley 1780 de 2016" in matricula.basis
    assert amounts(breakdown, "F05") == [chamber(4)]
    full = fee_breakdown(sas(), WORKED_EXAMPLE_CODES, on=ON)
    assert breakdown.total_online == full.total_online - chamber(9)


def test_several_shareholders_have_no_control_lines():
    breakdown = fee_breakdown(sas(num_accionistas=3), WORKED_EXAMPLE_CODES, on=ON)
    assert amounts(breakdown, "F04") == [chamber(9), chamber(6), chamber("0.7")]
    assert amounts(breakdown, "F07") == [Decimal(70_000)]


def test_persona_natural_matricula_and_form():
    breakdown = fee_breakdown(natural(), ["F03", "F05"], on=ON)
    assert [(line.concept, line.amount) for line in breakdown.lines] == [
        ("Matrícula mercantil de persona natural", chamber(9)),
        ("Formulario del RUES", chamber("0.7")),
        ("Matrícula del establecimiento de comercio", chamber(4)),
    ]
    young = fee_breakdown(
        natural(fecha_nacimiento=datetime.date(2000, 1, 1)), ["F03"], on=ON
    )
    assert amounts(young, "F03") == [Decimal(0), chamber("0.7")]


def test_rnt_causes_registration_tax_sin_cuantia_of_the_year():
    breakdown = fee_breakdown(natural(), ["F03", "F07", "F20"], on=ON)
    assert [(line.code, line.amount) for line in breakdown.for_code("F07")] == [
        ("F07", (4 * parameters.smdlv(2026)).quantize(Decimal(1)))
    ]
    assert sin_cuantia() == Decimal(233_454)
    [rnt] = breakdown.for_code("F20")
    # The inscription has no fee of its own: its cost is the tax line, not "free".
    assert rnt.amount == Decimal(0) and not rnt.collected_online
    assert rnt.display_amount == "Se paga con el impuesto de registro"


def test_books_are_left_to_the_chamber():
    breakdown = fee_breakdown(sas(), ["F06"], on=ON)
    lines = breakdown.for_code("F06")
    assert len(lines) == 2
    assert all(line.amount is None and not line.collected_online for line in lines)
    assert all("[I]" in line.note for line in lines)
    assert breakdown.total_online == 0


def test_missing_assets_leave_the_matricula_to_the_entity():
    breakdown = fee_breakdown(natural(activos=None), ["F03", "F05"], on=ON)
    matricula, form, establishment = breakdown.lines
    assert matricula.amount is None and not matricula.collected_online
    assert establishment.amount is None
    assert form.amount == chamber("0.7")
    assert breakdown.pending == (matricula, establishment)


# --- Ley 1780 -------------------------------------------------------------------

ASSETS_LIMIT = 5_000 * SMMLV


@pytest.mark.parametrize(
    ("answers", "eligible", "reason_part"),
    [
        (natural(fecha_nacimiento=datetime.date(2008, 6, 2)), False, "17 años"),
        (natural(fecha_nacimiento=datetime.date(2008, 6, 1)), True, "Aplica"),
        (natural(fecha_nacimiento=datetime.date(1990, 6, 2)), True, "Aplica"),
        (natural(fecha_nacimiento=datetime.date(1990, 6, 1)), False, "36 años"),
        (natural(fecha_nacimiento=None), False, "fecha de nacimiento"),
        (sas(jovenes_mayoria=True), True, "Aplica"),
        (sas(jovenes_mayoria=False), False, "mitad más uno"),
        (sas(jovenes_mayoria=True, num_empleados=50), True, "Aplica"),
        (sas(jovenes_mayoria=True, num_empleados=51), False, "51 trabajadores"),
        (sas(jovenes_mayoria=True, activos=ASSETS_LIMIT - 1), True, "Aplica"),
        (sas(jovenes_mayoria=True, activos=ASSETS_LIMIT), True, "Aplica"),
        (
            sas(jovenes_mayoria=True, activos=ASSETS_LIMIT + Decimal("0.01")),
            False,
            "superan 5.000 SMMLV de 2026",
        ),
        ({"tipo": "otro", "activos": Decimal(0)}, False, "personas naturales"),
    ],
)
def test_young_entrepreneur_exempt(answers, eligible, reason_part):
    result, reason = young_entrepreneur_exempt(answers, on=ON)
    assert result is eligible
    assert reason_part in reason


def test_ley_1780_cap_is_5000_smmlv_of_the_year_of_the_estimate():
    assets = 5_000 * parameters.smmlv(2025) + 1
    answers = sas(jovenes_mayoria=True, activos=assets)
    assert young_entrepreneur_exempt(answers, on=datetime.date(2025, 6, 1))[0] is False
    assert young_entrepreneur_exempt(answers, on=ON)[0] is True


def test_young_entrepreneur_for_sas_ignores_the_representatives_age():
    answers = sas(jovenes_mayoria=True, fecha_nacimiento=datetime.date(1950, 1, 1))
    assert young_entrepreneur_exempt(answers, on=ON)[0] is True


# --- free and not-estimable procedures ------------------------------------------


@pytest.mark.parametrize("code", FREE_CODES)
def test_free_procedures_are_zero_and_gratuito(code):
    [line] = fee_breakdown(sas(), [code], on=ON).lines
    assert line.amount == Decimal(0)
    assert not line.collected_online
    assert line.display_amount == "Gratuito"
    assert line.concept and line.basis


@pytest.mark.parametrize("code", UNCONFIRMED_CODES)
def test_unconfirmed_procedures_are_never_free(code):
    [line] = fee_breakdown(sas(), [code], on=ON).lines
    assert line.amount is None and not line.collected_online
    assert line.display_amount == "Valor sin confirmar: consúltelo con la entidad"
    # No research note stands as a basis; the citizen is told to ask the entity.
    assert line.concept and not line.basis
    assert "Pregunte a la entidad" in line.note and "[I]" not in line.note


@pytest.mark.parametrize("code", CONTRIBUTION_CODES)
def test_contributions_are_not_a_fee_of_the_filing(code):
    [line] = fee_breakdown(sas(), [code], on=ON).lines
    assert line.amount is None and not line.collected_online
    assert line.display_amount == "Aportes a la seguridad social, aparte del trámite"
    assert line.basis and "sin costo" not in line.basis


def test_free_is_said_only_of_free_lines():
    breakdown = fee_breakdown(sas(), ALL_CODES, on=ON)
    free = {line.code for line in breakdown.lines if line.display_amount == "Gratuito"}
    assert free == set(FREE_CODES)


@pytest.mark.parametrize("code", NOT_ESTIMABLE_CODES)
def test_not_estimable_procedures_have_no_amount(code):
    [line] = fee_breakdown(sas(), [code], on=ON).lines
    assert line.amount is None
    assert not line.collected_online
    assert line.display_amount == "Lo liquida la entidad"
    assert line.concept and line.basis and line.note


@pytest.mark.parametrize("code", ("F21", "F22", "F23", "F24", "F25"))
def test_social_security_notes_mention_payroll(code):
    [line] = fee_breakdown(sas(), [code], on=ON).lines
    assert "nómina" in line.note


def test_every_procedure_has_lines_with_a_basis():
    breakdown = fee_breakdown(sas(), ALL_CODES, on=ON)
    assert {line.code for line in breakdown.lines} == set(ALL_CODES)
    # A fee nobody verified has no basis to show; every other line has one.
    assert all(
        bool(line.basis) != (line.kind == fees.UNCONFIRMED) for line in breakdown.lines
    )
    codes = [line.code for line in breakdown.lines]
    assert codes == sorted(codes)
    # None amounts are never counted as paid at submit.
    assert not any(
        line.amount is None and line.collected_online for line in breakdown.lines
    )


def test_unknown_code_is_visible_not_silent():
    [line] = fee_breakdown(sas(), ["F99"], on=ON).lines
    assert line.amount is None
    assert line.note


# --- totals, format, years ------------------------------------------------------


def test_total_online_and_amount_due_ignore_free_and_pending_lines():
    lines = (
        FeeLine("F03", "a", Decimal(100), "b", True),
        FeeLine("F03", "c", Decimal(0), "b", True),
        FeeLine("F03", "d", Decimal(7), "b", False),
        FeeLine("F06", "e", None, "b", False),
        FeeLine("F07", "f", Decimal(50), "b", True),
    )
    breakdown = FeeBreakdown(lines=lines, year=YEAR, uvb=UVB)
    assert breakdown.total_online == Decimal(150)
    assert breakdown.amount_due("F03") == Decimal(100)
    assert breakdown.amount_due("F06") == Decimal(0)
    assert breakdown.for_code("F07") == (lines[4],)


def test_year_without_values_is_refused_not_estimated_in_old_money():
    with pytest.raises(ParameterMissing) as refused:
        fee_breakdown(sas(), WORKED_EXAMPLE_CODES, on=datetime.date(2027, 1, 2))
    assert "2027" in str(refused.value)


def test_year_before_decreto_045_is_rejected():
    with pytest.raises(ParameterMissing):
        fee_breakdown(sas(), ["F04"], on=datetime.date(2024, 12, 31))


def test_fees_yaml_holds_no_yearly_money():
    assert "parameters" not in fees.tables()
    with pytest.raises(ValueError):
        fees._check({"parameters": {}})


def test_data_file_covers_the_25_procedures_and_both_readings():
    data = fees.tables()
    assert set(data["procedures"]) == set(ALL_CODES)
    computed = {
        code for code, rule in data["procedures"].items() if rule["kind"] == "computed"
    }
    assert computed == set(fees._COMPUTED)
    readings = data["commercial_registry"][0]["readings"]
    assert {row["rate_unit"] for row in readings["continuous"]} == {"per_uvb_of_assets"}
    assert {row["rate_unit"] for row in readings["per_million"]} == {"per_cop_million"}
