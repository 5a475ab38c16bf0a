"""Business-day calendar: holidays, receipt, terms in days and months.

Plain functions, no database. Expected dates were worked out by hand from the
rules in docs/domain.md §3.1–§3.2 and cross-checked against holidays 0.109.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured

import pytest

from procedures import calendar as cal
from procedures.calendar import (
    BOGOTA,
    DEFAULT_CUTOFF,
    END_OF_DAY,
    add_business_days,
    add_calendar_months,
    business_days_between,
    due_date,
    extend_due_date,
    filing_cutoff,
    holiday_name,
    is_business_day,
    is_holiday,
    max_extended_due_date,
    national_holidays,
    next_business_day,
    pause_and_resume,
    previous_business_day,
    received_on,
    term_start,
)

UTC = ZoneInfo("UTC")
MADRID = ZoneInfo("Europe/Madrid")


def bogota(
    year: int, month: int, day: int, hour: int, minute: int = 0, **kw: int
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BOGOTA, **kw)


def emiliani(nominal: date) -> date:
    """Ley 51 de 1983: a movable holiday is observed on the next Monday
    (or on the day itself if it already falls on a Monday)."""
    return nominal + timedelta(days=(7 - nominal.weekday()) % 7)


def walk_count(start: date, end: date) -> int:
    """Business days in (start, end] by walking day by day (start <= end)."""
    return sum(
        is_business_day(start + timedelta(days=i))
        for i in range(1, (end - start).days + 1)
    )


# --------------------------------------------------------------------------
# Weekends and holidays
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 6), True),  # Friday
        (date(2026, 3, 7), False),  # Saturday: never hábil for legal terms
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 3, 9), True),  # Monday
        (date(2027, 5, 1), False),  # Saturday (and Labour Day)
    ],
)
def test_weekends_are_not_business_days(day: date, expected: bool) -> None:
    assert is_business_day(day) is expected


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # Thursday
        date(2026, 5, 1),  # Friday
        date(2026, 7, 20),  # Monday
        date(2026, 8, 7),  # Friday
        date(2026, 12, 8),  # Tuesday
        date(2026, 12, 25),  # Friday
        date(2027, 1, 1),  # Friday
        date(2027, 7, 20),  # Tuesday
        date(2027, 12, 8),  # Wednesday
    ],
)
def test_fixed_holidays_are_not_business_days(day: date) -> None:
    assert day.weekday() < 5  # a weekday, so only the holiday rule excludes it
    assert is_holiday(day)
    assert not is_business_day(day)


@pytest.mark.parametrize(
    "monday_after",
    [
        date(2027, 5, 3),  # 1 May 2027 is a Saturday
        date(2027, 8, 9),  # 7 Aug 2027 is a Saturday
        date(2027, 12, 27),  # 25 Dec 2027 is a Saturday
    ],
)
def test_fixed_holidays_on_a_weekend_are_not_moved(monday_after: date) -> None:
    # Fixed holidays are outside the Ley Emiliani: no Monday off in compensation.
    assert monday_after.weekday() == 0
    assert is_business_day(monday_after)


@pytest.mark.parametrize(
    ("holy_thursday", "good_friday"),
    [
        (date(2026, 4, 2), date(2026, 4, 3)),  # Easter Sunday 5 April 2026
        (date(2027, 3, 25), date(2027, 3, 26)),  # Easter Sunday 28 March 2027
    ],
)
def test_holy_week(holy_thursday: date, good_friday: date) -> None:
    assert holy_thursday.weekday() == 3 and good_friday.weekday() == 4
    assert not is_business_day(holy_thursday)
    assert not is_business_day(good_friday)
    # Holy Week holidays are fixed to Thursday/Friday: the Wednesday before and
    # the Monday after (Easter Monday is not a holiday in Colombia) are hábiles.
    assert is_business_day(holy_thursday - timedelta(days=1))
    assert is_business_day(good_friday + timedelta(days=3))


@pytest.mark.parametrize(
    ("nominal", "observed"),
    [
        (date(2026, 1, 6), date(2026, 1, 12)),  # Reyes, Tuesday
        (date(2026, 3, 19), date(2026, 3, 23)),  # San José, Thursday
        (date(2026, 5, 14), date(2026, 5, 18)),  # Ascensión, Easter + 39
        (date(2026, 6, 4), date(2026, 6, 8)),  # Corpus Christi, Easter + 60
        (date(2026, 6, 12), date(2026, 6, 15)),  # Sagrado Corazón, Easter + 68
        (date(2026, 6, 29), date(2026, 6, 29)),  # San Pedro, already Monday
        (date(2026, 8, 15), date(2026, 8, 17)),  # Asunción, Saturday
        (date(2026, 10, 12), date(2026, 10, 12)),  # Día de la Raza, Monday
        (date(2026, 11, 1), date(2026, 11, 2)),  # Todos los Santos, Sunday
        (date(2026, 11, 11), date(2026, 11, 16)),  # Cartagena, Wednesday
        (date(2027, 1, 6), date(2027, 1, 11)),  # Reyes, Wednesday
        (date(2027, 3, 19), date(2027, 3, 22)),  # San José, Friday
        (date(2027, 6, 29), date(2027, 7, 5)),  # San Pedro, Tuesday
        (date(2027, 10, 12), date(2027, 10, 18)),  # Día de la Raza, Tuesday
        (date(2027, 11, 1), date(2027, 11, 1)),  # Todos los Santos, Monday
        (date(2027, 11, 11), date(2027, 11, 15)),  # Cartagena, Thursday
    ],
)
def test_emiliani_holidays_move_to_monday(nominal: date, observed: date) -> None:
    # The expected date follows the rule, independently of the package...
    assert observed == emiliani(nominal)
    # ...and the package agrees.
    assert is_holiday(observed)
    assert not is_business_day(observed)
    if nominal != observed and nominal.weekday() < 5:
        # The nominal weekday is an ordinary working day.
        assert is_business_day(nominal)


@pytest.mark.parametrize(
    ("year", "observed"),
    [
        # Ley 2578 de 2026 adds 9 July (Nuestra Señora del Rosario de
        # Chiquinquirá) as an Emiliani holiday. 9 July 2026 is a Thursday, so
        # holidays 0.109 observes it on Monday 13 July 2026; 9 July 2027 is a
        # Friday, observed Monday 12 July 2027.
        (2026, date(2026, 7, 13)),
        (2027, date(2027, 7, 12)),
    ],
)
def test_chiquinquira_holiday_ley_2578(year: int, observed: date) -> None:
    nominal = date(year, 7, 9)
    assert observed == emiliani(nominal)
    assert is_holiday(observed)
    assert not is_business_day(observed)
    assert "Chiquinquirá" in (holiday_name(observed) or "")
    assert is_business_day(nominal)
    assert observed in national_holidays(year)


def test_chiquinquira_holiday_does_not_exist_before_2026() -> None:
    # The law dates from June 2026; 2025 keeps its 18 holidays.
    assert is_business_day(date(2025, 7, 9))  # Wednesday
    assert is_business_day(date(2025, 7, 14))  # the following Monday
    assert not any(
        "Chiquinquirá" in (holiday_name(day) or "") for day in national_holidays(2025)
    )
    # 18 holidays on 17 dates: Sagrado Corazón and San Pedro y San Pablo are
    # both observed on Monday 30 June 2025.
    assert len(national_holidays(2025)) == 17
    assert "San Pedro" in (holiday_name(date(2025, 6, 30)) or "")
    assert "Sagrado Corazón" in (holiday_name(date(2025, 6, 30)) or "")


def test_july_2026_has_two_monday_holidays() -> None:
    # Fri 10 Jul → Fri 24 Jul 2026: ten weekdays, minus 13 and 20 July.
    assert business_days_between(date(2026, 7, 10), date(2026, 7, 24)) == 8


def test_national_holidays_are_cached_and_confined_to_the_year() -> None:
    holidays_2026 = national_holidays(2026)
    assert national_holidays(2026) is holidays_2026
    assert len(holidays_2026) == 19  # 18 + Ley 2578
    assert {day.year for day in holidays_2026} == {2026}
    assert holiday_name(date(2026, 4, 3)) == "Viernes Santo"
    assert holiday_name(date(2026, 4, 6)) is None


def test_business_days_in_2026() -> None:
    # 2026 starts on a Thursday: 52 weeks + 1 day = 261 weekdays, and all 19
    # holidays of 2026 fall on weekdays.
    assert all(day.weekday() < 5 for day in national_holidays(2026))
    assert business_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 242


# --------------------------------------------------------------------------
# Stepping over business days
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "next_day", "previous_day"),
    [
        (date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 3)),  # mid-week
        (date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 5)),  # Friday
        (date(2026, 3, 7), date(2026, 3, 9), date(2026, 3, 6)),  # Saturday
        (date(2026, 4, 1), date(2026, 4, 6), date(2026, 3, 31)),  # Holy Week
        (date(2026, 4, 6), date(2026, 4, 7), date(2026, 4, 1)),
        (date(2026, 1, 9), date(2026, 1, 13), date(2026, 1, 8)),  # Reyes Monday
        (date(2026, 7, 17), date(2026, 7, 21), date(2026, 7, 16)),  # 20 Jul
        (date(2026, 12, 31), date(2027, 1, 4), date(2026, 12, 30)),  # New Year
    ],
)
def test_next_and_previous_business_day(
    day: date, next_day: date, previous_day: date
) -> None:
    assert next_business_day(day) == next_day
    assert previous_business_day(day) == previous_day


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 25), 15, date(2026, 4, 17)),  # across Holy Week
        (date(2026, 3, 25), 0, date(2026, 3, 25)),
        (date(2026, 3, 7), 0, date(2026, 3, 7)),  # zero keeps a Saturday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday not counted
        (date(2026, 4, 6), -1, date(2026, 4, 1)),  # backwards over Holy Week
        (date(2026, 4, 17), -15, date(2026, 3, 25)),
    ],
)
def test_add_business_days(start: date, days: int, expected: date) -> None:
    assert add_business_days(start, days) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 4), date(2026, 3, 4), 0),
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Fri → Mon
        (date(2026, 3, 7), date(2026, 3, 8), 0),  # Sat → Sun
        (date(2026, 4, 1), date(2026, 4, 6), 1),  # Holy Thursday/Friday skipped
        (date(2026, 3, 25), date(2026, 4, 17), 15),
        (date(2025, 12, 31), date(2026, 1, 2), 1),  # 1 Jan skipped, year boundary
    ],
)
def test_business_days_between_is_antisymmetric(
    start: date, end: date, expected: int
) -> None:
    assert business_days_between(start, end) == expected
    assert business_days_between(end, start) == -expected


def test_remaining_days_indicator() -> None:
    due = date(2026, 4, 17)
    assert business_days_between(date(2026, 4, 16), due) == 1
    assert business_days_between(due, due) == 0  # today is the last day
    assert business_days_between(date(2026, 4, 20), due) == -1  # overdue by 1


# --------------------------------------------------------------------------
# Receipt, cut-off and terms in business days
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed_at", "received", "start"),
    [
        # Tue 3 Mar 2026, cut-off 16:30 Bogotá.
        (bogota(2026, 3, 3, 16, 29), date(2026, 3, 3), date(2026, 3, 4)),
        (bogota(2026, 3, 3, 16, 30), date(2026, 3, 3), date(2026, 3, 4)),
        (
            bogota(2026, 3, 3, 16, 30, microsecond=1),
            date(2026, 3, 4),
            date(2026, 3, 5),
        ),
        (bogota(2026, 3, 3, 16, 31), date(2026, 3, 4), date(2026, 3, 5)),
        (bogota(2026, 3, 3, 0, 0), date(2026, 3, 3), date(2026, 3, 4)),
        # Friday after the cut-off: received Monday, term starts Tuesday.
        (bogota(2026, 3, 6, 17, 0), date(2026, 3, 9), date(2026, 3, 10)),
        # Saturday and Sunday, any hour.
        (bogota(2026, 3, 7, 9, 0), date(2026, 3, 9), date(2026, 3, 10)),
        (bogota(2026, 3, 8, 9, 0), date(2026, 3, 9), date(2026, 3, 10)),
        # Holy Thursday 2026 → received Monday 6 April.
        (bogota(2026, 4, 2, 10, 0), date(2026, 4, 6), date(2026, 4, 7)),
        # Friday 9 Jan 2026 late; Monday 12 Jan is Reyes (observed).
        (bogota(2026, 1, 9, 17, 0), date(2026, 1, 13), date(2026, 1, 14)),
        # Saturday 11 Jul 2026; Monday 13 Jul is Chiquinquirá (Ley 2578).
        (bogota(2026, 7, 11, 10, 0), date(2026, 7, 14), date(2026, 7, 15)),
    ],
)
def test_received_on_and_term_start(
    filed_at: datetime, received: date, start: date
) -> None:
    assert received_on(filed_at, DEFAULT_CUTOFF) == received
    assert term_start(filed_at, DEFAULT_CUTOFF) == start


@pytest.mark.parametrize(
    ("filed_at", "received"),
    [
        # 02:00 UTC on 3 March is 21:00 on Monday 2 March in Bogotá: after
        # the cut-off of the 2nd, so received Tuesday 3 March — the same date
        # as in UTC, but for the right reason (and the next test shows the
        # difference).
        (datetime(2026, 3, 3, 2, 0, tzinfo=UTC), date(2026, 3, 3)),
        (datetime(2026, 3, 2, 21, 29, tzinfo=UTC), date(2026, 3, 2)),  # 16:29
        (datetime(2026, 3, 2, 21, 31, tzinfo=UTC), date(2026, 3, 3)),  # 16:31
        (datetime(2026, 3, 2, 22, 0, tzinfo=MADRID), date(2026, 3, 2)),  # 16:00
        # 03:00 UTC Saturday 7 March is Friday 22:00 in Bogotá → Monday.
        (datetime(2026, 3, 7, 3, 0, tzinfo=UTC), date(2026, 3, 9)),
    ],
)
def test_received_on_converts_to_bogota(filed_at: datetime, received: date) -> None:
    assert received_on(filed_at, DEFAULT_CUTOFF) == received


def test_midnight_rule_uses_the_bogota_date() -> None:
    # With the CPACA art. 54 midnight rule the 21:00 Bogotá filing counts on
    # Monday 2 March, although in UTC it is already the 3rd.
    filed_at = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    assert received_on(filed_at, END_OF_DAY) == date(2026, 3, 2)
    assert term_start(filed_at, END_OF_DAY) == date(2026, 3, 3)
    last_moment = bogota(2026, 3, 2, 23, 59, second=59, microsecond=999999)
    assert received_on(last_moment, END_OF_DAY) == date(2026, 3, 2)


def test_cutoff_decides_the_due_date() -> None:
    # 15 business days; Monday 23 March 2026 is San José (observed).
    assert due_date(bogota(2026, 3, 3, 16, 29), 15) == date(2026, 3, 25)
    assert due_date(bogota(2026, 3, 3, 16, 31), 15) == date(2026, 3, 26)


@pytest.mark.parametrize(
    ("business_days", "expected"),
    [
        (1, date(2026, 3, 26)),  # day 1 is term_start
        # 26, 27, 30, 31 Mar, 1 Apr, [2–5 Apr], 6–10 Apr
        (10, date(2026, 4, 10)),
        # ... 13–17 Apr
        (15, date(2026, 4, 17)),
        # ... 20–24, 27–30 Apr, [1 May], 4–8, 11 May
        (30, date(2026, 5, 11)),
    ],
)
def test_due_date_across_holy_week(business_days: int, expected: date) -> None:
    filed_at = bogota(2026, 3, 25, 10, 0)  # Wednesday before Holy Week
    assert term_start(filed_at) == date(2026, 3, 26)
    assert due_date(filed_at, business_days) == expected


def test_due_date_needs_a_positive_term() -> None:
    with pytest.raises(ValueError):
        due_date(bogota(2026, 3, 25, 10, 0), 0)


def test_extensions() -> None:
    filed_at = bogota(2026, 3, 25, 10, 0)
    due = due_date(filed_at, 15)
    assert extend_due_date(due, 15) == date(2026, 5, 11)
    assert extend_due_date(due, 0) == due
    # Art. 14 parágrafo: never beyond double the initial term.
    assert max_extended_due_date(filed_at, 15) == date(2026, 5, 11)
    with pytest.raises(ValueError):
        extend_due_date(due, -1)


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        received_on(datetime(2026, 3, 3, 10, 0))  # noqa: DTZ001 (naive on purpose)
    with pytest.raises(TypeError):
        received_on(date(2026, 3, 3))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        # A datetime would never match a holiday date; refuse it.
        is_business_day(bogota(2026, 1, 1, 10, 0))
    with pytest.raises(ValueError):
        received_on(bogota(2026, 3, 3, 10, 0), time(16, 30, tzinfo=UTC))


# --------------------------------------------------------------------------
# Default cut-off from settings
# --------------------------------------------------------------------------


def test_cutoff_defaults_when_setting_absent(settings) -> None:
    del settings.PROCEDURES_FILING_CUTOFF
    assert filing_cutoff() == DEFAULT_CUTOFF == time(16, 30)
    assert received_on(bogota(2026, 3, 3, 17, 0)) == date(2026, 3, 4)


def test_cutoff_from_settings(settings) -> None:
    settings.PROCEDURES_FILING_CUTOFF = "18:00"
    assert filing_cutoff() == time(18, 0)
    assert received_on(bogota(2026, 3, 3, 17, 0)) == date(2026, 3, 3)
    # An explicit cut-off wins over the setting.
    assert received_on(bogota(2026, 3, 3, 17, 0), time(16, 30)) == date(2026, 3, 4)


@pytest.mark.parametrize("value", ["4:30 pm", "25:00", "", "16:30+01:00"])
def test_malformed_cutoff_setting_fails_loudly(settings, value: str) -> None:
    settings.PROCEDURES_FILING_CUTOFF = value
    with pytest.raises(ImproperlyConfigured):
        filing_cutoff()


def test_cutoff_without_configured_settings(monkeypatch) -> None:
    # A fresh, never-configured settings object, as in a plain script.
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.setattr(cal, "settings", LazySettings())
    assert filing_cutoff() == DEFAULT_CUTOFF


# --------------------------------------------------------------------------
# Terms in months (Ley 4 de 1913 art. 62)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 3, 10), 1, date(2026, 4, 10)),  # Friday, business day
        # 31 Jan → 28 Feb 2026 (clamped), a Saturday → Monday 2 March.
        (date(2026, 1, 31), 1, date(2026, 3, 2)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year, a Tuesday
        (date(2026, 1, 15), 1, date(2026, 2, 16)),  # 15 Feb 2026 is a Sunday
        (date(2025, 12, 1), 1, date(2026, 1, 2)),  # 1 Jan holiday → Friday
        (date(2026, 3, 2), 1, date(2026, 4, 6)),  # Holy Thursday → Monday
        (date(2026, 6, 13), 1, date(2026, 7, 14)),  # 13 Jul 2026 Chiquinquirá
        (date(2026, 11, 30), 3, date(2027, 3, 1)),  # 28 Feb 2027 is a Sunday
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # Wednesday
        (date(2026, 3, 7), 0, date(2026, 3, 9)),  # zero months still extends
    ],
)
def test_add_calendar_months(start: date, months: int, expected: date) -> None:
    assert add_calendar_months(start, months) == expected


def test_add_calendar_months_rejects_negative() -> None:
    with pytest.raises(ValueError):
        add_calendar_months(date(2026, 3, 10), -1)


# --------------------------------------------------------------------------
# Pausing the clock (Ley 1755 art. 17 requerimiento)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paused_on", "resumed_on", "expected"),
    [
        # Stopped days in (Thu 9 Jul, Tue 14 Jul] = Fri 10, Tue 14 (Mon 13 is
        # Chiquinquirá) = 2; Fri 17 Jul + 2 skips Mon 20 Jul → Wed 22 Jul.
        (date(2026, 7, 9), date(2026, 7, 14), date(2026, 7, 22)),
        # Citizen answers on Saturday 11 Jul: received Tuesday 14 Jul.
        (date(2026, 7, 9), date(2026, 7, 11), date(2026, 7, 22)),
        # Paused and resumed the same day: nothing is lost.
        (date(2026, 7, 9), date(2026, 7, 9), date(2026, 7, 17)),
        # Resumed after the original due date: the 5 remaining business days
        # (10, 14, 15, 16, 17 Jul) count after Fri 31 Jul: 3, 4, 5, 6 Aug and,
        # past Fri 7 Aug (Boyacá), Mon 10 Aug.
        (date(2026, 7, 9), date(2026, 7, 31), date(2026, 8, 10)),
    ],
)
def test_pause_and_resume(paused_on: date, resumed_on: date, expected: date) -> None:
    due = date(2026, 7, 17)
    assert pause_and_resume(due, paused_on, resumed_on) == expected


def test_pause_and_resume_keeps_the_remaining_days() -> None:
    due = date(2026, 7, 17)
    paused_on = date(2026, 7, 9)
    remaining = business_days_between(paused_on, due)
    assert remaining == 5  # 10, 14, 15, 16, 17 July
    for resumed_on in (date(2026, 7, 14) + timedelta(days=i) for i in range(60)):
        result = pause_and_resume(due, paused_on, resumed_on)
        effective = (
            resumed_on if is_business_day(resumed_on) else next_business_day(resumed_on)
        )
        assert is_business_day(result)
        assert business_days_between(effective, result) == remaining


def test_pause_and_resume_rejects_inconsistent_dates() -> None:
    with pytest.raises(ValueError):
        pause_and_resume(date(2026, 7, 17), date(2026, 7, 14), date(2026, 7, 13))
    with pytest.raises(ValueError):
        pause_and_resume(date(2026, 7, 17), date(2026, 7, 21), date(2026, 7, 22))


# --------------------------------------------------------------------------
# Properties over many dates
# --------------------------------------------------------------------------

SPAN = [date(2025, 12, 1) + timedelta(days=i) for i in range(760)]


def test_add_business_days_properties() -> None:
    for day in SPAN:
        for n in (1, 2, 5, 10, 15, 30):
            result = add_business_days(day, n)
            assert is_business_day(result)
            assert walk_count(day, result) == n
            assert business_days_between(day, result) == n
            if is_business_day(day):
                assert add_business_days(result, -n) == day


def test_business_days_between_matches_walking() -> None:
    for day in SPAN:
        for offset in (0, 1, 3, 7, 40, 200):
            other = day + timedelta(days=offset)
            expected = walk_count(day, other)
            assert business_days_between(day, other) == expected
            assert business_days_between(other, day) == -expected


def test_due_date_properties() -> None:
    for day in SPAN:
        for hour in (8, 16, 17, 23):
            filed_at = datetime(day.year, day.month, day.day, hour, tzinfo=BOGOTA)
            received = received_on(filed_at)
            start = term_start(filed_at)
            assert is_business_day(received) and received >= day
            assert is_business_day(start)
            assert walk_count(received, start) == 1
            for n in (1, 10, 15, 30):
                due = due_date(filed_at, n)
                assert is_business_day(due)
                assert walk_count(received, due) == n
                assert due >= start


# --- terms in calendar days (catalog calendar_type CALENDARIO) ----------------------


def test_calendar_days_count_every_day_after_the_start():
    assert cal.add_calendar_days(date(2026, 3, 2), 10) == date(2026, 3, 12)
    assert cal.add_calendar_days(date(2026, 3, 19), 1) == date(2026, 3, 20)
    assert cal.add_calendar_days(date(2026, 3, 19), 0) == date(2026, 3, 19)


def test_a_calendar_day_term_ending_on_a_non_business_day_moves_to_the_next():
    # Friday 20 March + 1 = Saturday; Monday 23 March 2026 is San José (moved).
    assert cal.add_calendar_days(date(2026, 3, 20), 1) == date(2026, 3, 24)
    with pytest.raises(ValueError):
        cal.add_calendar_days(date(2026, 3, 20), -1)


def test_due_date_in_calendar_days_differs_from_business_days():
    filed = datetime(2026, 3, 2, 10, 0, tzinfo=BOGOTA)
    # 2 March + 60 days = Friday 1 May (Día del Trabajo) → Monday 4 May.
    assert due_date(filed, 60, calendar_days=True) == date(2026, 5, 4)
    assert due_date(filed, 60) == add_business_days(date(2026, 3, 2), 60)
    assert due_date(filed, 60) > date(2026, 5, 20)
    assert max_extended_due_date(filed, 30, calendar_days=True) == date(2026, 5, 4)


def test_extension_and_suspension_of_a_calendar_day_term():
    due = date(2026, 5, 4)
    assert extend_due_date(due, 7, calendar_days=True) == date(2026, 5, 11)
    # Stopped from 5 to 12 March: seven days more, landing on a business day.
    assert pause_and_resume(
        due, date(2026, 3, 5), date(2026, 3, 12), calendar_days=True
    ) == date(2026, 5, 11)
    assert (
        pause_and_resume(due, date(2026, 3, 5), date(2026, 3, 5), calendar_days=True)
        == due
    )


def test_days_between_in_either_unit():
    assert cal.days_between(date(2026, 3, 20), date(2026, 3, 24)) == 1
    assert (
        cal.days_between(date(2026, 3, 20), date(2026, 3, 24), calendar_days=True) == 4
    )
    assert (
        cal.days_between(date(2026, 3, 24), date(2026, 3, 20), calendar_days=True) == -4
    )
