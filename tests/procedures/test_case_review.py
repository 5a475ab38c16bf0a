"""The officer's case page invites no mistakes: one action at a time, a confirmation
with a preview before any decision, the case laid out for review and its timeline;
the citizen answers a request with every document asked for."""

import datetime
import io
import uuid

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
import time_machine

from audit.models import AuditEvent
from procedures import calendar, services
from procedures.models import Case, CaseDocument, Notification

from .conftest import MINIMAL_PDF, png_bytes

pytestmark = pytest.mark.django_db

FILED_AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA)
# Within the 10 business days after the filing (Ley 1755 art. 17).
ASKED_AT = datetime.datetime(2026, 3, 5, 9, 0, tzinfo=calendar.BOGOTA)
REQUEST = "Adjunte los soportes que faltan para expedir la certificación."


@pytest.fixture
def officer(demo_user):
    return demo_user("funcionario_shd")


@pytest.fixture
def colleague(django_user_model):
    user = django_user_model.objects.create_user(
        "colega_shd",
        password="x" * 12,
        is_staff=True,
        first_name="Ana",
        last_name="Gómez",
    )
    user.groups.add(Group.objects.get(name="Funcionarios SDH"))
    return user


@pytest.fixture
def case(demo_user, rit_certificate):
    with time_machine.travel(FILED_AT, tick=False):
        case, _ = services.case_file(
            procedure=rit_certificate,
            applicant=demo_user("ciudadano"),
            answers={
                "solicitante_nombres": "Carlos",
                "nombre_contribuyente": "Panadería La Espiga S.A.S.",
                "identificacion": "900373913-4",
            },
            documents=[],
            submission_token=uuid.uuid4(),
            filed_at=FILED_AT,
        )
    return case


def take(case, officer):
    case.refresh_from_db()
    with time_machine.travel(ASKED_AT - datetime.timedelta(hours=1), tick=False):
        services.case_act(
            case.pk, actor=officer, action="tomar", expected_version=case.version
        )
    case.refresh_from_db()
    return case


def step_url(case, action):
    return f"/admin/casos/{case.radicado}/accion/{action}/"


def recorded(case) -> tuple:
    """Everything an action would write: events, e-mails, documents, the version."""
    case.refresh_from_db()
    return (
        AuditEvent.objects.filter(chain_key=case.audit_chain)
        .exclude(action="case.viewed")
        .count(),
        Notification.objects.filter(case=case).count(),
        CaseDocument.objects.filter(case=case).count(),
        case.version,
        case.status,
    )


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def test_the_officer_chooses_an_action_then_sees_only_its_form(client, case, officer):
    client.force_login(officer)
    page = client.get(f"/admin/casos/{case.radicado}/").content.decode()
    # The choice: "Tomar" acts at once (nothing to fill in); the others are links.
    assert step_url(case, "remitir") in page and step_url(case, "asignar") in page
    assert 'name="reason"' not in page and 'name="entity"' not in page
    # The case laid out for review in summary lists.
    assert "govuk-summary-list" in page
    assert "Panadería La Espiga S.A.S." in page and "Carlos" in page

    remit = client.get(step_url(case, "remitir")).content.decode()
    assert 'name="entity"' in remit and 'name="reason"' in remit
    assert 'name="assignee"' not in remit and 'name="extra_days"' not in remit
    assert "Continuar" in remit  # a decision: confirmed on the next step

    take(case, officer)
    with time_machine.travel(ASKED_AT):
        ask = client.get(step_url(case, "solicitar_informacion")).content.decode()
    assert 'name="reason"' in ask and 'name="requested"' in ask
    assert "Copia del RUT" in ask  # the procedure's own documents, to tick
    assert 'name="entity"' not in ask
    # An action the case does not offer now is not a page of its own.
    response = client.get(step_url(case, "declarar_desistimiento"), follow=True)
    assert "no está disponible ahora" in response.content.decode()


