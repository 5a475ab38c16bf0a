"""The case workflow: statuses, actions, roles and one transitions table.

Rule: a case changes status only through a pair ``(status, action)`` listed in
``TRANSITIONS``, and only when the acting role is one the entry lists. Each row
says the whole of an action: its inputs (what the officer's form asks for), its
guards (the legal rules that may refuse it), its effects (what it changes on the
case), whether it issues an output document and which e-mail tells the citizen.
``next_status()`` applies the table; ``allowed_actions()`` reads it to build the
buttons; the service (``procedures.services``) runs a row's guards and effects,
then saves, audits and notifies. A new action is a new row and, where it changes
something no effect yet does, one effect function.

The main path::

    radicado ─tomar→ en revisión ─solicitar información→ requiere información
        ─responder→ en revisión ─aprobar | rechazar→ aprobado | rechazado

Legal basis (Ley 1755 de 2015, which replaced CPACA arts. 13–33):

* **Term** (art. 14): 15 business days for a general petition, counted from the
  day after receipt. The due date itself comes from ``procedures.calendar``.
* **Extension** (art. 14, parágrafo): ``prorrogar`` is allowed only *before* the
  term expires (the due date itself still counts), with reasons, and the new
  term may not exceed double the initial one. The law speaks of one notice with
  one new date, so a case is extended at most once. The citizen is notified.
* **Term in calendar days**: where the catalog says the legal term is in
  calendar days (``calendar_type`` CALENDARIO), the due date, its extension and
  its suspension count calendar days (``procedures.calendar``); the case keeps
  the unit it was filed with (``Case.calendar_days``).
* **Extension not allowed**: a procedure whose catalog data says
  ``extension_allowed: false`` cannot be extended (``check_extension``).
* **Incomplete petition** (art. 17): the officer requires the missing
  information (``solicitar información``, with reasons), "dentro de los diez
  (10) días siguientes a la fecha de radicación" and once (see
  ``check_information_request``). While the case waits on the citizen the legal
  clock stops; it *resumes* (does not restart) the day after the citizen
  answers. The citizen has one month (calendar, Ley 4 de 1913 art. 62) and may,
  before it ends, ask once for an extension "hasta por un término igual"
  (``solicitar prórroga``: one more month, see ``check_citizen_extension``). If
  the citizen does not answer within that time, the officer or the system
  declares ``desistimiento`` tácito, but only after the deadline has passed.
* **Lack of competence** (art. 21): ``remitir`` forwards the petition to the
  competent entity, with reasons and a copy to the citizen; the case ends here.
* **Four eyes** (optional per procedure): whoever reviewed the case or asked for
  information may not also approve it.

Who does what: the applicant (``solicitante``) only answers requirements or asks
for more time to answer them;
officers (``funcionario``) do everything else; the system (``sistema``) may
assign cases and declare desistimiento when the citizen's month has run out.
Final statuses admit no action at all.
"""

import datetime
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import calendar


class Status(TextChoices):
    RADICADO = "radicado", _("Radicado")
    EN_REVISION = "en_revision", _("En revisión")
    REQUIERE_INFORMACION = "requiere_informacion", _("Requiere información")
    APROBADO = "aprobado", _("Aprobado")
    RECHAZADO = "rechazado", _("Rechazado")
    REMITIDO = "remitido", _("Remitido por competencia")
    DESISTIDO = "desistido", _("Desistido")


class Action(TextChoices):
    # Labels are infinitives: they are the button text and, lower-cased, the
    # verb in error messages ("No se puede «aprobar» …").
    TAKE = "tomar", _("Tomar")
    REQUEST_INFO = "solicitar_informacion", _("Solicitar información")
    ANSWER = "responder", _("Responder")
    REQUEST_EXTENSION = "solicitar_prorroga", _("Solicitar prórroga del plazo")
    APPROVE = "aprobar", _("Aprobar")
    REJECT = "rechazar", _("Rechazar")
    EXTEND = "prorrogar", _("Prorrogar")
    REMIT = "remitir", _("Remitir por competencia")
    DESIST = "declarar_desistimiento", _("Declarar desistimiento")
    ASSIGN = "asignar", _("Asignar")


