"""Business-day calendar for legal terms (días hábiles) in Bogotá.

Pure functions, no database. The rules (Ley 4 de 1913 art. 62, Ley 51 de 1983,
Ley 1755 de 2015 art. 14, Ley 1437 de 2011 art. 54):

* Terms expressed in days are business days (Ley 4 de 1913 art. 62; Ley 1755 de
  2015 art. 14): Monday to Friday, minus Colombian national holidays. Saturdays
  are never business days for legal terms, even where an office opens on them.
* National holidays come from the ``holidays`` package (``holidays.CO``), which
  already applies the Ley Emiliani (Ley 51 de 1983) move to Monday and includes
  the 9 July holiday of Ley 2578 de 2026 from 2026 onwards (>= 0.99).
* Terms count from the day *after* receipt (Ley 1755 art. 14). A filing made
  after the entity's cut-off time, or on a non-business day, is received on the
  next business day.
* Terms expressed in months follow the calendar, and if the last day is not a
  business day the term extends to the next business day (Ley 4/1913 art. 62).
* A term the law expressly sets in calendar days (``calendar_type`` CALENDARIO in
  the catalog, "a menos de expresarse lo contrario") counts every day from the
  day after receipt; if its last day is not a business day it extends to the next
  business day, the same rule art. 62 gives for months. Every function that
  turns a number of days into a date takes ``calendar_days=True`` for these.

All wall-clock reasoning happens in America/Bogota (UTC−5, no DST).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

import holidays

__all__ = [
    "BOGOTA",
    "DEFAULT_CUTOFF",
    "END_OF_DAY",
    "add_business_days",
    "add_calendar_days",
    "add_calendar_months",
    "business_days_between",
    "days_between",
    "due_date",
    "extend_due_date",
    "filing_cutoff",
    "holiday_name",
    "is_business_day",
    "is_holiday",
    "max_extended_due_date",
    "national_holidays",
    "next_business_day",
    "pause_and_resume",
    "previous_business_day",
    "received_on",
    "term_start",
    "to_bogota",
]

BOGOTA = ZoneInfo("America/Bogota")

#: Filing cut-off used when neither the caller nor settings give one.
DEFAULT_CUTOFF = time(16, 30)

#: Cut-off meaning "the whole calendar day counts" — the CPACA art. 54 midnight
#: rule for electronic filings ("hasta antes de las doce de la noche").
END_OF_DAY = time.max

_CUTOFF_SETTING = "PROCEDURES_FILING_CUTOFF"
_SATURDAY = 5


# --------------------------------------------------------------------------
# Holidays
# --------------------------------------------------------------------------


@cache
def _holidays_for_year(year: int) -> Mapping[date, str]:
    # Built once per year: the holidays package recomputes Easter and every
    # Emiliani shift on each instantiation, and the calendar is asked about the
    # same few years over and over.
    # Neighbouring years are loaded too and filtered, so that a holiday that some
    # future rule shifts across New Year still lands in the right year's set.
    data = holidays.country_holidays(
        "CO", years=range(year - 1, year + 2), language="es"
    )
    return MappingProxyType(
        {day: name for day, name in sorted(data.items()) if day.year == year}
    )


def national_holidays(year: int) -> frozenset[date]:
    """Return the Colombian national holidays of ``year`` as observed dates.

    Guarantees: only dates inside ``year``; holidays moved by the Ley Emiliani
    appear on the Monday they are observed, not on their nominal date. The result
    is cached, so repeated calls for the same year return the same object.
    """
    return _holiday_set(year)


@cache
def _holiday_set(year: int) -> frozenset[date]:
    return frozenset(_holidays_for_year(year))


def is_holiday(day: date) -> bool:
    """Return True if ``day`` is an (observed) Colombian national holiday."""
    day = _check_date(day)
    return day in _holiday_set(day.year)


def holiday_name(day: date) -> str | None:
    """Return the Spanish name of the holiday observed on ``day``, or None."""
    day = _check_date(day)
    return _holidays_for_year(day.year).get(day)


# --------------------------------------------------------------------------
# Business days
# --------------------------------------------------------------------------


def is_business_day(day: date) -> bool:
    """Return True if ``day`` is a día hábil: Monday–Friday and not a holiday.

    Saturdays and Sundays are never business days for legal terms.
    """
    day = _check_date(day)
    return day.weekday() < _SATURDAY and day not in _holiday_set(day.year)


def next_business_day(day: date) -> date:
    """Return the first business day strictly after ``day``."""
    day = _check_date(day) + timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def previous_business_day(day: date) -> date:
    """Return the last business day strictly before ``day``."""
    day = _check_date(day) - timedelta(days=1)
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def add_business_days(start: date, days: int) -> date:
    """Return the date that is ``days`` business days after ``start``.

    ``start`` itself is never counted, whether or not it is a business day.
    Guarantees for ``days > 0``: the result is a business day and there are
    exactly ``days`` business days in ``(start, result]``, i.e.
    ``business_days_between(start, result) == days``. Negative ``days`` count
    backwards the same way (the ``|days|``-th business day before ``start``).
    ``days == 0`` returns ``start`` unchanged.
    """
    start = _check_date(start)
    day = start
    for _ in range(abs(days)):
        day = next_business_day(day) if days > 0 else previous_business_day(day)
    return day


def business_days_between(start: date, end: date) -> int:
    """Count the business days in ``(start, end]``; negative if ``end < start``.

    Antisymmetric: ``business_days_between(a, b) == -business_days_between(b, a)``.
    Used for "días hábiles restantes" as ``business_days_between(today, due)``:
    0 means today is the last day of the term (when ``due`` is today), a
    negative value is the number of business days the term is overdue.
    """
    start, end = _check_date(start), _check_date(end)
    if end < start:
        return -business_days_between(end, start)
    # Closed-form weekday count instead of a day-by-day walk: the indicator is
    # computed for every open case on every listing.
    weekdays = _weekdays_up_to(end) - _weekdays_up_to(start)
    weekday_holidays = sum(
        1
        for year in range(start.year, end.year + 1)
        for day in _holiday_set(year)
        if start < day <= end and day.weekday() < _SATURDAY
    )
    return weekdays - weekday_holidays


def _weekdays_up_to(day: date) -> int:
    # Number of Monday–Friday dates in [0001-01-01, day]; ordinal 1 is a Monday.
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


# --------------------------------------------------------------------------
# Receipt and terms in business days
# --------------------------------------------------------------------------


def to_bogota(moment: datetime) -> datetime:
    """Return the aware ``moment`` expressed in America/Bogota.

    Raises ValueError for naive datetimes: guessing their zone would silently
    move filings across the cut-off or across midnight.
    """
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("filing timestamps must be timezone-aware")
    return moment.astimezone(BOGOTA)


def filing_cutoff() -> time:
    """Return the default filing cut-off (Bogotá wall time).

    Taken from ``settings.PROCEDURES_FILING_CUTOFF`` ("HH:MM", "HH:MM:SS" or a
    ``datetime.time``) when Django settings are configured and define it;
    otherwise ``DEFAULT_CUTOFF``. A malformed setting raises
    ImproperlyConfigured rather than falling back, because a wrong cut-off
    silently shifts every legal deadline by a day.
    """
    try:
        value = getattr(settings, _CUTOFF_SETTING, None)
    except ImproperlyConfigured:
        # Used outside a configured Django project (scripts, plain unit tests).
        return DEFAULT_CUTOFF
    if value is None:
        return DEFAULT_CUTOFF
    try:
        parsed = value if isinstance(value, time) else time.fromisoformat(str(value))
        return _check_cutoff(parsed)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f'{_CUTOFF_SETTING} must be "HH:MM" (Bogotá time), got {value!r}'
        ) from exc


def received_on(filed_at: datetime, cutoff: time | None = None) -> date:
    """Return the effective receipt day of a filing (shown on the acuse de recibo).

    With ``local = filed_at`` converted to Bogotá time:

    * if ``local.date()`` is a business day and ``local.time() <= cutoff``, the
      filing is received that day;
    * otherwise (after the cut-off, or on a Saturday, Sunday or holiday) it is
      received on ``next_business_day(local.date())``.

    A filing stamped exactly at the cut-off is on time; one microsecond later
    is not. ``cutoff`` defaults to ``filing_cutoff()``; pass ``END_OF_DAY`` for
    the CPACA art. 54 midnight rule. The result is always a business day.
    """
    local = to_bogota(filed_at)
    limit = filing_cutoff() if cutoff is None else _check_cutoff(cutoff)
    day = local.date()
    if is_business_day(day) and local.time() <= limit:
        return day
    return next_business_day(day)


def term_start(filed_at: datetime, cutoff: time | None = None) -> date:
    """Return day 1 of a business-day term: the business day after receipt.

    ``term_start = next_business_day(received_on(filed_at, cutoff))`` — terms
    run from the day after receipt (Ley 1755 art. 14). Always a business day.
    """
    return next_business_day(received_on(filed_at, cutoff))


def due_date(
    filed_at: datetime,
    business_days: int,
    cutoff: time | None = None,
    *,
    calendar_days: bool = False,
) -> date:
    """Return the last day of a term of ``business_days`` business days.

    It is the ``business_days``-th business day counting ``term_start`` as day
    1, i.e. ``add_business_days(received_on(filed_at, cutoff), business_days)``.
    Always a business day. Raises ValueError if ``business_days < 1``.

    With ``calendar_days=True`` the term is in calendar days instead:
    ``add_calendar_days(received_on(filed_at, cutoff), days)``.
    """
    if business_days < 1:
        raise ValueError("a term has at least one business day")
    return _add_days(received_on(filed_at, cutoff), business_days, calendar_days)


def max_extended_due_date(
    filed_at: datetime,
    business_days: int,
    cutoff: time | None = None,
    *,
    calendar_days: bool = False,
) -> date:
    """Return the latest date an extension may set (Ley 1755 art. 14 parágrafo).

    The new date may not exceed double the initial term, counted from the same
    receipt: ``due_date(filed_at, 2 * business_days, cutoff)``.
    """
    return due_date(filed_at, 2 * business_days, cutoff, calendar_days=calendar_days)


def extend_due_date(
    due: date, business_days: int, *, calendar_days: bool = False
) -> date:
    """Return ``due`` moved ``business_days`` business days later.

    Equivalent to ``add_business_days(due, business_days)``; ``due`` itself is
    not counted. Raises ValueError for negative extensions — shortening a term
    is not an extension. With ``calendar_days=True`` the days are calendar days
    (``add_calendar_days``).
    """
    if business_days < 0:
        raise ValueError("an extension cannot be negative")
    return _add_days(due, business_days, calendar_days)


def add_calendar_days(start: date, days: int) -> date:
    """Return the last day of a term of ``days`` calendar days running after ``start``.

    ``start`` is not counted (terms run from the day after receipt), so it is
    ``start + days``; if that day is not a business day the term extends to the
    next business day (Ley 4 de 1913 art. 62, as for months). Always a business
    day for ``days > 0``; ``days == 0`` returns ``start``. Raises ValueError for
    negative ``days``.
    """
    start = _check_date(start)
    if days < 0:
        raise ValueError("a term in calendar days cannot be negative")
    if days == 0:
        return start
    end = start + timedelta(days=days)
    return end if is_business_day(end) else next_business_day(end)


def days_between(start: date, end: date, *, calendar_days: bool = False) -> int:
    """Days left from ``start`` to ``end``, in the unit of the term.

    Business days (``business_days_between``) by default; plain calendar days
    ``(end - start).days`` with ``calendar_days=True``. Negative when overdue.
    """
    start, end = _check_date(start), _check_date(end)
    if calendar_days:
        return (end - start).days
    return business_days_between(start, end)


def _add_days(start: date, days: int, calendar_days: bool) -> date:
    return (
        add_calendar_days(start, days)
        if calendar_days
        else add_business_days(start, days)
    )


def pause_and_resume(
    due: date, paused_on: date, resumed_on: date, *, calendar_days: bool = False
) -> date:
    """Return the due date after the clock stopped from ``paused_on`` to ``resumed_on``.

    Used for Ley 1755 art. 17: the term stops when the entity sends the
    requerimiento and "se reactivará ... a partir del día siguiente" to the day
    the citizen supplies what was missing. Convention:

    * ``paused_on`` (the requerimiento date) is consumed by the entity;
    * the term stands still on ``resumed_on`` and restarts the day after;
    * so the remaining days ``business_days_between(paused_on, due)`` are
      counted again after ``resumed_on``, which is the same as moving ``due``
      by ``business_days_between(paused_on, resumed_on)`` business days.

    If ``resumed_on`` is not a business day the documents count as received on
    the next business day (same rule as ``received_on``); callers holding a
    timestamp should pass ``received_on(submitted_at)``. Pausing and resuming
    on the same business day leaves ``due`` unchanged. If ``due`` is a business
    day, so is the result.

    With ``calendar_days=True`` (a term in calendar days) ``due`` moves by the
    calendar days the clock stood still, and lands on a business day.

    Raises ValueError if ``resumed_on < paused_on`` or ``paused_on > due`` (an
    expired term cannot be suspended).
    """
    due, paused_on, resumed_on = (
        _check_date(due),
        _check_date(paused_on),
        _check_date(resumed_on),
    )
    if resumed_on < paused_on:
        raise ValueError("resumed_on is before paused_on")
    if paused_on > due:
        raise ValueError("the term had already expired when it was paused")
    if not is_business_day(resumed_on):
        resumed_on = next_business_day(resumed_on)
    if calendar_days:
        return add_calendar_days(due, (resumed_on - paused_on).days)
    return add_business_days(due, business_days_between(paused_on, resumed_on))


# --------------------------------------------------------------------------
# Terms in months
# --------------------------------------------------------------------------


def add_calendar_months(day: date, months: int) -> date:
    """Return the end of a term of ``months`` months running from ``day``.

    Ley 4 de 1913 art. 62: months follow the calendar — the same day number
    ``months`` months later, clamped to the last day of a shorter month (31
    January + 1 month = 28 or 29 February) — and if that day is not a business
    day the term extends to the next business day. The result is therefore
    always a business day (for ``months == 0``, ``day`` itself or the next
    business day). Raises ValueError for negative ``months``.
    """
    day = _check_date(day)
    if months < 0:
        raise ValueError("a term in months cannot be negative")
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    end = date(year, month, min(day.day, monthrange(year, month)[1]))
    return end if is_business_day(end) else next_business_day(end)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _check_date(day: date) -> date:
    # datetime is a date subclass but never equals a date, so a datetime would
    # miss every holiday lookup and silently count holidays as business days.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day


def _check_cutoff(cutoff: time) -> time:
    # An aware time cannot be compared with the naive Bogotá wall time.
    if cutoff.tzinfo is not None:
        raise ValueError("the cut-off is a naive Bogotá wall-clock time")
    return cutoff