def test_approval_is_confirmed_on_a_preview_and_nothing_is_recorded_before(
    client, case, officer, django_capture_on_commit_callbacks, mailoutbox
):
    take(case, officer)
    client.force_login(officer)
    before = recorded(case)
    confirmation = client.get(step_url(case, "aprobar"))
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Confirmar y enviar" in html
    # What the citizen will receive: the e-mail and the output document.
    assert "Lo que recibirá el ciudadano" in html
    assert f"{case.radicado}: Aprobado" in html
    assert "cambió de estado" in html  # the e-mail's own text (email/status.txt)
    assert "Vista previa del documento de salida" in html
    assert "resolvió favorablemente la solicitud radicada" in html  # pdf/output.html
    preview = client.get(f"{step_url(case, 'aprobar')}vista-previa.pdf")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert preview["Content-Disposition"].startswith("inline")
    assert recorded(case) == before

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            step_url(case, "aprobar"),
            {"action": "aprobar", "version": case.version, "confirmar": "1"},
            follow=True,
        ).content.decode()
    assert "Acción registrada: Aprobar." in done
    case.refresh_from_db()
    assert case.status == "aprobado"
    assert case.documents.filter(kind="salida").count() == 1
    assert [m.subject for m in mailoutbox if "Aprobado" in m.subject] == [
        f"{case.radicado}: Aprobado"
    ]


