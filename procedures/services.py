"""Writes that matter for cases. Each service checks the rule, changes the state,
records the audit event and enqueues side effects, in one transaction."""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models.constants import OnConflict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

import audit
from accounts.matching import match_digests
from audit.chain import canonical_json
from audit.personal import subject_of

from . import calendar, tasks, workflow
from . import documents as case_pdfs
from .enqueue import enqueue_on_commit
from .models import (
    Case,
    CaseDocument,
    IrregularityReport,
    Notification,
    RadicadoCounter,
    ReportCounter,
)
from .payments import cop_text
from .uploads import ValidatedUpload
from .workflow import Status

APPLICANT_ROLE = workflow.Role.APPLICANT.value


def _next_in_series(counter_model, **key) -> int:
    """The next number of the series ``key`` names in ``counter_model``; gapless
    because the counter row stays locked until the transaction commits, and a
    rolled-back one gives its number back. ``key`` are our own column names."""
    table = counter_model._meta.db_table
    columns = sorted(key)
    where = " AND ".join(f"{column} = %s" for column in columns)
    with connection.cursor() as cursor:
        # One statement takes the row lock and moves the counter (no SELECT … FOR
        # UPDATE then UPDATE): the lock is held from here until commit either way.
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE {where} RETURNING last",
            [key[column] for column in columns],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    try:
        with transaction.atomic():
            counter = counter_model.objects.create(**key, last=1)
        return counter.last
    except IntegrityError:
        # Created meanwhile by another transaction: take its lock and the next number.
        counter = counter_model.objects.select_for_update().get(**key)
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last


def radicado_next(entity, year: int) -> str:
    """The entity's next radicado for ``year`` (gapless, see ``_next_in_series``)."""
    number = _next_in_series(RadicadoCounter, entity_id=entity.pk, year=year)
    return f"{entity.code}-{year}-{number:06d}"


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
    cases=(),
):
    """Write the e-mail as an outbox row (same transaction) and ring the worker after
    commit. ``cases`` are the cases a grouped e-mail tells about (their pages show
    its delivery state)."""
    if not recipient:
        return None
    notification = Notification(
        dedupe_key=key,
        case=case,
        recipient=recipient,
        subject=subject[:200],
        body=render_to_string(template, context),
        available_at=timezone.now(),
    )
    if _insert_if_new(notification, "dedupe_key"):
        if cases:
            notification.cases.set(cases)
        enqueue_on_commit(tasks.send_notification, notification.pk)
        return notification
    return Notification.objects.get(dedupe_key=key)


