"""Writes of the formalization wizard: drafts, submission, filing each procedure."""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

import audit
from accounts.models import PrivacyConsent
from audit.chain import document_digest
from audit.personal import subject_of
from catalog.models import ProcedurePage
from procedures import calendar
from procedures import services as case_services
from procedures.enqueue import enqueue_on_commit
from procedures.uploads import ValidatedUpload
from procedures.workflow import Role
from procedures.workflow import Status as CaseStatus

from . import fees, mapping, names, registry, tasks
from .models import (
    Application,
    ApplicationCounter,
    ApplicationItem,
    Draft,
    DraftDocument,
)

APPLICANT_ROLE = Role.APPLICANT.value
RADICADO_PREFIX = "VUE"
# A prerequisite that ends in one of these can no longer be met.
DEAD_ENDS = {
    CaseStatus.RECHAZADO,
    CaseStatus.DESISTIDO,
    CaseStatus.REMITIDO,
}


class SubmissionError(Exception):
    """The application cannot be filed as answered (shown to the entrepreneur)."""


NAME_TAKEN = "Otra solicitud registró ese nombre mientras usted llenaba el formulario."
MONEY_MISSING = (
    "Todavía no se pueden liquidar los costos de %(year)s: faltan los valores "
    "oficiales de ese año. Sus respuestas quedan guardadas; intente más tarde."
)


def _record_applicant(draft: Draft, action: str, *, user, **fields):
    """One event of the entrepreneur on the run's chain (caller's transaction)."""
    return audit.record(
        action=action,
        subject_type="formalizacion",
        subject_id=str(draft.run_id),
        chain_key=draft.audit_chain,
        actor=user,
        role=APPLICANT_ROLE,
        **fields,
    )


def draft_start(user) -> Draft:
    with transaction.atomic():
        draft = Draft.objects.create(owner=user)
        _record_applicant(
            draft,
            "formalization.started",
            user=user,
        )
    return draft


def draft_step_saved(draft: Draft, *, step: str, before: dict, after: dict, user):
    """Record one saved step with the answers before and after (caller's transaction)."""
    _record_applicant(
        draft,
        "formalization.step_saved",
        user=user,
        before=before or None,
        after=after,
        details={"step": step},
        data_subject=subject_of(draft.owner_id),
    )


def draft_went_back(draft: Draft, *, from_step: str, to_step: str, user):
    _record_applicant(
        draft,
        "formalization.step_back",
        user=user,
        details={"from": from_step, "to": to_step},
    )


def draft_documents_store(draft: Draft, uploads: dict[str, ValidatedUpload], *, user):
    """Keep validated uploads with the draft, replacing an earlier one of the same kind."""
    for requirement, upload in uploads.items():
        previous = DraftDocument.objects.filter(
            draft=draft, requirement=requirement
        ).first()
        if previous is not None:
            previous.file.delete(save=False)
            previous.delete()
        document = DraftDocument(
            draft=draft,
            requirement=requirement,
            display_name=upload.display_name,
            content_type=upload.content_type,
            size=len(upload.content),
            sha256=upload.sha256,
        )
        document.file.save("documento", ContentFile(upload.content), save=False)
        document.save()
        _record_applicant(
            draft,
            "formalization.document_uploaded",
            user=user,
            before={"digest": "sha256:" + previous.sha256} if previous else None,
            after={
                "document": requirement,
                "name": upload.display_name,
                "digest": document_digest(upload.content),
            },
            data_subject=subject_of(draft.owner_id),
            personal_fields=("name",),
        )


