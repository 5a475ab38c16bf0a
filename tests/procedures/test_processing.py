"""Officers process their entity's cases; citizens answer information requests."""

import datetime
import json
import uuid

import pytest

from audit.models import AuditEvent
from procedures import calendar, services, workflow
from procedures.models import Case, CaseDocument

pytestmark = pytest.mark.django_db

# Within the 10 business days after the filing of 2 March 2026 (Ley 1755 art. 17).
ASKED_ON = datetime.date(2026, 3, 5)


@pytest.fixture
def case(demo_user, rit_certificate):
    case, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"identificacion": "900373913-4"},
        documents=[],
        submission_token=uuid.uuid4(),
        filed_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA),
    )
    return case


def act(case, user, action, **kwargs):
    case.refresh_from_db()
    return services.case_act(
        case.pk, actor=user, action=action, expected_version=case.version, **kwargs
    )


def test_full_path_request_information_answer_approve(
    case, demo_user, mailoutbox, django_capture_on_commit_callbacks
):
    officer, citizen = demo_user("funcionario_shd"), demo_user("ciudadano")
    original_due = case.due_date
    act(case, officer, "tomar", today=datetime.date(2026, 3, 4))
    assert Case.objects.get(pk=case.pk).assigned_to == officer
    with django_capture_on_commit_callbacks(execute=True):
        act(
            case,
            officer,
            "solicitar_informacion",
            reason="Adjunte el RUT actualizado de 2026.",
            today=datetime.date(2026, 3, 5),
        )
    case.refresh_from_db()
    assert (
        case.status == "requiere_informacion"
        and case.clock_stopped_on == datetime.date(2026, 3, 5)
    )
    assert case.citizen_deadline == datetime.date(2026, 4, 6)  # 5 April is a Sunday
    assert any("RUT actualizado" in m.body for m in mailoutbox)

    act(
        case,
        citizen,
        "responder",
        reason="Adjunto el RUT.",
        today=datetime.date(2026, 3, 12),
    )
    case.refresh_from_db()
    assert case.status == "en_revision" and case.clock_stopped_on is None
    assert case.due_date == calendar.pause_and_resume(
        original_due, datetime.date(2026, 3, 5), datetime.date(2026, 3, 12)
    )
    assert case.due_date > original_due

    with django_capture_on_commit_callbacks(execute=True):
        act(case, officer, "aprobar", today=datetime.date(2026, 3, 13))
    case.refresh_from_db()
    assert case.status == "aprobado" and case.decided_at is not None
    output = CaseDocument.objects.get(case=case, kind="salida")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(output.file.open("rb")).pages)
    assert case.radicado in text and "Certificado" in text
    actions = list(
        AuditEvent.objects.filter(chain_key=case.audit_chain)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "case.filed",
        "case.tomar",
        "case.solicitar_informacion",
        "case.responder",
        "case.aprobar",
    ]
    answer = json.loads(
        AuditEvent.objects.get(chain_key=case.audit_chain, action="case.responder").body
    )
    assert (
        answer["actor_role"] == "solicitante"
        and answer["before"]["status"] == "requiere_informacion"
    )