class PriorityReason(TextChoices):
    """Why an officer attends a case before older ones: the preferential attention
    of Ley 1755 de 2015 art. 20 (and Ley 1437 art. 5 num. 6), or a court order.
    Recorded on the act, so that the risk detectors do not read it as a jump."""

    FUNDAMENTAL_RIGHT = (
        "derecho_fundamental",
        _("Derecho fundamental en riesgo o peligro inminente (art. 20)"),
    )
    JOURNALIST = "periodista", _("Solicitud de un periodista (art. 20)")
    SPECIAL_PROTECTION = (
        "sujeto_especial",
        _(
            "Menor de edad, persona en situación de discapacidad, adulto mayor o "
            "mujer gestante (art. 20 y Ley 1437 de 2011, art. 5 num. 6)"
        ),
    )
    COURT_ORDER = "orden_judicial", _("Orden judicial")


# The actions on which an officer may record a priority reason.
PRIORITY_ACTIONS = (Action.TAKE, Action.APPROVE, Action.REJECT)


class Role(TextChoices):
    APPLICANT = "solicitante", _("Solicitante")
    OFFICER = "funcionario", _("Funcionario")
    SYSTEM = "sistema", _("Sistema")


FINAL_STATUSES: Final[frozenset[Status]] = frozenset(
    {Status.APROBADO, Status.RECHAZADO, Status.REMITIDO, Status.DESISTIDO}
)
# Ley 1755 art. 17: the term to resolve is suspended while the citizen owes us
# information. Only this status; the extension does not stop the clock, it
# moves the due date.
CLOCK_STOPPED_STATUSES: Final[frozenset[Status]] = frozenset(
    {Status.REQUIERE_INFORMACION}
)

MIN_REASON_LENGTH: Final[int] = 10

# Ley 1755 art. 17: the requerimiento is made within 10 (business) days of filing;
# the citizen has one month to answer, and may ask once for "un término igual".
INFORMATION_REQUEST_DAYS: Final[int] = 10
CITIZEN_MONTHS: Final[int] = 1
# A running term that ends within this many business days is "due soon": the queue
# flags it and its officers get the e-mail warning (one number for both).
DUE_SOON_BUSINESS_DAYS: Final[int] = 3


class Input(StrEnum):
    """What the actor gives with an action, besides the case. The officer's form
    shows a field for each input its row names; the service resolves them."""

    # A written, motivated reason the citizen will read (see check_reason).
    REASON = "reason"
    # The new due date, as days added to the term (art. 14 parágrafo).
    EXTRA_DAYS = "extra_days"
    # The competent entity and its procedure, where the case is remitted (art. 21).
    REMIT_TO = "remit_to"
    # Another officer of the entity; none means whoever acts.
    ASSIGNEE = "assignee"
    # The citizen's attachments to an answer.
    DOCUMENTS = "documents"
    # The act itself as a signed PDF, uploaded instead of the generated document.
    ACT = "act"
    # The documents an information request asks for: the citizen's answer has one
    # upload per document, and must bring every one (see every_requested_document).
    REQUESTED_DOCUMENTS = "requested_documents"


@dataclass(slots=True, kw_only=True)
class Act:
    """One action being applied: the case (the effects change it in place, the
    service saves it), who acts, the day it counts as, and the inputs given."""

    case: Any
    action: Action
    role: Role
    actor: Any
    today: datetime.date
    reason: str = ""
    extra_days: int = 0
    assignee: Any = None
    remit_to: Any = None
    documents: Sequence = ()
    # The uploaded act (a ValidatedUpload) and whether it is public by nature.
    act: Any = None
    act_public: bool = False
    # [{"name": ..., "formats": [...], "max_size_mb": ...}], as Case.requested_documents.
    requested_documents: Sequence = ()
    # Why the case is attended first (a PRIORITY_REASONS code), or "".
    priority_reason: str = ""