def _insert_if_new(instance, unique_field: str) -> bool:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: one statement where
    get_or_create takes four (SELECT, SAVEPOINT, INSERT, RELEASE), and as safe when
    two transactions insert the same key. True (and the pk set) if it was inserted.
    ``_insert`` is the manager method save() and bulk_create() themselves use."""
    meta = type(instance)._meta
    fields = [f for f in meta.local_concrete_fields if not f.primary_key]
    rows = type(instance)._base_manager._insert(
        [instance],
        fields=fields,
        returning_fields=[meta.pk],
        on_conflict=OnConflict.IGNORE,
        unique_fields=[meta.get_field(unique_field)],
    )
    if not rows or rows[0] is None:
        return False
    instance.pk = rows[0][0]
    instance._state.adding = False
    instance._state.db = type(instance)._base_manager.db
    return True


def _case_create(*, procedure, applicant, answers, received_at, **fields) -> Case:
    """A new case at ``procedure``'s entity: its next radicado, and the legal term
    counted from the receipt, in business days or, where the catalog says the law
    sets calendar days, in calendar days. "Immediate" procedures (term 0) still
    get the next business day to answer."""
    calendar_days = procedure.calendar_type == procedure.CalendarType.CALENDARIO
    term_days = max(procedure.legal_term_days or 0, 1)
    return Case.objects.create(
        radicado=radicado_next(procedure.entity, calendar.to_bogota(received_at).year),
        procedure=procedure,
        procedure_revision_id=procedure.live_revision_id,
        entity=procedure.entity,
        applicant=applicant,
        status=Status.RADICADO,
        answers=answers,
        filed_at=received_at,
        received_on=calendar.received_on(received_at),
        term_days=term_days,
        calendar_days=calendar_days,
        due_date=calendar.due_date(received_at, term_days, calendar_days=calendar_days),
        acknowledgement_pending_since=timezone.now(),
        **fields,
    )


def case_file(
    *,
    procedure,
    applicant,
    answers: dict,
    documents: list[ValidatedUpload],
    submission_token,
    filed_at: datetime.datetime | None = None,
    notify: bool = True,
    fee_facts: dict | None = None,
) -> tuple[Case, bool]:
    """File ``procedure`` for ``applicant``: a case with a radicado and a due date.

    Idempotent per ``submission_token``: a repeated submission returns the case it
    already filed and ``False``. ``notify=False`` leaves the citizen's e-mail to the
    caller, which files several cases at once and tells of them in one e-mail.
    ``fee_facts``: the fee the filing was quoted, recorded for the risk detectors
    (``fee_facts()``; docs/risk-events.md).
    """
    existing = Case.objects.filter(
        submission_token=submission_token, applicant=applicant
    ).first()
    if existing is not None:
        return existing, False
    filed_at = filed_at or timezone.now()
    try:
        with transaction.atomic():
            case = _case_create(
                procedure=procedure,
                applicant=applicant,
                answers=answers,
                received_at=filed_at,
                submission_token=submission_token,
                privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
            )
            # The documents' events, then the filing's: one batch on the new chain.
            events = _store_documents(
                case, documents, kind=CaseDocument.Kind.UPLOAD, user=applicant
            )
            events.append(
                {
                    "action": "case.filed",
                    "subject_type": "case",
                    "subject_id": case.radicado,
                    "chain_key": case.audit_chain,
                    "actor": applicant,
                    "role": APPLICANT_ROLE,
                    "radicado": case.radicado,
                    "after": {
                        "status": case.status,
                        "due_date": case.due_date,
                        "received_on": case.received_on,
                    },
                    "details": {
                        "procedure": procedure.code,
                        "revision": case.procedure_revision_id,
                        "answers": _answers_digest(answers),
                        "privacy_notice": case.privacy_notice_version,
                        **_filing_facts(case, procedure, fee_facts),
                    },
                }
            )
            audit.record_many(events, new_chain=True)
            enqueue_on_commit(tasks.render_acknowledgement, case.pk)
            if notify:
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


def _filing_facts(case: Case, procedure, fee: dict | None = None) -> dict:
    """What the risk detectors need to know of a new case (docs/risk-events.md):
    who, where, under which term and requirements, and the applicant's contact
    points as digests."""
    from .forms import form_definition

    facts = {
        "entity": procedure.entity.code,
        "applicant": subject_of(case.applicant_id),
        "term_days": case.term_days,
        "calendar_days": case.calendar_days,
        # The names the officer's "Documentos del trámite" checkboxes use
        # (action_forms.procedure_documents), from the page as filed.
        "requirements": [spec["name"] for spec in form_definition(procedure)[1]],
        "contact": match_digests(case.applicant),
    }
    if fee:
        facts["fee"] = fee
    return facts


def fee_facts(
    *, computed, charged, exemption: str = "", exemption_facts: dict | None = None
) -> dict:
    """The fee a filing was quoted, as ``case_file(fee_facts=...)`` records it:
    amounts in COP as strings, the exemption applied ("" or "ley_1780") and the
    recorded answers its conditions depend on."""
    facts = {
        "computed": cop_text(computed),
        "charged": cop_text(charged),
        "exemption": exemption,
    }
    if exemption_facts:
        facts["exemption_facts"] = exemption_facts
    return facts


def _store_documents(
    case: Case, uploads: list[ValidatedUpload], *, kind: str, user
) -> list[dict]:
    """Store the files and write their rows in one INSERT; return their audit events
    (for ``audit.record_many``, with the event of the change they belong to)."""
    documents = []
    for upload in uploads:
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
        documents.append(document)
    CaseDocument.objects.bulk_create(documents)
    role = APPLICANT_ROLE if user == case.applicant else None
    return [
        {
            "action": "case.document_uploaded",
            "subject_type": "case",
            "subject_id": case.radicado,
            "chain_key": case.audit_chain,
            "actor": user,
            "role": role,
            "radicado": case.radicado,
            "after": {
                "document": upload.requirement,
                "name": upload.display_name,
                "digest": "sha256:" + document.sha256,
            },
            # A file name often carries the person's name or document number.
            "data_subject": subject_of(case.applicant_id),
            "personal_fields": ("name",),
        }
        for upload, document in zip(uploads, documents, strict=True)
    ]


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
    """Staff looking at a case is recorded (personal data); applicants' own views are
    not. Repeated views by the same person within ``ACCESS_VIEW_DEDUP_MINUTES`` are
    recorded once, so the citizen's access history is not flooded."""
    if user != case.applicant and not _viewed_recently(case, user):
        audit.record(
            action="case.viewed",
            subject_type="case",
            subject_id=case.radicado,
            chain_key=case.audit_chain,
            actor=user,
            radicado=case.radicado,
        )


