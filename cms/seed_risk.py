"""Corruption-risk patterns the demo plants on purpose, so that the auditors' risk
queue has something to show. The realistic history (``seed_history``) raises no
flag; these four do, each through the real services, as a person would cause them:

- **D1**, a *tramitador*: six citizens registered with one intermediary's phone file
  within a week;
- **D6**, an officer takes and rules on the case of a relative who shares their
  surname and phone;
- **D9**, an officer asks a citizen for a document that the procedure does not
  publish as a requirement;
- **D15**, a citizen reports that someone asked for money to speed up the case.

Deterministic and idempotent: stable usernames and submission tokens, and each act
is done only while the case is still where the previous run left it.
"""

import datetime
import random
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import ApplicantProfile
from procedures import calendar, services, workflow
from procedures.models import Case
from procedures.sample_answers import fileable_procedures

from .seed_history import NAMESPACE, _clock, _Filings, _moment, _no_side_effects

TRAMITADOR_PHONE = "3157778899"
TRAMITADOR_CLIENTS = 6  # more than D1's max_applicants (5)
RELATIVE_PHONE = "3204445566"
UNPUBLISHED_DOCUMENT = "Certificado de paz y salvo de la junta de acción comunal"
REPORT_TEXT = (
    "Una persona que dijo trabajar en la entidad me llamó y me pidió 200.000 pesos "
    "para agilizar el trámite."
)


def _citizen(username: str, *, first: str, last: str, phone: str, number: int):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.com",
        },
    )
    if created:
        user.set_unusable_password()  # Demo only: nobody logs in as them.
        user.save(update_fields=["password"])
    ApplicantProfile.objects.get_or_create(
        user=user,
        defaults={
            "document_type": "CC",
            "document_number": str(79_000_000 + number * 104_729),
            "phone": phone,
            "address": f"Carrera {10 + number} # {20 + number}-{30 + number}",
        },
    )
    return user


def _file(procedure, citizen, filings, *, key: str, moment) -> Case:
    answers, documents = filings.get(procedure, citizen)
    with _clock(moment):
        case, _created = services.case_file(
            procedure=procedure,
            applicant=citizen,
            answers=answers,
            documents=documents,
            submission_token=uuid.uuid5(NAMESPACE, f"riesgo:{key}"),
            filed_at=moment,
        )
    return case


def _act(case: Case, moment, *, actor, action, **inputs) -> None:
    case.refresh_from_db()
    with _clock(moment):
        services.case_act(
            case.pk,
            actor=actor,
            action=action,
            expected_version=case.version,
            today=moment.date(),
            **inputs,
        )


def _first_officer(procedure):
    return (
        procedure.entity.officer_group.user_set.filter(is_active=True)
        .order_by("pk")
        .first()
    )


def _days_ago(today: datetime.date, days: int) -> datetime.date:
    return calendar.previous_business_day(today - datetime.timedelta(days=days))


def seed_risk_patterns(today: datetime.date | None = None) -> dict[str, list[str]]:
    """Plant the four patterns; returns the radicados per detector."""
    today = today or calendar.to_bogota(timezone.now()).date()
    procedures = [
        page
        for page in fileable_procedures()
        if page.entity.officer_group_id
        and page.entity.officer_group.user_set.filter(is_active=True).exists()
        and not page.four_eyes
    ]
    procedures.sort(key=lambda page: page.code)
    filings = _Filings()
    planted: dict[str, list[str]] = {}
    with _no_side_effects(), transaction.atomic():
        for number in range(1, TRAMITADOR_CLIENTS + 1):
            citizen = _citizen(
                f"gestionado_{number}",
                first="Cliente",
                last=f"Gestionado {number}",
                phone=TRAMITADOR_PHONE,
                number=number,
            )
            procedure = procedures[number * 7 % len(procedures)]
            moment = _moment(
                _days_ago(today, 8 - number), random.Random(f"riesgo:{number}")
            )
            case = _file(procedure, citizen, filings, key=f"D1:{number}", moment=moment)
            planted.setdefault("D1", []).append(case.radicado)

        procedure = procedures[0]
        officer = _first_officer(procedure)
        ApplicantProfile.objects.get_or_create(
            user=officer,
            defaults={
                "document_type": "CC",
                "document_number": "52998877",
                "phone": RELATIVE_PHONE,
            },
        )
        relative = _citizen(
            "pariente_funcionario",
            first="Rosa",
            last=officer.last_name or "Pariente",
            phone=RELATIVE_PHONE,
            number=40,
        )
        case = _file(
            procedure,
            relative,
            filings,
            key="D6",
            moment=_moment(_days_ago(today, 12), random.Random("riesgo:40")),
        )
        if case.status == workflow.Status.RADICADO:
            taken = _moment(_days_ago(today, 10), random.Random("riesgo:41"))
            _act(case, taken, actor=officer, action=workflow.Action.TAKE)
            _act(
                case,
                taken + datetime.timedelta(days=1),
                actor=officer,
                action=workflow.Action.APPROVE,
            )
        planted["D6"] = [case.radicado]

        procedure = procedures[1]
        officer = _first_officer(procedure)
        citizen = _citizen(
            "requerido_extra",
            first="Martín",
            last="Requerido",
            phone="3112223344",
            number=41,
        )
        case = _file(
            procedure,
            citizen,
            filings,
            key="D9",
            moment=_moment(_days_ago(today, 6), random.Random("riesgo:42")),
        )
        if case.status == workflow.Status.RADICADO:
            taken = _moment(_days_ago(today, 5), random.Random("riesgo:43"))
            _act(case, taken, actor=officer, action=workflow.Action.TAKE)
            _act(
                case,
                taken + datetime.timedelta(hours=2),
                actor=officer,
                action=workflow.Action.REQUEST_INFO,
                reason="Para continuar, adjunte el documento que se indica.",
                requested_documents=[
                    {
                        "name": UNPUBLISHED_DOCUMENT,
                        "formats": ["pdf"],
                        "max_size_mb": 5,
                    }
                ],
            )
        planted["D9"] = [case.radicado]

        citizen = _citizen(
            "denunciante_demo",
            first="Lucía",
            last="Denunciante",
            phone="3009990011",
            number=42,
        )
        case = _file(
            procedures[2],
            citizen,
            filings,
            key="D15",
            moment=_moment(_days_ago(today, 4), random.Random("riesgo:44")),
        )
        with _clock(_moment(_days_ago(today, 2), random.Random("riesgo:45"))):
            services.irregularity_report(
                case,
                user=citizen,
                category="cobro",
                text=REPORT_TEXT,
                token=uuid.uuid5(NAMESPACE, "riesgo:D15:report"),
            )
        planted["D15"] = [case.radicado]
    return planted
