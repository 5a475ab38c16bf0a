"""What the detectors know about one case: a projection of its audit events.

``CaseFacts`` is rebuilt from the events alone (``from_events``), so a flag can be
re-derived by anyone holding the verified trail. ``apply`` folds one event body (the
canonical JSON of ``audit.AuditEvent.body``, parsed) into the facts; the full scan and
the incremental scan both use it, which is why they raise the same flags.

The event fields read here are the contract with the apps that record them
(docs/risk-events.md): ``case.filed`` carries the procedure, entity, term,
requirements and the applicant's contact digests; officers' acts carry the entity,
the assignee and the actor's own match digests.
"""

import datetime
from dataclasses import dataclass, field

# audit.chain.format_time writes "...%fZ"; fromisoformat reads it to the same aware
# UTC datetime as audit.chain.parse_time, ~50 times faster (the full scan parses
# every event's time).
parse_time = datetime.datetime.fromisoformat

CASE_CHAIN_PREFIX = "case:"
FILED = ("case.filed", "case.received_by_remission")
DECISIONS = ("case.aprobar", "case.rechazar")
# Acts that end a case for the detectors (a decision, or no decision to judge).
CLOSINGS = DECISIONS + ("case.remitir", "case.declarar_desistimiento")


@dataclass
class EventRef:
    """One event of the case as the detectors see it; ``id`` links the evidence."""

    id: int
    seq: int
    at: datetime.datetime
    action: str
    actor_id: str
    actor_role: str
    ip: str
    reason: str = ""
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)


@dataclass
class CaseFacts:
    chain_key: str
    radicado: str = ""
    entity: str = ""
    procedure: str = ""
    applicant: str = ""  # "user:<pk>" (audit.personal.subject_of)
    filed_by: str = ""  # actor_id of the filing event
    filed_at: datetime.datetime | None = None
    received_on: str = ""  # ISO date, as recorded
    initial_due_date: str = ""
    due_date: str = ""
    term_days: int = 0
    calendar_days: bool = False
    requirements: list = field(default_factory=list)
    contacts: dict = field(default_factory=dict)  # kind -> match digest
    status: str = ""
    assigned_to: str = ""  # actor_id of the officer holding the case
    decided_at: datetime.datetime | None = None
    decision: str = ""  # the closing action's code: "aprobar", "rechazar", ...
    decided_by: str = ""
    events: list = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.decided_at is None

    def by_action(self, *actions: str) -> list[EventRef]:
        return [event for event in self.events if event.action in actions]


def is_case_event(body: dict) -> bool:
    return body.get("chain", "").startswith(CASE_CHAIN_PREFIX)


def apply(facts: CaseFacts, body: dict, event_id: int) -> CaseFacts:
    """Fold one event of the case's chain into its facts (in chain order)."""
    details = body.get("details") or {}
    before = body.get("before") if isinstance(body.get("before"), dict) else {}
    after = body.get("after") if isinstance(body.get("after"), dict) else {}
    at = parse_time(body["at"])
    action = body["action"]
    facts.events.append(
        EventRef(
            id=event_id,
            seq=body["seq"],
            at=at,
            action=action,
            actor_id=body.get("actor_id", ""),
            actor_role=body.get("actor_role", ""),
            ip=body.get("ip", ""),
            reason=body.get("reason", ""),
            before=before,
            after=after,
            details=details,
        )
    )
    if action in FILED:
        facts.radicado = body.get("radicado", "")
        facts.entity = details.get("entity", "")
        facts.procedure = details.get("procedure", "")
        facts.applicant = details.get("applicant", "")
        facts.filed_by = body.get("actor_id", "")
        facts.filed_at = at
        facts.received_on = str(after.get("received_on", ""))
        facts.initial_due_date = str(after.get("due_date", ""))
        facts.term_days = int(details.get("term_days") or 0)
        facts.calendar_days = bool(details.get("calendar_days"))
        facts.requirements = list(details.get("requirements") or [])
        facts.contacts = dict(details.get("contact") or {})
    if "status" in after:
        facts.status = after["status"]
    if "due_date" in after:
        facts.due_date = str(after["due_date"])
    if "assigned_to_id" in details:
        facts.assigned_to = str(details["assigned_to_id"] or "")
    if action in CLOSINGS and facts.decided_at is None:
        facts.decided_at = at
        facts.decision = action.removeprefix("case.")
        facts.decided_by = body.get("actor_id", "")
    return facts


def from_events(rows) -> dict[str, CaseFacts]:
    """Facts per case chain from ``(event_id, body)`` pairs in append order."""
    cases: dict[str, CaseFacts] = {}
    for event_id, body in rows:
        if is_case_event(body):
            chain_key = body["chain"]
            facts = cases.get(chain_key)
            if facts is None:
                facts = cases[chain_key] = CaseFacts(chain_key=chain_key)
            apply(facts, body, event_id)
    return cases


OFFICER_ACTS = (
    "case.tomar",
    "case.asignar",
    "case.solicitar_informacion",
    "case.prorrogar",
    "case.remitir",
) + DECISIONS


def contact_points(facts: CaseFacts) -> set[tuple[str, str]]:
    """The applicant's points of contact that D1 compares across applicants, as
    (kind, value) pairs: the digests filed with the case, the filing's IP, and the
    digests of the accounts that paid. Surnames and addresses are shared by
    thousands and networks such as a SuperCADE's by design: they are left out, so a
    contact group stays the size of an intermediary's clientele."""
    from oversight import thresholds

    kinds = set(thresholds.value("D1", "kinds"))
    shared_ips = set(thresholds.value("D1", "shared_ips"))
    points = {
        (kind, digest)
        for kind, digest in facts.contacts.items()
        if digest and kind in kinds
    }
    if "ip" in kinds:
        for event in facts.by_action(*FILED):
            if event.ip not in shared_ips:
                points.add(("ip", event.ip))
    if "payment_account" in kinds:
        for event in facts.by_action("case.fee_paid"):
            if event.details.get("payment_account"):
                points.add(("payment_account", event.details["payment_account"]))
    return points


def officers(facts: CaseFacts) -> set[str]:
    """Everyone who acted on the case as an officer (their actor ids)."""
    return {
        event.actor_id for event in facts.by_action(*OFFICER_ACTS) if event.actor_id
    } | ({facts.assigned_to} if facts.assigned_to else set())
