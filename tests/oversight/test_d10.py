import datetime

import pytest

from tests.oversight.procedure_overrides import override
from tests.oversight.trail import START, Trail

HOUR = datetime.timedelta(hours=1)
YOUNG = {"age": 30, "employees": 5, "assets_cop": "100000000", "kind": "natural"}


def fee(computed="350000", charged="350000", exemption="", facts=None):
    return {
        "computed": computed,
        "charged": charged,
        "exemption": exemption,
        "exemption_facts": facts or {},
    }


def test_a_charged_amount_other_than_the_computed_is_a_flag():
    trail = Trail()
    filing = trail.file("R1", at=START, fee=fee(charged="450000"))

    [flag] = trail.findings("D10")

    assert flag.key == "D10:R1:amount:1"
    assert flag.evidence == (filing,)
    assert flag.officer == ""  # the citizen filed it: nobody's flag to hide
    assert "$450.000" in flag.summary and "$350.000" in flag.summary


def test_a_payment_recorded_by_an_officer_with_another_amount_is_a_flag():
    trail = Trail()
    trail.file("R1", at=START, fee=fee())
    paid = trail.event(
        "R1",
        "case.fee_paid",
        at=START + HOUR,
        actor_id="7",
        details={"computed": "350000", "charged": "349000", "payment_account": "m1:x"},
    )

    [flag] = trail.findings("D10")

    assert (flag.key, flag.evidence, flag.officer) == ("D10:R1:amount:2", (paid,), "7")


def test_a_difference_within_the_procedures_tolerance_is_no_flag(monkeypatch):
    trail = Trail()
    trail.file("R1", at=START, fee=fee(charged="350500"))
    assert len(trail.findings("D10")) == 1
    override(monkeypatch, "P01", "D10", tolerance_cop=500)
    assert trail.findings("D10") == []


@pytest.mark.parametrize(
    ("facts", "condition"),
    [
        ({**YOUNG, "age": 36}, "edad de 18 a 35 años"),
        ({**YOUNG, "employees": 51}, "máximo 50 trabajadores"),
        # 5,000 SMMLV of 2026 (1,750,905) is 8,754,525,000.
        ({**YOUNG, "assets_cop": "8754525001"}, "activos hasta 5000 SMMLV"),
    ],
)
def test_an_exemption_whose_facts_fail_the_law_is_a_flag(facts, condition):
    trail = Trail()
    filing = trail.file(
        "R1",
        at=START,
        fee=fee(charged="0", computed="0", exemption="ley_1780", facts=facts),
    )

    [flag] = trail.findings("D10")

    assert (flag.key, flag.evidence) == ("D10:R1:exemption", (filing,))
    assert f"({condition})" in flag.summary  # the condition, not the answers
    assert "36" not in flag.summary and "8754525001" not in flag.summary


@pytest.mark.parametrize(
    "facts",
    [
        {**YOUNG, "age": 35},
        {**YOUNG, "age": 18, "employees": 50},
        {**YOUNG, "assets_cop": "8754525000"},
        {**YOUNG, "kind": "sociedad"},
    ],
)
def test_an_exemption_just_inside_the_conditions_is_no_flag(facts):
    trail = Trail()
    trail.file(
        "R1",
        at=START,
        fee=fee(charged="0", computed="0", exemption="ley_1780", facts=facts),
    )
    assert trail.findings("D10") == []
