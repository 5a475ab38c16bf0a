"""D4: extension and information-request abuse (Ley 1755 de 2015, arts. 14 y 17).

One case's events, in order, with the due date in force tracked as they set it.
Four sub-patterns, each one flag keyed by it:

* ``extension_after_expiry``: a ``prorrogar`` on a day after the due date in force
  (the due date itself is still in time);
* ``extension_beyond_limit``: a due date set by an extension later than
  ``max_term_factor`` × the term counted from receipt (business days, or calendar
  days where the term is in calendar days), plus the days the clock stood still
  while the citizen owed information (those move the due date lawfully);
* ``repeated_information_request``: more than ``max_information_requests``
  ``solicitar_informacion``;
* ``late_information_request``: a request more than
  ``information_request_window_days`` business days after receipt.
"""

import datetime

from oversight.detectors import Detector, Finding
from oversight.facts import FILED
from procedures import calendar

CODE = "D4"
EXTEND = "case.prorrogar"
REQUEST = "case.solicitar_informacion"


def business_days(n: int) -> str:
    return "1 día hábil" if n == 1 else f"{n} días hábiles"


def local_date(moment: datetime.datetime) -> datetime.date:
    return calendar.to_bogota(moment).date()


def as_date(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def detect(group, thresholds):
    for facts in group:
        yield from case_findings(facts, thresholds)


def case_findings(facts, thresholds):
    filings = facts.by_action(*FILED)
    received = as_date(facts.received_on)
    if not filings or received is None:
        return
    filing = filings[0]
    procedure = facts.procedure
    max_requests = int(
        thresholds.value(CODE, "max_information_requests", procedure=procedure)
    )
    window = int(
        thresholds.value(CODE, "information_request_window_days", procedure=procedure)
    )
    factor = float(thresholds.value(CODE, "max_term_factor", procedure=procedure))
    calendar_days = facts.calendar_days
    due: datetime.date | None = None
    due_set_by = filing.id
    paused_days = 0  # days the due date moved while the citizen owed information
    requests = []
    found = set()
    for event in facts.events:
        on = local_date(event.at)
        if event.action == EXTEND and due is not None:
            previous = as_date(event.before.get("due_date")) or due
            new = as_date(event.after.get("due_date"))
            if on > previous and "extension_after_expiry" not in found:
                found.add("extension_after_expiry")
                yield extension_after_expiry(facts, event, due_set_by, previous, on)
            if (
                new is not None
                and facts.term_days > 0
                and "extension_beyond_limit" not in found
            ):
                allowed = int(factor * facts.term_days) + paused_days
                limit = (
                    calendar.add_calendar_days(received, allowed)
                    if calendar_days
                    else calendar.add_business_days(received, allowed)
                )
                if new > limit:
                    found.add("extension_beyond_limit")
                    yield extension_beyond_limit(facts, filing, event, new, limit)
        if event.action == REQUEST:
            requests.append(event)
            if len(requests) > max_requests and "repeated" not in found:
                found.add("repeated")
                yield repeated_request(facts, filing, requests)
            late = calendar.business_days_between(received, on)
            if late > window and "late" not in found:
                found.add("late")
                yield late_request(facts, filing, event, late, window)
        new_due = as_date(event.after.get("due_date"))
        if new_due is not None:
            if due is not None and new_due != due and event.action != EXTEND:
                paused_days += calendar.days_between(
                    due, new_due, calendar_days=calendar_days
                )
            if new_due != due:
                due, due_set_by = new_due, event.id


def base(facts, event, sub: str, summary: str, evidence) -> Finding:
    return Finding(
        detector=CODE,
        key=f"{CODE}:{facts.radicado}:{sub}",
        summary=summary,
        at=event.at,
        evidence=tuple(dict.fromkeys(evidence)),
        radicados=(facts.radicado,),
        entity=facts.entity,
        procedure=facts.procedure,
        officer=event.actor_id,
    )


def extension_after_expiry(facts, event, due_set_by, due, on) -> Finding:
    late = calendar.business_days_between(due, on)
    summary = (
        f"El término se prorrogó el {on:%d/%m/%Y}, {business_days(late)} después de "
        f"vencido (vencía el {due:%d/%m/%Y}). La prórroga solo cabe antes del "
        "vencimiento (Ley 1755 de 2015, art. 14, parágrafo)."
    )
    return base(facts, event, "extension_after_expiry", summary, (due_set_by, event.id))


def extension_beyond_limit(facts, filing, event, new, limit) -> Finding:
    unit = "calendario" if facts.calendar_days else "hábiles"
    summary = (
        f"La prórroga llevó el vencimiento al {new:%d/%m/%Y}, más allá del "
        f"{limit:%d/%m/%Y}, el límite del término de {facts.term_days} días {unit} "
        "ampliado al máximo permitido (Ley 1755 de 2015, art. 14, parágrafo)."
    )
    return base(facts, event, "extension_beyond_limit", summary, (filing.id, event.id))


def repeated_request(facts, filing, requests) -> Finding:
    summary = (
        f"Se pidió información al ciudadano {len(requests)} veces en este caso; la "
        "Ley 1755 de 2015, art. 17, permite un solo requerimiento. Revise si las "
        "solicitudes repetidas demoran el trámite."
    )
    return base(
        facts,
        requests[-1],
        "repeated_information_request",
        summary,
        (filing.id, *(event.id for event in requests)),
    )


def late_request(facts, filing, event, late, window) -> Finding:
    summary = (
        f"Se pidió información al ciudadano {business_days(late)} después de la "
        f"radicación; la Ley 1755 de 2015, art. 17, da {window} días hábiles para "
        "hacerlo."
    )
    return base(
        facts, event, "late_information_request", summary, (filing.id, event.id)
    )


DETECTORS = (Detector(code=CODE, scope="case", detect=detect),)
