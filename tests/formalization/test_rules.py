"""The 25 rules of formalization/rules.py (named by the registry), one by one: pure
functions, no DB."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine

from catalog import parameters
from formalization import ciiu, registry, rules

ALL_CODES = [f"F{n:02d}" for n in range(1, 26)]
# The registry's entries, indexed the way these tests read them.
RULES = {p.code: p.rule for p in registry.PROCEDURES}
DEPENDS_ON = {p.code: p.depends_on for p in registry.PROCEDURES if p.depends_on}
NEEDS_ALL = {p.code for p in registry.PROCEDURES if p.needs_all}
YEAR = 2026
START_2025 = datetime.date(2025, 6, 1)
NOW = datetime.datetime(YEAR, 6, 1, 12, 0, tzinfo=datetime.UTC)
SPANISH_WORDS = re.compile(
    r"\b(de|la|el|los|las|no|su|se|debe|un|una|en|por|para|con|sin)\b", re.I
)


@pytest.fixture(autouse=True)
def _in_2026():
    """Rules use the current year's money: evaluate them in a year with data."""
    with time_machine.travel(NOW, tick=False):
        yield


def person(**overrides):
    """A person without shop, staff or any optional answer: the minimum of rules."""
    answers = {
        "tipo": "persona_natural",
        "ciiu": "6201",
        "tiene_establecimiento": False,
        "num_empleados": 0,
        "obligado_facturar": False,
        "opta_simple": False,
        "interes_sanitario": False,
        "aviso_exterior": False,
        "musica_publica": False,
        "impactos_ambientales": [],
        "servicio_turistico": "ninguno",
        "ingresos_estimados": Decimal(100_000_000),
        "fecha_inicio": START_2025,
    }
    return {**answers, **overrides}


def sas(**overrides):
    return person(tipo="sas", **overrides)


def shop(**overrides):
    return person(tiene_establecimiento=True, **overrides)


def restaurant_income(income):
    return shop(servicio_turistico="gastronomia", ingresos_estimados=income)


# code, answers where it applies, answers where it does not (None: always applies).
CASES = [
    ("F01", sas(), None),
    ("F02", shop(), person()),
    ("F03", person(), sas()),
    ("F04", sas(), person()),
    ("F05", shop(), person()),
    ("F06", sas(), person()),
    ("F07", sas(), person()),
    ("F08", person(), None),
    ("F09", person(ciiu="4711"), person(ciiu="0111")),
    ("F10", person(obligado_facturar=True), person()),
    ("F11", person(obligado_facturar=True), person()),
    ("F12", person(opta_simple=True), person()),
    ("F13", sas(), person()),
    ("F14", shop(), person()),
    ("F15", shop(), person()),
    ("F16", shop(interes_sanitario=True), shop()),
    ("F17", shop(aviso_exterior=True), shop()),
    ("F18", shop(impactos_ambientales=["aceites"]), shop()),
    ("F19", shop(musica_publica=True), shop()),
    ("F20", person(servicio_turistico="alojamiento"), person()),
    ("F21", person(num_empleados=3), person()),
    ("F22", person(num_empleados=3), person()),
    ("F23", person(num_empleados=3), person()),
    ("F24", person(num_empleados=3), person()),
    ("F25", person(num_empleados=3), person()),
]


def assert_spanish(reason: str):
    assert isinstance(reason, str) and len(reason.strip()) >= 15, reason
    assert reason.strip()[-1] in ".)", reason
    assert SPANISH_WORDS.search(reason), reason


def test_every_code_has_a_rule_and_a_case():
    assert sorted(RULES) == ALL_CODES
    assert [code for code, _yes, _no in CASES] == ALL_CODES


@pytest.mark.parametrize(("code", "yes", "no"), CASES, ids=[c[0] for c in CASES])
def test_rule_applies_and_does_not(code, yes, no):
    applies, reason_yes = RULES[code](yes)
    assert applies is True
    assert_spanish(reason_yes)
    if no is None:
        # docs/domain.md §10: F01 and F08 apply to every business ("Always").
        assert code in {"F01", "F08"}
        return
    applies, reason_no = RULES[code](no)
    assert applies is False
    assert_spanish(reason_no)
    assert reason_no != reason_yes


