"""The case workflow: statuses, actions, roles and one transitions table.

Rule: a case changes status only through a pair ``(status, action)`` listed in
``TRANSITIONS``, and only when the acting role is one the entry lists.
``next_status()`` is the one function that applies the table; ``allowed_actions()``
reads the same table to build the buttons. The services (``procedures.services``)
call these plus the rule checks below, then save, audit and notify.

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
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from django.db.models import TextChoices
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """One row of the table: where the action leads and who may take it."""

    to: Status
    roles: frozenset[Role]
    # A written, motivated reason the citizen will read (see check_reason).
    needs_reason: bool = False
    # An output document (the act or certificate) must be attached.
    needs_output: bool = False
    # The citizen must be told: the law requires notice for these acts.
    notifies_applicant: bool = False


_APPLICANT = frozenset({Role.APPLICANT})
_OFFICER = frozenset({Role.OFFICER})
_OFFICER_OR_SYSTEM = frozenset({Role.OFFICER, Role.SYSTEM})

# Read-only at runtime: the rules are changed here, in review, never by code.
TRANSITIONS: Final[Mapping[tuple[Status, Action], Transition]] = MappingProxyType(
    {
        # Filed, waiting for an officer; the term is already running.
        (Status.RADICADO, Action.TAKE): Transition(
            to=Status.EN_REVISION, roles=_OFFICER
        ),
        (Status.RADICADO, Action.EXTEND): Transition(
            to=Status.RADICADO,
            roles=_OFFICER,
            needs_reason=True,
            notifies_applicant=True,
        ),
        (Status.RADICADO, Action.REMIT): Transition(
            to=Status.REMITIDO,
            roles=_OFFICER,
            needs_reason=True,
            notifies_applicant=True,
        ),
        (Status.RADICADO, Action.ASSIGN): Transition(
            to=Status.RADICADO, roles=_OFFICER_OR_SYSTEM
        ),
        # Under review: the officer decides, asks, extends or forwards.
        (Status.EN_REVISION, Action.REQUEST_INFO): Transition(
            to=Status.REQUIERE_INFORMACION,
            roles=_OFFICER,
            needs_reason=True,
            notifies_applicant=True,
        ),
        (Status.EN_REVISION, Action.APPROVE): Transition(
            to=Status.APROBADO,
            roles=_OFFICER,
            needs_output=True,
            notifies_applicant=True,
        ),
        (Status.EN_REVISION, Action.REJECT): Transition(
            to=Status.RECHAZADO,
            roles=_OFFICER,
            needs_reason=True,
            notifies_applicant=True,
        ),
        (Status.EN_REVISION, Action.EXTEND): Transition(
            to=Status.EN_REVISION,
            roles=_OFFICER,
            needs_reason=True,
            notifies_applicant=True,
        ),
        (Status.EN_REVISION, Action.REMIT): Transition(
            to=Status.REMITIDO,
            roles=_OFFICER,
            needs_reason=True,
            notifies_applicant=True,
        ),
        (Status.EN_REVISION, Action.ASSIGN): Transition(
            to=Status.EN_REVISION, roles=_OFFICER_OR_SYSTEM
        ),
        # Waiting on the citizen (clock stopped): answer, or desistimiento.
        (Status.REQUIERE_INFORMACION, Action.ANSWER): Transition(
            to=Status.EN_REVISION, roles=_APPLICANT
        ),
        # Art. 17: "salvo que antes de vencer el plazo concedido solicite prórroga
        # hasta por un término igual". The clock stays stopped; the citizen is
        # told the new deadline.
        (Status.REQUIERE_INFORMACION, Action.REQUEST_EXTENSION): Transition(
            to=Status.REQUIERE_INFORMACION,
            roles=_APPLICANT,
            notifies_applicant=True,
        ),
        # The system declares it from the nightly deadline sweep; an officer may too.
        (Status.REQUIERE_INFORMACION, Action.DESIST): Transition(
            to=Status.DESISTIDO, roles=_OFFICER_OR_SYSTEM, notifies_applicant=True
        ),
        (Status.REQUIERE_INFORMACION, Action.ASSIGN): Transition(
            to=Status.REQUIERE_INFORMACION, roles=_OFFICER_OR_SYSTEM
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
    return transition.to


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
