import datetime

from tests.oversight.procedure_overrides import override
from tests.oversight.trail import START, Trail

HOUR = datetime.timedelta(hours=1)


def test_the_officer_who_filed_and_decided_is_a_flag():
    trail = Trail()
    filing = trail.file("R1", at=START, applicant="user:7")
    trail.act("R1", "tomar", at=START + HOUR, officer="7")
    decision = trail.act("R1", "rechazar", at=START + 2 * HOUR, officer="7")

    [flag] = trail.findings("D11")

    assert flag.key == "D11:R1:filed_and_decided"
    assert flag.evidence == (filing, decision)
    assert flag.officer == "7"


def test_a_case_filed_by_one_and_decided_by_another_is_no_flag():
    trail = Trail()
    trail.file("R1", at=START, applicant="user:6")
    trail.act("R1", "aprobar", at=START + HOUR, officer="7")
    assert trail.findings("D11") == []


def plant_four_eyes(trail, procedure, *, reviewer=None):
    trail.file("R1", at=START, procedure=procedure)
    take = trail.act(
        "R1",
        "asignar",
        at=START + HOUR,
        officer="9",
        assigned_to="7",
        procedure=procedure,
    )
    if reviewer:
        trail.act(
            "R1",
            "solicitar_informacion",
            at=START + 2 * HOUR,
            officer=reviewer,
            procedure=procedure,
        )
    approval = trail.act(
        "R1", "aprobar", at=START + 3 * HOUR, officer="7", procedure=procedure
    )
    return take, approval


def test_approving_alone_a_four_eyes_procedure_is_a_flag():
    trail = Trail()
    take, approval = plant_four_eyes(trail, "SDS-007")

    [flag] = trail.findings("D11")

    assert flag.key == "D11:R1:four_eyes"
    assert flag.evidence == (take, approval)
    assert (flag.officer, flag.procedure) == ("7", "SDS-007")


def test_another_officers_act_or_an_ordinary_procedure_is_no_flag(monkeypatch):
    trail = Trail()
    plant_four_eyes(trail, "SDS-007", reviewer="8")
    assert trail.findings("D11") == []

    ordinary = Trail()
    plant_four_eyes(ordinary, "P01")
    assert ordinary.findings("D11") == []
    override(monkeypatch, "P01", "D11", four_eyes_procedures=["P01"])
    assert [flag.key for flag in ordinary.findings("D11")] == ["D11:R1:four_eyes"]