def test_acknowledgement_pdf_is_rendered_after_filing(
    demo_user, rit_certificate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case, _ = services.case_file(
            procedure=rit_certificate,
            applicant=demo_user("ciudadano"),
            answers={},
            documents=[],
            submission_token=uuid.uuid4(),
        )
    acknowledgement = CaseDocument.objects.get(case=case, kind="acuse")
    from pypdf import PdfReader

    text = "".join(
        p.extract_text() for p in PdfReader(acknowledgement.file.open("rb")).pages
    )
    assert case.radicado in text and "Acuse de recibo" in text
    from procedures.documents import render_acknowledgement

    assert render_acknowledgement(case.pk) is None, "a re-run renders nothing new"


def test_illegal_transitions_are_refused(case, demo_user):
    officer = demo_user("funcionario_shd")
    with pytest.raises(workflow.TransitionError, match="aprobar"):
        act(case, officer, "aprobar")
    with pytest.raises(workflow.TransitionError):
        act(case, demo_user("ciudadano"), "tomar")
    assert Case.objects.get(pk=case.pk).status == "radicado"


def test_officers_of_other_entities_cannot_act(case, demo_user):
    with pytest.raises(Case.DoesNotExist):
        act(case, demo_user("funcionario_ccb"), "tomar")


def test_stale_version_is_a_conflict_and_is_recorded(case, demo_user):
    officer = demo_user("funcionario_shd")
    stale = case.version
    services.case_act(case.pk, actor=officer, action="tomar", expected_version=stale)
    with pytest.raises(services.CaseConflict, match="Otra persona"):
        services.case_act(
            case.pk,
            actor=officer,
            action="rechazar",
            expected_version=stale,
            reason="No cumple los requisitos.",
        )
    assert Case.objects.get(pk=case.pk).status == "en_revision"
    assert AuditEvent.objects.filter(
        chain_key=case.audit_chain, action="case.conflict", result="conflict"
    ).exists()


def test_extension_at_most_double_and_only_before_expiry(case, demo_user):
    officer = demo_user("funcionario_shd")
    due = case.due_date
    with pytest.raises(workflow.TransitionError):
        act(
            case,
            officer,
            "prorrogar",
            reason="Volumen alto de solicitudes.",
            extra_days=case.term_days + 1,
            today=due,
        )
    with pytest.raises(workflow.TransitionError):
        act(
            case,
            officer,
            "prorrogar",
            reason="Volumen alto de solicitudes.",
            extra_days=5,
            today=due + datetime.timedelta(days=1),
        )
    act(
        case,
        officer,
        "prorrogar",
        reason="Volumen alto de solicitudes.",
        extra_days=case.term_days,
        today=due,
    )
    case.refresh_from_db()
    assert (
        case.due_date == calendar.extend_due_date(due, case.term_days)
        and case.extension_days == case.term_days
    )


def test_four_eyes_reviewer_cannot_approve(
    demo_user, django_user_model, support_procedure
):
    from django.contrib.auth.models import Group

    procedure = support_procedure
    assert procedure.four_eyes
    reviewer = demo_user("funcionario_sdde")
    approver = django_user_model.objects.create_user(
        "aprobadora_sdde", password="x" * 12
    )
    approver.groups.add(Group.objects.get(name="Funcionarios SDDE"))
    case, _ = services.case_file(
        procedure=procedure,
        applicant=demo_user("ciudadano"),
        answers={},
        documents=[],
        submission_token=uuid.uuid4(),
    )
    act(case, reviewer, "tomar")
    with pytest.raises(workflow.TransitionError):
        act(case, reviewer, "aprobar")
    act(case, approver, "aprobar")
    assert Case.objects.get(pk=case.pk).status == "aprobado"


def test_desistimiento_only_after_the_citizens_month(case, demo_user):
    officer = demo_user("funcionario_shd")
    act(case, officer, "tomar")
    act(
        case,
        officer,
        "solicitar_informacion",
        reason="Falta el certificado de existencia.",
        today=datetime.date(2026, 3, 5),
    )
    deadline = Case.objects.get(pk=case.pk).citizen_deadline
    with pytest.raises(workflow.TransitionError):
        act(case, officer, "declarar_desistimiento", today=deadline)
    act(
        case,
        officer,
        "declarar_desistimiento",
        today=deadline + datetime.timedelta(days=1),
    )
    assert Case.objects.get(pk=case.pk).status == "desistido"


def test_officer_queue_shows_only_their_entity_ordered_by_due_date(
    client, case, demo_user
):
    client.force_login(demo_user("funcionario_shd"))
    html = client.get("/admin/casos/").content.decode()
    assert case.radicado in html
    client.force_login(demo_user("funcionario_ccb"))
    assert case.radicado not in client.get("/admin/casos/").content.decode()
    assert client.get(f"/admin/casos/{case.radicado}/").status_code in (302, 404)


def test_officer_acts_through_the_back_office(client, case, demo_user):
    client.force_login(demo_user("funcionario_shd"))
    page = client.get(f"/admin/casos/{case.radicado}/")
    assert page.status_code == 200 and "Tomar" in page.content.decode()
    client.post(
        f"/admin/casos/{case.radicado}/accion/",
        {"action": "tomar", "version": case.version},
    )
    assert Case.objects.get(pk=case.pk).status == "en_revision"
    response = client.post(
        f"/admin/casos/{case.radicado}/accion/",
        {"action": "tomar", "version": case.version},
        follow=True,
    )
    # The same form sent twice: refused, and said to be a repeat of one's own act.
    assert "ya quedó registrado con su primer envío" in response.content.decode()
    assert Case.objects.get(pk=case.pk).version == case.version + 1


def test_citizen_answers_on_the_case_page(client, case, demo_user, pdf_file):
    officer = demo_user("funcionario_shd")
    act(case, officer, "tomar")
    act(
        case,
        officer,
        "solicitar_informacion",
        reason="Adjunte el RUT actualizado de 2026.",
        today=ASKED_ON,
    )
    client.force_login(demo_user("ciudadano"))
    page = client.get(f"/mis-tramites/{case.radicado}/").content.decode()
    assert "Adjunte el RUT actualizado de 2026." in page
    case.refresh_from_db()
    response = client.post(
        f"/mis-tramites/{case.radicado}/",
        {
            "version": case.version,
            "answer": "Adjunto el RUT 2026.",
            "document": pdf_file("rut-2026.pdf"),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "en_revision"
    assert case.documents.filter(kind="respuesta", display_name="rut-2026.pdf").exists()


def test_another_citizen_cannot_answer(client, case, demo_user):
    officer = demo_user("funcionario_shd")
    act(case, officer, "tomar")
    act(
        case,
        officer,
        "solicitar_informacion",
        reason="Adjunte el RUT actualizado de 2026.",
        today=ASKED_ON,
    )
    client.force_login(demo_user("ciudadana2"))
    response = client.post(
        f"/mis-tramites/{case.radicado}/", {"version": 3, "answer": "hola"}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == "requiere_informacion"


def test_officers_are_warned_once_before_the_due_date(
    case, demo_user, mailoutbox, django_capture_on_commit_callbacks
):
    from procedures.notifications import warn_due_soon

    officer = demo_user("funcionario_shd")
    act(case, officer, "tomar")
    case.refresh_from_db()
    day_before = calendar.add_business_days(case.due_date, -1)
    with django_capture_on_commit_callbacks(execute=True):
        assert warn_due_soon(day_before) == 1
        assert warn_due_soon(day_before) == 0
    warnings = [m for m in mailoutbox if "Vence pronto" in m.subject]
    assert (
        len(warnings) == 1
        and warnings[0].to == [officer.email]
        and case.radicado in warnings[0].subject
    )
    assert warn_due_soon(calendar.add_business_days(case.due_date, -5)) == 0


def test_officer_assigns_a_case_to_a_colleague_of_the_same_entity(
    client, case, demo_user, django_user_model
):
    from django.contrib.auth.models import Group

    colleague = django_user_model.objects.create_user(
        "colega_shd", password="x" * 12, is_staff=True
    )
    colleague.groups.add(Group.objects.get(name="Funcionarios SDH"))
    client.force_login(demo_user("funcionario_shd"))
    client.post(
        f"/admin/casos/{case.radicado}/accion/",
        {"action": "asignar", "version": case.version, "assignee": colleague.pk},
    )
    case.refresh_from_db()
    assert case.assigned_to == colleague
    outsider = demo_user("funcionario_ccb")
    response = client.post(
        f"/admin/casos/{case.radicado}/accion/",
        {"action": "asignar", "version": case.version, "assignee": outsider.pk},
        follow=True,
    )
    assert (
        "Solo puede asignar el caso a un funcionario de la entidad."
        in response.content.decode()
    )
    assert Case.objects.get(pk=case.pk).assigned_to == colleague
    assert "colega_shd" in client.get("/admin/casos/").content.decode()
