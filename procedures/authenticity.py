"""Verification codes of the PDFs the platform issues: a third party who holds one
types the code (or scans its QR) at /verificar/ and sees that it is authentic, its
SHA-256 and when and by whom it was issued.

The code is drawn before the PDF is rendered (it is printed on it), and the record
is written with the PDF's hash afterwards, in the caller's transaction.
"""

import hashlib
import re
import secrets

from django.utils import timezone

from catalog.links import absolute_reverse

from .models import IssuedDocument

# Crockford's base32: no I, L, O or U, so a code read aloud or typed is unambiguous
# (what people type for them is read as 1, 1 and 0, see code_normalize).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 20 × 5 bits = 100 bits: not guessable, not enumerable.
GROUP = 5


def code_new() -> str:
    """A fresh code (unique: the table's unique key settles the astronomically rare clash)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not IssuedDocument.objects.filter(code=code).exists():
            return code


def code_display(code: str) -> str:
    """4F7KQ-M2XZ9-0HC3T-8WNRB: four groups, easy to read over the phone."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_normalize(typed: str) -> str | None:
    """The stored form of a typed code (case, spaces and dashes ignored; the letters
    people confuse read as the ones the alphabet has), or None if it cannot be one."""
    text = re.sub(r"[\s\-_.]", "", (typed or "").upper())
    text = text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def verification_url(code: str) -> str:
    return absolute_reverse("verify_document", code_display(code))


def qr_svg(url: str) -> str:
    """The URL as an inline SVG QR code (WeasyPrint draws inline SVG; it fetches
    nothing), with error correction M so a worn printout still scans."""
    import segno

    qr = segno.make_qr(url, error="m")
    return qr.svg_inline(scale=3, border=2, title="Código QR de verificación")


def stamp(code: str | None = None) -> dict:
    """What a PDF template prints (procedures/pdf/_verification.html): the code,
    its URL and QR, and the form where the code can be typed."""
    code = code or code_new()
    url = verification_url(code)
    return {
        "code": code,
        "display": code_display(code),
        "url": url,
        "qr": qr_svg(url),
        "form_url": absolute_reverse("verify_form"),
    }


def issued_record(
    *,
    verification: dict,
    pdf: bytes,
    document_type: str,
    title: str,
    radicado: str,
    entity_name: str,
    case_document=None,
    public: bool = False,
    issued_at=None,
) -> IssuedDocument:
    """The verification record of a PDF as issued (caller's transaction)."""
    return IssuedDocument.objects.create(
        code=verification["code"],
        document_type=document_type,
        title=title[:250],
        radicado=radicado,
        entity_name=entity_name[:200],
        issued_at=issued_at or timezone.now(),
        sha256=hashlib.sha256(pdf).hexdigest(),
        public=public,
        case_document=case_document,
    )


def issued_find(typed: str) -> IssuedDocument | None:
    code = code_normalize(typed)
    if code is None:
        return None
    return (
        IssuedDocument.objects.select_related("case_document").filter(code=code).first()
    )
