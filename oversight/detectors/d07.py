"""D7: one officer repeatedly takes the cases of one applicant or intermediary.

Self-assignment (``case.tomar``) lets an officer choose whom to serve. Taking the
same applicant's cases again and again, or the cases of different applicants who
share one e-mail, phone or payment account (an intermediary), is a lead for a
captured officer (docs/domain.md §4.4, leg "oportunidad").
"""

import datetime
from collections.abc import Iterator

from oversight.detectors import Detector, Finding
from oversight.facts import CaseFacts, officers

CODE = "D7"
APPLICANT = "applicant"
KIND_WORDS = {
    APPLICANT: "del mismo solicitante",
    "email": "de solicitantes que comparten un mismo correo",
    "phone": "de solicitantes que comparten un mismo teléfono",
    "payment_account": "de solicitantes que comparten una misma cuenta de pago",
}


def group_officers(group: list[CaseFacts]) -> list[str]:
    """The officer an officer-scope group is about: its key when the group carries
    one (``("officer", actor_id)``), else those who acted on every case of it."""
    key = getattr(group, "key", None)
    if key and key[0] == "officer":
        return [key[1]]
    common = None
    for facts in group:
        common = officers(facts) if common is None else common & officers(facts)
        if not common:
            return []
    return sorted(common or ())


def _take_and_points(facts: CaseFacts, officer: str, kinds: set[str]):
    """The officer's first self-assignment of the case (or None) and the case's
    points of contact of ``kinds``, in one pass over its events (the same points
    as ``facts.contact_points``)."""
    take = None
    points = {
        (kind, digest)
        for kind, digest in facts.contacts.items()
        if digest and kind in kinds
    }
    for event in facts.events:
        if (
            take is None
            and event.action == "case.tomar"
            and event.actor_id == officer
            # The only officer of an entity takes every case: no choice, no lead.
            and event.details.get("entity_officers", 2) >= 2
        ):
            take = event
        elif event.action == "case.fee_paid" and event.details.get("payment_account"):
            points.add(("payment_account", event.details["payment_account"]))
    return take, {point for point in points if point[0] in kinds}


def _bursts(takes: list, window: datetime.timedelta, minimum: int) -> Iterator[list]:
    """Maximal runs of at least ``minimum`` takes that fit, each, within ``window``
    of the run's first take; a take belongs to one run at most (one sweep)."""
    start = 0
    run: list = []
    for index, take in enumerate(takes):
        if run:
            if take[0] - run[0][0] <= window:
                run.append(take)
                continue
            yield run
            run = []
            start = index
        while take[0] - takes[start][0] > window:
            start += 1
        if index - start + 1 >= minimum:
            run = takes[start : index + 1]
    if run:
        yield run


def detect(group: list[CaseFacts], thresholds) -> Iterator[Finding]:
    window_days = thresholds.value(CODE, "window_days")
    window = datetime.timedelta(days=window_days)
    minimum = thresholds.value(CODE, "min_same_pair")
    kinds = set(thresholds.value(CODE, "kinds"))
    for officer in group_officers(group):
        by_point: dict[tuple[str, str], list] = {}
        for facts in group:
            event, points = _take_and_points(facts, officer, kinds)
            if event is None:
                continue
            if facts.applicant:
                points.add((APPLICANT, facts.applicant))
            for point in points:
                take = (event.at, event.id, facts.radicado, facts.applicant, facts)
                by_point.setdefault(point, []).append(take)
        for (kind, value), takes in sorted(by_point.items()):
            if len(takes) < minimum:
                continue
            takes.sort(key=lambda take: (take[0], take[1]))
            for run in _bursts(takes, window, minimum):
                applicants = {take[3] for take in run}
                # A contact point of one applicant is the applicant pattern.
                if kind != APPLICANT and len(applicants) < 2:
                    continue
                yield _finding(officer, kind, value, run, window_days)


def _finding(officer, kind, value, run, window_days) -> Finding:
    first, last = run[0], run[-1]
    days = (last[0] - first[0]).days
    # A shortened digest lets the auditor tell points apart; a "user:" id is not shown.
    point = "" if kind == APPLICANT else f" (huella {value.removeprefix('m1:')[:8]})"
    summary = (
        f"El mismo funcionario tomó por su cuenta {len(run)} casos "
        f"{KIND_WORDS[kind]}{point} en {days} días (ventana de {window_days} días). "
        "Revise por qué eligió esos casos."
    )
    subject = "applicant" if kind == APPLICANT else kind
    cases = [take[4] for take in run]
    entities = {facts.entity for facts in cases}
    procedures = {facts.procedure for facts in cases}
    return Finding(
        detector=CODE,
        key=f"{CODE}:{officer}:{subject}:{value}:{first[2]}",
        summary=summary,
        at=last[0],
        evidence=tuple(take[1] for take in run),
        radicados=tuple(dict.fromkeys(take[2] for take in run)),
        entity=entities.pop() if len(entities) == 1 else "",
        procedure=procedures.pop() if len(procedures) == 1 else "",
        officer=officer,
    )


DETECTORS = (Detector(code=CODE, scope="officer", detect=detect),)