# Guards: one rule each, read from the case and the inputs; a refusal raises
# TransitionError with the Spanish reason. The reason rule runs before them.


def extension_in_term(act: Act) -> None:
    case = act.case
    check_extension(
        today=act.today,
        due_date=case.due_date,
        original_term_days=case.term_days,
        extended_term_days_so_far=case.extension_days,
        extra_days=act.extra_days,
        allowed=case.procedure.extension_allowed,
        calendar_days=case.calendar_days,
    )


def first_request_in_time(act: Act) -> None:
    check_information_request(
        today=act.today,
        last_day=calendar.add_business_days(
            act.case.received_on, INFORMATION_REQUEST_DAYS
        ),
        previous_request=act.case.information_requested_on,
    )


def citizen_extension_in_time(act: Act) -> None:
    check_citizen_extension(
        today=act.today,
        citizen_deadline=act.case.citizen_deadline,
        already_extended=act.case.citizen_extension_on is not None,
    )


def citizen_month_over(act: Act) -> None:
    check_desistimiento(today=act.today, citizen_deadline=act.case.citizen_deadline)


def four_eyes(act: Act) -> None:
    check_four_eyes(
        four_eyes=act.case.procedure.four_eyes,
        approver_id=act.actor.pk,
        reviewer_ids=set(act.case.reviewer_ids),
    )


def competent_entity(act: Act) -> None:
    """Art. 21: remit to another entity, to one of its live procedures."""
    procedure = act.remit_to
    if procedure is None:
        message = gettext(
            "Para remitir por competencia elija la entidad competente y su trámite."
        )
    elif procedure.entity_id == act.case.entity_id:
        message = gettext(
            "La remisión por competencia es a otra entidad, no a la misma."
        )
    elif not procedure.live:
        message = gettext("El trámite elegido no está publicado.")
    else:
        return
    raise TransitionError(message, action=Action.REMIT)


def every_requested_document(act: Act) -> None:
    """The answer brings every document the request asked for, by name."""
    given = {document.requirement for document in act.documents}
    missing = [
        spec["name"]
        for spec in act.case.requested_documents or ()
        if spec["name"] not in given
    ]
    if missing:
        raise TransitionError(
            gettext("Adjunte los documentos que la entidad pidió: %(documents)s.")
            % {"documents": ", ".join(f"«{name}»" for name in missing)},
            action=Action.ANSWER,
        )


# Effects: what an action changes on the case, in the order the row lists them.


def add_reviewer(act: Act) -> None:
    # Four eyes: whoever took the case or asked for information may not approve it.
    if act.actor.pk not in act.case.reviewer_ids:
        act.case.reviewer_ids = [*act.case.reviewer_ids, act.actor.pk]


def assign_taker(act: Act) -> None:
    if act.case.assigned_to_id is None:
        act.case.assigned_to = act.actor


def assign(act: Act) -> None:
    act.case.assigned_to = act.assignee or act.actor


def extend_term(act: Act) -> None:
    case = act.case
    case.extension_days += act.extra_days
    case.extension_reason = act.reason
    case.due_date = calendar.extend_due_date(
        case.due_date, act.extra_days, calendar_days=case.calendar_days
    )


def stop_clock(act: Act) -> None:
    """Art. 17: the requerimiento suspends the term and gives the citizen a month."""
    case = act.case
    case.information_requested_on = act.today
    case.information_request = act.reason
    case.requested_documents = [dict(spec) for spec in act.requested_documents]
    case.clock_stopped_on = act.today
    case.citizen_deadline = calendar.add_calendar_months(act.today, CITIZEN_MONTHS)


def extend_citizen_deadline(act: Act) -> None:
    act.case.citizen_extension_on = act.today
    # "Un término igual": a second month, running on from the first.
    act.case.citizen_deadline = calendar.add_calendar_months(
        act.case.clock_stopped_on, 2 * CITIZEN_MONTHS
    )


