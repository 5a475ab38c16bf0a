"""The rules on a citizen's identity data: document numbers, phone, names, e-mail.

Each ``*_normalize`` returns the stored form of a value or raises ValidationError
with the Spanish message to show beside the field; each ``validate_*`` only checks.
Sign-up, the profile and the filing forms' applicant block all use these.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stdnum.co import nit as co_nit

from .models import ApplicantProfile

DocumentType = ApplicantProfile.DocumentType

PHONE = re.compile(r"^(?:\+?57)?(?:3\d{9}|60\d{8})$")

CC_MESSAGE = _("Escriba solo los números del documento (entre 5 y 10 dígitos).")
CE_MESSAGE = _("La cédula de extranjería tiene entre 3 y 10 letras o números.")
PASSPORT_MESSAGE = _("El pasaporte tiene entre 5 y 20 letras o números.")


def validate_phone(value: str) -> None:
    digits = re.sub(r"[\s\-()]", "", value)
    if not PHONE.match(digits):
        raise ValidationError(
            _(
                "Escriba un celular de 10 dígitos (p. ej. 3001234567) o un fijo con indicativo (p. ej. 6013386000)."
            )
        )


def validate_identity_number(value: str) -> None:
    """Cédula (5 to 10 digits) or NIT with its DIAN check digit (python-stdnum)."""
    compact = re.sub(r"[\s.]", "", value)
    if "-" in compact or len(compact) > 10:
        if not co_nit.is_valid(compact):
            raise ValidationError(
                _("El NIT no es válido: revise el dígito de verificación.")
            )
    elif not re.fullmatch(r"\d{5,10}", compact):
        raise ValidationError(
            _("Escriba solo los números del documento (entre 5 y 10 dígitos).")
        )


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
        validate_identity_number(dashed)  # the dash makes it check the NIT digit
        return dashed
    compact = re.sub(r"[\s.\-]", "", value)
    if document_type == DocumentType.CC:
        if not compact.isdigit() or len(compact) > 10:
            raise ValidationError(CC_MESSAGE)
        validate_identity_number(compact)
        return compact
    if document_type == DocumentType.CE:
        if not re.fullmatch(r"[A-Z0-9]{3,10}", compact):
            raise ValidationError(CE_MESSAGE)
        return compact
    if document_type == DocumentType.PA:
        if not re.fullmatch(r"[A-Z0-9]{5,20}", compact):
            raise ValidationError(PASSPORT_MESSAGE)
        return compact
    raise ValidationError(_("Elija el tipo de documento."))


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
