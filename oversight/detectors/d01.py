"""D1: one point of contact behind many unrelated applicants (a tramitador).

A contact group holds every case that shares one point of contact (an e-mail, a
phone, the filing's IP, the account that paid). Its occurrences, one per case at
the moment the point appeared (the filing, or the payment for an account), are
swept in time order with a window of ``window_days`` days: when a window starting
at one case holds more than ``max_applicants`` distinct applicants, that window is
a flag, keyed by its first case, and the sweep goes on after the window. A window
is judged only on the occurrences inside it, so later events cannot change a flag
about an earlier month (other than adding its own later cases to it).
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from oversight.detectors import Detector, Finding
from oversight.facts import FILED
from procedures import calendar

CODE = "D1"
# How the summary names each kind of point; the value itself never appears (IPs
# excepted: they are not personal data the trail seals).
KIND_LABELS = {
    "email": "Un mismo correo electrónico",
    "phone": "Un mismo teléfono",
    "ip": "Una misma dirección IP",
    "payment_account": "Una misma cuenta de pago",
    "document": "Un mismo documento",
    "email_domain": "Un mismo dominio de correo",
    "address": "Una misma dirección",
}


@dataclass(frozen=True)
class Occurrence:
    at: datetime.datetime
    applicant: str
    radicado: str
    entity: str
    events: tuple[tuple[datetime.datetime, int], ...]  # (at, event id)


def shown(kind: str, value: str) -> str:
    """The point as the summary may show it: an IP in full, a digest shortened."""
    if kind == "ip":
        return value
    return "huella " + value.removeprefix("m1:")[:8]


def occurrence(facts, kind: str, value: str) -> Occurrence | None:
    filings = facts.by_action(*FILED)
    if not filings:
        return None
    filing = filings[0]
    if kind == "ip":
        events = [event for event in filings if event.ip == value]
    elif kind == "payment_account":
        events = [
            event
            for event in facts.by_action("case.fee_paid")
            if event.details.get("payment_account") == value
        ]
    else:
        events = [filing] if facts.contacts.get(kind) == value else []
    if not events:
        return None
    evidence = tuple(dict.fromkeys([(e.at, e.id) for e in (filing, *events)]))
    return Occurrence(
        at=events[0].at,
        applicant=facts.applicant or facts.filed_by or facts.chain_key,
        radicado=facts.radicado,
        entity=facts.entity,
        events=evidence,
    )


def detect(group, thresholds):
    key = getattr(group, "key", None)
    if key is None:
        raise TypeError(
            "D1 needs the contact point its group shares: pass detectors.Group "
            "(as detectors.groups builds them), not a plain list"
        )
    _scope, kind, value = key
    if kind not in thresholds.value(CODE, "kinds"):
        return
    if kind == "ip" and value in thresholds.value(CODE, "shared_ips"):
        return
    max_applicants = int(thresholds.value(CODE, "max_applicants"))
    if len(group) <= max_applicants:
        return  # too few cases to hold too many applicants
    window = datetime.timedelta(days=int(thresholds.value(CODE, "window_days")))
    occurrences = sorted(
        (
            found
            for facts in group
            if (found := occurrence(facts, kind, value)) is not None
        ),
        key=lambda found: (found.at, found.events),
    )
    applicants: Counter = Counter()
    start = end = 0
    while start < len(occurrences):
        limit = occurrences[start].at + window
        while end < len(occurrences) and occurrences[end].at < limit:
            applicants[occurrences[end].applicant] += 1
            end += 1
        if len(applicants) > max_applicants:
            yield finding(kind, value, occurrences[start:end], len(applicants))
            applicants.clear()
            start = end
        else:
            leaving = occurrences[start].applicant
            applicants[leaving] -= 1
            if not applicants[leaving]:
                del applicants[leaving]
            start += 1


def finding(kind: str, value: str, window: list[Occurrence], count: int) -> Finding:
    first, last = window[0], window[-1]
    entities = {found.entity for found in window}
    since, until = calendar.to_bogota(first.at), calendar.to_bogota(last.at)
    days = f"{since:%d/%m/%Y} al {until:%d/%m/%Y}"
    summary = (
        f"{KIND_LABELS.get(kind, kind)} ({shown(kind, value)}) aparece "
        f"detrás de {count} solicitantes distintos en {len(window)} casos, "
        f"del {days}. Revise si un intermediario está gestionando trámites a "
        "nombre de otros."
    )
    evidence = [
        event_id
        for _at, event_id in sorted({pair for found in window for pair in found.events})
    ]
    return Finding(
        detector=CODE,
        key=f"{CODE}:{kind}:{value}:{first.radicado}",
        summary=summary,
        at=last.at,
        evidence=tuple(evidence),
        radicados=tuple(dict.fromkeys(found.radicado for found in window)),
        entity=entities.pop() if len(entities) == 1 else "",
    )


DETECTORS = (Detector(code=CODE, scope="contact", detect=detect),)
