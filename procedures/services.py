"""Writes that matter for cases. Each service checks the rule, changes the state,
records the audit event and enqueues side effects, in one transaction."""

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

import audit
from audit.chain import canonical_json, document_digest

from . import calendar
from .models import Case, CaseDocument, Notification, RadicadoCounter
from .uploads import ValidatedUpload
from .workflow import Status

APPLICANT_ROLE = "solicitante"


def radicado_next(entity, year: int) -> str:
    """The entity's next radicado for ``year``; gapless because the counter row stays
    locked until the filing commits, and a rolled-back filing gives its number back."""
    counter = (
        RadicadoCounter.objects.select_for_update()
        .filter(entity=entity, year=year)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                counter = RadicadoCounter.objects.create(
                    entity=entity, year=year, last=0
                )
        except IntegrityError:
            counter = RadicadoCounter.objects.select_for_update().get(
                entity=entity, year=year
            )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{entity.code}-{year}-{counter.last:06d}"


def _answers_digest(answers: dict) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(answers).encode()).hexdigest()


def notification_queue(
    *,
    case: Case | None,
    key: str,
    recipient: str,
    subject: str,
    template: str,
    context: dict,
):
    """Write the e-mail as an outbox row (same transaction) and ring the worker after commit."""
    from . import tasks

    if not recipient:
        return None
    notification, created = Notification.objects.get_or_create(
        dedupe_key=key,
        defaults={
            "case": case,
            "recipient": recipient,
            "subject": subject[:200],
            "body": render_to_string(template, context),
            "available_at": timezone.now(),
        },
    )
    if created:
        tasks.send_notification.delay_on_commit(notification.pk)
    return notification


def case_file(
    *,
    procedure,
    applicant,
    answers: dict,
    documents: list[ValidatedUpload],
    submission_token,
    filed_at: datetime.datetime | None = None,
) -> tuple[Case, bool]:
    """File ``procedure`` for ``applicant``: a case with a radicado and a due date.

    Idempotent per ``submission_token``: a repeated submission returns the case it
    already filed and ``False``.
    """
    existing = Case.objects.filter(
        submission_token=submission_token, applicant=applicant
    ).first()
    if existing is not None:
        return existing, False
    filed_at = filed_at or timezone.now()
    received = calendar.received_on(filed_at)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                radicado=radicado_next(
                    procedure.entity, calendar.to_bogota(filed_at).year
                ),
                procedure=procedure,
                procedure_revision_id=procedure.live_revision_id,
                entity=procedure.entity,
                applicant=applicant,
                status=Status.RADICADO,
                answers=answers,
                filed_at=filed_at,
                received_on=received,
                term_days=procedure.legal_term_days,
                due_date=calendar.due_date(filed_at, procedure.legal_term_days),
                submission_token=submission_token,
                privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            )
            for upload in documents:
                _store_document(
                    case, upload, kind=CaseDocument.Kind.UPLOAD, user=applicant
                )
            audit.record(
                action="case.filed",
                subject_type="case",
                subject_id=case.radicado,
                chain_key=case.audit_chain,
                actor=applicant,
                role=APPLICANT_ROLE,
                radicado=case.radicado,
                after={
                    "status": case.status,
                    "due_date": case.due_date,
                    "received_on": case.received_on,
                },
                details={
                    "procedure": procedure.code,
                    "revision": case.procedure_revision_id,
                    "answers": _answers_digest(answers),
                    "privacy_notice": case.privacy_notice_version,
                },
            )
            notification_queue(
                case=case,
                key=f"case:{case.radicado}:filed",
                recipient=applicant.email,
                subject=f"Radicado {case.radicado}: {procedure.title}",
                template="procedures/email/filed.txt",
                context={"case": case, "procedure": procedure},
            )
    except IntegrityError:
        # Two identical submissions at once: the unique token let only one through.
        return Case.objects.get(
            submission_token=submission_token, applicant=applicant
        ), False
    return case, True


def _store_document(
    case: Case, upload: ValidatedUpload, *, kind: str, user
) -> CaseDocument:
    document = CaseDocument(
        case=case,
        kind=kind,
        requirement=upload.requirement,
        display_name=upload.display_name,
        content_type=upload.content_type,
        size=len(upload.content),
        sha256=upload.sha256,
        uploaded_by=user,
    )
    document.file.save("documento", ContentFile(upload.content), save=False)
    document.save()
    audit.record(
        action="case.document_uploaded",
        subject_type="case",
        subject_id=case.radicado,
        chain_key=case.audit_chain,
        actor=user,
        role=APPLICANT_ROLE if user == case.applicant else None,
        radicado=case.radicado,
        after={
            "document": upload.requirement,
            "name": upload.display_name,
            "digest": document_digest(upload.content),
        },
    )
    return document


def document_open(document: CaseDocument, *, user) -> None:
    """Record who downloads a case document (the view has already checked access)."""
    audit.record(
        action="case.document_downloaded",
        subject_type="case",
        subject_id=document.case.radicado,
        chain_key=document.case.audit_chain,
        actor=user,
        role=APPLICANT_ROLE if user == document.case.applicant else None,
        radicado=document.case.radicado,
        details={
            "document": document.requirement,
            "digest": "sha256:" + document.sha256,
        },
    )


def case_viewed(case: Case, *, user) -> None:
    """Staff looking at a case is recorded (personal data); applicants' own views are not."""
    if user != case.applicant:
        audit.record(
            action="case.viewed",
            subject_type="case",
            subject_id=case.radicado,
            chain_key=case.audit_chain,
            actor=user,
            radicado=case.radicado,
        )