def _viewed_recently(case: Case, user) -> bool:
    """Whether ``user``'s last recorded view of ``case`` is recent: one query on the
    case's chain (indexed by chain and sequence), right on every worker."""
    from audit.chain import parse_time
    from audit.models import AuditEvent

    last = (
        AuditEvent.objects.filter(
            chain_key=case.audit_chain, action="case.viewed", actor_id=str(user.pk)
        )
        .order_by("-seq")
        .values_list("recorded_at", flat=True)
        .first()
    )
    window = datetime.timedelta(minutes=settings.ACCESS_VIEW_DEDUP_MINUTES)
    return last is not None and parse_time(last) > timezone.now() - window


class CaseConflict(Exception):
    """Someone else changed the case first; the message is for the officer."""


OFFICER_ROLE = workflow.Role.OFFICER


def _role_for(case: Case, user) -> workflow.Role:
    if user == case.applicant:
        return workflow.Role.APPLICANT
    if (
        case.entity.officer_group_id
        and user.groups.filter(pk=case.entity.officer_group_id).exists()
    ):
        return workflow.Role.OFFICER
    raise workflow.TransitionError(
        "Solo los funcionarios de la entidad pueden actuar sobre este trámite."
    )


def _record_conflict(case_pk: int, actor, action: str, expected_version: int) -> None:
    case = Case.objects.get(pk=case_pk)
    audit.record(
        action="case.conflict",
        subject_type="case",
        subject_id=case.radicado,
        chain_key=case.audit_chain,
        actor=actor,
        radicado=case.radicado,
        result="conflict",
        reason=f"acción «{action}» sobre la versión {expected_version}; la vigente es {case.version}",
    )


def case_act(
    case_pk: int,
    *,
    actor,
    action: str,
    expected_version: int,
    reason: str = "",
    extra_days: int = 0,
    assignee=None,
    remit_to=None,
    documents: list[ValidatedUpload] = (),
    act: ValidatedUpload | None = None,
    act_public: bool = False,
    requested_documents: list[dict] = (),
    priority_reason: str = "",
    today: datetime.date | None = None,
) -> Case:
    """Apply one workflow action to a case, under a row lock and a version check.

    ``remit_to`` is the competent entity's procedure page for ``remitir``;
    ``requested_documents`` what ``solicitar_informacion`` asks the citizen to attach;
    ``assignee`` (a user or its id) must be an active officer of the case's entity.
    ``priority_reason``: why this case is attended before older ones (a
    ``PRIORITY_REASONS`` code, Ley 1755 art. 20), recorded on the act.
    ``act`` is the decision as the entity signed it (a validated PDF): it becomes the
    output document instead of the generated one, with its own verification code.
    Raises Case.DoesNotExist when the actor may not see the case, CaseConflict when
    another person changed it first, TransitionError when the rules refuse it.
    """
    today = today or calendar.to_bogota(timezone.now()).date()
    action = workflow.Action(action)
    if priority_reason and priority_reason not in workflow.PriorityReason.values:
        raise workflow.TransitionError(
            gettext("Elija un motivo de atención prioritaria de la lista."),
            action=action,
        )
    with transaction.atomic():
        case = (
            Case.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("entity", "procedure")
            .get(pk=case_pk)
        )
        if case.version != expected_version:
            conflict = True
        else:
            conflict = False
            _apply(
                case,
                actor=actor,
                action=action,
                reason=reason,
                extra_days=extra_days,
                assignee=assignee,
                remit_to=remit_to,
                documents=documents,
                act=act,
                act_public=act_public,
                requested_documents=requested_documents,
                priority_reason=priority_reason,
                today=today,
            )
    if conflict:
        _record_conflict(case_pk, actor, action, expected_version)
        raise CaseConflict(
            "Otra persona actualizó este trámite mientras usted lo revisaba. Revise su estado actual antes de actuar."
        )
    return case


