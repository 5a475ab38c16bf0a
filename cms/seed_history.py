"""A demo that looks lived in: a year of cases filed and processed through the real
services (``procedures.services.case_file`` / ``case_act``), so radicados, due dates
and the audit trail are genuine, not fabricated rows.

Each case gets one outcome (``OUTCOMES``) and is walked through it step by step, each
step on a business day computed from the case's own state (its due date, its
citizen's deadline), and only while that day is in the past: a case filed last week
is simply still open. The first cases take each outcome in turn, so even a small
history shows the whole mix. Deterministic: one seeded random generator per case,
and a submission token derived from its number, so a re-run files nothing twice.
"""

import datetime
import random
import uuid
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import ApplicantProfile
from procedures import calendar, services, workflow
from procedures.forms import FilingForm
from procedures.models import Case, Notification
from procedures.sample_answers import fileable_procedures, valid_answers, valid_files

NAMESPACE = uuid.UUID("5b0c1d7e-9a43-4f6e-8a57-0d6f2c1e8b31")
BATCH = 200
DAYS_BACK = 365

# (outcome, weight): what happens to a case, roughly as often as it happens.
OUTCOMES = (
    ("a_tiempo", 44),  # taken and approved within the term
    ("tarde", 9),  # decided after its due date
    ("prorrogado", 8),  # term extended with reasons, then approved
    ("informacion", 12),  # information requested, answered, then approved
    ("rechazado", 12),  # rejected with reasons
    ("remitido", 7),  # remitted to the competent entity (Ley 1755 art. 21)
    ("desistido", 8),  # information requested, never answered: desistimiento
)

REJECTIONS = (
    "El documento de identidad aportado no corresponde al solicitante registrado.",
    "El predio indicado no figura a nombre del solicitante en el catastro distrital.",
    "La solicitud se presentó fuera del plazo que fija la norma para este trámite.",
    "El certificado aportado supera la vigencia exigida de 30 días.",
    "No se acreditó el pago del derecho de trámite dentro del término.",
)
INFORMATION_REQUESTS = (
    "Aporte el certificado de tradición y libertad con vigencia no mayor a 30 días.",
    "Adjunte copia legible del documento de identidad por ambas caras.",
    "Indique la dirección del establecimiento según la nomenclatura oficial.",
    "Aporte el poder otorgado a quien actúa en nombre de la empresa.",
)
EXTENSIONS = (
    "Se requiere visita técnica de verificación, programada para la próxima semana.",
    "El volumen de solicitudes del periodo exige un término adicional para decidir.",
)
REMISSIONS = (
    "La competencia para resolver esta solicitud corresponde a otra entidad distrital.",
)

FIRST_NAMES = (
    "Laura", "Carlos", "Valentina", "Juan David", "Sofía", "Andrés", "Daniela",
    "Santiago", "Mariana", "Felipe", "Catalina", "Camilo", "Isabella", "Mateo",
    "Luisa Fernanda", "Sebastián", "Gabriela", "Nicolás", "Ana María", "Diego",
)  # fmt: skip
LAST_NAMES = (
    "Rodríguez", "Gómez", "Martínez", "López", "García", "Ramírez", "Sánchez",
    "Torres", "Díaz", "Herrera", "Castro", "Mendoza", "Rincón", "Peña", "Acosta",
)  # fmt: skip
CITIZENS = 60