def draft_purge_abandoned(*, now=None) -> int:
    """Delete the answers and uploads of runs never submitted and untouched for
    ``FORMALIZATION_DRAFT_RETENTION_DAYS`` (Decreto 1377 art. 11: keep personal data
    only as long as its purpose needs). The run's audit chain stays, saying so."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.FORMALIZATION_DRAFT_RETENTION_DAYS)
    stale = Draft.objects.filter(submitted_at__isnull=True, updated_at__lt=cutoff)
    purged = 0
    for pk in stale.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            # Re-checked under the row lock: a POST or a submit may have just touched it.
            draft = stale.select_for_update(skip_locked=True).filter(pk=pk).first()
            if draft is None:
                continue
            files = [doc.file.name for doc in draft.documents.all()]
            audit.record(
                action="formalization.draft_purged",
                subject_type="formalizacion",
                subject_id=str(draft.run_id),
                chain_key=draft.audit_chain,
                reason="borrador sin enviar, vencido el plazo de conservación",
                details={
                    "last_saved": draft.updated_at,
                    "documents": len(files),
                    "retention_days": settings.FORMALIZATION_DRAFT_RETENTION_DAYS,
                },
            )
            draft.delete()
            # Files go only once the rows are gone for good.
            transaction.on_commit(lambda names=files: _delete_files(names))
        purged += 1
    return purged


def _delete_files(names: list[str]) -> None:
    storage = DraftDocument._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def fees_as_json(breakdown: fees.FeeBreakdown) -> dict:
    """The breakdown as shown at submit, kept with the application."""
    return {
        "year": breakdown.year,
        "uvb": str(breakdown.uvb),
        "notes": list(breakdown.notes),
        "total_online": str(breakdown.total_online),
        "lines": [
            {
                "code": line.code,
                "concept": line.concept,
                "amount": None if line.amount is None else str(line.amount),
                "display": line.display_amount,
                "kind": line.kind,
                "basis": line.basis,
                "collected_online": line.collected_online,
                "note": line.note,
            }
            for line in breakdown.lines
        ],
    }


def application_radicado_next(year: int) -> str:
    counter = ApplicationCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = ApplicationCounter.objects.create(year=year, last=0)
        except IntegrityError:
            counter = ApplicationCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{RADICADO_PREFIX}-{year}-{counter.last:06d}"


def application_submit(*, draft: Draft, answers: dict, user, now=None):
    """File the application once: its radicado, one item per applicable procedure, the
    cases that can be filed now. A repeated or parallel submit returns the first one."""
    now = now or timezone.now()
    with transaction.atomic():
        draft = Draft.objects.select_for_update().get(pk=draft.pk, owner=user)
        existing = Application.objects.filter(draft=draft).first()
        if existing is not None:
            return existing, False
        plan = _submission_plan(draft, answers, now=now)
        application = _application_create(draft, answers, plan, user=user, now=now)
        _items_create(application, answers, plan)
        _submission_record(draft, application, plan, user=user)
        draft.submitted_at = now
        draft.save(update_fields=["submitted_at", "updated_at"])
        # Files what is ready now and queues the consolidated receipt; one e-mail
        # tells of the submission and of every procedure it filed.
        filed = application_advance(application, now=now, notify=False)
        _submitted_notify(application, user=user, filed=filed)
    return application, True


@dataclass(frozen=True)
class _SubmissionPlan:
    """What the answers file, checked before anything is written."""

    verdicts: list
    codes: list[str]
    breakdown: fees.FeeBreakdown
    pages: dict  # Code -> the live catalog page of that procedure.


def _submission_plan(draft: Draft, answers: dict, *, now) -> _SubmissionPlan:
    """The procedures from the registry and their fees; a SubmissionError when this
    year's fees cannot be computed, a procedure is not published or the name is taken."""
    try:
        verdicts = registry.applicable(answers)
        codes = [verdict.code for verdict in verdicts]
        breakdown = fees.fee_breakdown(
            answers, codes, on=calendar.to_bogota(now).date()
        )
    except fees.ParameterMissing as missing:
        raise SubmissionError(MONEY_MISSING % {"year": missing.year}) from None
    pages = {
        page.code: page
        for page in ProcedurePage.objects.live()
        .filter(code__in=codes)
        .select_related("entity")
    }
    missing = [code for code in codes if code not in pages]
    if missing:
        raise SubmissionError("Falta publicar en el catálogo: " + ", ".join(missing))
    if not names.name_available(answers["razon_social"], exclude_draft=draft):
        raise SubmissionError(NAME_TAKEN)
    return _SubmissionPlan(verdicts, codes, breakdown, pages)