def _prepare(
    case: Case, *, actor, action, today, role=None, **inputs
) -> tuple[workflow.Transition, workflow.Act]:
    """The row of ``action`` and the act, once its guards pass; nothing changed yet."""
    role = role or _role_for(case, actor)
    transition = workflow.transition_for(case.status, action, role)
    if inputs.get("assignee") is not None:
        inputs["assignee"] = _entity_officer(case, inputs["assignee"])
    act = workflow.Act(
        case=case, action=action, role=role, actor=actor, today=today, **inputs
    )
    workflow.check_guards(transition, act)
    return transition, act


def _change(case: Case, transition: workflow.Transition, act: workflow.Act) -> None:
    """The row's effects and new status, on the instance only (the caller saves)."""
    for effect in transition.effects:
        effect(act)
    case.status = transition.to
    case.version += 1


def _apply(case: Case, *, actor, action, today, role=None, **inputs) -> None:
    """The row of ``action``: its guards, its effects, then save, audit and notify."""
    transition, act = _prepare(
        case, actor=actor, action=action, today=today, role=role, **inputs
    )
    before = _audited_state(case)
    _change(case, transition, act)
    if transition.needs_output:
        case.output_pending_since = timezone.now()
    case.save()
    target, events = _record_inputs(act, transition)
    _audit_act(act, before, target, events)
    if transition.needs_output:
        enqueue_on_commit(tasks.render_output, case.pk)
    if transition.notice:
        _notify(act, transition.notice, target)


