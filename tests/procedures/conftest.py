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


def publish_own_form(code, form, documents, four_eyes=None):
    """Give procedure `code` a form and documents a test owns, published as an editor
    would, so catalog content can change freely."""
    from catalog.models import ProcedurePage

    page = ProcedurePage.objects.get(code=code).get_latest_revision_as_object()
    page.online_form = [
        ("field", {"required": True, "help_text": "", "choices": [], **field})
        for field in form
    ]
    page.required_documents = [("document", document) for document in documents]
    if four_eyes is not None:
        page.four_eyes = four_eyes
    page.save_revision().publish()
    return ProcedurePage.objects.get(code=code)


@pytest.fixture
def rit_certificate():
    """SDH-002 "Certificación RIT" with a form these tests own (four questions and one
    PDF to upload)."""
    return publish_own_form(
        "SDH-002",
        RIT_FORM,
        [
            {
                "name": "Copia del RUT",
                "formats": ["pdf"],
                "max_size_mb": 5,
                "required": True,
            }
        ],
    )


SUPPORT_FORM = [
    {"name": "nombre_negocio", "label": "Nombre del negocio", "field_type": "text"},
    {
        "name": "etapa",
        "label": "Etapa del emprendimiento",
        "field_type": "choice",
        "choices": ["Idea", "Menos de un año de operación", "Más de un año"],
    },
    {
        "name": "formalizado",
        "label": "¿Está inscrito en la Cámara de Comercio?",
        "field_type": "yes_no",
    },
    {
        "name": "ventas_mensuales",
        "label": "Ventas mensuales aproximadas",
        "field_type": "money",
        "required": False,
    },
    {"name": "telefono", "label": "Teléfono de contacto", "field_type": "phone"},
    {
        "name": "direccion",
        "label": "Dirección del negocio",
        "field_type": "address",
        "required": False,
    },
    {
        "name": "descripcion",
        "label": "Cuéntenos qué apoyo necesita",
        "field_type": "long_text",
    },
]


def publish_support_procedure():
    """SDDE-003 with a form these tests own: text, choice, yes/no, money, phone,
    address and long-text questions, one document taken as PDF, JPEG or PNG, and
    four-eyes approval."""
    return publish_own_form(
        "SDDE-003",
        SUPPORT_FORM,
        [
            {
                "name": "Documento de identidad",
                "formats": ["pdf", "jpeg", "png"],
                "max_size_mb": 5,
                "required": True,
            }
        ],
        four_eyes=True,
    )


@pytest.fixture
def support_procedure():
    return publish_support_procedure()


@pytest.fixture
def rit_answers():
    return {
        "q_nombre_contribuyente": "Panadería La Espiga S.A.S.",
        "q_identificacion": "900373913-4",
        "q_correo": "contabilidad@laespiga.com.co",
        "q_motivo": "Contratación",
        "accept_privacy": "on",
    }
