"""Checking citizens' uploads by content, not by name.

Only PDF, JPEG and PNG are accepted, recognised by libmagic; sizes are limited;
images are decoded with a pixel limit (decompression bombs are refused) and
re-encoded, which drops metadata and anything hidden after the image data.
"""

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIME_BY_FORMAT = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSION_BY_MIME = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
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


def validate_upload(
    uploaded, *, requirement: str, formats: list[str], max_size_mb: int
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
    allowed = {MIME_BY_FORMAT[f] for f in formats if f in MIME_BY_FORMAT}
    if detected not in allowed:
        names = ", ".join(f.upper() for f in formats)
        raise ValidationError(
            _(
                "El archivo no es un %(formats)s válido: revise que no haya cambiado solo la extensión."
            )
            % {"formats": names}
        )
    if detected == "application/pdf":
        if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
            raise ValidationError(_("El PDF está incompleto o dañado."))
    else:
        content = _reencode_image(content, detected)
    return ValidatedUpload(
        requirement=requirement,
        display_name=safe_display_name(uploaded.name, detected),
        content=content,
        content_type=detected,
    )
