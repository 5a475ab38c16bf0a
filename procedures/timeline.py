"""A case's timeline, read from its audit trail and its e-mails.

One list of dated steps (filed, taken, assigned, information requested, clock
stopped and resumed, extensions, answers, decisions, e-mails sent) for two
readers. The officer's timeline names who acted. The citizen's is citizen-safe:
no officer names, no internal events (views, downloads, refused conflicts), and
of the texts only those the citizen is meant to read (the reasons the officer's
form says the citizen will read, and the citizen's own answer).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from audit.chain import parse_time
from audit.models import AuditEvent
from audit.presentation import event_body

from . import calendar, workflow
from .models import Case, Notification

Action = workflow.Action


@dataclass(frozen=True)
class Step:
    """One dated line of the timeline."""

    at: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    who: str = ""

    @property
    def when(self) -> str:
        # Colombian order, Bogotá time: 04/12/2026 10:35.
        return f"{calendar.to_bogota(self.at):%d/%m/%Y %H:%M}"

    @property
    def iso(self) -> str:
        return self.at.isoformat()


# The events a timeline shows, by audit action; every other one (views,
# downloads, uploads listed with the documents, conflicts) is left out.
TIMELINE_ACTIONS = [
    "case.filed",
    "case.received_by_remission",
    *(f"case.{action.value}" for action in Action),
]
# Whose texts the citizen reads: the officer's reasons on these actions (their
# form says "lo leerá el ciudadano") and the citizen's own answer.
CITIZEN_TEXTS = {
    *(f"case.{action.value}" for action in workflow.REASON_REQUIRED_ACTIONS),
    f"case.{Action.ANSWER.value}",
}


def _date(value) -> str:
    if not value:
        return ""
    return f"{datetime.date.fromisoformat(str(value)[:10]):%d/%m/%Y}"


def _steps_for(body: dict, *, citizen: bool, entity: str) -> list[tuple[str, str, str]]:
    """(kind, title, detail) for one event; a request gives two (the clock stops)."""
    action = body["action"]
    after = body.get("after") or {}
    details = body.get("details") or {}
    due = _date(after.get("due_date"))
    if action == "case.filed":
        # No due date here: it moves (extensions, suspensions), and the page shows
        # the one in force.
        return [
            (
                "filed",
                _("Solicitud radicada"),
                _("Radicado %(radicado)s.") % {"radicado": body["radicado"]},
            )
        ]
    if action == "case.received_by_remission":
        return [
            (
                "filed",
                _("Recibida por remisión de otra entidad"),
                _("Radicado de origen %(radicado)s.")
                % {"radicado": details.get("remitted_from", "")},
            )
        ]
    verb = action.removeprefix("case.")
    if verb == Action.TAKE:
        return [("review", _("Solicitud en revisión"), "")]
    if verb == Action.ASSIGN:
        if citizen:
            return [
                (
                    "review",
                    _("Asignada a un servidor de %(entity)s") % {"entity": entity},
                    "",
                )
            ]
        return [
            (
                "review",
                _("Asignada a %(name)s") % {"name": after.get("assigned_to")},
                "",
            )
        ]
    if verb == Action.REQUEST_INFO:
        documents = details.get("requested_documents") or []
        asked = (
            _("Documentos pedidos: %(names)s.") % {"names": ", ".join(documents)}
            if documents
            else ""
        )
        return [
            ("request", _("Información solicitada al ciudadano"), asked),
            (
                "clock",
                _("Término suspendido"),
                _(
                    "El ciudadano puede responder hasta el %(date)s (Ley 1755 de 2015, art. 17)."
                )
                % {"date": _date(after.get("plazo_del_ciudadano"))},
            ),
        ]
    if verb == Action.ANSWER:
        return [
            ("answer", _("Respuesta del ciudadano"), ""),
            (
                "clock",
                _("Término reanudado"),
                _("Nueva fecha límite: %(date)s.") % {"date": due},
            ),
        ]
    if verb == Action.REQUEST_EXTENSION:
        return [
            (
                "clock",
                _("Plazo para responder ampliado"),
                _("Hasta el %(date)s.")
                % {"date": _date(after.get("plazo_del_ciudadano"))},
            )
        ]
    if verb == Action.EXTEND:
        return [
            (
                "clock",
                _("Término prorrogado"),
                _("Nueva fecha límite: %(date)s.") % {"date": due},
            )
        ]
    if verb == Action.REMIT:
        return [
            (
                "decision",
                _("Remitida por competencia"),
                _("Nuevo radicado: %(radicado)s.")
                % {"radicado": details.get("remitted_to", "")},
            )
        ]
    decisions = {
        Action.APPROVE: _("Aprobada"),
        Action.REJECT: _("Rechazada"),
        Action.DESIST: _("Desistimiento declarado"),
    }
    return [("decision", decisions.get(verb, verb), "")]


def case_timeline(case: Case, *, citizen: bool) -> list[Step]:
    """The case's steps, oldest first; ``citizen`` gives the citizen-safe one."""
    events = [
        event_body(event)
        for event in AuditEvent.objects.filter(
            chain_key=case.audit_chain, action__in=TIMELINE_ACTIONS
        ).order_by("seq")
    ]
    names = {}
    if not citizen:
        users = get_user_model().objects.filter(
            username__in={body["actor_username"] for body in events}
        )
        names = {u.get_username(): u.get_full_name() or u.get_username() for u in users}
    entity = case.entity.name
    steps = []
    for body in events:
        at = parse_time(body["at"])
        if body["actor_role"] == workflow.Role.APPLICANT.value:
            who = _("Usted") if citizen else _("Solicitante")
        elif body["actor_role"] == workflow.Role.SYSTEM.value:
            who = _("Sistema")
        elif citizen:
            who = entity
        else:
            who = names.get(body["actor_username"], body["actor_username"])
        text = body.get("reason") or ""
        if citizen and body["action"] not in CITIZEN_TEXTS:
            text = ""
        for index, (kind, title, detail) in enumerate(
            _steps_for(body, citizen=citizen, entity=entity)
        ):
            # The reason belongs to the event's first line, not to the clock's.
            extra = text if index == 0 else ""
            steps.append(
                Step(
                    at=at,
                    kind=kind,
                    title=title,
                    detail=" ".join(part for part in (extra, detail) if part),
                    who=who,
                )
            )
    for notification in Notification.objects.filter(case=case).order_by("created_at"):
        steps.append(
            Step(
                at=notification.created_at,
                kind="notice",
                title=(
                    _("Le escribimos: %(subject)s")
                    if citizen
                    else _("Correo al ciudadano: %(subject)s")
                )
                % {"subject": notification.subject},
                detail=_("Estado del envío: %(state)s.")
                % {"state": notification.get_state_display()},
                who=notification.recipient if not citizen else "",
            )
        )
    # Stable: events keep their chain order, an e-mail follows the act that wrote it.
    return sorted(steps, key=lambda step: step.at)