def resume_clock(act: Act) -> None:
    """Art. 17: the term resumes (does not restart) once the citizen answers."""
    case = act.case
    # A term that had already run out when the clock stopped stays run out.
    if case.clock_stopped_on <= case.due_date:
        case.due_date = calendar.pause_and_resume(
            case.due_date,
            case.clock_stopped_on,
            act.today,
            calendar_days=case.calendar_days,
        )
    case.clock_stopped_on = None
    case.citizen_deadline = None
    case.information_request = ""
    case.requested_documents = []


def close(act: Act) -> None:
    act.case.decided_at = timezone.now()
    act.case.decision_reason = act.reason
    # The signer of the act (the output names them); the system signs nothing.
    act.case.decided_by = act.actor if act.role == Role.OFFICER else None


Guard = Callable[[Act], None]
Effect = Callable[[Act], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """One row of the table: where the action leads, who may take it, what they
    give with it, the rules that may refuse it and what it changes."""

    to: Status
    roles: frozenset[Role]
    inputs: frozenset[Input] = frozenset()
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    # The output document (the act or certificate) is rendered once it commits.
    needs_output: bool = False
    # The citizen's e-mail (procedures/email/<notice>.txt): the law requires
    # notice of these acts. None: the citizen is not written to.
    notice: str | None = None

    @property
    def needs_reason(self) -> bool:
        return Input.REASON in self.inputs

    @property
    def notifies_applicant(self) -> bool:
        return self.notice is not None

    @property
    def needs_confirmation(self) -> bool:
        """Whether the officer confirms it on a preview before it is recorded: it
        ends the case, or tells the citizen something (a decision, a request, an
        extension), and none of these can be taken back or repeated."""
        return self.to in FINAL_STATUSES or self.notifies_applicant


_APPLICANT = frozenset({Role.APPLICANT})
_OFFICER = frozenset({Role.OFFICER})
_OFFICER_OR_SYSTEM = frozenset({Role.OFFICER, Role.SYSTEM})
_REASON = frozenset({Input.REASON})


def _take() -> Transition:
    return Transition(
        to=Status.EN_REVISION, roles=_OFFICER, effects=(add_reviewer, assign_taker)
    )


def _extend(status: Status) -> Transition:
    return Transition(
        to=status,
        roles=_OFFICER,
        inputs=frozenset({Input.REASON, Input.EXTRA_DAYS}),
        guards=(extension_in_term,),
        effects=(extend_term,),
        notice="extended",
    )


def _remit() -> Transition:
    return Transition(
        to=Status.REMITIDO,
        roles=_OFFICER,
        inputs=frozenset({Input.REASON, Input.REMIT_TO}),
        guards=(competent_entity,),
        effects=(close,),
        notice="remitted",
    )


def _assign(status: Status) -> Transition:
    return Transition(
        to=status,
        roles=_OFFICER_OR_SYSTEM,
        inputs=frozenset({Input.ASSIGNEE}),
        effects=(assign,),
    )


# Read-only at runtime: the rules are changed here, in review, never by code.
TRANSITIONS: Final[Mapping[tuple[Status, Action], Transition]] = MappingProxyType(
    {
        # Filed, waiting for an officer; the term is already running.
        (Status.RADICADO, Action.TAKE): _take(),
        (Status.RADICADO, Action.EXTEND): _extend(Status.RADICADO),
        (Status.RADICADO, Action.REMIT): _remit(),
        (Status.RADICADO, Action.ASSIGN): _assign(Status.RADICADO),
        # Under review: the officer decides, asks, extends or forwards.
        (Status.EN_REVISION, Action.REQUEST_INFO): Transition(
            to=Status.REQUIERE_INFORMACION,
            roles=_OFFICER,
            inputs=frozenset({Input.REASON, Input.REQUESTED_DOCUMENTS}),
            guards=(first_request_in_time,),
            effects=(add_reviewer, stop_clock),
            notice="status",
        ),
        (Status.EN_REVISION, Action.APPROVE): Transition(
            to=Status.APROBADO,
            roles=_OFFICER,
            inputs=frozenset({Input.ACT}),
            guards=(four_eyes,),
            effects=(close,),
            needs_output=True,
            notice="status",
        ),
        (Status.EN_REVISION, Action.REJECT): Transition(
            to=Status.RECHAZADO,
            roles=_OFFICER,
            inputs=frozenset({Input.REASON, Input.ACT}),
            effects=(close,),
            notice="status",
        ),
        (Status.EN_REVISION, Action.EXTEND): _extend(Status.EN_REVISION),
        (Status.EN_REVISION, Action.REMIT): _remit(),
        (Status.EN_REVISION, Action.ASSIGN): _assign(Status.EN_REVISION),
        # Waiting on the citizen (clock stopped): answer, or desistimiento.
        (Status.REQUIERE_INFORMACION, Action.ANSWER): Transition(
            to=Status.EN_REVISION,
            roles=_APPLICANT,
            inputs=frozenset({Input.DOCUMENTS}),
            guards=(every_requested_document,),
            effects=(resume_clock,),
        ),
        # Art. 17: "salvo que antes de vencer el plazo concedido solicite prórroga
        # hasta por un término igual". The clock stays stopped; the citizen is
        # told the new deadline.
        (Status.REQUIERE_INFORMACION, Action.REQUEST_EXTENSION): Transition(
            to=Status.REQUIERE_INFORMACION,
            roles=_APPLICANT,
            guards=(citizen_extension_in_time,),
            effects=(extend_citizen_deadline,),
            notice="citizen_extension",
        ),
        # The system declares it from the nightly deadline sweep; an officer may too.
        (Status.REQUIERE_INFORMACION, Action.DESIST): Transition(
            to=Status.DESISTIDO,
            roles=_OFFICER_OR_SYSTEM,
            guards=(citizen_month_over,),
            effects=(close,),
            notice="status",
        ),
        (Status.REQUIERE_INFORMACION, Action.ASSIGN): _assign(
            Status.REQUIERE_INFORMACION
        ),
    }
)

# Derived from the table so the reason rule cannot drift from it.
REASON_REQUIRED_ACTIONS: Final[frozenset[Action]] = frozenset(
    action for (_status, action), t in TRANSITIONS.items() if t.needs_reason
)


class TransitionError(Exception):
    """A workflow rule refused the action; ``message`` is Spanish, for the user."""

    def __init__(
        self,
        message: str,
        *,
        status: Status | None = None,
        action: Action | None = None,
        role: Role | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.action = action
        self.role = role

    def __str__(self) -> str:
        return self.message


def _verb(action: Action) -> str:
    # Only the first letter: "Solicitar información" → "solicitar información".
    label = str(action.label)
    return label[:1].lower() + label[1:]


def _date(value: datetime.date) -> str:
    # Digits only, so the message does not depend on the active locale.
    return value.strftime("%d/%m/%Y")


def next_status(status: Status | str, action: Action | str, role: Role | str) -> Status:
    """The status ``action`` by ``role`` leads to, or TransitionError.

    Plain strings (as read from the database) are accepted; a value that is not
    a member raises ValueError, because that is a programming error, not a rule.
    """
    return transition_for(status, action, role).to


def transition_for(
    status: Status | str, action: Action | str, role: Role | str
) -> Transition:
    """The row ``role`` applies when taking ``action`` in ``status``, or
    TransitionError when the table has none or the role may not take it."""
    status, action, role = Status(status), Action(action), Role(role)
    transition = TRANSITIONS.get((status, action))
    params = {
        "action": _verb(action),
        "status": str(status.label),
        "role": str(role.label),
    }
    if transition is None:
        if status in FINAL_STATUSES:
            message = gettext(
                "No se puede «%(action)s» un trámite en estado «%(status)s»: "
                "el trámite ya terminó."
            )
        else:
            message = gettext(
                "No se puede «%(action)s» un trámite en estado «%(status)s»."
            )
        raise TransitionError(message % params, status=status, action=action, role=role)
    if role not in transition.roles:
        raise TransitionError(
            gettext(
                "El rol «%(role)s» no puede «%(action)s» un trámite en estado «%(status)s»."
            )
            % params,
            status=status,
            action=action,
            role=role,
        )
    return transition


def check_guards(transition: Transition, act: Act) -> None:
    """The rules that may refuse ``act``: its reason first, then the row's guards."""
    check_reason(act.action, act.reason)
    for guard in transition.guards:
        guard(act)


def allowed_actions(status: Status | str, role: Role | str) -> list[Action]:
    """What ``role`` may do now, in declaration order (the order of the buttons)."""
    status, role = Status(status), Role(role)
    return [
        action
        for action in Action
        if (t := TRANSITIONS.get((status, action))) is not None and role in t.roles
    ]


def clock_runs(status: Status | str) -> bool:
    """Whether the legal term to resolve is running in ``status``.

    It stops while the case waits on the citizen (art. 17) and ends with the
    case. Services compare the value before and after a transition to know when
    to pause or resume the due date.
    """
    status = Status(status)
    return status not in FINAL_STATUSES and status not in CLOCK_STOPPED_STATUSES


def check_reason(action: Action | str, reason: str | None) -> None:
    """Reject, request information, extend and remit need a written reason.

    The citizen reads it (and art. 14 par. demands the reasons for the delay),
    so a blank or token text is refused: at least 10 characters after strip.
    """
    action = Action(action)
    if action not in REASON_REQUIRED_ACTIONS:
        return
    if len((reason or "").strip()) < MIN_REASON_LENGTH:
        raise TransitionError(
            gettext(
                "Para «%(action)s» escriba el motivo (al menos %(min)d caracteres)."
            )
            % {"action": _verb(action), "min": MIN_REASON_LENGTH},
            action=action,
        )


def check_extension(
    *,
    today: datetime.date,
    due_date: datetime.date,
    original_term_days: int,
    extended_term_days_so_far: int,
    extra_days: int,
    allowed: bool = True,
    calendar_days: bool = False,
) -> None:
    """Ley 1755 art. 14 parágrafo: once, before expiry, at most double the term.

    Days are in the unit of the term (business days, or calendar days with
    ``calendar_days``); the service turns them into a date with the calendar.
    ``due_date`` is the last day of the term, so extending on it is still
    "before expiry". ``allowed`` is the procedure's ``extension_allowed``: where
    the catalog says its term admits no extension, none is given.
    """
    if original_term_days <= 0:
        raise ValueError("original_term_days must be positive")
    if not allowed:
        raise TransitionError(
            gettext(
                "Este trámite no admite prórroga: así lo indica su ficha en el "
                "catálogo de trámites."
            ),
            action=Action.EXTEND,
        )
    if today > due_date:
        raise TransitionError(
            gettext(
                "El término venció el %(due)s. La prórroga solo puede concederse "
                "antes del vencimiento (Ley 1755 de 2015, art. 14, parágrafo)."
            )
            % {"due": _date(due_date)},
            action=Action.EXTEND,
        )
    if extended_term_days_so_far > 0:
        raise TransitionError(
            gettext(
                "El término de este trámite ya fue prorrogado; solo cabe una prórroga."
            ),
            action=Action.EXTEND,
        )
    if extra_days <= 0:
        raise TransitionError(
            gettext("La prórroga debe ser de al menos un día."),
            action=Action.EXTEND,
        )
    # "No podrá exceder del doble del inicialmente previsto": the whole new
    # term, original plus every extension, is capped at twice the original.
    max_extra = original_term_days - extended_term_days_so_far
    if extra_days > max_extra:
        raise TransitionError(
            gettext(
                "La prórroga no puede superar el doble del término inicial: %(max)s."
            )
            % {"max": _at_most_extra(max_extra, calendar_days)},
            action=Action.EXTEND,
        )


def _at_most_extra(n: int, calendar_days: bool) -> str:
    if calendar_days:
        text = ngettext(
            "como máximo %(n)d día calendario adicional",
            "como máximo %(n)d días calendario adicionales",
            n,
        )
    else:
        text = ngettext(
            "como máximo %(n)d día hábil adicional",
            "como máximo %(n)d días hábiles adicionales",
            n,
        )
    return text % {"n": n}


def check_information_request(
    *,
    today: datetime.date,
    last_day: datetime.date,
    previous_request: datetime.date | None,
) -> None:
    """Ley 1755 art. 17: one requerimiento, within 10 days of filing.

    The article gives the authority one occasion: it "requerirá al peticionario
    dentro de los diez (10) días siguientes a la fecha de radicación para que la
    complete en el término máximo de un (1) mes", and the term to decide
    "se reactivará" once the citizen supplies what was asked. It provides for no
    second requerimiento and no second suspension, so a second request is
    refused rather than accepted without stopping the clock: a request that does
    not stop the clock would still put the case in "Requiere información" and
    expose the citizen to a desistimiento the law does not give for it. What is
    still missing after the answer is decided on the merits (the citizen may
    file again, art. 17 in fine).

    ``last_day`` is the 10th business day after the receipt (the service counts
    it with the calendar); a request on it is in time.
    """
    if previous_request is not None:
        raise TransitionError(
            gettext(
                "Ya se solicitó información en este trámite el %(date)s. La Ley 1755 "
                "de 2015, art. 17, permite un solo requerimiento: decida con la "
                "información que tiene."
            )
            % {"date": _date(previous_request)},
            action=Action.REQUEST_INFO,
        )
    if today > last_day:
        raise TransitionError(
            gettext(
                "El requerimiento de información solo cabe dentro de los 10 días "
                "hábiles siguientes a la radicación, es decir, hasta el %(date)s "
                "(Ley 1755 de 2015, art. 17)."
            )
            % {"date": _date(last_day)},
            action=Action.REQUEST_INFO,
        )


def check_citizen_extension(
    *,
    today: datetime.date,
    citizen_deadline: datetime.date,
    already_extended: bool,
) -> None:
    """Ley 1755 art. 17: the citizen may ask, once and before the month ends, for
    an extension "hasta por un término igual" (one more month).

    ``citizen_deadline`` is the last day to answer, so asking on it is in time.
    """
    if already_extended:
        raise TransitionError(
            gettext(
                "El plazo para responder ya fue prorrogado una vez; la ley no "
                "permite otra prórroga (Ley 1755 de 2015, art. 17)."
            ),
            action=Action.REQUEST_EXTENSION,
        )
    if today > citizen_deadline:
        raise TransitionError(
            gettext(
                "El plazo para responder venció el %(date)s. La prórroga debía "
                "pedirse antes (Ley 1755 de 2015, art. 17)."
            )
            % {"date": _date(citizen_deadline)},
            action=Action.REQUEST_EXTENSION,
        )


def check_desistimiento(
    *, today: datetime.date, citizen_deadline: datetime.date
) -> None:
    """Ley 1755 art. 17: desistimiento only once the citizen's month has passed.

    ``citizen_deadline`` is the last day the citizen may answer (already moved
    to the next business day if it fell on a holiday), so it is refused on it.
    """
    if today <= citizen_deadline:
        raise TransitionError(
            gettext(
                "El solicitante tiene plazo hasta el %(deadline)s para responder; "
                "el desistimiento solo puede declararse después "
                "(Ley 1755 de 2015, art. 17)."
            )
            % {"deadline": _date(citizen_deadline)},
            action=Action.DESIST,
        )


def check_four_eyes(
    *, four_eyes: bool, approver_id: int, reviewer_ids: Collection[int]
) -> None:
    """With four eyes on, the approver must not be anyone who reviewed the case.

    ``reviewer_ids`` are the users who took the case or requested information;
    the service collects them from the case history.
    """
    if four_eyes and approver_id in reviewer_ids:
        raise TransitionError(
            gettext(
                "Este trámite exige la revisión de dos personas: quien lo revisó "
                "o solicitó información no puede aprobarlo."
            ),
            action=Action.APPROVE,
        )
