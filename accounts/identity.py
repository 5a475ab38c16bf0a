"""The rules on a citizen's identity data: document numbers, NIT, phone, names, e-mail.

Each ``*_normalize`` returns the stored form of a value or raises ValidationError
with the Spanish message to show beside the field; each ``validate_*`` only checks.
The one home of these rules: sign-up, the profile, the wizard's "Quién solicita"
step, the filing forms' applicant block and their identifier field types (cédula,
cédula de extranjería, pasaporte, NIT) all call them, so a number accepted in one
place is accepted in all.

The document rules: a cédula de ciudadanía is 5 to 10 digits; a NIT is digits with
the DIAN check digit (python-stdnum), an optional dash before it; a cédula de
extranjería (issued by Migración Colombia) is 3 to 10 letters or digits, since
older cards carry a letter prefix ("E123456"); a passport is 5 to 20. Spaces, dots
and dashes between groups are ignored. Only ASCII digits count: "١٢٣" is refused.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stdnum.co import nit as co_nit

from .models import ApplicantProfile

DocumentType = ApplicantProfile.DocumentType

PHONE = re.compile(r"^(?:\+?57)?(?:3\d{9}|60\d{8})$")

CC = re.compile(r"[0-9]{5,10}")
CE = re.compile(r"[A-Z0-9]{3,10}")
PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
NIT = re.compile(r"[0-9]{6,15}-?[0-9]")

CC_MESSAGE = _("Escriba solo los números del documento (entre 5 y 10 dígitos).")
CE_MESSAGE = _("La cédula de extranjería tiene entre 3 y 10 letras o números.")
PASSPORT_MESSAGE = _("El pasaporte tiene entre 5 y 20 letras o números.")
NIT_MESSAGE = _("El NIT no es válido: revise el dígito de verificación.")


def validate_phone(value: str) -> None:
    digits = re.sub(r"[\s\-()]", "", value)
    if not PHONE.match(digits):
        raise ValidationError(
            _(
                "Escriba un celular de 10 dígitos (p. ej. 3001234567) o un fijo con indicativo (p. ej. 6013386000)."
            )
        )


def nit_is_valid(value: str) -> bool:
    """Digits, an optional dash and the DIAN check digit; spaces and dots ignored."""
    compact = re.sub(r"[\s.]", "", value)
    return bool(NIT.fullmatch(compact)) and co_nit.is_valid(compact)


def validate_nit(value: str, message=NIT_MESSAGE) -> None:
    if not nit_is_valid(value):
        raise ValidationError(message)


def validate_identity_number(value: str) -> None:
    """Cédula (5 to 10 digits) or NIT with its DIAN check digit (python-stdnum)."""
    compact = re.sub(r"[\s.]", "", value)
    if "-" in compact or len(compact) > 10:
        validate_nit(compact)
    elif not CC.fullmatch(compact):
        raise ValidationError(CC_MESSAGE)


def email_normalize(email: str) -> str:
    """E-mails are compared and stored in lower case; the username is the e-mail."""
    return email.strip().lower()


def document_normalize(document_type: str, number: str) -> str:
    """The stored form of a document number, or ValidationError saying what is wrong.

    CC: 5 to 10 digits; NIT: digits with the DIAN check digit (python-stdnum), stored
    as ``900373913-4``; CE: 3 to 10 letters or digits; passport: 5 to 20.
    """
    value = number.strip().upper()
    if document_type == DocumentType.NIT:
        compact = co_nit.compact(value)
        dashed = f"{compact[:-1]}-{compact[-1:]}"
        validate_nit(dashed)
        return dashed
    compact = re.sub(r"[\s.\-]", "", value)
    try:
        pattern, message = _DOCUMENT_RULES[document_type]
    except KeyError:
        raise ValidationError(_("Elija el tipo de documento.")) from None
    if not pattern.fullmatch(compact):
        raise ValidationError(message)
    return compact


_DOCUMENT_RULES = {
    DocumentType.CC: (CC, CC_MESSAGE),
    DocumentType.CE: (CE, CE_MESSAGE),
    DocumentType.PA: (PASSPORT, PASSPORT_MESSAGE),
}


def document_validator(document_type: str):
    """A form field validator for one kind of document number."""

    def validate(value: str) -> None:
        document_normalize(document_type, value)

    return validate


def phone_normalize(phone: str) -> str:
    phone = phone.strip()
    if not phone:
        return ""
    validate_phone(phone)
    return re.sub(r"[\s\-()]", "", phone)


def validate_person_name(value: str) -> None:
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(
            _("El nombre no puede tener saltos de línea ni caracteres de control.")
        )
