"""D9: the officer asked the citizen for a document the procedure does not publish.

Only requirements registered in the SUIT may be demanded (Decreto Ley 2106 de 2019);
asking for anything else is a classic way to stall a case or to invite a payment
(docs/domain.md §4.4, leg "oportunidad"). The published names are on the filing
(``requirements``); the asked ones on ``case.solicitar_informacion``.
"""

from collections.abc import Iterator

from oversight.detectors import Detector, Finding
from oversight.facts import CaseFacts

CODE = "D9"


def normalized(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def _names(requested) -> list[str]:
    """Requested documents are names, or ``{"name": ...}`` specs."""
    names = []
    for item in requested or ():
        name = item.get("name", "") if isinstance(item, dict) else item
        if str(name).strip():
            names.append(" ".join(str(name).split()))
    return names


def detect(group: list[CaseFacts], thresholds) -> Iterator[Finding]:
    for facts in group:
        published = {normalized(name) for name in facts.requirements}
        for event in facts.by_action("case.solicitar_informacion"):
            unpublished = [
                name
                for name in _names(event.details.get("requested_documents"))
                if normalized(name) not in published
            ]
            if not unpublished:
                continue
            listed = ", ".join(f"«{name}»" for name in unpublished)
            plural = len(unpublished) > 1
            yield Finding(
                detector=CODE,
                key=f"{CODE}:{facts.radicado}:{event.seq}",
                summary=(
                    f"Se pidió al ciudadano {listed}, que no "
                    f"{'están' if plural else 'está'} entre los "
                    f"{len(published)} requisitos publicados del trámite. Revise "
                    "si el documento era exigible."
                ),
                at=event.at,
                evidence=(event.id,),
                radicados=(facts.radicado,),
                entity=facts.entity,
                procedure=facts.procedure,
                officer=event.actor_id,
            )


DETECTORS = (Detector(code=CODE, scope="case", detect=detect),)
