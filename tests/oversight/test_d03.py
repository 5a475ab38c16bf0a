import datetime

from oversight.detectors.d03 import business_hours
from tests.oversight.procedure_overrides import override
from tests.oversight.trail import START, Trail

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# Two weeks after START, a Tuesday again (9:00 Bogotá): ten business days later.
LATER = START + 14 * DAY


def plant(trail, *, history=20, fast_hours=2.0, first_hours=None):
    """``history`` decisions of ten business days, then one of ``fast_hours``."""
    for n in range(history):
        radicado = f"H-{n:02d}"
        trail.file(radicado, at=START + n * datetime.timedelta(minutes=1))
        took = LATER - HOUR
        if n == 0 and first_hours is not None:
            took = START + first_hours * HOUR
        trail.act(radicado, "aprobar", at=took, officer="7", status="aprobado")
    filing = trail.file("FAST", at=LATER)
    decision = trail.act(
        "FAST",
        "rechazar",
        at=LATER + fast_hours * HOUR,
        officer="8",
        status="rechazado",
    )
    return filing, decision


def test_business_hours_skip_weekends_and_holidays():
    friday_5pm = START + 3 * DAY + 8 * HOUR  # Friday 6 March, 17:00 Bogotá
    assert business_hours(friday_5pm, friday_5pm + 3 * DAY) == 24.0
    # Monday 23 March 2026 is a holiday (San José).
    friday_20th = START + 17 * DAY
    assert business_hours(friday_20th, friday_20th + 4 * DAY) == 24.0


def test_a_decision_far_faster_than_the_earlier_ones_is_a_flag():
    trail = Trail()
    filing, decision = plant(trail)

    [flag] = trail.findings("D3")

    assert flag.key == "D3:FAST"
    assert flag.evidence == (filing, decision)
    assert flag.radicados == ("FAST",)
    assert flag.officer == "8"
    assert flag.procedure == "P01"
    assert "2,0 horas" in flag.summary
    assert "20 decisiones previas" in flag.summary


def test_near_misses_history_fraction_and_percentile():
    # 19 earlier decisions are too few to judge.
    trail = Trail()
    plant(trail, history=19)
    assert trail.findings("D3") == []
    # The median is about 239 hours, a quarter about 59.7: 60 hours is not below it.
    trail = Trail()
    plant(trail, fast_hours=60)
    assert trail.findings("D3") == []
    trail = Trail()
    plant(trail, fast_hours=59)
    assert [flag.key for flag in trail.findings("D3")] == ["D3:FAST"]
    # One earlier decision took one hour: the 5th percentile of 20 is that hour.
    trail = Trail()
    plant(trail, first_hours=1, fast_hours=1)
    assert trail.findings("D3") == []


def test_a_procedure_override_asks_for_more_history(monkeypatch):
    override(monkeypatch, "P01", "D3", min_history=21)
    trail = Trail()
    plant(trail)
    assert trail.findings("D3") == []
