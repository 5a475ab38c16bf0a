"""Single filings keep a draft ("Guardar y continuar después") and the acknowledgement
lists the documents received with their SHA-256, on the page and in acuse.pdf."""

import hashlib
import io
import uuid

import pytest
from pypdf import PdfReader

from procedures.models import Case, CaseDocument, FilingDraft

from .conftest import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def url(procedure) -> str:
    return f"/tramites/{procedure.slug}/radicar/"


def save_draft(client, procedure, answers, files=None):
    data = {**answers, "guardar": "1", "submission_token": str(uuid.uuid4())}
    return client.post(url(procedure), {**data, **(files or {})})


def test_saving_a_draft_keeps_the_answers_and_restores_them_on_return(
    client, demo_user, rit_certificate, rit_answers
):
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    partial = {
        "q_nombre_contribuyente": rit_answers["q_nombre_contribuyente"],
        "q_motivo": rit_answers["q_motivo"],
        "q_correo": "no-es-un-correo",  # Saved as typed: a draft is not validated.
    }
    response = save_draft(client, rit_certificate, partial)
    assert response.status_code == 302 and response["Location"] == url(rit_certificate)
    assert not Case.objects.filter(applicant=citizen).exists()
    draft = FilingDraft.objects.get(owner=citizen, procedure=rit_certificate)
    assert draft.data == partial

    page = client.get(url(rit_certificate), follow=True)
    html = page.content.decode()
    assert "Guardamos sus respuestas" in html
    assert "Recuperamos las respuestas que guardó" in html
    form = page.context["form"]
    assert form["q_nombre_contribuyente"].value() == "Panadería La Espiga S.A.S."
    assert 'value="Panadería La Espiga S.A.S."' in html
    assert 'value="no-es-un-correo"' in html
    assert '<option value="Contratación" selected>' in html
    assert "Guardar y continuar después" in html
    assert "no los documentos adjuntos" in html


def test_a_draft_belongs_to_its_owner_and_procedure(
    client, demo_user, rit_certificate, rit_answers
):
    client.force_login(demo_user("ciudadano"))
    save_draft(client, rit_certificate, {"q_nombre_contribuyente": "Solo mío"})
    client.force_login(demo_user("ciudadana2"))
    html = client.get(url(rit_certificate)).content.decode()
    assert "Solo mío" not in html and "Recuperamos" not in html


def test_saving_again_replaces_the_draft_and_says_uploads_are_not_kept(
    client, demo_user, rit_certificate, pdf_file
):
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    save_draft(client, rit_certificate, {"q_nombre_contribuyente": "Primero"})
    response = save_draft(
        client,
        rit_certificate,
        {"q_nombre_contribuyente": "Segundo\x00", "q_inventada": "x"},
        {"doc_0": pdf_file()},
    )
    assert response.status_code == 302
    draft = FilingDraft.objects.get(owner=citizen, procedure=rit_certificate)
    # Only the form's own questions, NUL stripped; one draft per procedure.
    assert draft.data == {"q_nombre_contribuyente": "Segundo"}
    html = client.get(url(rit_certificate), follow=True).content.decode()
    assert "Los documentos no se guardan en el borrador" in html


def test_filing_deletes_the_draft_and_the_acknowledgement_lists_sha256(
    client,
    demo_user,
    rit_certificate,
    rit_answers,
    pdf_file,
    django_capture_on_commit_callbacks,
):
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    save_draft(client, rit_certificate, {"q_motivo": rit_answers["q_motivo"]})
    content = MINIMAL_PDF.replace(b"%%EOF", b"% acuse-sha\n%%EOF")
    digest = hashlib.sha256(content).hexdigest()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(rit_certificate),
            {
                **rit_answers,
                "submission_token": str(uuid.uuid4()),
                "doc_0": pdf_file("rut-espiga.pdf", content),
            },
        )
    case = Case.objects.get(applicant=citizen)
    assert response["Location"] == f"/mis-tramites/{case.radicado}/"
    assert not FilingDraft.objects.filter(owner=citizen).exists()

    upload = case.documents.get(kind=CaseDocument.Kind.UPLOAD)
    assert upload.sha256 == digest
    html = client.get(response["Location"]).content.decode()
    acuse_section = html.split('id="acuse"', 1)[1].split("</section>", 1)[0]
    assert "Documentos recibidos" in acuse_section
    assert "rut-espiga.pdf" in acuse_section and digest in acuse_section
    assert "Descargar el acuse de recibo (PDF)" in acuse_section

    acuse = case.documents.get(kind=CaseDocument.Kind.ACKNOWLEDGEMENT)
    with acuse.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())  # Table cells wrap long names and the hash.
    assert "Documentos recibidos" in text and case.radicado in text
    assert "rut-espiga.pdf" in flat and digest in flat


def test_acknowledgement_of_a_filing_without_documents_says_so(
    client, demo_user, django_capture_on_commit_callbacks
):
    from catalog.models import ProcedurePage
    from procedures import services

    procedure = ProcedurePage.objects.get(code="SDH-002")
    with django_capture_on_commit_callbacks(execute=True):
        case, _ = services.case_file(
            procedure=procedure,
            applicant=demo_user("ciudadano"),
            answers={},
            documents=[],
            submission_token=uuid.uuid4(),
        )
    acuse = case.documents.get(kind=CaseDocument.Kind.ACKNOWLEDGEMENT)
    with acuse.file.open("rb") as handle:
        text = "".join(p.extract_text() for p in PdfReader(handle).pages)
    assert "no se adjuntaron documentos" in text
