"""Remission by lack of competence (Ley 1755 art. 21): the petition becomes a case of
the competent entity, with its own radicado and a term counted from its receipt."""

import datetime
import json
import uuid

import pytest
import time_machine

from audit.models import AuditEvent
from procedures import calendar, services, workflow
from procedures.models import Case, CaseDocument, Notification

pytestmark = pytest.mark.django_db

REASON = "La matrícula mercantil la resuelve la Cámara de Comercio de Bogotá."
REMITTED_AT = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=calendar.BOGOTA)


@pytest.fixture
def case(demo_user, rit_certificate, pdf_file):
    from procedures.uploads import validate_upload

    upload = validate_upload(
        pdf_file(), requirement="Copia del RUT", formats=["pdf"], max_size_mb=5
    )
    case, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"q_identificacion": "900373913-4"},
        documents=[upload],
        submission_token=uuid.uuid4(),
        filed_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA),
    )
    return case


def act(case, user, action, **kwargs):
    case.refresh_from_db()
    return services.case_act(
        case.pk, actor=user, action=action, expected_version=case.version, **kwargs
    )


def events(case) -> list[dict]:
    return [
        json.loads(body)
        for body in AuditEvent.objects.filter(chain_key=case.audit_chain)
        .order_by("seq")
        .values_list("body", flat=True)
    ]


def remit(case, officer, procedure, capture):
    with time_machine.travel(REMITTED_AT, tick=False), capture(execute=True):
        return act(case, officer, "remitir", reason=REASON, remit_to=procedure)


def test_remit_files_a_new_case_at_the_competent_entity(
    case, demo_user, procedure, django_capture_on_commit_callbacks
):
    officer = demo_user("funcionario_shd")
    act(case, officer, "tomar")
    original = remit(case, officer, procedure, django_capture_on_commit_callbacks)
    target = original.remission

    assert original.status == workflow.Status.REMITIDO
    assert original.decision_reason == REASON
    assert target.remitted_from == original
    assert target.entity == procedure.entity != original.entity
    assert target.radicado.startswith(f"{procedure.entity.code}-2026-")
    assert target.procedure == procedure and target.status == workflow.Status.RADICADO
    assert target.applicant == original.applicant and target.answers == original.answers
    # The competent entity's term counts afresh from its own receipt.
    assert target.filed_at == REMITTED_AT
    assert target.received_on == calendar.received_on(REMITTED_AT)
    assert target.due_date == calendar.due_date(REMITTED_AT, procedure.legal_term_days)
    assert target.term_days == procedure.legal_term_days
    # The citizen's documents travel with it (same file, same digest), plus a new
    # acknowledgement from the competent entity.
    upload = original.documents.get(kind=CaseDocument.Kind.UPLOAD)
    copy = target.documents.get(kind=CaseDocument.Kind.UPLOAD)
    assert (copy.sha256, copy.file.name) == (upload.sha256, upload.file.name)
    assert copy.file.open("rb").read().startswith(b"%PDF")
    assert target.documents.filter(kind=CaseDocument.Kind.ACKNOWLEDGEMENT).exists()


def test_remission_is_audited_on_both_chains(
    case, demo_user, procedure, django_capture_on_commit_callbacks
):
    officer = demo_user("funcionario_shd")
    target = remit(
        case, officer, procedure, django_capture_on_commit_callbacks
    ).remission
    remitted = events(case)[-1]
    assert remitted["action"] == "case.remitir"
    assert remitted["reason"] == REASON
    assert remitted["details"]["remitted_to"] == target.radicado
    assert remitted["details"]["remitted_to_entity"] == procedure.entity.code
    # The case's own entity and procedure, as on every act (docs/risk-events.md).
    assert remitted["details"]["entity"] == case.entity.code
    assert remitted["details"]["procedure"] == case.procedure.code
    assert remitted["after"]["status"] == "remitido"
    received = events(target)
    assert [e["action"] for e in received][0] == "case.received_by_remission"
    assert received[0]["details"]["remitted_from"] == case.radicado
    assert received[0]["details"]["entity"] == procedure.entity.code
    assert received[0]["details"]["applicant"] == f"user:{case.applicant_id}"
    assert received[0]["actor_username"] == "funcionario_shd"
    assert received[0]["details"]["documents"][0]["digest"].startswith("sha256:")


