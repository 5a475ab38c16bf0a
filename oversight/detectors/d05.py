"""D5: a long idle period, then approval right after a third party's query.

One case's events in order. A read (``case.viewed``, a document download), an
action refused for a stale form or a citizen's report is not an act: it does not
end an idle period. A view by a third party (neither the
applicant, nor the officer holding the case at that moment, nor the one who later
approves) that comes ``idle_business_days`` or more business days after the last
act, followed by the approval within ``approval_within_hours``, is a flag: it may
be a status query that was really a push (docs/domain.md §4.4, leg presión).
"""

import datetime

from oversight.detectors import Detector, Finding
from procedures import calendar

CODE = "D5"
# Not acts on the case: reads, an action refused for a stale form, a citizen's report.
NOT_ACTS = (
    "case.viewed",
    "case.document_downloaded",
    "case.conflict",
    "case.irregularity_reported",
)
APPROVAL = "case.aprobar"


def local_date(moment: datetime.datetime) -> datetime.date:
    return calendar.to_bogota(moment).date()


def detect(group, thresholds):
    for facts in group:
        found = case_finding(facts, thresholds)
        if found is not None:
            yield found


def case_finding(facts, thresholds) -> Finding | None:
    approvals = facts.by_action(APPROVAL)
    if not approvals:
        return None
    approval = approvals[0]
    procedure = facts.procedure
    idle_days = int(thresholds.value(CODE, "idle_business_days", procedure=procedure))
    within = datetime.timedelta(
        hours=float(
            thresholds.value(CODE, "approval_within_hours", procedure=procedure)
        )
    )
    applicant = {facts.applicant.removeprefix("user:"), facts.filed_by} - {""}
    last_act = None
    holder = ""
    # The views that came after a long idle period, with the act that preceded it.
    candidates = []
    for event in facts.events:
        if event.id == approval.id:
            break
        if event.action in NOT_ACTS:
            if event.action == "case.viewed" and last_act is not None:
                idle = calendar.business_days_between(
                    local_date(last_act.at), local_date(event.at)
                )
                third_party = event.actor_id and event.actor_id not in (
                    applicant | {holder, approval.actor_id}
                )
                if idle >= idle_days and third_party:
                    candidates.append((last_act, event, idle))
            continue
        last_act = event
        if "assigned_to_id" in event.details:
            holder = str(event.details["assigned_to_id"] or "")
    for last, view, idle in reversed(candidates):
        if approval.at - view.at <= within:
            return finding(facts, last, view, approval, idle)
    return None


def finding(facts, last, view, approval, idle) -> Finding:
    hours = f"{(approval.at - view.at).total_seconds() / 3600:.1f}".replace(".", ",")
    summary = (
        f"El caso estuvo {idle} días hábiles sin actuaciones; un servidor que no lo "
        f"tenía a cargo consultó su estado y se aprobó {hours} horas después. "
        "Revise qué motivó la consulta y la aprobación."
    )
    return Finding(
        detector=CODE,
        key=f"{CODE}:{facts.radicado}",
        summary=summary,
        at=approval.at,
        evidence=(last.id, view.id, approval.id),
        radicados=(facts.radicado,),
        entity=facts.entity,
        procedure=facts.procedure,
        officer=approval.actor_id,
    )


DETECTORS = (Detector(code=CODE, scope="case", detect=detect),)
