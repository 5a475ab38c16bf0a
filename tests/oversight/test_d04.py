import datetime

from procedures import calendar
from tests.oversight.procedure_overrides import override
from tests.oversight.trail import START, Trail

RECEIVED = datetime.date(2026, 3, 3)
DUE = datetime.date(2026, 3, 24)
# Twice the 15-business-day term, counted from receipt.
LIMIT = calendar.add_business_days(RECEIVED, 30)


def on(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """``hour`` o'clock in Bogotá on ``day``."""
    return datetime.datetime(
        day.year, day.month, day.day, hour + 5, tzinfo=datetime.UTC
    )


def filed(trail):
    filing = trail.file("R-1", at=START, due_date=DUE.isoformat())
    trail.act(
        "R-1",
        "tomar",
        at=START + datetime.timedelta(hours=1),
        officer="7",
        status="en_revision",
        after={"due_date": DUE.isoformat()},
    )
    return filing


def extend(trail, day, new_due, *, due=DUE):
    return trail.act(
        "R-1",
        "prorrogar",
        at=on(day),
        officer="7",
        status="en_revision",
        before={"due_date": due.isoformat()},
        after={"due_date": new_due.isoformat()},
    )


def request(trail, day):
    return trail.act(
        "R-1",
        "solicitar_informacion",
        at=on(day),
        officer="7",
        status="requiere_informacion",
        after={"due_date": DUE.isoformat()},
    )


def keys(trail):
    return sorted(flag.key for flag in trail.findings("D4"))


def test_an_extension_the_day_after_the_due_date_is_a_flag():
    trail = Trail()
    filing = filed(trail)
    extension = extend(trail, DUE + datetime.timedelta(days=1), LIMIT)

    [flag] = trail.findings("D4")

    assert flag.key == "D4:R-1:extension_after_expiry"
    assert flag.evidence == (filing, extension)  # the event that set the due date
    assert flag.officer == "7"
    assert "24/03/2026" in flag.summary


def test_an_extension_on_the_due_date_is_in_time():
    trail = Trail()
    filed(trail)
    extend(trail, DUE, LIMIT)
    assert keys(trail) == []


def test_an_extension_beyond_double_the_term_is_a_flag_and_the_limit_is_not():
    trail = Trail()
    filing = filed(trail)
    extension = extend(trail, DUE, calendar.add_business_days(LIMIT, 1))
    [flag] = trail.findings("D4")
    assert flag.key == "D4:R-1:extension_beyond_limit"
    assert flag.evidence == (filing, extension)

    trail = Trail()
    filed(trail)
    extend(trail, DUE, LIMIT)
    assert keys(trail) == []


def test_the_days_the_citizen_owed_information_move_the_limit():
    moved = calendar.add_business_days(DUE, 3)
    for beyond, expected in ((0, []), (1, ["D4:R-1:extension_beyond_limit"])):
        trail = Trail()
        filed(trail)
        request(trail, datetime.date(2026, 3, 5))
        trail.event(
            "R-1",
            "case.responder",
            at=on(datetime.date(2026, 3, 10)),
            actor_id="1",
            role="solicitante",
            after={"status": "en_revision", "due_date": moved.isoformat()},
        )
        extend(trail, moved, calendar.add_business_days(LIMIT, 3 + beyond), due=moved)
        assert keys(trail) == expected


def test_a_second_information_request_is_a_flag():
    trail = Trail()
    filing = filed(trail)
    first = request(trail, datetime.date(2026, 3, 4))
    assert keys(trail) == []
    second = request(trail, datetime.date(2026, 3, 5))

    [flag] = trail.findings("D4")

    assert flag.key == "D4:R-1:repeated_information_request"
    assert flag.evidence == (filing, first, second)
    assert "2 veces" in flag.summary


def test_a_request_after_the_tenth_business_day_is_late():
    trail = Trail()
    filed(trail)
    request(trail, calendar.add_business_days(RECEIVED, 10))
    assert keys(trail) == []

    trail = Trail()
    filing = filed(trail)
    late = request(trail, calendar.add_business_days(RECEIVED, 11))
    [flag] = trail.findings("D4")
    assert flag.key == "D4:R-1:late_information_request"
    assert flag.evidence == (filing, late)
    assert "11 días hábiles" in flag.summary


def test_a_procedure_override_widens_the_request_window(monkeypatch):
    override(monkeypatch, "P01", "D4", information_request_window_days=11)
    trail = Trail()
    filed(trail)
    request(trail, calendar.add_business_days(RECEIVED, 11))
    assert keys(trail) == []
