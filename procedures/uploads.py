"""Checking citizens' uploads by content, not by name.

Only PDF, JPEG and PNG are accepted (catalog/document_formats.py), recognised by
libmagic; sizes are limited; images are decoded with a pixel limit (decompression
bombs are refused) and re-encoded, which drops metadata and anything hidden after
the image data. PDFs are read with pypdf: encrypted ones, and ones with JavaScript
or automatic actions, are refused.
"""

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.document_formats import (
    EXTENSIONS,
    FORMAT_BY_MIME,
    MIME_TYPE,
    DocumentFormat,
    describe,
    parse,
)

EXTENSION_BY_MIME = {mime: EXTENSIONS[fmt][0] for fmt, mime in MIME_TYPE.items()}
MAX_PIXELS = 40_000_000  # about 7,000 × 5,700: any scanned page fits
_UNSAFE_NAME = re.compile(r"[^\w .()\-]+", re.UNICODE)


@dataclass(frozen=True)
class ValidatedUpload:
    requirement: str
    display_name: str
    content: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def safe_display_name(name: str, content_type: str) -> str:
    """A harmless name to show: no path, no control or direction characters, short."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(
        ch
        for ch in unicodedata.normalize("NFC", base)
        if unicodedata.category(ch)[0] != "C"
    )
    stem = (
        _UNSAFE_NAME.sub("_", base.rsplit(".", 1)[0]).strip(" ._")[:80] or "documento"
    )
    return f"{stem}.{EXTENSION_BY_MIME[content_type]}"


def _reencode_image(content: bytes, content_type: str) -> bytes:
    from PIL import Image

    too_big = ValidationError(_("La imagen es demasiado grande para procesarla."))
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("La imagen es demasiado grande (%(w)s × %(h)s píxeles).")
                    % {"w": width, "h": height}
                )
            image.load()
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            if content_type == "image/png":
                image.save(out, format="PNG", optimize=True)
            else:
                image.save(out, format="JPEG", quality=90)
            return out.getvalue()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise too_big from error
    except Exception as error:
        raise ValidationError(_("La imagen está dañada o no se puede leer.")) from error


# Names that carry code a viewer runs, or actions it takes, on opening or on events:
# keys of a dictionary, and action types (the /S of an action dictionary).
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/XFA"})
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/Rendition", "/ImportData"})
MAX_PDF_OBJECTS = 500_000


def _read_pdf(content: bytes):
    """A pypdf reader of the whole file; a file whose cross-reference table is
    missing is read by scanning its objects, as viewers do."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return PdfReader(io.BytesIO(content), strict=False)
    except PdfReadError:
        # "startxref 0" points at the header, so pypdf rebuilds the table.
        return PdfReader(io.BytesIO(content + b"\nstartxref\n0\n%%EOF\n"), strict=False)


def _pdf_objects(reader):
    """Every object of the file, reachable or not, and the trailer."""
    from pypdf.generic import IndirectObject

    yield reader.trailer
    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    if len(numbers) > MAX_PDF_OBJECTS:
        raise ValidationError(_("El PDF tiene demasiados objetos para revisarlo."))
    for num, gen in sorted(numbers):
        yield reader.get_object(IndirectObject(num, gen, reader))


def _has_active_content(reader) -> bool:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    for obj in _pdf_objects(reader):
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject):
                continue  # visited as an object of its own
            if isinstance(item, DictionaryObject):
                if _ACTIVE_KEYS.intersection(item.keys()):
                    return True
                action = item.get("/S")
                if isinstance(action, IndirectObject):
                    action = action.get_object()
                if action in _ACTIVE_ACTIONS:
                    return True
                stack.extend(item.values())
            elif isinstance(item, ArrayObject):
                stack.extend(item)
    return False


def _check_pdf(content: bytes) -> None:
    """Refuse encrypted PDFs and PDFs with JavaScript or automatic actions."""
    damaged = ValidationError(
        _(
            "El PDF está dañado y no se puede revisar. Ábralo, guárdelo de nuevo como "
            "PDF y cárguelo otra vez."
        )
    )
    try:
        reader = _read_pdf(content)
        encrypted = reader.is_encrypted
        active = not encrypted and _has_active_content(reader)
    except ValidationError:
        raise
    except Exception as error:
        raise damaged from error
    if encrypted:
        raise ValidationError(
            _(
                "El PDF está protegido con contraseña o cifrado, y así no se puede "
                "revisar. Guarde el documento como PDF sin contraseña (ábralo y use "
                "«Imprimir» > «Guardar como PDF») y cárguelo de nuevo."
            )
        )
    if active:
        raise ValidationError(
            _(
                "El PDF contiene JavaScript o acciones automáticas, que no se aceptan "
                "por seguridad. Ábralo y use «Imprimir» > «Guardar como PDF» para "
                "obtener una copia sin ese contenido, y cárguela de nuevo."
            )
        )


def _wrong_format(
    formats: tuple[DocumentFormat, ...], detected: str
) -> ValidationError:
    """What the citizen should do with a file whose content is not an accepted format."""
    accepted = describe(formats)
    if formats == (DocumentFormat.PDF,):
        return ValidationError(
            _(
                "Este documento se recibe solo en PDF y el archivo cargado no es un PDF. "
                "Guárdelo o escanéelo como PDF (en el celular, «Imprimir» > «Guardar como PDF») "
                "y cárguelo de nuevo."
            )
        )
    if detected in FORMAT_BY_MIME:
        return ValidationError(
            _(
                "Este documento se recibe en %(formats)s y el archivo cargado es %(found)s. "
                "Guárdelo en uno de los formatos aceptados y cárguelo de nuevo."
            )
            % {"formats": accepted, "found": FORMAT_BY_MIME[detected].label}
        )
    return ValidationError(
        _(
            "El archivo cargado no es un %(formats)s válido. Adjunte una foto o un "
            "escaneo en %(formats)s; cambiar solo la extensión del nombre no sirve."
        )
        % {"formats": accepted}
    )


def validate_upload(
    uploaded, *, requirement: str, formats, max_size_mb: int
) -> ValidatedUpload:
    """Check one uploaded file; raise ValidationError with a message for the citizen."""
    import magic

    limit = max_size_mb * 1024 * 1024
    if uploaded.size > limit:
        raise ValidationError(
            _("El archivo supera el tamaño máximo de %(mb)s MB.") % {"mb": max_size_mb}
        )
    if uploaded.size == 0:
        raise ValidationError(_("El archivo está vacío."))
    content = uploaded.read(limit + 1)
    detected = magic.from_buffer(content[:4096], mime=True)
    accepted = parse(formats)
    if detected not in {MIME_TYPE[fmt] for fmt in accepted}:
        raise _wrong_format(accepted, detected)
    if detected == "application/pdf":
        if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
            raise ValidationError(_("El PDF está incompleto o dañado."))
        _check_pdf(content)
    else:
        content = _reencode_image(content, detected)
    return ValidatedUpload(
        requirement=requirement,
        display_name=safe_display_name(uploaded.name, detected),
        content=content,
        content_type=detected,
    )