@pytest.mark.parametrize("code", ["F01", "F08"])
@pytest.mark.parametrize(
    "answers",
    [person(), sas(), shop(num_empleados=2), sas(tiene_establecimiento=True)],
    ids=["persona", "sas", "local", "sas-local"],
)
def test_always_applicable_rules(code, answers):
    applies, reason = RULES[code](answers)
    assert applies is True
    assert_spanish(reason)


def test_f01_reason_names_the_company_or_the_business():
    _, for_sas = RULES["F01"](sas())
    _, for_person = RULES["F01"](person())
    assert "sociedad" in for_sas and "sociedad" not in for_person
    assert for_sas != for_person


def test_evaluate_returns_all_25_in_order_and_applicable_filters():
    answers = shop(num_empleados=1)
    verdicts = registry.evaluate(answers)
    assert [v.code for v in verdicts] == ALL_CODES
    applicable = registry.applicable(answers)
    assert [v.code for v in applicable] == [v.code for v in verdicts if v.applies]
    assert "F04" not in [v.code for v in applicable]
    assert {"F03", "F05", "F21", "F25"} <= {v.code for v in applicable}


# --- RNT for restaurants and bars: strictly above 500 SMMLV ---------------------

THRESHOLD = parameters.smmlv(YEAR) * 500


def test_rnt_threshold_is_500_smmlv_of_the_current_year():
    assert rules.current_year() == YEAR
    assert rules.smmlv_threshold_cop(YEAR) == THRESHOLD
    between = parameters.smmlv(2025) * 500 + 1
    assert between < THRESHOLD
    # A restaurant starting in 2025 is judged with the money of now, not of 2025.
    answers = restaurant_income(between)
    assert answers["fecha_inicio"].year == 2025
    assert RULES["F20"](answers)[0] is False


@pytest.mark.parametrize(
    ("income", "applies"),
    [
        (THRESHOLD - 1, False),
        (THRESHOLD, False),
        (THRESHOLD + Decimal("0.01"), True),
        (THRESHOLD + 1, True),
        (None, False),
    ],
    ids=["below", "exactly-500", "a-cent-above", "above", "no-income"],
)
def test_rnt_edge_for_restaurants(income, applies):
    result, reason = RULES["F20"](restaurant_income(income))
    assert result is applies
    assert "500 salarios mínimos" in reason
    # The RNT is an act registered at the chamber: it causes registration tax.
    assert RULES["F07"](restaurant_income(income))[0] is applies


def test_rnt_reason_differs_at_the_edge():
    _, at = RULES["F20"](restaurant_income(THRESHOLD))
    _, above = RULES["F20"](restaurant_income(THRESHOLD + 1))
    assert at != above
    assert "superiores" in above and "hasta" in at


@pytest.mark.parametrize("kind", sorted(rules.TOURISM_RNT_KINDS))
def test_rnt_tourism_services_apply_whatever_the_income(kind):
    answers = person(servicio_turistico=kind, ingresos_estimados=Decimal(1))
    assert RULES["F20"](answers)[0] is True


# --- F12: Régimen Simple only below 100.000 UVT of income -------------------------

SIMPLE_CEILING = parameters.uvt(YEAR) * 100_000


@pytest.mark.parametrize(
    ("income", "applies"),
    [
        (SIMPLE_CEILING - 1, True),
        (SIMPLE_CEILING, False),
        (SIMPLE_CEILING + 1, False),
        (None, True),
    ],
    ids=["below", "exactly-100000-uvt", "above", "no-income"],
)
def test_f12_checks_the_income_ceiling(income, applies):
    result, reason = RULES["F12"](person(opta_simple=True, ingresos_estimados=income))
    assert result is applies
    assert_spanish(reason)
    assert "100.000 UVT" in reason


def test_f12_reason_names_the_ceiling_in_pesos():
    _, reason = RULES["F12"](
        person(opta_simple=True, ingresos_estimados=SIMPLE_CEILING)
    )
    assert "$ 5.237.400.000" in reason and "2026" in reason


# --- F16 and F18 follow the activity, not the premises ----------------------------


def test_f16_applies_to_a_home_bakery():
    bakery = person(ciiu="1081", interes_sanitario=True, tiene_establecimiento=False)
    applies, reason = RULES["F16"](bakery)
    assert applies is True
    assert "vivienda" in reason
    codes = codes_for(bakery)
    assert "F16" in codes and "F05" not in codes
    assert registry.prerequisites("F16", codes) == ["F03"]


