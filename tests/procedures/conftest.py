import io
import struct
import zlib

import pytest

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def pdf_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name="rut.pdf", content=MINIMAL_PDF, content_type="application/pdf"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make


def png_bytes(width=20, height=10) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def png_bomb(width=50_000, height=50_000) -> bytes:
    """A PNG whose header declares a huge image (decompression bomb)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


RIT_FORM = [
    {
        "name": "nombre_contribuyente",
        "label": "Nombre o razón social del contribuyente",
        "field_type": "text",
    },
    {
        "name": "identificacion",
        "label": "Número de identificación (cédula o NIT)",
        "field_type": "identity",
    },
    {
        "name": "correo",
        "label": "Correo para recibir la certificación",
        "field_type": "email",
    },
    {
        "name": "motivo",
        "label": "¿Para qué necesita la certificación?",
        "field_type": "choice",
        "choices": ["Trámite bancario", "Contratación", "Licitación", "Otro"],
    },
]


@pytest.fixture
def rit_certificate():
    """SDH-002 "Certificación RIT" with a form these tests own (four questions and one
    PDF to upload), published as an editor would, so catalog content can change freely."""
    from catalog.models import ProcedurePage

    page = ProcedurePage.objects.get(code="SDH-002").get_latest_revision_as_object()
    page.online_form = [
        ("field", {"required": True, "help_text": "", "choices": [], **field})
        for field in RIT_FORM
    ]
    page.required_documents = [
        (
            "document",
            {
                "name": "Copia del RUT",
                "formats": ["pdf"],
                "max_size_mb": 5,
                "required": True,
            },
        )
    ]
    page.save_revision().publish()
    return ProcedurePage.objects.get(code="SDH-002")


@pytest.fixture
def rit_answers():
    return {
        "q_nombre_contribuyente": "Panadería La Espiga S.A.S.",
        "q_identificacion": "900373913-4",
        "q_correo": "contabilidad@laespiga.com.co",
        "q_motivo": "Contratación",
        "accept_privacy": "on",
    }
