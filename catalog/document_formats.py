"""The document formats a citizen may upload: one list for catalog blocks, the filing
forms, the wizard and the upload checker (procedures/uploads.py)."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"


ALL_FORMATS: tuple[DocumentFormat, ...] = tuple(DocumentFormat)
MIME_TYPE = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.JPEG: "image/jpeg",
    DocumentFormat.PNG: "image/png",
}
FORMAT_BY_MIME = {mime: fmt for fmt, mime in MIME_TYPE.items()}
# Every extension a file of the format commonly has, the stored one first.
EXTENSIONS = {
    DocumentFormat.PDF: ("pdf",),
    DocumentFormat.JPEG: ("jpg", "jpeg"),
    DocumentFormat.PNG: ("png",),
}
# Names that people (and older data) use for the same format.
_ALIASES = {"jpg": DocumentFormat.JPEG, "jpe": DocumentFormat.JPEG}


def parse(names: Iterable[str]) -> tuple[DocumentFormat, ...]:
    """The formats named (case-insensitive, "jpg" is JPEG), unknown names dropped."""
    found = []
    for name in names:
        key = str(name).strip().lower()
        fmt = _ALIASES.get(key) or (key if key in DocumentFormat.values else None)
        if fmt is not None and DocumentFormat(fmt) not in found:
            found.append(DocumentFormat(fmt))
    return tuple(found)


def accept_attribute(names: Iterable[str]) -> str:
    """The file input's ``accept``: every extension and MIME type of the formats."""
    formats = parse(names)
    parts = [f".{ext}" for fmt in formats for ext in EXTENSIONS[fmt]]
    return ",".join(parts + [MIME_TYPE[fmt] for fmt in formats])


def describe(names: Iterable[str]) -> str:
    """ "PDF, JPEG o PNG" for messages and help texts."""
    labels = [str(fmt.label) for fmt in parse(names)]
    if len(labels) < 2:
        return "".join(labels)
    return _("%(first)s o %(last)s") % {
        "first": ", ".join(labels[:-1]),
        "last": labels[-1],
    }
