"""Fee estimator of the formalization bundle (formalization/fees.py): no DB."""

import datetime
from decimal import Decimal

import pytest

from formalization import fees
from formalization.fees import (
    FeeBreakdown,
    FeeLine,
    commercial_registry_fee_uvb,
    establishment_fee_uvb,
    fee_breakdown,
    format_cop,
    round_fee,
    young_entrepreneur_exempt,
)

UVB_2025 = Decimal(11552)
SMMLV_2025 = Decimal(1423500)
ON_2025 = datetime.date(2025, 6, 1)
ALL_CODES = tuple(f"F{number:02d}" for number in range(1, 26))
FREE_CODES = [
    "F01",
    "F02",
    "F08",
    "F09",
    "F10",
    "F11",
    "F12",
    "F13",
    "F14",
    "F16",
    "F20",
    "F21",
    "F22",
    "F23",
    "F24",
    "F25",
]
NOT_ESTIMABLE_CODES = ("F15", "F17", "F18", "F19")


def uvb_to_cop(uvb) -> Decimal:
    return Decimal(uvb) * UVB_2025


def sas(**overrides):
    """The worked example of domain.md §5.1: SAS, one shareholder, COP 10 M."""
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


@pytest.mark.parametrize(("breakpoint_uvb", "base_uvb"), BREAKPOINTS)
def test_tier_formula_is_the_base_at_each_breakpoint(breakpoint_uvb, base_uvb):
    fee = commercial_registry_fee_uvb(uvb_to_cop(breakpoint_uvb), year=2025)
    assert fee == Decimal(base_uvb)


@pytest.mark.parametrize(("breakpoint_uvb", "base_uvb"), BREAKPOINTS)
def test_tier_formula_is_continuous_around_each_breakpoint(breakpoint_uvb, base_uvb):
    below = commercial_registry_fee_uvb(uvb_to_cop(breakpoint_uvb) - 1, year=2025)
    above = commercial_registry_fee_uvb(uvb_to_cop(breakpoint_uvb) + 1, year=2025)
    assert below < Decimal(base_uvb) < above
    assert abs(above - below) < Decimal("0.01")


@pytest.mark.parametrize(
    ("assets_uvb", "expected_uvb"),
    [
        (0, Decimal(2)),
        (1_000, Decimal(9)),
        (10_000, Decimal("59.75")),
        (100_000, Decimal("168")),
        (3_976_000, Decimal(1000)),  # 753 + 0.000125 × 1,976,000 = 1,000: the cap
        (3_975_000, Decimal("999.875")),
        (5_000_000, Decimal(1000)),
        (50_000_000, Decimal(1000)),
    ],
)
def test_tier_formula_values_min_and_cap(assets_uvb, expected_uvb):
    fee = commercial_registry_fee_uvb(uvb_to_cop(assets_uvb), year=2025)
    assert fee == expected_uvb


def test_calculator_reading_is_supported_and_jumps_at_breakpoints():
    ten_million = Decimal(10_000_000)
    fee = commercial_registry_fee_uvb(ten_million, year=2025, reading="calculator")
    assert fee == Decimal(9)  # 2 + 0.7 × 10
    assert round_fee(fee * UVB_2025, year=2025) == Decimal(104_000)
    below = commercial_registry_fee_uvb(
        uvb_to_cop(6_500) - 1, year=2025, reading="calculator"
    )
    assert below > Decimal("54.5")  # jumps down to 47.5 above the breakpoint


def test_negative_assets_are_rejected():
    with pytest.raises(ValueError):
        commercial_registry_fee_uvb(Decimal(-1), year=2025)


# --- rounding -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("8086.4", 8_100),  # ≤ 3 % SMMLV (42,705): nearest 100
        ("42649.99", 42_600),
        ("42650", 42_700),  # half up
        ("42705", 42_700),  # exactly at the threshold: still nearest 100
        ("42705.01", 43_000),  # above: nearest 1,000
        ("69312", 69_000),
        ("69500", 70_000),  # half up
        ("93104.32", 93_000),
        ("0", 0),
    ],
)
def test_round_fee(amount, expected):
    assert round_fee(Decimal(amount), year=2025) == Decimal(expected)


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
    assert establishment_fee_uvb(assets, year=2025) == Decimal(fee_uvb)
    assert establishment_fee_uvb(assets, year=2025, same_jurisdiction=False) == Decimal(
        2 * fee_uvb
    )


# --- worked example -------------------------------------------------------------

WORKED_EXAMPLE_CODES = ("F01", "F04", "F05", "F06", "F07", "F08", "F09")