def _application_create(
    draft: Draft, answers: dict, plan: _SubmissionPlan, *, user, now
) -> Application:
    radicado = application_radicado_next(calendar.to_bogota(now).year)
    total = plan.breakdown.total_online
    try:
        # The unique name key settles two submits of one name at the same moment.
        with transaction.atomic():
            return Application.objects.create(
                radicado=radicado,
                draft=draft,
                applicant=user,
                status=(
                    Application.Status.AWAITING_PAYMENT
                    if total > 0
                    else Application.Status.IN_PROGRESS
                ),
                business_name=answers["razon_social"],
                business_name_key=names.name_key(answers["razon_social"]),
                answers=mapping.serializable(answers),
                fees=fees_as_json(plan.breakdown),
                total_due=total,
                submitted_at=now,
                privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            )
    except IntegrityError:
        raise SubmissionError(NAME_TAKEN) from None


def _items_create(application: Application, answers: dict, plan: _SubmissionPlan):
    """One item per applicable procedure, in the registry's order."""
    items = [
        ApplicationItem(
            application=application,
            code=verdict.code,
            procedure=plan.pages[verdict.code],
            reason=verdict.reason,
            depends_on=registry.prerequisites(verdict.code, plan.codes),
            fee_due=plan.breakdown.amount_due(verdict.code),
            state=ApplicationItem.State.WAITING,
            answers=mapping.case_answers(
                verdict.code, answers, application_radicado=application.radicado
            ),
            order=order,
        )
        for order, verdict in enumerate(plan.verdicts)
    ]
    by_code = {item.code: item for item in items}
    paid = application.total_due == 0
    for item in items:
        # Stored with the state the first advance gives them (one INSERT in all);
        # the ones ready now are filed by that advance below.
        state, note = _next_state(item, by_code, paid=paid)
        if state is not READY:
            item.state, item.note = state, note
    ApplicationItem.objects.bulk_create(items)


def _submission_record(
    draft: Draft, application: Application, plan: _SubmissionPlan, *, user
):
    """The privacy consent, then the submission, on the run's audit chain."""
    PrivacyConsent.objects.get_or_create(
        user=user,
        notice_version=settings.PRIVACY_NOTICE_VERSION,
        context="formalizacion",
    )
    _record_applicant(
        draft,
        "formalization.consent",
        user=user,
        radicado=application.radicado,
        details={"privacy_notice": settings.PRIVACY_NOTICE_VERSION},
    )
    _record_applicant(
        draft,
        "formalization.submitted",
        user=user,
        radicado=application.radicado,
        after={
            "procedures": plan.codes,
            "total_due": str(application.total_due),
            "status": application.status,
        },
        details={"answers": case_services._answers_digest(application.answers)},
    )


def _with_chosen(items) -> list[ApplicationItem]:
    # Where the citizen chose the administrator (a private pension fund, an EPS),
    # the e-mail names it rather than the catalog entity (Colpensiones).
    items = list(items)
    for item in items:
        item.chosen = mapping.chosen_administrator(item.code, item.application.answers)
    return items


def _filed_items(application: Application, codes) -> list[ApplicationItem]:
    return _with_chosen(
        application.items.filter(code__in=codes)
        .select_related("procedure__entity", "case", "application")
        .order_by("order")
    )


def _pending_items(application: Application) -> list[ApplicationItem]:
    return _with_chosen(
        application.items.exclude(state=ApplicationItem.State.FILED)
        .select_related("procedure__entity", "application")
        .order_by("order")
    )


def _count_subject(count: int) -> str:
    return "Radicamos su trámite" if count == 1 else f"Radicamos sus {count} trámites"


def _submitted_notify(application: Application, *, user, filed):
    """The one e-mail of a submission: its radicado, every procedure it filed (by
    name, entity and radicado) and what the rest wait for."""
    radicado = application.radicado
    items = _filed_items(application, filed)
    subject = (
        f"{_count_subject(len(items))}: {application.business_name} ({radicado})"
        if items
        else f"Recibimos su solicitud {radicado}: {application.business_name}"
    )
    case_services.notification_queue(
        case=None,
        key=f"application:{radicado}:submitted",
        recipient=user.email,
        subject=subject,
        template="formalization/email/submitted.txt",
        context={
            "application": application,
            "filed": items,
            "pending": _pending_items(application),
        },
        cases=[item.case for item in items],
    )


