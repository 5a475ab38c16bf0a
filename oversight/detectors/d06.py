"""D6: an officer acting on a case of someone close to them.

Officers' acts carry the acting officer's own match digests (``actor_match``); the
filing carries the applicant's (``contact``). Equal digests mean equal normalized
values. A flag when they share one of ``direct_kinds`` (an e-mail, a phone, a
document: the same person or household), or the surname together with one of
``surname_with`` (the same family at the same address, phone or company domain).
One flag per officer and case, from that officer's first matching act.
"""

from oversight.detectors import Detector, Finding
from oversight.facts import FILED

CODE = "D6"
KIND_LABELS = {
    "email": "el correo electrónico",
    "email_domain": "el dominio de correo",
    "phone": "el teléfono",
    "document": "el documento",
    "surname": "el primer apellido",
    "address": "la dirección",
}


def shared_kinds(contacts: dict, match: dict, direct, surname_with) -> list[str]:
    def same(kind):
        return bool(contacts.get(kind)) and contacts.get(kind) == match.get(kind)

    shared = [kind for kind in direct if same(kind)]
    if same("surname"):
        together = [kind for kind in surname_with if same(kind)]
        if together:
            shared += ["surname", *(kind for kind in together if kind not in shared)]
    return shared


def detect(group, thresholds):
    for facts in group:
        yield from case_findings(facts, thresholds)


def case_findings(facts, thresholds):
    if not facts.contacts:
        return
    procedure = facts.procedure
    direct = thresholds.value(CODE, "direct_kinds", procedure=procedure)
    surname_with = thresholds.value(CODE, "surname_with", procedure=procedure)
    filing = facts.by_action(*FILED)[0]
    matches: dict[str, list] = {}  # officer -> [(event, shared kinds)], in order
    for event in facts.events:
        match = event.details.get("actor_match")
        if not event.actor_id or not isinstance(match, dict):
            continue
        shared = shared_kinds(facts.contacts, match, direct, surname_with)
        if shared:
            matches.setdefault(event.actor_id, []).append((event, shared))
    for officer, acts in matches.items():
        first, shared = acts[0]
        names = ", ".join(KIND_LABELS.get(kind, kind) for kind in shared)
        actions = sorted({event.action.removeprefix("case.") for event, _ in acts})
        summary = (
            f"El funcionario que actuó en el caso ({', '.join(actions)}) comparte "
            f"con el solicitante {names}. Revise si hay un conflicto de intereses "
            "no declarado (impedimento o recusación)."
        )
        yield Finding(
            detector=CODE,
            key=f"{CODE}:{facts.radicado}:{officer}",
            summary=summary,
            at=first.at,
            evidence=(filing.id, *(event.id for event, _ in acts)),
            radicados=(facts.radicado,),
            entity=facts.entity,
            procedure=facts.procedure,
            officer=officer,
        )


DETECTORS = (Detector(code=CODE, scope="case", detect=detect),)