@pytest.mark.parametrize(
    ("code", "concept_start", "amount"),
    [
        ("F04", "Matrícula mercantil de persona jurídica", 93_000),
        ("F04", "Inscripción del documento de constitución", 69_000),
        ("F04", "Inscripción de la situación de control", 69_000),
        ("F05", "Matrícula del establecimiento", 46_000),
        ("F04", "Formulario del RUES", 8_100),
        ("F07", "Impuesto de registro: constitución", 70_000),
        ("F07", "Impuesto de registro: situación de control", 189_800),
    ],
)
def test_worked_example_line_by_line(code, concept_start, amount):
    breakdown = fee_breakdown(sas(), WORKED_EXAMPLE_CODES, on=ON_2025)
    [line] = [
        line
        for line in breakdown.for_code(code)
        if line.concept.startswith(concept_start)
    ]
    assert line.amount == Decimal(amount)
    assert line.collected_online
    assert line.basis


def test_worked_example_totals():
    breakdown = fee_breakdown(sas(), WORKED_EXAMPLE_CODES, on=ON_2025)
    ccb = breakdown.amount_due("F04") + breakdown.amount_due("F05")
    assert ccb == Decimal(285_100)
    assert breakdown.amount_due("F07") == Decimal(259_800)
    assert breakdown.total_online == Decimal(544_900)
    assert (breakdown.year, breakdown.uvb, breakdown.smmlv) == (
        2025,
        UVB_2025,
        SMMLV_2025,
    )
    assert breakdown.notes == ()


def test_worked_example_with_ley_1780_only_frees_the_matricula():
    breakdown = fee_breakdown(
        sas(jovenes_mayoria=True), WORKED_EXAMPLE_CODES, on=ON_2025
    )
    matricula = breakdown.for_code("F04")[0]
    assert matricula.concept == "Matrícula mercantil de persona jurídica"
    assert matricula.amount == Decimal(0)
    assert matricula.note == "Exento por la Ley 1780 de 2016 (Decreto 639 de 2017)"
    assert "Ley 1780 de 2016" in matricula.basis
    assert amounts(breakdown, "F05") == [Decimal(46_000)]
    assert breakdown.total_online == Decimal(544_900 - 93_000)


def test_several_shareholders_have_no_control_lines():
    breakdown = fee_breakdown(sas(num_accionistas=3), WORKED_EXAMPLE_CODES, on=ON_2025)
    assert amounts(breakdown, "F04") == [
        Decimal(93_000),
        Decimal(69_000),
        Decimal(8_100),
    ]
    assert amounts(breakdown, "F07") == [Decimal(70_000)]


def test_persona_natural_matricula_and_form():
    breakdown = fee_breakdown(natural(), ["F03", "F05"], on=ON_2025)
    assert [(line.concept, line.amount) for line in breakdown.lines] == [
        ("Matrícula mercantil de persona natural", Decimal(93_000)),
        ("Formulario del RUES", Decimal(8_100)),
        ("Matrícula del establecimiento de comercio", Decimal(46_000)),
    ]
    young = fee_breakdown(
        natural(fecha_nacimiento=datetime.date(2000, 1, 1)), ["F03"], on=ON_2025
    )
    assert amounts(young, "F03") == [Decimal(0), Decimal(8_100)]


def test_rnt_causes_registration_tax_sin_cuantia():
    breakdown = fee_breakdown(natural(), ["F03", "F07", "F20"], on=ON_2025)
    assert [(line.code, line.amount) for line in breakdown.for_code("F07")] == [
        ("F07", Decimal(189_800))
    ]
    [rnt] = breakdown.for_code("F20")
    assert rnt.amount == Decimal(0)
    assert rnt.display_amount == "Gratuito"


def test_books_are_left_to_the_chamber():
    breakdown = fee_breakdown(sas(), ["F06"], on=ON_2025)
    lines = breakdown.for_code("F06")
    assert len(lines) == 2
    assert all(line.amount is None and not line.collected_online for line in lines)
    assert all("[I]" in line.note for line in lines)
    assert breakdown.total_online == 0


def test_missing_assets_leave_the_matricula_to_the_entity():
    breakdown = fee_breakdown(natural(activos=None), ["F03", "F05"], on=ON_2025)
    matricula, form, establishment = breakdown.lines
    assert matricula.amount is None and not matricula.collected_online
    assert establishment.amount is None
    assert form.amount == Decimal(8_100)
    assert breakdown.pending == (matricula, establishment)


# --- Ley 1780 -------------------------------------------------------------------

ASSETS_LIMIT = 5_000 * SMMLV_2025


