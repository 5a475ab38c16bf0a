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


@pytest.fixture
def rit_certificate():
    """SDH-002 "Certificación RIT": virtualized in the demo data, with one PDF to upload."""
    from catalog.models import ProcedurePage

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