def test_a_decision_posted_without_confirmation_only_shows_the_confirmation(
    client, case, officer
):
    take(case, officer)
    client.force_login(officer)
    before = recorded(case)
    reason = "No cumple los requisitos del RIT para expedir la certificación."
    response = client.post(
        f"/admin/casos/{case.radicado}/accion/",
        {"action": "rechazar", "version": case.version, "reason": reason},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Confirmar y enviar" in html
    assert reason in html and "Rechazado" in html
    assert recorded(case) == before
    # "Corregir" goes back to the form with what was typed.
    edit = client.post(
        step_url(case, "rechazar"),
        {
            "action": "rechazar",
            "version": case.version,
            "reason": reason,
            "editar": "1",
        },
    ).content.decode()
    assert reason in edit and "Confirmar y enviar" not in edit
    assert recorded(case) == before


def test_a_double_confirm_and_a_colleague_in_between_are_refused(
    client, case, officer, colleague
):
    take(case, officer)
    version = case.version
    confirm = {"action": "aprobar", "version": version, "confirmar": "1"}
    client.force_login(officer)
    client.post(step_url(case, "aprobar"), confirm)
    again = client.post(step_url(case, "aprobar"), confirm, follow=True)
    assert "ya quedó registrado con su primer envío" in again.content.decode()
    case.refresh_from_db()
    assert case.version == version + 1
    assert (
        AuditEvent.objects.filter(
            chain_key=case.audit_chain, action="case.aprobar"
        ).count()
        == 1
    )

    # A second case: the colleague rejects it while the officer has it on screen.
    other, _ = services.case_file(
        procedure=case.procedure,
        applicant=case.applicant,
        answers={},
        documents=[],
        submission_token=uuid.uuid4(),
        filed_at=FILED_AT,
    )
    take(other, officer)
    on_screen = client.get(step_url(other, "aprobar")).content.decode()
    assert "Confirmar y enviar" in on_screen
    services.case_act(
        other.pk,
        actor=colleague,
        action="rechazar",
        expected_version=other.version,
        reason="Falta el certificado de existencia y representación.",
    )
    late = client.post(
        step_url(other, "aprobar"),
        {"action": "aprobar", "version": other.version, "confirmar": "1"},
        follow=True,
    ).content.decode()
    assert "Otra persona actualizó este trámite" in late
    other.refresh_from_db()
    assert other.status == "rechazado"


def request_documents(client, case, officer, *, requested, other):
    take(case, officer)
    client.force_login(officer)
    post = {
        "action": "solicitar_informacion",
        "version": case.version,
        "reason": REQUEST,
        "requested": requested,
        "other_documents": other,
    }
    with time_machine.travel(ASKED_AT):
        confirmation = client.post(
            step_url(case, "solicitar_informacion"), post
        ).content.decode()
        assert "Confirmar y enviar" in confirmation
        # Named in the confirmation, and in the e-mail the citizen will get.
        email = confirmation.split("Lo que recibirá el ciudadano", 1)[1]
        for name in [*requested, *other.splitlines()]:
            assert f"- {name.strip()}" in email
        assert Case.objects.get(pk=case.pk).status == "en_revision"
        client.post(step_url(case, "solicitar_informacion"), {**post, "confirmar": "1"})
    case.refresh_from_db()
    assert case.status == "requiere_informacion"
    return case


def test_the_citizen_answers_with_every_document_asked_for(client, case, officer):
    case = request_documents(
        client,
        case,
        officer,
        requested=["Copia del RUT"],
        other="Foto de la fachada\nCertificado bancario",
    )
    assert [spec["name"] for spec in case.requested_documents] == [
        "Copia del RUT",
        "Foto de la fachada",
        "Certificado bancario",
    ]
    client.force_login(case.applicant)
    url = f"/mis-tramites/{case.radicado}/"
    page = client.get(url).content.decode()
    assert page.count('type="file"') == 4  # three asked for, and one more
    for index in range(3):
        assert f'name="requested_{index}"' in page
    assert 'accept=".pdf,application/pdf"' in page  # the RUT: PDF only
    assert ".jpg,.jpeg,.png" in page  # the others: every format

    missing = client.post(
        url,
        {
            "version": case.version,
            "answer": "Adjunto lo pedido.",
            "requested_0": SimpleUploadedFile("rut.pdf", MINIMAL_PDF),
        },
    ).content.decode()
    assert "Adjunte «Foto de la fachada»: la entidad lo pidió." in missing
    assert "Adjunte «Certificado bancario»: la entidad lo pidió." in missing
    wrong = client.post(
        url,
        {
            "version": case.version,
            "answer": "Adjunto lo pedido.",
            "requested_0": SimpleUploadedFile("rut.png", png_bytes()),
            "requested_1": SimpleUploadedFile("fachada.jpg", jpeg_bytes()),
            "requested_2": SimpleUploadedFile("banco.png", png_bytes()),
        },
    ).content.decode()
    assert "Este documento se recibe solo en PDF" in wrong
    assert Case.objects.get(pk=case.pk).status == "requiere_informacion"

    response = client.post(
        url,
        {
            "version": case.version,
            "answer": "Adjunto el RUT, la foto y el certificado.",
            "requested_0": SimpleUploadedFile("rut.pdf", MINIMAL_PDF),
            "requested_1": SimpleUploadedFile("fachada.jpg", jpeg_bytes()),
            "requested_2": SimpleUploadedFile("banco.png", png_bytes()),
            "document": SimpleUploadedFile("carta.pdf", MINIMAL_PDF),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "en_revision" and case.requested_documents == []
    answered = dict(
        case.documents.filter(kind="respuesta").values_list(
            "requirement", "content_type"
        )
    )
    assert answered == {
        "Copia del RUT": "application/pdf",
        "Foto de la fachada": "image/jpeg",
        "Certificado bancario": "image/png",
        "Respuesta a la solicitud de información": "application/pdf",
    }


def test_the_service_refuses_an_answer_without_a_requested_document(
    client, case, officer
):
    from procedures import workflow

    case = request_documents(
        client, case, officer, requested=[], other="Certificado bancario"
    )
    with pytest.raises(workflow.TransitionError, match="Certificado bancario"):
        services.case_act(
            case.pk,
            actor=case.applicant,
            action="responder",
            expected_version=case.version,
            reason="Sin el certificado.",
        )


def test_both_pages_show_the_timeline_the_citizens_without_internal_events(
    client, case, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = request_documents(
            client, case, officer, requested=[], other="Certificado bancario"
        )
    client.force_login(officer)
    admin = client.get(f"/admin/casos/{case.radicado}/").content.decode()
    timeline = admin.split('id="linea-de-tiempo"', 1)[1].split("</ol>", 1)[0]
    for step in (
        "Solicitud radicada",
        "Solicitud en revisión",
        "Información solicitada al ciudadano",
        "Término suspendido",
        "Correo al ciudadano",
        "02/03/2026 10:00",  # filed, Bogotá time, Colombian order
        "05/03/2026 09:00",  # the request
        "Sergio Hernández",  # the officer who acted
        "Certificado bancario",
    ):
        assert step in timeline, step

    client.force_login(case.applicant)
    citizen = client.get(f"/mis-tramites/{case.radicado}/").content.decode()
    timeline = citizen.split('id="linea-de-tiempo"', 1)[1].split("</ol>", 1)[0]
    for step in (
        "Solicitud radicada",
        "Información solicitada al ciudadano",
        REQUEST,
        "Término suspendido",
        "Le escribimos",
        "05/03/2026 09:00",
        case.entity.name,
    ):
        assert step in timeline, step
    for internal in ("Sergio Hernández", "funcionario_shd", "consultado"):
        assert internal not in timeline, internal
