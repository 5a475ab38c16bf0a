import datetime

import pytest

from oversight import thresholds
from oversight.detectors.d12 import network
from procedures.calendar import BOGOTA
from tests.oversight.procedure_overrides import override
from tests.oversight.trail import START, UTC, Trail

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def bogota(day, hour, minute=0):
    """A moment given in Bogotá wall time (UTC−5)."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=BOGOTA).astimezone(UTC)


def test_a_document_uploaded_after_the_decision_is_a_flag_and_a_view_is_not():
    trail = Trail()
    trail.file("R1", at=START)
    decision = trail.act("R1", "aprobar", at=START + HOUR, officer="7")
    trail.event("R1", "case.viewed", at=START + 2 * HOUR, actor_id="8")
    change = trail.event(
        "R1",
        "case.document_uploaded",
        at=START + 3 * HOUR,
        actor_id="1",
        role="solicitante",
    )

    [flag] = trail.findings("D12")

    assert flag.key == "D12:R1:after_decision:4"
    assert flag.evidence == (decision, change)
    assert flag.officer == "7"  # the citizen uploaded it: the lead is the decider's
    assert "«Documento cargado»" in flag.summary


@pytest.mark.parametrize(
    ("moment", "flagged"),
    [
        (bogota(3, 7), False),
        (bogota(3, 18, 59), False),
        (bogota(3, 19), True),
        (bogota(3, 6, 59), True),
        (bogota(7, 10), True),  # a Saturday
        (bogota(23, 10), True),  # San José, moved to Monday 23 March 2026
    ],
)
def test_a_decision_outside_office_hours_or_business_days_is_a_flag(moment, flagged):
    trail = Trail()
    trail.file("R1", at=START - 3 * DAY)
    decision = trail.act("R1", "rechazar", at=moment, officer="7")

    found = trail.findings("D12")

    if flagged:
        [flag] = found
        assert (flag.key, flag.evidence, flag.officer) == (
            "D12:R1:office_hours",
            (decision,),
            "7",
        )
    else:
        assert found == []


def test_a_procedure_with_longer_hours_moves_the_limit(monkeypatch):
    trail = Trail()
    trail.file("R1", at=START - 3 * DAY)
    trail.act("R1", "aprobar", at=bogota(3, 20), officer="7")
    assert len(trail.findings("D12")) == 1
    override(monkeypatch, "P01", "D12", office_hours=[6, 22])
    assert trail.findings("D12") == []


def history(trail, acts, *, officer="7"):
    """``acts`` earlier acts of the officer from the office's network."""
    for n in range(acts):
        trail.file(f"H{n}", at=START + n * HOUR)
        trail.act(
            f"H{n}", "tomar", at=START + n * HOUR, officer=officer, ip=f"10.20.0.{n}"
        )


def test_a_decision_from_a_network_the_officer_never_used_is_a_flag():
    trail = Trail()
    history(trail, thresholds.value("D12", "min_network_history"))
    trail.file("R1", at=START + 2 * DAY)
    decision = trail.act(
        "R1", "aprobar", at=START + 2 * DAY, officer="7", ip="181.49.3.7"
    )

    [flag] = trail.findings("D12:network")

    assert flag.key == "D12:R1:network:2"
    assert flag.evidence == (decision,)
    assert flag.officer == "7"
    assert "181.49.3.0/24" in flag.summary


def test_too_short_a_history_or_the_same_network_is_no_flag():
    short = Trail()
    history(short, thresholds.value("D12", "min_network_history") - 1)
    # An act without an address (a script's) is no history.
    short.file("S", at=START)
    short.act("S", "tomar", at=START + DAY, officer="7", ip="")
    short.file("R1", at=START + 2 * DAY)
    short.act("R1", "aprobar", at=START + 2 * DAY, officer="7", ip="181.49.3.7")
    assert short.findings("D12:network") == []

    same = Trail()
    history(same, 30)
    same.file("R1", at=START + 2 * DAY)
    same.act("R1", "aprobar", at=START + 2 * DAY, officer="7", ip="10.20.0.250")
    assert same.findings("D12:network") == []


def test_networks_are_slash_24_and_slash_48():
    assert network("10.20.0.77") == "10.20.0.0/24"
    assert network("2800:e2:1a:5::9") == "2800:e2:1a::/48"
