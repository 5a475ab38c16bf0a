"""One rule per document number, the same in sign-up, the wizard and the filing
forms (accounts/identity.py). No database."""

from django.core.exceptions import ValidationError

import pytest

from accounts.identity import document_normalize, nit_is_valid
from formalization.forms import ApplicantForm
from procedures import forms as filing

WIZARD = {
    "tipo": "sas",
    "nombre": "Lucía Fernández",
    "fecha_nacimiento": "1980-05-14",
    "telefono": "6013386000",
}
FILING_FIELD = {
    "CC": filing.validate_cedula,
    "CE": filing.validate_cedula_extranjeria,
    "PA": filing.validate_pasaporte,
}


@pytest.mark.parametrize(
    ("nit", "valid"),
    [
        ("900373913-4", True),
        ("900.373.913-4", True),
        ("9003739134", True),
        ("800197268-4", True),  # DIAN's own
        ("860034313-7", True),
        ("900373913-5", False),  # wrong check digit
        ("900373913", False),
        ("900,373,913-4", False),  # python-stdnum alone would accept the commas
        ("900-373-913-4", False),
        ("١٢٣٤٥٦٧٨٩-٠", False),
    ],
)
def test_the_nit_check_digit(nit, valid):
    assert nit_is_valid(nit) is valid


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [
        ("CC", "52.123.456", "52123456"),
        ("CC", "1234", None),
        ("CC", "12345678901", None),
        ("CC", "١٢٣٤٥٦٧٨", None),
        # Cédula de extranjería: the sign-up rule; the wizard wanted 5 to 10 digits,
        # the filing field 3 to 10 digits, so "E123456" and "456" were refused there.
        ("CE", "E-123456", "E123456"),
        ("CE", "456", "456"),
        ("CE", "456789", "456789"),
        ("CE", "12", None),
        ("CE", "12345678901", None),
        ("PA", "ab123456", "AB123456"),
        (
            "PA",
            "AB12345678901234567",
            "AB12345678901234567",
        ),  # the filing field stopped at 15
        ("PA", "AB12", None),
    ],
)
def test_sign_up_the_wizard_and_the_filing_forms_apply_one_rule(kind, number, stored):
    wizard = ApplicantForm(data={**WIZARD, "doc_tipo": kind, "doc_numero": number})
    wizard_ok = wizard.is_valid()
    if stored is None:
        with pytest.raises(ValidationError) as sign_up:
            document_normalize(kind, number)
        with pytest.raises(ValidationError) as field:
            FILING_FIELD[kind](number)
        assert not wizard_ok
        assert wizard.errors["doc_numero"] == sign_up.value.messages
        assert field.value.messages == sign_up.value.messages
    else:
        assert document_normalize(kind, number) == stored
        FILING_FIELD[kind](number)
        assert wizard_ok, wizard.errors
        assert wizard.cleaned_data["doc_numero"] == stored
