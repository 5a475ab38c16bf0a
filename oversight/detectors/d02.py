"""D2: a case decided while older, complete cases of the same procedure wait.

The group is one procedure of one entity. Its events are swept once in time order,
keeping the set of cases that wait on the entity: filed, not yet closed, and not
waiting on the citizen (a case in ``requiere_informacion`` is not complete, and
leaves the set until the citizen answers). When a case is approved or rejected,
the waiting cases filed before it are counted; ``min_older_waiting`` or more, with
no ``priority_reason`` on the decision or on the case's ``tomar`` (Ley 1755 art.
20), is a flag. The waiting set is a sorted list of filing positions, so a count is
one bisection.
"""

import bisect

from oversight.detectors import Detector, Finding
from oversight.facts import CLOSINGS, DECISIONS, FILED

CODE = "D2"
WAITING_ON_CITIZEN = "requiere_informacion"
# Evidence names the oldest waiting cases, not a whole backlog.
MAX_WAITING_EVIDENCE = 10
VERBS = {"case.aprobar": "Se aprobó", "case.rechazar": "Se rechazó"}


def detect(group, thresholds):
    if not group:
        return
    procedure = group[0].procedure
    minimum = int(thresholds.value(CODE, "min_older_waiting", procedure=procedure))
    position = {facts.chain_key: index for index, facts in enumerate(group)}
    timeline = sorted(
        (event.at, event.id, facts.chain_key, event)
        for facts in group
        for event in facts.events
    )
    waiting: list[int] = []
    closed: set[str] = set()
    for _at, _id, chain_key, event in timeline:
        index = position[chain_key]
        if chain_key in closed:
            continue
        if event.action in DECISIONS:
            older = bisect.bisect_left(waiting, index)
            if older >= minimum and not has_priority_reason(group[index], event):
                yield finding(group, event, index, waiting[:older])
        if event.action in CLOSINGS:
            closed.add(chain_key)
            discard(waiting, index)
        elif event.action in FILED or "status" in event.after:
            status = event.after.get("status", "")
            if status == WAITING_ON_CITIZEN:
                discard(waiting, index)
            elif status or event.action in FILED:
                keep(waiting, index)


def keep(waiting: list[int], index: int) -> None:
    spot = bisect.bisect_left(waiting, index)
    if spot == len(waiting) or waiting[spot] != index:
        waiting.insert(spot, index)


def discard(waiting: list[int], index: int) -> None:
    spot = bisect.bisect_left(waiting, index)
    if spot < len(waiting) and waiting[spot] == index:
        del waiting[spot]


def has_priority_reason(facts, decision) -> bool:
    if decision.details.get("priority_reason"):
        return True
    return any(
        event.details.get("priority_reason")
        for event in facts.by_action("case.tomar")
        if event.at <= decision.at
    )


def finding(group, decision, index: int, older: list[int]) -> Finding:
    facts = group[index]
    oldest = [group[position] for position in older[:MAX_WAITING_EVIDENCE]]
    filings = [
        event.id for waiting in oldest for event in waiting.by_action(*FILED)[:1]
    ]
    count = len(older)
    summary = (
        f"{VERBS.get(decision.action, 'Se decidió')} el caso mientras {count} casos más antiguos y completos del mismo trámite "
        "esperaban en la entidad, sin motivo de atención prioritaria registrado. "
        "Revise por qué se atendió antes que ellos."
    )
    return Finding(
        detector=CODE,
        key=f"{CODE}:{facts.radicado}",
        summary=summary,
        at=decision.at,
        evidence=(*filings, decision.id),
        radicados=(facts.radicado, *(waiting.radicado for waiting in oldest)),
        entity=facts.entity,
        procedure=facts.procedure,
        officer=decision.actor_id,
    )


DETECTORS = (Detector(code=CODE, scope="procedure", detect=detect),)
