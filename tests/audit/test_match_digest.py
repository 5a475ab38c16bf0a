"""Match digests (docs/risk-events.md): equal points of contact, however written,
give equal digests; different ones do not; the value itself is not in the digest."""

import base64

import pytest

from audit.personal import match_digest, match_normalize


@pytest.mark.parametrize(
    ("kind", "one", "other"),
    [
        ("address", "Cl 45 # 12-30", "Calle 45 12 30"),
        ("address", "KR 7 Nº 32-16", "carrera 7 no. 32 16"),
        ("address", "Av. Boyacá N° 3-10", "avenida boyaca 3 10"),
        ("address", "Dg 40 Sur # 5", "Diagonal 40 sur 5"),
        ("phone", "+57 300 123 4567", "(300) 123-4567"),
        ("phone", "57 601 338 6000", "6013386000"),
        ("email", " Ana.Gomez@Ejemplo.CO ", "ana.gomez@ejemplo.co"),
        ("email_domain", "ana@Tramites.com.co", "luis@tramites.com.co"),
        ("document", "1.020.304.050", "1020304050"),
        ("document", "900373913-4", "9003739134"),
        ("surname", "Gómez Pérez", "gomez"),
        ("surname", "NÚÑEZ", "Nuñez Ríos"),
    ],
)
def test_equal_values_however_written_give_equal_digests(kind, one, other):
    assert match_digest(kind, one) == match_digest(kind, other)
    assert match_digest(kind, one).startswith("m1:")


def test_different_values_and_kinds_give_different_digests():
    assert match_digest("address", "Calle 45 12 30") != match_digest(
        "address", "Carrera 45 12 30"
    )
    assert match_digest("phone", "3001234567") != match_digest("phone", "3001234568")
    # The same text as another kind is another point of contact.
    assert match_digest("document", "3001234567") != match_digest("phone", "3001234567")


def test_empty_values_and_public_mail_domains_give_no_digest():
    assert match_digest("email", "") == match_digest("phone", None) == ""
    assert match_digest("address", " # - ") == ""
    for address in ("ana@gmail.com", "ana@HOTMAIL.com", "x@yahoo.es", "y@outlook.com"):
        assert match_digest("email_domain", address) == ""


def test_the_normalized_forms_are_those_of_the_contract():
    assert match_normalize("address", "Cll 45 # 12-30 Apto 201") == (
        "calle 45 12 30 apto 201"
    )
    assert match_normalize("phone", "+57 (300) 123-4567") == "3001234567"
    assert match_normalize("document", "ce-e123.456") == "CEE123456"


def test_the_digest_depends_on_the_audit_data_key(settings):
    first = match_digest("email", "ana@ejemplo.co")
    settings.AUDIT_DATA_KEY = base64.b64encode(b"k" * 32).decode()
    assert match_digest("email", "ana@ejemplo.co") not in ("", first)
