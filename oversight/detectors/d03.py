"""D3: a decision far faster than the procedure's usual time.

Decision time is the time from filing to approval or rejection counted on business
days only (weekends and Colombian holidays do not count, Bogotá time), in hours so
that same-day decisions can be told apart. The group's decisions are swept in time
order; each is judged against the decisions made before it: with at least
``min_history`` of them, it is a flag when it is below their ``percentile`` AND
below ``max_fraction_of_median`` × their median. The earlier times are kept in a
sorted list (one insertion per decision).
"""

import bisect
import datetime
import math

from oversight.detectors import Detector, Finding
from oversight.facts import DECISIONS, FILED
from procedures import calendar

CODE = "D3"
DAY = datetime.timedelta(days=1)


def business_hours(start: datetime.datetime, end: datetime.datetime) -> float:
    """Hours from ``start`` to ``end`` that fall on business days (Bogotá)."""
    start, end = calendar.to_bogota(start), calendar.to_bogota(end)
    if end <= start:
        return 0.0
    hours = (end - start).total_seconds() / 3600
    first, last = start.date(), end.date()
    if first == last:
        return hours if calendar.is_business_day(first) else 0.0
    if not calendar.is_business_day(first):
        midnight = datetime.datetime.combine(first + DAY, datetime.time(), start.tzinfo)
        hours -= (midnight - start).total_seconds() / 3600
    if not calendar.is_business_day(last):
        midnight = datetime.datetime.combine(last, datetime.time(), end.tzinfo)
        hours -= (end - midnight).total_seconds() / 3600
    days_between = (last - first).days - 1
    business_between = calendar.business_days_between(first, last) - (
        1 if calendar.is_business_day(last) else 0
    )
    hours -= 24 * (days_between - business_between)
    return max(hours, 0.0)


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


def median(ordered: list[float]) -> float:
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def decisions(group):
    for facts in group:
        if facts.decision not in ("aprobar", "rechazar") or facts.filed_at is None:
            continue
        decision = facts.by_action(*DECISIONS)[0]
        filing = facts.by_action(*FILED)[0]
        yield decision.at, decision.id, facts, filing, decision


def detect(group, thresholds):
    if not group:
        return
    procedure = group[0].procedure
    min_history = int(thresholds.value(CODE, "min_history", procedure=procedure))
    share = float(thresholds.value(CODE, "percentile", procedure=procedure))
    fraction = float(
        thresholds.value(CODE, "max_fraction_of_median", procedure=procedure)
    )
    earlier: list[float] = []
    for _at, _id, facts, filing, decision in sorted(decisions(group)):
        hours = business_hours(filing.at, decision.at)
        if len(earlier) >= min_history:
            usual = median(earlier)
            if hours < percentile(earlier, share) and hours < fraction * usual:
                yield finding(facts, filing, decision, hours, usual, len(earlier))
        bisect.insort(earlier, hours)


def duration(hours: float) -> str:
    if hours >= 24:
        return f"{hours / 24:.1f} días hábiles".replace(".", ",")
    return f"{hours:.1f} horas".replace(".", ",")


def finding(facts, filing, decision, hours, usual, history) -> Finding:
    verb = "aprobó" if decision.action == "case.aprobar" else "rechazó"
    summary = (
        f"Se {verb} {duration(hours)} después de radicado (contando solo días "
        f"hábiles); la mediana del trámite es {duration(usual)} ({history} "
        "decisiones previas). Revise si se verificaron los requisitos."
    )
    return Finding(
        detector=CODE,
        key=f"{CODE}:{facts.radicado}",
        summary=summary,
        at=decision.at,
        evidence=(filing.id, decision.id),
        radicados=(facts.radicado,),
        entity=facts.entity,
        procedure=facts.procedure,
        officer=decision.actor_id,
    )


DETECTORS = (Detector(code=CODE, scope="procedure", detect=detect),)
