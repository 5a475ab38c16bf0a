import json
import uuid

from django.conf import settings

import pytest

from audit.models import AuditEvent
from procedures import calendar
from procedures.models import Case, CaseDocument, Notification

from .conftest import png_bomb, png_bytes

pytestmark = pytest.mark.django_db


def post_filing(client, procedure, answers, files=None, token=None):
    data = {**answers, "submission_token": str(token or uuid.uuid4()), **(files or {})}
    return client.post(f"/tramites/{procedure.slug}/radicar/", data)


def test_filing_creates_a_case_with_radicado_due_date_documents_audit_and_email(
    client,
    demo_user,
    rit_certificate,
    rit_answers,
    pdf_file,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    page = client.get(f"/tramites/{rit_certificate.slug}/radicar/")
    assert page.status_code == 200 and "Aviso de privacidad" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = post_filing(
            client, rit_certificate, rit_answers, {"doc_0": pdf_file()}
        )
    case = Case.objects.get(applicant=citizen)
    assert (
        response.status_code == 302
        and response["Location"] == f"/mis-tramites/{case.radicado}/"
    )
    year = calendar.to_bogota(case.filed_at).year
    assert (
        case.radicado.startswith(f"SDH-{year}-")
        and len(case.radicado.rsplit("-", 1)[1]) == 6
    )
    assert case.status == "radicado" and case.entity.code == "SDH"
    assert case.procedure_revision_id == rit_certificate.live_revision_id
    assert case.due_date == calendar.due_date(
        case.filed_at, rit_certificate.legal_term_days
    )
    assert case.answers["identificacion"] == "900373913-4"
    assert case.privacy_notice_version == settings.PRIVACY_NOTICE_VERSION

    document = CaseDocument.objects.get(case=case, kind="carga")
    path = document.file.path
    assert (
        str(settings.PRIVATE_MEDIA_ROOT) in path
        and str(settings.MEDIA_ROOT) not in path
    )
    assert (
        document.display_name == "rut.pdf"
        and document.content_type == "application/pdf"
    )

    actions = list(
        AuditEvent.objects.filter(chain_key=case.audit_chain)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["case.document_uploaded", "case.filed"]
    filed = json.loads(
        AuditEvent.objects.get(chain_key=case.audit_chain, action="case.filed").body
    )
    assert (
        filed["actor_username"] == "ciudadano" and filed["actor_role"] == "solicitante"
    )
    assert (
        filed["radicado"] == case.radicado
        and filed["details"]["procedure"] == "SDH-002"
    )

    assert Notification.objects.get(case=case).state == "enviada"
    assert len(mailoutbox) == 1 and case.radicado in mailoutbox[0].subject
    assert case.due_date.strftime("%d/%m/%Y") in mailoutbox[0].body

    detail = client.get(f"/mis-tramites/{case.radicado}/")
    assert detail.status_code == 200 and case.radicado in detail.content.decode()
    assert "Número de identificación (cédula o NIT)" in detail.content.decode()
    assert case.radicado in client.get("/mis-tramites/").content.decode()


def test_a_replayed_submission_files_once(
    client, demo_user, rit_certificate, rit_answers, pdf_file
):
    client.force_login(demo_user("ciudadano"))
    token = uuid.uuid4()
    first = post_filing(
        client, rit_certificate, rit_answers, {"doc_0": pdf_file()}, token=token
    )
    second = post_filing(
        client, rit_certificate, rit_answers, {"doc_0": pdf_file()}, token=token
    )
    assert first["Location"] == second["Location"]
    assert Case.objects.filter(submission_token=token).count() == 1


def test_radicados_are_consecutive_per_entity(
    client, demo_user, rit_certificate, rit_answers, pdf_file
):
    client.force_login(demo_user("ciudadano"))
    for _ in range(3):
        post_filing(client, rit_certificate, rit_answers, {"doc_0": pdf_file()})
    numbers = sorted(
        int(r.rsplit("-", 1)[1])
        for r in Case.objects.values_list("radicado", flat=True)
    )
    assert numbers == list(range(numbers[0], numbers[0] + 3))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("q_identificacion", "900373913-5", "dígito de verificación"),
        ("q_identificacion", "12ab", "solo los números"),
        ("q_correo", "no-es-correo", "correo"),
        ("q_nombre_contribuyente", "", "Escriba su respuesta en"),
        ("accept_privacy", "", "aviso de privacidad"),
    ],
)
def test_bad_answers_show_errors_keep_the_rest_and_file_nothing(
    client, demo_user, rit_certificate, rit_answers, pdf_file, field, value, message
):
    client.force_login(demo_user("ciudadano"))
    answers = {**rit_answers, field: value}
    response = post_filing(client, rit_certificate, answers, {"doc_0": pdf_file()})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html.lower() or message in html
    assert "Panadería La Espiga S.A.S." in html or field == "q_nombre_contribuyente"
    assert not Case.objects.exists()


