"""Plant patterns in the trail's own format, without a database.

``Trail`` writes case events as the recording apps do (docs/risk-events.md): the
same bodies ``audit.record`` hashes, with ids in append order. The detectors only
read such bodies (through ``oversight.facts.from_events``), so a pattern planted here
is a pattern in the trail. End-to-end tests plant through the real services instead.
"""

import datetime
import itertools

from audit.chain import format_time
from oversight import detectors, thresholds
from oversight.facts import from_events

UTC = datetime.UTC
# A Tuesday at 9:00 in Bogotá (14:00 UTC), not a holiday.
START = datetime.datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
OFFICER_ROLE = "Funcionarios CCB"


class Trail:
    def __init__(self):
        self.rows: list[tuple[int, dict]] = []
        self._ids = itertools.count(1)
        self._seqs: dict[str, itertools.count] = {}

    def event(
        self,
        radicado: str,
        action: str,
        *,
        at: datetime.datetime,
        actor_id: str = "",
        role: str = OFFICER_ROLE,
        ip: str = "10.20.0.5",
        reason: str = "",
        before: dict | None = None,
        after: dict | None = None,
        details: dict | None = None,
    ) -> int:
        chain = f"case:{radicado}"
        seq = next(self._seqs.setdefault(chain, itertools.count(1)))
        event_id = next(self._ids)
        self.rows.append(
            (
                event_id,
                {
                    "v": 1,
                    "chain": chain,
                    "seq": seq,
                    "at": format_time(at),
                    "action": action,
                    "actor_id": actor_id,
                    "actor_username": f"u{actor_id}" if actor_id else "",
                    "actor_role": role,
                    "subject_type": "case",
                    "subject_id": radicado,
                    "radicado": radicado,
                    "result": "ok",
                    "reason": reason,
                    "before": before,
                    "after": after,
                    "details": details or {},
                    "request_id": "",
                    "ip": ip,
                    "user_agent": "pytest",
                    "origin": "web",
                },
            )
        )
        return event_id

    def file(
        self,
        radicado: str,
        *,
        at: datetime.datetime,
        applicant: str = "user:1",
        entity: str = "CCB",
        procedure: str = "P01",
        term_days: int = 15,
        due_date: str = "2026-03-24",
        requirements=("Documento de identidad",),
        contact: dict | None = None,
        ip: str = "190.85.1.1",
        fee: dict | None = None,
    ) -> int:
        details = {
            "procedure": procedure,
            "entity": entity,
            "applicant": applicant,
            "term_days": term_days,
            "calendar_days": False,
            "requirements": list(requirements),
            "contact": contact or {},
        }
        if fee is not None:
            details["fee"] = fee
        return self.event(
            radicado,
            "case.filed",
            at=at,
            actor_id=applicant.removeprefix("user:"),
            role="solicitante",
            ip=ip,
            after={
                "status": "radicado",
                "due_date": due_date,
                "received_on": format_time(at)[:10],
            },
            details=details,
        )

    def act(
        self,
        radicado: str,
        action: str,
        *,
        at: datetime.datetime,
        officer: str,
        entity: str = "CCB",
        procedure: str = "P01",
        status: str | None = None,
        assigned_to: str | None = None,
        actor_match: dict | None = None,
        **kwargs,
    ) -> int:
        """An officer's act (``action`` without the "case." prefix)."""
        details = {
            "entity": entity,
            "procedure": procedure,
            "assigned_to_id": officer if assigned_to is None else assigned_to,
            **kwargs.pop("details", {}),
        }
        if action == "tomar":
            details["self_assigned"] = True
        if actor_match is not None:
            details["actor_match"] = actor_match
        after = dict(kwargs.pop("after", {}) or {})
        if status is not None:
            after["status"] = status
        return self.event(
            radicado,
            f"case.{action}",
            at=at,
            actor_id=officer,
            details=details,
            after=after,
            **kwargs,
        )

    def facts(self):
        return from_events(self.rows)

    def findings(self, code: str):
        """What detector ``code`` finds in the whole trail."""
        detector = detectors.registry()[code]
        return detectors.run(detector, self.facts().values(), thresholds)