def _filed_notify(application: Application, filed):
    """One e-mail for the procedures one advance filed (after the payment, or once
    their prerequisites were approved), not one per case."""
    items = _filed_items(application, filed)
    case_services.notification_queue(
        case=None,
        # The count filed so far names the batch (it only grows): short enough for
        # a Message-ID that is never folded.
        key=f"application:{application.radicado}:filed:"
        f"{application.items.filter(state=ApplicationItem.State.FILED).count()}",
        recipient=application.applicant.email,
        subject=f"{_count_subject(len(items))}: {application.business_name} "
        f"({application.radicado})",
        template="formalization/email/filed.txt",
        context={
            "application": application,
            "filed": items,
            "pending": _pending_items(application),
        },
        cases=[item.case for item in items],
    )


def _documents_for(item: ApplicationItem) -> list[ValidatedUpload]:
    wanted = registry.documents_for(item.code)
    uploads = []
    for document in item.application.draft.documents.filter(requirement__in=wanted):
        with document.file.open("rb") as handle:
            content = handle.read()
        uploads.append(
            ValidatedUpload(
                requirement=str(registry.DOCUMENTS[document.requirement].label),
                display_name=document.display_name,
                content=content,
                content_type=document.content_type,
            )
        )
    return uploads


def _item_file(item: ApplicationItem, *, now) -> None:
    case, _created = case_services.case_file(
        procedure=item.procedure,
        applicant=item.application.applicant,
        answers=item.answers,
        documents=_documents_for(item),
        # One token per (application, procedure): a re-run finds the case it filed.
        submission_token=uuid.uuid5(
            uuid.NAMESPACE_URL, f"{item.application.radicado}/{item.code}"
        ),
        filed_at=now,
        # The application tells of all the procedures it files in one e-mail.
        notify=False,
        fee_facts=_item_fee_facts(item),
    )
    item.case = case
    item.state = ApplicationItem.State.FILED
    item.note = ""
    item.save(update_fields=["case", "state", "note"])
    audit.record(
        action="formalization.procedure_filed",
        subject_type="formalizacion",
        subject_id=str(item.application.draft.run_id),
        chain_key=item.application.audit_chain,
        actor=None,
        role=audit.services.SYSTEM_ROLE,
        radicado=item.application.radicado,
        after={"procedure": item.code, "case": case.radicado},
    )


def _item_fee_facts(item: ApplicationItem) -> dict | None:
    """The fee this item's filing was quoted, for its ``case.filed``: the amount the
    breakdown shown at submit computed, the amount charged, and, when the Ley 1780
    exemption was applied, the recorded answers its conditions read."""
    application = item.application
    lines = [
        line
        for line in (application.fees or {}).get("lines", [])
        if line["code"] == item.code and line["collected_online"]
    ]
    if not lines:
        return None
    exempt_note = fees.tables()["ley_1780"]["exempt_note"]
    exempt = any(line["note"] == exempt_note for line in lines)
    return case_services.fee_facts(
        computed=sum(Decimal(line["amount"]) for line in lines if line["amount"]),
        charged=item.fee_due,
        exemption="ley_1780" if exempt else "",
        exemption_facts=_exemption_facts(application) if exempt else None,
    )


def _exemption_facts(application: Application) -> dict:
    """The answers Ley 1780's conditions depend on, as fees.young_entrepreneur_exempt
    reads them, on the day of the submission."""
    answers = application.answers
    facts = {
        "kind": "natural" if answers.get("tipo") == "persona_natural" else "sociedad",
        "employees": int(answers.get("num_empleados") or 0),
        "assets_cop": str(
            answers.get("activos") or answers.get("capital_pagado") or ""
        ),
    }
    if answers.get("fecha_nacimiento"):
        facts["age"] = fees.age_on(
            datetime.date.fromisoformat(answers["fecha_nacimiento"]),
            calendar.to_bogota(application.submitted_at).date(),
        )
    return facts


READY = object()