def entity_officers(case: Case):
    """Who may be assigned ``case``: the active officers of its entity."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups=case.entity.officer_group_id)
        .order_by("username")
    )


def _entity_officer(case: Case, user_or_pk):
    officer = (
        entity_officers(case).filter(pk=getattr(user_or_pk, "pk", user_or_pk)).first()
    )
    if officer is None:
        raise workflow.TransitionError(
            gettext("Solo puede asignar el caso a un funcionario de la entidad."),
            action=workflow.Action.ASSIGN,
        )
    return officer


def _record_inputs(
    act: workflow.Act, transition: workflow.Transition
) -> tuple[Case | None, list[dict]]:
    """Store what the actor attached and, for a remission, the competent entity's
    new case (returned: the audit and the e-mail name it), with the documents'
    audit events."""
    kind = (
        CaseDocument.Kind.ANSWER
        if act.role == workflow.Role.APPLICANT
        else CaseDocument.Kind.OUTPUT
    )
    events = _store_documents(act.case, list(act.documents), kind=kind, user=act.actor)
    if act.act is not None and workflow.Input.ACT in transition.inputs:
        events += _store_act(act)
    target = None
    if workflow.Input.REMIT_TO in transition.inputs:
        target = _receive_remission(act.case, procedure=act.remit_to, actor=act.actor)
    return target, events


def _store_act(act: workflow.Act) -> list[dict]:
    """The uploaded act as the case's output document, stored byte for byte, and its
    verification record (the hash of what was uploaded). The generated output then
    finds it and renders nothing."""
    from . import authenticity
    from .models import IssuedDocument

    case = act.case
    upload = act.act
    events = _store_documents(
        case,
        [
            ValidatedUpload(
                requirement="Documento de salida",
                display_name=f"acto-{case.radicado}.pdf",
                content=upload.content,
                content_type=upload.content_type,
            )
        ],
        kind=CaseDocument.Kind.OUTPUT,
        user=act.actor,
    )
    document = case.documents.get(
        kind=CaseDocument.Kind.OUTPUT, requirement="Documento de salida"
    )
    title = (
        gettext("Acto administrativo: %(result)s")
        % {"result": case.procedure.result_name or case.procedure.title}
        if act.action == workflow.Action.APPROVE
        else gettext("Acto administrativo que rechaza la solicitud")
    )
    authenticity.issued_record(
        verification={"code": authenticity.code_new()},
        pdf=upload.content,
        document_type=IssuedDocument.Type.ACT,
        title=title,
        radicado=case.radicado,
        entity_name=case.entity.name,
        case_document=document,
        public=act.act_public,
    )
    return events


def _audit_act(
    act: workflow.Act, before: dict, target: Case | None, events: list[dict]
) -> None:
    """The act's event after its documents' events, in one batch."""
    case = act.case
    events.append(
        {
            "action": f"case.{act.action.value}",
            "subject_type": "case",
            "subject_id": case.radicado,
            "chain_key": case.audit_chain,
            "actor": act.actor,
            "role": _AUDIT_ROLES.get(act.role),
            "radicado": case.radicado,
            "reason": act.reason,
            "before": before,
            "after": _audited_state(case),
            "details": _act_details(act, target),
        }
    )
    audit.record_many(events)


def _act_details(act: workflow.Act, target: Case | None) -> dict:
    """The act's facts for the risk detectors (docs/risk-events.md): where it
    happened, who holds the case after it, the acting officer's own contact
    digests (to compare with the applicant's) and any recorded priority."""
    case = act.case
    details = {
        "entity": case.entity.code,
        "procedure": case.procedure.code,
        "assigned_to_id": str(case.assigned_to_id or ""),
    }
    if act.action == workflow.Action.TAKE:
        details["self_assigned"] = True
        # Taking a case is a choice only where colleagues could have taken it (D7).
        details["entity_officers"] = entity_officers(case).count()
    if act.role == workflow.Role.OFFICER:
        details["actor_match"] = match_digests(act.actor)
    if act.priority_reason:
        details["priority_reason"] = act.priority_reason
    if target is not None:
        details |= {
            "remitted_to": target.radicado,
            "remitted_to_entity": target.entity.code,
            "remitted_to_procedure": target.procedure.code,
        }
    if act.requested_documents:
        details["requested_documents"] = [s["name"] for s in act.requested_documents]
    return details


# The citizen's e-mail subject per notice (the row names the notice). Only a
# change of status is worded as one; an extension keeps the status and says so.
NOTICE_SUBJECTS = {
    "status": lambda case, target: f"{case.radicado}: {case.get_status_display()}",
    "extended": lambda case, target: (
        f"{case.radicado}: término de respuesta prorrogado hasta el {case.due_date:%d/%m/%Y}"
    ),
    "citizen_extension": lambda case, target: (
        f"{case.radicado}: su plazo para responder se amplió hasta el "
        f"{case.citizen_deadline:%d/%m/%Y}"
    ),
    "remitted": lambda case, target: (
        f"{case.radicado}: remitido a {target.entity.name}, radicado {target.radicado}"
    ),
}


def _notice_context(act: workflow.Act, target: Case | None) -> dict:
    return {
        "case": act.case,
        "action": act.action,
        "reason": act.reason,
        "target": target,
    }


def _notify(act: workflow.Act, notice: str, target: Case | None) -> None:
    case = act.case
    notification_queue(
        case=case,
        key=f"case:{case.radicado}:v{case.version}",
        recipient=case.applicant.email,
        subject=NOTICE_SUBJECTS[notice](case, target),
        template=f"procedures/email/{notice}.txt",
        context=_notice_context(act, target),
    )


@dataclass(frozen=True)
class ActPreview:
    """What an action would record and send, computed on an unsaved copy."""

    case: Case
    transition: workflow.Transition
    act: workflow.Act
    recipient: str
    notice_subject: str
    notice_body: str
    # The output document's title and HTML, when the action issues one.
    output_title: str
    output_html: str


def case_preview(
    case_pk: int,
    *,
    actor,
    action: str,
    today: datetime.date | None = None,
    **inputs,
) -> ActPreview:
    """What ``case_act`` with these arguments would do, for the officer to confirm:
    the same rules (TransitionError as case_act raises it), the case as it would
    become, the e-mail the citizen would get and the output document, from the
    same templates. Nothing is saved, audited, queued or locked."""
    today = today or calendar.to_bogota(timezone.now()).date()
    case = (
        Case.objects.visible_to(actor)
        .select_related("entity", "procedure", "applicant")
        .get(pk=case_pk)
    )
    transition, act = _prepare(
        case, actor=actor, action=workflow.Action(action), today=today, **inputs
    )
    _change(case, transition, act)
    target = None
    if workflow.Input.REMIT_TO in transition.inputs:
        target = _remission_preview(case, act.remit_to)
    subject = body = title = html = ""
    if transition.notice:
        subject = NOTICE_SUBJECTS[transition.notice](case, target)
        body = render_to_string(
            f"procedures/email/{transition.notice}.txt", _notice_context(act, target)
        )
    if transition.needs_output:
        title, html = case_pdfs.output_title(case), case_pdfs.output_html(case)
    return ActPreview(
        case=case,
        transition=transition,
        act=act,
        recipient=case.applicant.email,
        notice_subject=subject,
        notice_body=body,
        output_title=title,
        output_html=html,
    )


def _remission_preview(case: Case, procedure) -> Case:
    """The competent entity's case as _receive_remission would create it, unsaved;
    its radicado is given only on confirmation."""
    now = timezone.now()
    calendar_days = procedure.calendar_type == procedure.CalendarType.CALENDARIO
    term_days = max(procedure.legal_term_days or 0, 1)
    return Case(
        radicado=gettext("(se asigna al confirmar)"),
        procedure=procedure,
        entity=procedure.entity,
        applicant=case.applicant,
        received_on=calendar.received_on(now),
        term_days=term_days,
        calendar_days=calendar_days,
        due_date=calendar.due_date(now, term_days, calendar_days=calendar_days),
    )


def case_repeated_act(case: Case, *, actor, action: str) -> bool:
    """Whether the last workflow action on ``case`` is ``action`` by ``actor``: a
    refused second submit of the same form is then a repeat, not a conflict."""
    from audit.models import AuditEvent

    last = (
        AuditEvent.objects.filter(
            chain_key=case.audit_chain,
            action__in=[f"case.{a.value}" for a in workflow.Action],
        )
        .order_by("-seq")
        .only("action", "actor_username")
        .first()
    )
    return (
        last is not None
        and last.action == f"case.{workflow.Action(action).value}"
        and last.actor_username == actor.get_username()
    )


def user_display(user) -> str:
    """A person as cases show them: full name, else username; never an id."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _audited_state(case: Case) -> dict:
    # Names, not ids: the history reads "Asignado a: Ana Gómez", and an id would
    # say nothing once the account is gone. The citizen's deadline is recorded in
    # Spanish words because the trail shows unknown keys as they are.
    state = {
        "status": case.status,
        "due_date": case.due_date,
        "assigned_to": user_display(case.assigned_to),
    }
    if case.citizen_deadline:
        state["plazo_del_ciudadano"] = case.citizen_deadline
    return state


# Applicant and system events name their role; an officer's comes from their groups.
_AUDIT_ROLES = {
    workflow.Role.APPLICANT: APPLICANT_ROLE,
    workflow.Role.SYSTEM: workflow.Role.SYSTEM.value,
}


def _receive_remission(case: Case, *, procedure, actor) -> Case:
    """The competent entity's new case: its own radicado, the same applicant, answers
    and documents, and a term that counts afresh from its receipt (Ley 1755 art. 21)."""
    target = _case_create(
        procedure=procedure,
        applicant=case.applicant,
        answers=case.answers,
        received_at=timezone.now(),
        privacy_notice_version=case.privacy_notice_version,
        remitted_from=case,
    )
    copied = []
    for document in case.documents.filter(
        kind__in=[CaseDocument.Kind.UPLOAD, CaseDocument.Kind.ANSWER]
    ):
        # The same stored file (never deleted, served only through the case it is
        # attached to): a reference, so the digest stays provably the citizen's.
        CaseDocument.objects.create(
            case=target,
            kind=document.kind,
            requirement=document.requirement,
            display_name=document.display_name,
            file=document.file.name,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=document.uploaded_by,
        )
        copied.append(
            {"document": document.requirement, "digest": "sha256:" + document.sha256}
        )
    audit.record(
        action="case.received_by_remission",
        subject_type="case",
        subject_id=target.radicado,
        chain_key=target.audit_chain,
        actor=actor,
        radicado=target.radicado,
        after={
            "status": target.status,
            "due_date": target.due_date,
            "received_on": target.received_on,
        },
        details={
            "remitted_from": case.radicado,
            "from_entity": case.entity.code,
            "procedure": procedure.code,
            "revision": target.procedure_revision_id,
            "answers": _answers_digest(target.answers),
            "documents": copied,
            **_filing_facts(target, procedure),
        },
    )
    enqueue_on_commit(tasks.render_acknowledgement, target.pk)
    return target


def _desistimiento_reason(case: Case) -> str:
    # Ley 1755 art. 17: desistimiento is declared by a motivated act; this is its motive.
    return (
        "Desistimiento tácito: el solicitante no respondió dentro del mes el "
        f"requerimiento de información del {case.clock_stopped_on:%d/%m/%Y}, cuyo plazo "
        f"venció el {case.citizen_deadline:%d/%m/%Y} (Ley 1755 de 2015, art. 17)."
    )


def desistimiento_sweep(today: datetime.date | None = None) -> list[str]:
    """Declare desistimiento tácito, as the system, on every case whose citizen's month
    has run out; one transaction and row lock per case, and a re-run declares nothing
    twice (a case answered or declared meanwhile is skipped). Returns the radicados."""
    today = today or calendar.to_bogota(timezone.now()).date()
    overdue = Case.objects.filter(
        status=Status.REQUIERE_INFORMACION, citizen_deadline__lt=today
    )
    declared = []
    for pk in list(
        overdue.order_by("citizen_deadline", "pk").values_list("pk", flat=True)
    ):
        with transaction.atomic():
            case = (
                overdue.select_for_update(of=("self",))
                .select_related("entity", "procedure", "applicant")
                .filter(pk=pk)
                .first()
            )
            if case is None:
                continue
            _apply(
                case,
                actor=None,
                role=workflow.Role.SYSTEM,
                action=workflow.Action.DESIST,
                reason=_desistimiento_reason(case),
                today=today,
            )
        declared.append(case.radicado)
    return declared


# --- A citizen's report of an irregularity (D15) ------------------------------------

IRREGULARITY_REPORTED = "case.irregularity_reported"


class ReportRefused(Exception):
    """The report cannot be filed as sent; the message is for the citizen."""


def report_radicado_next(year: int) -> str:
    """The next report radicado of ``year``: ``DEN-2026-000123``, its own District
    series (a case radicado starts with the entity's code, never with DEN)."""
    number = _next_in_series(ReportCounter, year=year)
    return f"{IrregularityReport.RADICADO_PREFIX}-{year}-{number:06d}"


def _report_text(text: str) -> str:
    text = (text or "").strip()
    if not IrregularityReport.TEXT_MIN <= len(text) <= IrregularityReport.TEXT_MAX:
        raise ReportRefused(
            gettext("Escriba entre %(min)d y %(max)d caracteres.")
            % {"min": IrregularityReport.TEXT_MIN, "max": IrregularityReport.TEXT_MAX}
        )
    return text


def irregularity_report(
    case: Case, *, user, category: str, text: str, token
) -> tuple[IrregularityReport, bool]:
    """File ``user``'s report of an irregularity on their own ``case``: the row with
    its radicado, the event on the case's chain (the text sealed under the citizen's
    key, for the D15 detector and the auditors) and the acknowledgement e-mail, in
    one transaction. Idempotent per ``token``: a repeated submission returns the
    report already filed and ``False``.

    The e-mail is not tied to the case, so the case's pages (the officers' among
    them) do not list it, and it does not repeat the text.
    """
    if case.applicant_id != getattr(user, "pk", None):
        raise ReportRefused(gettext("Solo quien radicó el trámite puede reportarlo."))
    if category not in IrregularityReport.Category.values:
        raise ReportRefused(gettext("Elija qué tipo de irregularidad reporta."))
    text = _report_text(text)
    existing = IrregularityReport.objects.filter(
        submission_token=token, reporter=user
    ).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    try:
        with transaction.atomic():
            report = IrregularityReport.objects.create(
                case=case,
                reporter=user,
                category=category,
                text=text,
                radicado=report_radicado_next(calendar.to_bogota(now).year),
                submission_token=token,
                created_at=now,
            )
            audit.record(
                action=IRREGULARITY_REPORTED,
                subject_type="case",
                subject_id=case.radicado,
                chain_key=case.audit_chain,
                actor=user,
                role=APPLICANT_ROLE,
                radicado=case.radicado,
                after={"text": text},
                details={"category": category, "report_radicado": report.radicado},
                data_subject=subject_of(user),
                personal_fields=("text",),
            )
            notification_queue(
                case=None,
                key=f"irregularity:{report.radicado}:received",
                recipient=user.email,
                subject=gettext("Reporte %(radicado)s recibido")
                % {"radicado": report.radicado},
                template="procedures/email/irregularity_reported.txt",
                context={"report": report, "case": case, "user": user},
            )
    except IntegrityError:
        # Two identical submissions at once: the unique token let only one through.
        return IrregularityReport.objects.get(
            submission_token=token, reporter=user
        ), False
    return report, True