@pytest.mark.parametrize(
    ("answers", "eligible", "reason_part"),
    [
        (natural(fecha_nacimiento=datetime.date(2007, 6, 2)), False, "17 años"),
        (natural(fecha_nacimiento=datetime.date(2007, 6, 1)), True, "Aplica"),
        (natural(fecha_nacimiento=datetime.date(1989, 6, 2)), True, "Aplica"),
        (natural(fecha_nacimiento=datetime.date(1989, 6, 1)), False, "36 años"),
        (natural(fecha_nacimiento=None), False, "fecha de nacimiento"),
        (sas(jovenes_mayoria=True), True, "Aplica"),
        (sas(jovenes_mayoria=False), False, "mitad más uno"),
        (sas(jovenes_mayoria=True, num_empleados=50), True, "Aplica"),
        (sas(jovenes_mayoria=True, num_empleados=51), False, "51 trabajadores"),
        (sas(jovenes_mayoria=True, activos=ASSETS_LIMIT - 1), True, "Aplica"),
        (sas(jovenes_mayoria=True, activos=ASSETS_LIMIT), False, "5.000 SMMLV"),
        ({"tipo": "otro", "activos": Decimal(0)}, False, "personas naturales"),
    ],
)
def test_young_entrepreneur_exempt(answers, eligible, reason_part):
    result, reason = young_entrepreneur_exempt(answers, on=ON_2025)
    assert result is eligible
    assert reason_part in reason


def test_young_entrepreneur_for_sas_ignores_the_representatives_age():
    answers = sas(jovenes_mayoria=True, fecha_nacimiento=datetime.date(1950, 1, 1))
    assert young_entrepreneur_exempt(answers, on=ON_2025)[0] is True


# --- free and not-estimable procedures ------------------------------------------


@pytest.mark.parametrize("code", FREE_CODES)
def test_free_procedures_are_zero_and_gratuito(code):
    [line] = fee_breakdown(sas(), [code], on=ON_2025).lines
    assert line.amount == Decimal(0)
    assert not line.collected_online
    assert line.display_amount == "Gratuito"
    assert line.concept and line.basis


@pytest.mark.parametrize("code", NOT_ESTIMABLE_CODES)
def test_not_estimable_procedures_have_no_amount(code):
    [line] = fee_breakdown(sas(), [code], on=ON_2025).lines
    assert line.amount is None
    assert not line.collected_online
    assert line.display_amount == "Lo liquida la entidad"
    assert line.concept and line.basis and line.note


@pytest.mark.parametrize("code", ("F21", "F22", "F23", "F24", "F25"))
def test_social_security_notes_mention_payroll(code):
    [line] = fee_breakdown(sas(), [code], on=ON_2025).lines
    assert "nómina" in line.note


def test_every_procedure_has_lines_with_a_basis():
    breakdown = fee_breakdown(sas(), ALL_CODES, on=ON_2025)
    assert {line.code for line in breakdown.lines} == set(ALL_CODES)
    assert all(line.basis for line in breakdown.lines)
    codes = [line.code for line in breakdown.lines]
    assert codes == sorted(codes)
    # None amounts are never counted as paid at submit.
    assert not any(
        line.amount is None and line.collected_online for line in breakdown.lines
    )


def test_unknown_code_is_visible_not_silent():
    [line] = fee_breakdown(sas(), ["F99"], on=ON_2025).lines
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
    breakdown = FeeBreakdown(lines=lines, year=2025, uvb=UVB_2025)
    assert breakdown.total_online == Decimal(150)
    assert breakdown.amount_due("F03") == Decimal(100)
    assert breakdown.amount_due("F06") == Decimal(0)
    assert breakdown.for_code("F07") == (lines[4],)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal(1_234_567), "$ 1.234.567"),
        (Decimal("1234567.89"), "$ 1.234.567,89"),
        (Decimal("1234567.00"), "$ 1.234.567"),
        (Decimal("0.5"), "$ 0,50"),
        (Decimal(0), "$ 0"),
        (Decimal(999), "$ 999"),
        (Decimal(1000), "$ 1.000"),
        (Decimal(-8100), "-$ 8.100"),
    ],
)
def test_format_cop(amount, text):
    assert format_cop(amount) == text


def test_year_without_values_falls_back_visibly():
    breakdown = fee_breakdown(
        sas(), WORKED_EXAMPLE_CODES, on=datetime.date(2026, 11, 24)
    )
    assert breakdown.year == 2025
    assert breakdown.uvb == UVB_2025
    assert "Valor UVB 2025: el de 2026 aún no está en la tabla." in breakdown.notes
    assert "Valor SMMLV 2025: el de 2026 aún no está en la tabla." in breakdown.notes
    assert breakdown.total_online == Decimal(544_900)


def test_year_before_decreto_045_is_rejected():
    with pytest.raises(ValueError):
        fee_breakdown(sas(), ["F04"], on=datetime.date(2024, 12, 31))


def test_data_file_covers_the_25_procedures_and_both_readings():
    data = fees.tables()
    assert set(data["procedures"]) == set(ALL_CODES)
    computed = {
        code for code, rule in data["procedures"].items() if rule["kind"] == "computed"
    }
    assert computed == set(fees._COMPUTED)
    readings = data["commercial_registry"][0]["readings"]
    assert {row["rate_unit"] for row in readings["continuous"]} == {"per_uvb_of_assets"}
    assert {row["rate_unit"] for row in readings["calculator"]} == {"per_cop_million"}