def _next_state(item: ApplicationItem, by_code: dict, *, paid: bool):
    """(state, note) an unfiled item should have now, or (READY, "") to file it."""
    if item.state == ApplicationItem.State.BLOCKED:
        return item.state, item.note
    if item.fee_due > 0 and not paid:
        return ApplicationItem.State.AWAITING_PAYMENT, ""
    prerequisites = [by_code[code] for code in item.depends_on]
    failed = [
        p.code
        for p in prerequisites
        if p.state == ApplicationItem.State.BLOCKED
        or (p.case_id is not None and p.case.status in DEAD_ENDS)
    ]
    if failed:
        return (
            ApplicationItem.State.BLOCKED,
            "No se puede radicar: " + ", ".join(failed) + " no fue aprobado.",
        )
    pending = [
        p.code
        for p in prerequisites
        if p.case_id is None or p.case.status != CaseStatus.APROBADO
    ]
    if pending:
        return ApplicationItem.State.WAITING, "En espera de " + ", ".join(pending)
    return READY, ""


def application_advance(
    application: Application, *, now=None, notify: bool = True
) -> list[str]:
    """File every item whose payment and prerequisites are done; mark the ones whose
    prerequisite failed. Idempotent: filed items are left alone. Returns codes filed.
    Those filed are told of in one e-mail (``notify=False``: the caller's does)."""
    now = now or timezone.now()
    filed = []
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        items = list(
            application.items.select_related("procedure__entity", "case").order_by(
                "order"
            )
        )
        by_code = {item.code: item for item in items}
        paid = application.status != Application.Status.AWAITING_PAYMENT
        # Entity order keeps radicado-counter locks in one global order (no deadlocks).
        ready = []
        for item in items:
            if item.state == ApplicationItem.State.FILED:
                continue
            state, note = _next_state(item, by_code, paid=paid)
            if state is READY:
                ready.append(item)
            elif (state, note) != (item.state, item.note):
                item.state, item.note = state, note
                item.save(update_fields=["state", "note"])
        for item in sorted(ready, key=lambda i: (i.procedure.entity.code, i.order)):
            _item_file(item, now=now)
            filed.append(item.code)
        if filed:
            # The consolidated receipt must list the new radicados too.
            application.receipt_pending_since = timezone.now()
            application.save(update_fields=["receipt_pending_since"])
            enqueue_on_commit(tasks.render_application_receipt, application.pk)
            if notify:
                _filed_notify(application, filed)
        done = all(
            item.state == ApplicationItem.State.BLOCKED
            or (item.case is not None and item.case.is_closed)
            for item in items
        )
        if done and application.status == Application.Status.IN_PROGRESS:
            application.status = Application.Status.COMPLETED
            application.save(update_fields=["status"])
    return filed


def application_advance_all() -> int:
    """The sweep: advance every application still in progress (nothing waits forever)."""
    count = 0
    for pk in Application.objects.filter(
        status=Application.Status.IN_PROGRESS
    ).values_list("pk", flat=True):
        count += len(application_advance(Application(pk=pk)))
    return count


APPLICATION_VIEWED = "formalization.application_viewed"
DEFAULT_VIEW_DEDUP_MINUTES = 5


def application_viewed(application: Application, *, user) -> None:
    """A servant (an auditor: officers see the application's cases, not the
    application) opening the application page is recorded on its chain, once per
    viewer within ``ACCESS_VIEW_DEDUP_MINUTES``; the applicant's own views are not."""
    from audit.selectors import recorded_recently

    if user.pk == application.applicant_id:
        return
    minutes = getattr(settings, "ACCESS_VIEW_DEDUP_MINUTES", DEFAULT_VIEW_DEDUP_MINUTES)
    if recorded_recently(
        action=APPLICATION_VIEWED,
        subject_type="formalizacion",
        subject_id=application.draft.run_id,
        actor=user,
        minutes=minutes,
    ):
        return
    audit.record(
        action=APPLICATION_VIEWED,
        subject_type="formalizacion",
        subject_id=str(application.draft.run_id),
        chain_key=application.audit_chain,
        actor=user,
        radicado=application.radicado,
    )
