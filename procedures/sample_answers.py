"""Answers and documents for any online filing form, built from the form's own field
types: shared by the demo history of ``seed_demo``, ``bench/filing``, the table-driven
filing test and the accessibility sample. Not test code: the seed and the bench use it."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from PIL import Image
from pypdf import PdfWriter

from catalog.selectors import published_procedures

VALID_ANSWER = {
    "text": "Respuesta de prueba",
    "long_text": "Una explicación breve de la solicitud.",
    "number": "3",
    "money": "150000",
    "date": "2025-01-15",
    "yes_no": "Sí",
    "email": "ciudadana@example.com",
    "phone": "3001234567",
    "address": "Calle 26 # 13-19",
    "identity": "1020304050",
    "cedula": "1020304050",
    "nit": "900373913-4",
    "cedula_extranjeria": "345678",
    "pasaporte": "AB123456",
    "chip": "AAA0012ABCD",
    "matricula_mercantil": "01234567",
    "placa": "ABC123",
}


def fileable_procedures() -> list:
    return [
        page
        for page in published_procedures().select_related("entity").order_by("code")
        if page.can_file_online
    ]


def _pdf() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (30, 90, 160)).save(out, format=kind)
    return out.getvalue()


FILES = {
    "pdf": ("documento.pdf", "application/pdf", _pdf),
    "png": ("foto.png", "image/png", lambda: _image("PNG")),
    "jpeg": ("foto.jpg", "image/jpeg", lambda: _image("JPEG")),
}


def valid_answers(form) -> dict:
    """A valid answer for every question (those a condition hides are dropped by the
    form), by the question's own type."""
    data = {}
    for block in form.procedure.online_form:
        spec = block.value
        if spec["field_type"] == "choice":
            value = spec["choices"][0]
        else:
            value = VALID_ANSWER[spec["field_type"]]
        data[f"q_{spec['name']}"] = value
    return data


def valid_files(form) -> dict:
    files = {}
    for name, spec in form.document_specs.items():
        filename, content_type, make = FILES[spec["formats"][0]]
        files[name] = SimpleUploadedFile(filename, make(), content_type=content_type)
    return files