@contextmanager
def _clock(moment: datetime.datetime):
    """Run the services as if it were ``moment``. The services take their times
    (audit event "at", decided_at, the remitted case's receipt, outbox rows) from
    ``timezone.now()``; patching that one function for the duration of one step is
    what lets a seed replay the past through the real code. Seed-only, never in a
    request."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@contextmanager
def _no_side_effects():
    """History needs no PDFs or e-mails rendered now: tasks are not enqueued (their
    pending markers stay, so a worker's sweepers render the PDFs later) and the
    e-mails are marked as sent when they were written (see ``_mark_sent``)."""
    with mock.patch("procedures.enqueue.enqueue", return_value=False):
        yield


def _citizens() -> list:
    User = get_user_model()
    rng = random.Random("ciudadanos")
    people = []
    for number in range(1, CITIZENS + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user, created = User.objects.get_or_create(
            username=f"historico_{number:03d}",
            defaults={
                "first_name": first,
                "last_name": f"{last} {rng.choice(LAST_NAMES)}",
                # A reserved domain (RFC 2606), not the staff's: a citizen sharing the
                # officers' mail domain and surname is a conflict-of-interest lead (D6).
                "email": f"historico_{number:03d}@example.com",
            },
        )
        if created:
            user.set_unusable_password()  # Demo history only: nobody logs in as them.
            user.save(update_fields=["password"])
        ApplicantProfile.objects.get_or_create(
            user=user,
            defaults={
                "document_type": "CC",
                "document_number": str(52_000_000 + number * 7919),
                "phone": f"310{rng.randrange(1_000_000, 9_999_999)}",
                "address": f"Calle {rng.randrange(1, 170)} # {rng.randrange(1, 99)}-{rng.randrange(1, 99)}",
            },
        )
        people.append(user)
    return people


class _Filings:
    """Answers and validated documents per procedure, through the real FilingForm
    (validated once per procedure and citizen: uploads are checked by content)."""

    def __init__(self):
        self._cache = {}

    def get(self, procedure, citizen):
        key = (procedure.pk, citizen.pk)
        if key not in self._cache:
            blank = FilingForm(procedure)
            form = FilingForm(
                procedure,
                {
                    **valid_answers(blank),
                    "submission_token": str(uuid.uuid4()),
                    "accept_privacy": "on",
                },
                valid_files(blank),
                applicant=citizen,
            )
            if not form.is_valid():
                raise ValueError(f"{procedure.code}: {form.errors.as_json()}")
            self._cache[key] = (form.answers(), form.validated_documents)
        return self._cache[key]


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(rng.randrange(7, 17), rng.randrange(60)), calendar.BOGOTA
    )


def _outcome(index: int, rng: random.Random) -> str:
    if index < len(OUTCOMES):
        return OUTCOMES[index][0]
    names, weights = zip(*OUTCOMES, strict=True)
    return rng.choices(names, weights)[0]


def _filing_day(index: int, rng: random.Random, today: datetime.date) -> datetime.date:
    # The first cases (one per outcome) are old enough to have run their course.
    low, high = (120, DAYS_BACK) if index < len(OUTCOMES) else (1, DAYS_BACK)
    return calendar.previous_business_day(
        today - datetime.timedelta(days=rng.randrange(low, high))
    )


class _Walk:
    """One case through its outcome; every step stops once its day is not past."""

    def __init__(self, case, officers, rng, today, remit_targets):
        self.case, self.rng, self.today = case, rng, today
        self.officers = officers
        self.remit_targets = remit_targets
        self.last = {}  # case pk -> moment of its latest step: the trail runs forward

    def officer(self, case=None):
        return self.officers[(case or self.case).entity_id][0]

    def act(self, day, action, actor, case=None, **kwargs) -> bool:
        case = case or self.case
        if day >= self.today:
            return False
        moment = _moment(max(day, case.received_on), self.rng)
        if case.pk in self.last:
            moment = max(moment, self.last[case.pk] + datetime.timedelta(minutes=7))
        if actor != case.applicant and not calendar.is_business_day(moment.date()):
            # A citizen may answer on a Saturday; officers act on business days
            # (a decision on a non-business day is a risk lead, D12).
            moment = _moment(calendar.next_business_day(moment.date()), self.rng)
        if moment.date() >= self.today:
            return False
        self.last[case.pk] = moment
        day = moment.date()
        with _clock(moment):
            services.case_act(
                case.pk,
                actor=actor,
                action=action,
                expected_version=case.version,
                today=day,
                **kwargs,
            )
        case.refresh_from_db()
        return True

    def later(self, day, low, high) -> datetime.date:
        return calendar.add_business_days(day, self.rng.randint(low, high))

    def decide(self, day, action, case=None) -> bool:
        case = case or self.case
        taker = self.officer(case)
        if action == workflow.Action.APPROVE and case.procedure.four_eyes:
            others = [o for o in self.officers[case.entity_id] if o.pk != taker.pk]
            if not others:
                # One officer cannot approve their own review: this one is rejected.
                return self.act(
                    day, workflow.Action.REJECT, taker, case, reason=REJECTIONS[0]
                )
            taker = others[0]
        reason = self.rng.choice(REJECTIONS) if action == workflow.Action.REJECT else ""
        return self.act(day, action, taker, case, reason=reason)

    def on_time(self, case=None, *, taken=None):
        """Taken (unless it already was, on ``taken``) and approved within the term."""
        case = case or self.case
        if taken is None:
            taken = self.later(case.received_on, 0, 2)
            if not self.act(taken, workflow.Action.TAKE, self.officer(case), case):
                return
        decided = min(self.later(taken, 1, 8), max(case.due_date, taken))
        self.decide(decided, workflow.Action.APPROVE, case)

    def run(self, outcome: str) -> None:
        case, officer = self.case, self.officer()
        taken = self.later(case.received_on, 0, 2)
        if outcome == "remitido":
            target = self.rng.choice(
                [p for p in self.remit_targets if p.entity_id != case.entity_id]
            )
            if self.act(
                taken,
                workflow.Action.REMIT,
                officer,
                reason=REMISSIONS[0],
                remit_to=target,
            ):
                self.on_time(Case.objects.get(remitted_from=case))
            return
        if outcome == "a_tiempo":
            return self.on_time()
        if not self.act(taken, workflow.Action.TAKE, officer):
            return
        if outcome == "tarde":
            self.decide(self.later(case.due_date, 1, 10), workflow.Action.APPROVE)
        elif outcome == "rechazado":
            self.decide(
                min(self.later(taken, 1, 6), max(case.due_date, taken)),
                workflow.Action.REJECT,
            )
        elif outcome == "prorrogado":
            taken = self.last[case.pk].date()
            if (
                not case.procedure.extension_allowed
                or case.term_days <= 0
                or case.due_date < taken
            ):
                # No extension for this term (or it already expired): decided in it.
                return self.on_time(taken=taken)
            extra = self.rng.randint(1, max(1, case.term_days))
            if self.act(
                min(self.later(taken, 0, 3), case.due_date),
                workflow.Action.EXTEND,
                officer,
                reason=self.rng.choice(EXTENSIONS),
                extra_days=extra,
            ):
                self.decide(
                    calendar.previous_business_day(case.due_date),
                    workflow.Action.APPROVE,
                )
        elif outcome in ("informacion", "desistido"):
            last_day = calendar.add_business_days(
                case.received_on, workflow.INFORMATION_REQUEST_DAYS
            )
            if not self.act(
                min(self.later(taken, 0, 4), last_day),
                workflow.Action.REQUEST_INFO,
                officer,
                reason=self.rng.choice(INFORMATION_REQUESTS),
            ):
                return
            if outcome == "desistido":
                self.act(
                    self.later(case.citizen_deadline, 1, 3),
                    workflow.Action.DESIST,
                    officer,
                    reason=services._desistimiento_reason(case),
                )
                return
            answered = case.clock_stopped_on + datetime.timedelta(
                days=self.rng.randint(2, 25)
            )
            if self.act(
                answered,
                workflow.Action.ANSWER,
                case.applicant,
                reason="Adjunto la información solicitada.",
            ):
                self.decide(
                    min(self.later(answered, 1, 5), max(case.due_date, answered)),
                    workflow.Action.APPROVE,
                )


def _mark_sent(case_ids) -> None:
    # The history's e-mails went out back then: nobody is written to today.
    Notification.objects.filter(
        case_id__in=case_ids, state=Notification.State.PENDING
    ).update(state=Notification.State.SENT, sent_at=F("available_at"))


def seed_history(count: int, *, seed: str = "ventanilla", today=None) -> dict:
    """File ``count`` historical cases (batched transactions); returns the outcomes."""
    if count <= 0:
        return {}
    today = today or calendar.to_bogota(timezone.now()).date()
    procedures = [
        page for page in fileable_procedures() if page.entity.officer_group_id
    ]
    officers = {}
    for page in procedures:
        if page.entity_id not in officers:
            members = list(
                page.entity.officer_group.user_set.filter(is_active=True).order_by("pk")
            )
            officers[page.entity_id] = members
    procedures = [page for page in procedures if officers[page.entity_id]]
    citizens = _citizens()
    filings = _Filings()
    tally = {}
    with _no_side_effects():
        for start in range(0, count, BATCH):
            touched = []
            with transaction.atomic():
                for index in range(start, min(start + BATCH, count)):
                    rng = random.Random(f"{seed}:{index}")
                    outcome = _outcome(index, rng)
                    procedure = rng.choice(procedures)
                    citizen = rng.choice(citizens)
                    answers, documents = filings.get(procedure, citizen)
                    filed_at = _moment(_filing_day(index, rng, today), rng)
                    with _clock(filed_at):
                        case, created = services.case_file(
                            procedure=procedure,
                            applicant=citizen,
                            answers=answers,
                            documents=documents,
                            submission_token=uuid.uuid5(NAMESPACE, f"{seed}:{index}"),
                            filed_at=filed_at,
                        )
                    if not created:
                        continue
                    walk = _Walk(case, officers, rng, today, procedures)
                    walk.last[case.pk] = filed_at
                    walk.run(outcome)
                    tally[outcome] = tally.get(outcome, 0) + 1
                    touched.append(case.pk)
                remitted = Case.objects.filter(remitted_from__in=touched)
                _mark_sent([*touched, *remitted.values_list("pk", flat=True)])
    return tally
