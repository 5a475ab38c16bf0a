import datetime

from tests.oversight.procedure_overrides import override
from tests.oversight.trail import START, Trail

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def plant(trail, *, older=3, waiting_on_citizen=0, priority_reason=""):
    """``older`` cases wait in review; then a newer case is taken and approved."""
    filings = []
    for n in range(older + waiting_on_citizen):
        radicado = f"OLD-{n}"
        filings.append(trail.file(radicado, at=START + n * HOUR))
        trail.act(radicado, "tomar", at=START + DAY, officer="7", status="en_revision")
        if n >= older:
            trail.act(
                radicado,
                "solicitar_informacion",
                at=START + DAY + HOUR,
                officer="7",
                status="requiere_informacion",
            )
    trail.file("NEW", at=START + 2 * DAY)
    details = {"priority_reason": priority_reason} if priority_reason else {}
    trail.act(
        "NEW", "tomar", at=START + 2 * DAY + HOUR, officer="8", status="en_revision"
    )
    decision = trail.act(
        "NEW",
        "aprobar",
        at=START + 2 * DAY + 2 * HOUR,
        officer="8",
        status="aprobado",
        details=details,
    )
    return filings, decision


def test_a_newer_case_approved_while_three_older_wait_is_a_flag():
    trail = Trail()
    filings, decision = plant(trail)

    [flag] = trail.findings("D2")

    assert flag.key == "D2:NEW"
    assert flag.evidence == (*filings, decision)
    assert flag.radicados == ("NEW", "OLD-0", "OLD-1", "OLD-2")
    assert flag.officer == "8"
    assert (flag.entity, flag.procedure) == ("CCB", "P01")
    assert "3 casos más antiguos" in flag.summary


def test_two_waiting_and_one_waiting_on_the_citizen_are_no_flag():
    trail = Trail()
    plant(trail, older=2, waiting_on_citizen=1)
    assert trail.findings("D2") == []


def test_older_cases_decided_before_do_not_wait():
    trail = Trail()
    plant(trail)
    # A later decision of the oldest cases is in filing order: no new flag.
    for n in range(3):
        trail.act(
            f"OLD-{n}",
            "aprobar",
            at=START + 3 * DAY + n * HOUR,
            officer="7",
            status="aprobado",
        )
    assert [flag.key for flag in trail.findings("D2")] == ["D2:NEW"]


def test_a_recorded_priority_reason_clears_the_decision():
    trail = Trail()
    plant(trail, priority_reason="Adulto mayor (Ley 1755, art. 20)")
    assert trail.findings("D2") == []


def test_a_procedure_override_raises_the_minimum(monkeypatch):
    override(monkeypatch, "P01", "D2", min_older_waiting=4)
    trail = Trail()
    plant(trail)
    assert trail.findings("D2") == []
