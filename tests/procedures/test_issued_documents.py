"""Outputs a third party can trust: the certificate, the acknowledgement and an
uploaded act carry the real data and a verification code whose QR opens
/verificar/<code>/, which confirms the document by its SHA-256 and shows nothing
personal. Read back from the real WeasyPrint output with pypdf."""

import hashlib
import io
import re
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
import segno
from pypdf import PdfReader

from procedures import authenticity, documents, services
from procedures.models import CaseDocument, IssuedDocument

pytestmark = pytest.mark.django_db

BASE = "https://ventanilla.example.gov.co"

COMPANY_ANSWERS = {
    "solicitante_actua": "empresa",
    "solicitante_empresa": "Panadería La Espiga S.A.S.",
    "solicitante_nit": "900373913-4",
    "solicitante_nombres": "Ana María",
    "solicitante_apellidos": "Quintero Rojas",
    "solicitante_tipo_documento": "CC",
    "solicitante_numero_documento": "1020304050",
    "solicitante_direccion": "Calle 26 # 13-19",
    "nombre_contribuyente": "Panadería La Espiga S.A.S.",
    "identificacion": "900373913-4",
}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        content = handle.read()
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def file_bytes(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def act(case, user, action, **kwargs):
    case.refresh_from_db()
    return services.case_act(
        case.pk, actor=user, action=action, expected_version=case.version, **kwargs
    )


@pytest.fixture
def filed(rit_certificate, demo_user):
    case, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers=COMPANY_ANSWERS,
        documents=[],
        submission_token=uuid.uuid4(),
    )
    return case