def test_script_in_text_fields_is_kept_as_text(
    client, demo_user, rit_certificate, rit_answers, pdf_file
):
    client.force_login(demo_user("ciudadano"))
    answers = {**rit_answers, "q_nombre_contribuyente": "<script>alert('x')</script>"}
    response = post_filing(client, rit_certificate, answers, {"doc_0": pdf_file()})
    case = Case.objects.get()
    assert case.answers["nombre_contribuyente"] == "<script>alert('x')</script>"
    html = client.get(response["Location"]).content.decode()
    assert "<script>alert('x')</script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rut.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "no es un PDF"),
        ("rut.pdf", b"<html><script>alert(1)</script></html>", "no es un PDF"),
        ("rut.pdf", png_bytes(), "no es un PDF"),
        ("rut.pdf", b"%PDF-1.4\n" + b"x" * 100, "incompleto"),
        (
            "rut.pdf",
            b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"%%EOF",
            "tamaño máximo",
        ),
        ("rut.pdf", b"", "está vacío: adjunte el documento con su contenido"),
    ],
)
def test_bad_uploads_are_rejected_with_a_message_and_nothing_stored(
    client, demo_user, rit_certificate, rit_answers, pdf_file, name, content, message
):
    client.force_login(demo_user("ciudadano"))
    response = post_filing(
        client,
        rit_certificate,
        rit_answers,
        {"doc_0": pdf_file(name=name, content=content)},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert not Case.objects.exists() and not CaseDocument.objects.exists()


def test_images_are_checked_reencoded_and_bombs_refused(settings):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from procedures.uploads import validate_upload

    image = png_bytes() + b"TRAILING-PAYLOAD"
    ok = validate_upload(
        SimpleUploadedFile("foto.png", image),
        requirement="Cédula",
        formats=["png"],
        max_size_mb=5,
    )
    assert ok.content_type == "image/png" and b"TRAILING-PAYLOAD" not in ok.content
    with pytest.raises(ValidationError, match="demasiado grande"):
        validate_upload(
            SimpleUploadedFile("bomba.png", png_bomb()),
            requirement="x",
            formats=["png"],
            max_size_mb=5,
        )
    with pytest.raises(ValidationError, match="no es un PNG"):
        validate_upload(
            SimpleUploadedFile("x.png", b"GIF89a" + b"\x00" * 50),
            requirement="x",
            formats=["png"],
            max_size_mb=5,
        )


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd.pdf",
        "C:\\Windows\\system32\\x.pdf",
        "factura\u202egpj.pdf",
        "a\x00b.pdf",
        "x" * 300 + ".pdf",
        "\r\nSet-Cookie: x.pdf",
    ],
)
def test_hostile_file_names_are_made_harmless(hostile):
    from procedures.uploads import safe_display_name

    name = safe_display_name(hostile, "application/pdf")
    assert name.endswith(".pdf") and len(name) <= 84
    assert not any(ch in name for ch in "/\\\x00\r\n\u202e")


def test_procedures_without_an_online_form_cannot_be_filed(client, demo_user):
    from catalog.models import ProcedurePage

    client.force_login(demo_user("ciudadano"))
    offline = ProcedurePage.objects.filter(
        online_form=[]
    ).first() or ProcedurePage.objects.get(code="SDH-001")
    assert client.get(f"/tramites/{offline.slug}/radicar/").status_code == 404


def test_filing_requires_login(client, rit_certificate):
    response = client.get(f"/tramites/{rit_certificate.slug}/radicar/")
    assert response.status_code == 302 and "/cuenta/ingresar/" in response["Location"]
