"""D11: segregation of duties.

Whoever files a case must not decide it; and on high-stakes procedures (technical
concepts on fire safety, health, risk) the officer who took the case must not
approve it alone (docs/domain.md §4.4, leg "responsabilidad"). The procedures that
need four eyes are data (``four_eyes_procedures``).
"""

from collections.abc import Iterator

from oversight.detectors import Detector, Finding
from oversight.facts import DECISIONS, FILED, OFFICER_ACTS, CaseFacts

CODE = "D11"
# Acts that examine the case. Assigning it does not: a coordinator who hands a
# case to an officer has not reviewed it.
REVIEW_ACTS = tuple(action for action in OFFICER_ACTS if action != "case.asignar")


def detect(group: list[CaseFacts], thresholds) -> Iterator[Finding]:
    for facts in group:
        decision = _decision(facts)
        if decision is None or not decision.actor_id:
            continue
        if facts.filed_by and facts.filed_by == decision.actor_id:
            filing = facts.by_action(*FILED)[0]
            yield Finding(
                detector=CODE,
                key=f"{CODE}:{facts.radicado}:filed_and_decided",
                summary=(
                    f"La misma persona radicó el caso y {_verb(decision.action)}. "
                    "Revise si actuó en nombre del ciudadano y quién debía "
                    "decidir."
                ),
                at=decision.at,
                evidence=(filing.id, decision.id),
                radicados=(facts.radicado,),
                entity=facts.entity,
                procedure=facts.procedure,
                officer=decision.actor_id,
            )
        four_eyes = thresholds.value(
            CODE, "four_eyes_procedures", procedure=facts.procedure
        )
        if decision.action == "case.aprobar" and facts.procedure in four_eyes:
            yield from _four_eyes(facts, decision)


def _decision(facts: CaseFacts):
    for event in facts.events:
        if event.action in DECISIONS:
            return event
    return None


def _four_eyes(facts: CaseFacts, approval) -> Iterator[Finding]:
    approver = approval.actor_id
    before = [event for event in facts.events if event.seq < approval.seq]
    takes = [
        event
        for event in before
        if (event.action == "case.tomar" and event.actor_id == approver)
        or (
            event.action == "case.asignar"
            and str(event.details.get("assigned_to_id", "")) == approver
        )
    ]
    if not takes:
        return
    others = [
        event
        for event in before
        if event.action in REVIEW_ACTS and event.actor_id not in ("", approver)
    ]
    if others:
        return
    yield Finding(
        detector=CODE,
        key=f"{CODE}:{facts.radicado}:four_eyes",
        summary=(
            "El funcionario que tomó el caso lo aprobó sin que otro funcionario "
            "actuara en él, y este trámite exige revisión de dos personas. Revise "
            "la aprobación."
        ),
        at=approval.at,
        evidence=tuple(event.id for event in takes) + (approval.id,),
        radicados=(facts.radicado,),
        entity=facts.entity,
        procedure=facts.procedure,
        officer=approver,
    )


def _verb(action: str) -> str:
    return "lo aprobó" if action == "case.aprobar" else "lo rechazó"


DETECTORS = (Detector(code=CODE, scope="case", detect=detect),)