def test_the_certificate_states_the_parties_the_signer_and_a_verifiable_code(
    client, filed, demo_user, monkeypatch
):
    officer = demo_user("funcionario_shd")
    officer.first_name, officer.last_name = "Jorge", "Peña Ruiz"
    officer.save()
    rendered = {}
    real = documents.render_pdf

    def keep_html(template, context):
        html, pdf = real(template, context)
        rendered[template] = html
        return html, pdf

    monkeypatch.setattr(documents, "render_pdf", keep_html)
    act(filed, officer, "tomar")
    act(filed, officer, "aprobar")
    output = documents.render_output(filed.pk)
    text = flat(pdf_text(output))
    for value in (
        "Ana María Quintero Rojas",
        "Cédula de ciudadanía 1020304050",
        "Panadería La Espiga S.A.S.",
        "900373913-4",
        "Calle 26 # 13-19",
        "Jorge Peña Ruiz",
        "Funcionario(a)",
        filed.entity.name,
        filed.radicado,
    ):
        assert flat(value) in text, value

    issued = IssuedDocument.objects.get(case_document=output)
    assert issued.document_type == IssuedDocument.Type.OUTPUT
    assert issued.sha256 == hashlib.sha256(file_bytes(output)).hexdigest()
    assert len(issued.code) == 20 and set(issued.code) <= set(authenticity.ALPHABET)
    url = f"{BASE}/verificar/{issued.code_display}/"
    assert flat(issued.code_display) in text and flat(url) in text
    # The QR drawn in the PDF encodes exactly that URL (segno is deterministic:
    # the same data and error level give the same symbol).
    html = rendered["procedures/pdf/output.html"]
    assert (
        segno.make_qr(url, error="m").svg_inline(
            scale=3, border=2, title="Código QR de verificación"
        )
        in html
    )

    # The public page confirms it, and shows only what the document states about
    # its origin: no name, no document number, no file.
    page = client.get(f"/verificar/{issued.code_display}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "Documento auténtico" in body
    for value in (issued.sha256, filed.radicado, filed.entity.name, issued.title):
        assert value in body
    for personal in ("Quintero", "1020304050", "900373913", "Calle 26"):
        assert personal not in body, personal
    assert "Descargar el documento" not in body
    assert client.get(f"/verificar/{issued.code_display}/documento/").status_code == 404

    # Typed by hand: any case, no dashes, letters people confuse with digits.
    typed = issued.code.lower().replace("0", "o").replace("1", "l")
    assert client.get(f"/verificar/{typed}/").status_code == 200
    form = client.get("/verificar/", {"codigo": f" {issued.code_display.lower()} "})
    assert form.status_code == 302 and form["Location"].endswith(
        f"/verificar/{issued.code_display}/"
    )


def test_acknowledgements_get_a_code_too(filed):
    acknowledgement = documents.render_acknowledgement(filed.pk)
    issued = IssuedDocument.objects.get(case_document=acknowledgement)
    assert issued.document_type == IssuedDocument.Type.ACKNOWLEDGEMENT
    text = flat(pdf_text(acknowledgement))
    assert flat(issued.code_display) in text
    assert flat("Ana María Quintero Rojas") in text
    assert issued.sha256 == hashlib.sha256(file_bytes(acknowledgement)).hexdigest()


def test_codes_cannot_be_enumerated(client):
    assert authenticity.code_normalize("ABC") is None
    bad = client.get("/verificar/", {"codigo": "12345"})
    assert bad.status_code == 200 and "20 letras y números" in bad.content.decode()
    statuses = [
        client.get(f"/verificar/{authenticity.code_new()}/").status_code
        for _ in range(12)
    ]
    # Misses answer 404, then the client waits (429) before it may try again.
    assert statuses[0] == 404 and statuses[-1] == 429
    codes = {authenticity.code_new() for _ in range(200)}
    assert len(codes) == 200


def test_an_uploaded_act_is_kept_as_uploaded_with_its_own_code(
    client, filed, demo_user, pdf_file
):
    officer = demo_user("funcionario_shd")
    act(filed, officer, "tomar")
    filed.refresh_from_db()
    signed = pdf_file().read()
    client.force_login(officer)
    url = reverse("procedures_admin_action", args=[filed.radicado])
    # The act is attached on the confirmation page, beside the preview.
    confirmation = client.post(url, {"action": "aprobar", "version": filed.version})
    page = confirmation.content.decode()
    assert confirmation.status_code == 200 and "Confirmar y enviar" in page
    assert 'name="act"' in page and 'enctype="multipart/form-data"' in page
    response = client.post(
        url,
        {
            "action": "aprobar",
            "version": filed.version,
            "confirmar": "1",
            "act": SimpleUploadedFile(
                "resolucion.pdf", signed, content_type="application/pdf"
            ),
            "act_public": "on",
        },
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == "aprobado"
    # The generated certificate is not made: the uploaded act is the output.
    assert documents.render_output(filed.pk) is None
    output = CaseDocument.objects.get(
        case=filed, kind="salida", requirement="Documento de salida"
    )
    assert file_bytes(output) == signed
    issued = output.issued
    assert issued.document_type == IssuedDocument.Type.ACT and issued.public
    assert issued.sha256 == hashlib.sha256(signed).hexdigest()
    client.logout()
    page = client.get(f"/verificar/{issued.code_display}/").content.decode()
    assert issued.sha256 in page and "Descargar el documento" in page
    download = client.get(f"/verificar/{issued.code_display}/documento/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == signed
    # The citizen's case page lists the code to give a third party.
    client.force_login(filed.applicant)
    case_page = client.get(f"/mis-tramites/{filed.radicado}/").content.decode()
    assert issued.code_display in case_page


def test_an_earlier_receipt_still_verifies_and_names_the_later_one(client):
    import datetime

    from django.utils import timezone

    def receipt(when, content):
        return authenticity.issued_record(
            verification={"code": authenticity.code_new()},
            pdf=content,
            document_type=IssuedDocument.Type.RECEIPT,
            title="Acuse de recibo consolidado: Formaliza tu empresa",
            radicado="VUE-2026-000042",
            entity_name="Alcaldía Mayor de Bogotá D.C. · Ventanilla Bogotá",
            issued_at=when,
        )

    now = timezone.now()
    first = receipt(now - datetime.timedelta(days=3), b"%PDF-1 first")
    second = receipt(now, b"%PDF-1 second")
    older = client.get(f"/verificar/{first.code_display}/").content.decode()
    assert first.sha256 in older and "Hay una versión posterior" in older
    newer = client.get(f"/verificar/{second.code_display}/").content.decode()
    assert second.sha256 in newer and "Hay una versión posterior" not in newer
