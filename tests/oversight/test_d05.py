import datetime

from procedures import calendar
from tests.oversight.procedure_overrides import override
from tests.oversight.trail import START, Trail

HOUR = datetime.timedelta(hours=1)


def on_business_day(n: int, hour: int = 9) -> datetime.datetime:
    """``hour`` o'clock in Bogotá ``n`` business days after START's day."""
    day = calendar.add_business_days(datetime.date(2026, 3, 3), n)
    return datetime.datetime(
        day.year, day.month, day.day, hour + 5, tzinfo=datetime.UTC
    )


def plant(trail, *, idle=10, viewer="9", approver="7", approve_after=23):
    trail.file("R-1", at=START)
    taken = trail.act(
        "R-1", "tomar", at=START + HOUR, officer="7", status="en_revision"
    )
    # The holder's own look and a refused stale action in between are not acts.
    trail.event("R-1", "case.viewed", at=on_business_day(3), actor_id="7")
    trail.event("R-1", "case.conflict", at=on_business_day(4), actor_id="7")
    view = trail.event("R-1", "case.viewed", at=on_business_day(idle), actor_id=viewer)
    approval = trail.act(
        "R-1",
        "aprobar",
        at=on_business_day(idle) + approve_after * HOUR,
        officer=approver,
        status="aprobado",
    )
    return taken, view, approval


def test_approval_right_after_a_third_partys_view_ending_a_long_idle_period():
    trail = Trail()
    taken, view, approval = plant(trail)

    [flag] = trail.findings("D5")

    assert flag.key == "D5:R-1"
    assert flag.evidence == (taken, view, approval)
    assert flag.officer == "7"
    assert "10 días hábiles" in flag.summary
    assert "23,0 horas" in flag.summary


def test_near_misses_shorter_idle_later_approval_or_no_third_party():
    for kwargs in (
        {"idle": 9},
        {"approve_after": 25},
        {"viewer": "7"},  # the officer holding the case
        {"viewer": "8", "approver": "8"},  # the approver looked first
        {"viewer": "1"},  # the applicant
    ):
        trail = Trail()
        plant(trail, **kwargs)
        assert trail.findings("D5") == [], kwargs


def test_a_procedure_override_of_the_idle_period(monkeypatch):
    override(monkeypatch, "P01", "D5", idle_business_days=11)
    trail = Trail()
    plant(trail)
    assert trail.findings("D5") == []
