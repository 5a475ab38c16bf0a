"""A real JPEG (made by Pillow) passes every form that takes documents, under either
of its extensions; a wrong file gets a message that says what to do."""

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest

from catalog.document_formats import ALL_FORMATS, accept_attribute, describe, parse
from formalization.models import DraftDocument
from formalization.registry import needed_documents
from procedures import services
from procedures.models import Case, CaseDocument
from tests.formalization.conftest import WizardRun
from tests.formalization.personas import PERSONAS

from .conftest import MINIMAL_PDF, png_bytes

pytestmark = pytest.mark.django_db


def jpeg_bytes(width=64, height=48) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 200)).save(
        out, format="JPEG", quality=85
    )
    return out.getvalue()


def jpeg_file(name="cedula.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def test_one_list_of_formats_for_blocks_forms_and_the_checker():
    from catalog.blocks import DOCUMENT_FORMAT_CHOICES
    from formalization.registry import DOCUMENT_FORMATS

    assert [value for value, _ in DOCUMENT_FORMAT_CHOICES] == ["pdf", "jpeg", "png"]
    assert DOCUMENT_FORMATS == ALL_FORMATS
    assert parse(["JPG", "jpeg", "pdf", "gif"]) == ("jpeg", "pdf")
    accept = accept_attribute(["jpeg"])
    assert ".jpg" in accept.split(",") and ".jpeg" in accept.split(",")
    assert describe(ALL_FORMATS) == "PDF, JPEG o PNG"


@pytest.mark.parametrize("name", ["cedula.jpg", "cedula.jpeg", "CEDULA.JPG"])
def test_filing_form_takes_a_real_jpeg(client, demo_user, support_procedure, name):
    procedure = support_procedure
    client.force_login(demo_user("ciudadano"))
    form_html = client.get(f"/tramites/{procedure.slug}/radicar/").content.decode()
    assert ".jpg" in form_html and ".jpeg" in form_html
    response = client.post(
        f"/tramites/{procedure.slug}/radicar/",
        {
            "q_nombre_negocio": "Arepas Doña Rosa",
            "q_etapa": "Idea",
            "q_formalizado": "No",
            "q_telefono": "3001234567",
            "q_descripcion": "Necesito crédito para un horno.",
            "accept_privacy": "on",
            "submission_token": str(uuid.uuid4()),
            "doc_0": jpeg_file(name),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    document = CaseDocument.objects.get(case__procedure=procedure, kind="carga")
    assert document.content_type == "image/jpeg"
    assert document.display_name.lower() == "cedula.jpg"
    assert document.file.open("rb").read().startswith(b"\xff\xd8\xff")


def test_filing_form_refuses_an_image_where_only_pdf_is_taken(
    client, demo_user, rit_certificate
):
    procedure = rit_certificate
    client.force_login(demo_user("ciudadano"))
    response = client.post(
        f"/tramites/{procedure.slug}/radicar/",
        {
            "q_nombre_contribuyente": "Panadería La Espiga S.A.S.",
            "q_identificacion": "900373913-4",
            "q_correo": "contabilidad@laespiga.com.co",
            "q_motivo": "Contratación",
            "accept_privacy": "on",
            "submission_token": str(uuid.uuid4()),
            "doc_0": jpeg_file("rut.jpg"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "se recibe solo en PDF" in html and "Guardar como PDF" in html
    assert "cambiado solo la extensión" not in html


def test_answer_to_an_information_request_takes_a_real_jpeg(
    client, demo_user, rit_certificate
):
    case, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"identificacion": "900373913-4"},
        documents=[],
        submission_token=uuid.uuid4(),
        # Filed now: an information request fits only in the 10 days after filing.
        filed_at=timezone.now(),
    )
    officer = demo_user("funcionario_shd")
    for action, kwargs in (
        ("tomar", {}),
        ("solicitar_informacion", {"reason": "Adjunte el RUT actualizado."}),
    ):
        case.refresh_from_db()
        services.case_act(
            case.pk,
            actor=officer,
            action=action,
            expected_version=case.version,
            **kwargs,
        )
    case.refresh_from_db()
    client.force_login(demo_user("ciudadano"))
    response = client.post(
        f"/mis-tramites/{case.radicado}/",
        {
            "version": case.version,
            "answer": "Adjunto foto del RUT.",
            "document": jpeg_file("rut.jpeg"),
        },
    )
    assert response.status_code == 302
    document = case.documents.get(kind="respuesta")
    assert (document.display_name, document.content_type) == ("rut.jpg", "image/jpeg")


def test_wizard_documents_step_takes_real_jpegs(client, demo_user):
    client.force_login(demo_user("ciudadano"))
    run = WizardRun(client)
    persona = PERSONAS["restaurante"]
    run.answer(persona, stop_before="documentos")
    page = client.get(run.url())
    assert ".jpeg" in page.content.decode()
    needed = needed_documents(page.context["form"].answers)
    assert needed
    files = {}
    for index, name in enumerate(needed):
        if index % 3 == 0:
            files[f"documentos-{name}"] = jpeg_file(f"{name}.jpg")
        elif index % 3 == 1:
            files[f"documentos-{name}"] = jpeg_file(f"{name}.jpeg")
        else:
            files[f"documentos-{name}"] = SimpleUploadedFile(
                f"{name}.png", png_bytes(), content_type="image/png"
            )
    response = run.post("documentos", persona["steps"]["documentos"], files)
    assert response.status_code == 302, response.context["form"].errors
    stored = DraftDocument.objects.filter(draft__run_id=run.run_id)
    assert stored.count() == len(needed)
    assert stored.filter(content_type="image/jpeg").count() == len(
        [n for i, n in enumerate(needed) if i % 3 != 2]
    )


def test_wizard_refuses_a_renamed_file_saying_what_to_do(client, demo_user):
    client.force_login(demo_user("ciudadano"))
    run = WizardRun(client)
    persona = PERSONAS["restaurante"]
    run.answer(persona, stop_before="documentos")
    needed = needed_documents(client.get(run.url()).context["form"].answers)
    files = {
        f"documentos-{name}": SimpleUploadedFile(f"{name}.pdf", MINIMAL_PDF)
        for name in needed
    }
    files[f"documentos-{needed[0]}"] = SimpleUploadedFile(
        "foto.jpg", b"GIF89a" + b"\x00" * 64, content_type="image/jpeg"
    )
    response = run.post("documentos", persona["steps"]["documentos"], files)
    assert response.status_code == 200
    errors = response.context["form"].errors[needed[0]]
    assert errors == [
        "El archivo cargado no es un PDF, JPEG o PNG válido. Adjunte una foto o un "
        "escaneo en PDF, JPEG o PNG; cambiar solo la extensión del nombre no sirve."
    ]
