"""D15: the citizen reported an irregularity on their case.

Every report is a flag for priority review (docs/domain.md §4.4, leg "presión"). The
report's text is sealed under the citizen's key; the flag shows only its category.
It is hidden from the officer who held the case when the citizen reported.
"""

from collections.abc import Iterator

from oversight.detectors import Detector, Finding
from oversight.facts import CaseFacts

CODE = "D15"
CATEGORIES = {
    "cobro": "le pidieron dinero",
    "requisito": "le exigieron un requisito que no está publicado",
    "demora": "una demora sin explicación",
    "otro": "otra irregularidad",
}


def detect(group: list[CaseFacts], thresholds) -> Iterator[Finding]:
    for facts in group:
        holder = ""
        for event in facts.events:
            if event.action == "case.irregularity_reported":
                category = event.details.get("category", "otro")
                report = event.details.get("report_radicado") or (
                    f"{facts.radicado}:{event.seq}"
                )
                yield Finding(
                    detector=CODE,
                    key=f"{CODE}:{report}",
                    summary=(
                        f"El ciudadano reportó una irregularidad en su caso: "
                        f"{CATEGORIES.get(category, CATEGORIES['otro'])} (reporte "
                        f"{report}). Revise el caso con prioridad y responda al "
                        "ciudadano."
                    ),
                    at=event.at,
                    evidence=(event.id,),
                    radicados=(facts.radicado,),
                    entity=facts.entity,
                    procedure=facts.procedure,
                    officer=holder,
                    severity="alta",
                )
            elif "assigned_to_id" in event.details:
                holder = str(event.details["assigned_to_id"] or "")


DETECTORS = (Detector(code=CODE, scope="case", detect=detect),)