def test_f18_applies_to_a_chemicals_warehouse():
    warehouse = sas(ciiu="5210", impactos_ambientales=["respel"])
    applies, reason = RULES["F18"](warehouse)
    assert applies is True
    assert_spanish(reason)
    codes = codes_for(warehouse)
    assert "F18" in codes
    assert registry.prerequisites("F18", codes) == ["F04"]


def test_f16_and_f18_with_premises_still_follow_the_establishment():
    codes = codes_for(shop(interes_sanitario=True, impactos_ambientales=["aceites"]))
    assert registry.prerequisites("F16", codes) == ["F05"]
    assert registry.prerequisites("F18", codes) == ["F05"]


def test_money_rules_refuse_a_year_without_values():
    with time_machine.travel(datetime.datetime(2027, 1, 5, 12, tzinfo=datetime.UTC)):
        with pytest.raises(parameters.ParameterMissing):
            RULES["F20"](restaurant_income(THRESHOLD))
        with pytest.raises(parameters.ParameterMissing):
            RULES["F12"](person(opta_simple=True))


# --- F09: ICA-taxed activity or not ---------------------------------------------


def test_f09_ng_activity_from_the_data_file():
    not_taxed = ciiu.activities()["0111"]
    assert not_taxed.ica_group == "NG" and not not_taxed.ica_taxed
    assert ciiu.activities()["4711"].ica_taxed
    applies, reason = RULES["F09"](person(ciiu="0111"))
    assert applies is False
    assert "0111" in reason and "ICA" in reason
    applies, reason = RULES["F09"](person(ciiu="4711"))
    assert applies is True and "RIT" in reason


@pytest.mark.parametrize(
    "code",
    [c for c, a in ciiu.activities().items() if a.ica_group == "NG"][:5],
)
def test_f09_every_ng_row_is_exempt(code):
    assert RULES["F09"](person(ciiu=code))[0] is False


# --- prerequisites and DEPENDS_ON -----------------------------------------------


def codes_for(answers):
    return [v.code for v in registry.applicable(answers)]


def test_f05_depends_on_f03_for_a_person():
    codes = codes_for(shop())
    assert registry.prerequisites("F05", codes) == ["F03"]


def test_f05_depends_on_f04_for_a_sas():
    codes = codes_for(sas(tiene_establecimiento=True))
    assert registry.prerequisites("F05", codes) == ["F04"]


def test_f25_needs_all_four_affiliations():
    codes = codes_for(shop(num_empleados=2))
    assert registry.prerequisites("F25", codes) == ["F21", "F22", "F23", "F24"]


def test_prerequisites_ignore_procedures_that_do_not_apply():
    assert registry.prerequisites("F01", ALL_CODES) == []
    assert registry.prerequisites("F11", ["F11"]) == []
    assert registry.prerequisites("F11", ["F10", "F11"]) == ["F10"]


def test_depends_on_only_references_existing_codes():
    for code, prerequisites in DEPENDS_ON.items():
        assert code in RULES
        assert prerequisites, code
        for prerequisite in prerequisites:
            assert prerequisite in RULES, (code, prerequisite)
            assert prerequisite != code
    assert set(DEPENDS_ON) >= NEEDS_ALL


def test_depends_on_has_no_cycles():
    def reaches(start, target, seen=()):
        return any(
            p == target or (p not in seen and reaches(p, target, (*seen, p)))
            for p in DEPENDS_ON.get(start, ())
        )

    assert not [code for code in DEPENDS_ON if reaches(code, code)]


@pytest.mark.parametrize(
    "answers",
    [person(), sas(), shop(num_empleados=4, obligado_facturar=True, opta_simple=True)],
    ids=["persona", "sas", "local-con-todo"],
)
def test_every_applicable_prerequisite_is_itself_applicable(answers):
    codes = codes_for(answers)
    for code in codes:
        prerequisites = registry.prerequisites(code, codes)
        assert set(prerequisites) <= set(codes)
        if code in DEPENDS_ON and code not in NEEDS_ALL:
            # Exactly one alternative (the matrícula that applies) is chosen.
            assert len(prerequisites) == 1, (code, prerequisites)