def test_the_applicant_is_told_which_entity_has_it_and_its_radicado(
    case, demo_user, procedure, django_capture_on_commit_callbacks, mailoutbox
):
    target = remit(
        case,
        demo_user("funcionario_shd"),
        procedure,
        django_capture_on_commit_callbacks,
    ).remission
    notification = Notification.objects.get(case=case, subject__contains="remitido")
    assert target.radicado in notification.subject
    message = next(m for m in mailoutbox if m.subject == notification.subject)
    assert message.to == [case.applicant.email]
    assert target.entity.name in message.body and target.radicado in message.body
    assert REASON in message.body and "artículo 21" in message.body


def test_only_the_competent_entitys_officers_get_the_new_case(
    case, demo_user, procedure, django_capture_on_commit_callbacks
):
    target = remit(
        case,
        demo_user("funcionario_shd"),
        procedure,
        django_capture_on_commit_callbacks,
    ).remission
    ccb, shd = demo_user("funcionario_ccb"), demo_user("funcionario_shd")
    assert list(Case.objects.in_queue_of(ccb).filter(remitted_from=case)) == [target]
    assert not Case.objects.visible_to(shd).filter(pk=target.pk).exists()
    assert not Case.objects.visible_to(ccb).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(case.applicant).filter(pk=target.pk).exists()


@pytest.mark.parametrize("target_code", [None, "SDH-002"])
def test_remission_needs_a_procedure_of_another_entity(case, demo_user, target_code):
    from catalog.models import ProcedurePage

    target = ProcedurePage.objects.get(code=target_code) if target_code else None
    with pytest.raises(workflow.TransitionError):
        act(
            case,
            demo_user("funcionario_shd"),
            "remitir",
            reason=REASON,
            remit_to=target,
        )
    case.refresh_from_db()
    assert (
        case.status == "radicado"
        and not Case.objects.filter(remitted_from=case).exists()
    )


def test_officer_remits_from_the_back_office_and_both_pages_say_so(
    client, case, demo_user, procedure
):
    from catalog.models import Entity

    officer = demo_user("funcionario_shd")
    client.force_login(officer)
    page = client.get(f"/admin/casos/{case.radicado}/accion/remitir/").content.decode()
    assert 'name="entity"' in page and 'name="procedure"' in page
    url = f"/admin/casos/{case.radicado}/accion/"
    post = {"action": "remitir", "version": case.version, "reason": REASON}

    refused = client.post(url, post, follow=True).content.decode()
    assert "Para remitir elija la entidad competente." in refused
    other = Entity.objects.exclude(pk__in=[case.entity_id, procedure.entity_id])
    mismatch = {**post, "entity": other.first().pk, "procedure": procedure.pk}
    assert (
        "El trámite elegido no es de"
        in client.post(url, mismatch, follow=True).content.decode()
    )
    own = {**post, "entity": case.entity_id, "procedure": case.procedure_id}
    # Refused on the form itself, before any confirmation.
    refused = client.post(url, own)
    assert refused.status_code == 200
    assert "Confirmar y enviar" not in refused.content.decode()
    assert Case.objects.get(pk=case.pk).status == "radicado"

    competent = {**post, "entity": procedure.entity_id, "procedure": procedure.pk}
    confirmation = client.post(url, competent).content.decode()
    assert (
        "Confirmar y enviar" in confirmation and procedure.entity.name in confirmation
    )
    assert not Case.objects.filter(remitted_from=case).exists()
    done = client.post(
        url, {**competent, "confirmar": "1"}, follow=True
    ).content.decode()
    target = Case.objects.get(remitted_from=case)
    said = f"Remitido a {procedure.entity.name} con radicado {target.radicado}"
    assert said in done
    assert said in client.get(f"/admin/casos/{case.radicado}/").content.decode()

    client.force_login(case.applicant)
    citizen = client.get(f"/mis-tramites/{case.radicado}/").content.decode()
    assert said in citizen and f"/mis-tramites/{target.radicado}/" in citizen
    new = client.get(f"/mis-tramites/{target.radicado}/").content.decode()
    assert case.radicado in new and "900373913-4" in new

    client.force_login(demo_user("funcionario_ccb"))
    received = client.get(f"/admin/casos/{target.radicado}/").content.decode()
    assert "Recibido por remisión" in received and case.radicado in received
