"""Personal data in audit payloads, sealed per data subject (crypto-shredding).

``record(..., data_subject=...)`` replaces each personal value of ``before`` and
``after`` with ``enc:v1:<key id>:<AES-GCM ciphertext>`` under that person's own key.
The chain hashes the sealed text, so destroying the key (``shred``) makes the values
unreadable for good while ``audit_verify`` still passes (docs/reliability.md L-8, P-4;
Ley 1581 and Decreto 1377 art. 11). Field names stay readable: an auditor still sees
*what* changed, and the values while the person's key exists.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import chain
from .models import DataSubjectKey

PREFIX = "enc:v1:"
NONCE_BYTES = 12
# The fields of a user account that identify a person; other fields stay in clear.
USER_PERSONAL_FIELDS = ("username", "email", "first_name", "last_name")


def subject_of(user_or_id) -> str:
    """The data-subject reference of a user account (or its id)."""
    pk = getattr(user_or_id, "pk", user_or_id)
    return f"user:{pk}"


def _master_key() -> bytes:
    configured = settings.AUDIT_DATA_KEY
    if configured:
        key = base64.b64decode(configured, validate=True)
        if len(key) != 32:
            raise ImproperlyConfigured("AUDIT_DATA_KEY must be base64 of 32 bytes.")
        return key
    # Development and tests: derived from SECRET_KEY (the deploy check insists on a key
    # of its own, since rotating SECRET_KEY would then lose every sealed value).
    return hashlib.sha256(
        b"ventanilla-audit-data|" + settings.SECRET_KEY.encode()
    ).digest()


def _wrap(subject: str, key: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_master_key()).encrypt(nonce, key, subject.encode())


def _unwrap(row: DataSubjectKey) -> bytes | None:
    if row.wrapped is None:
        return None
    wrapped = bytes(row.wrapped)
    return AESGCM(_master_key()).decrypt(
        wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], row.subject.encode()
    )


def subject_key(subject: str) -> tuple[str, bytes]:
    """The subject's key id and key, created on first use (caller's transaction)."""
    row = DataSubjectKey.objects.filter(subject=subject).first()
    if row is None:
        key = AESGCM.generate_key(bit_length=256)
        try:
            with transaction.atomic():
                row = DataSubjectKey.objects.create(
                    subject=subject,
                    key_id=secrets.token_hex(8),
                    wrapped=_wrap(subject, key),
                )
            return row.key_id, key
        except IntegrityError:
            # A parallel transaction created it first.
            row = DataSubjectKey.objects.get(subject=subject)
    key = _unwrap(row)
    if key is None:
        # The person's data was shredded; anything new about them gets a new key.
        key = AESGCM.generate_key(bit_length=256)
        row.key_id = secrets.token_hex(8)
        row.wrapped = _wrap(subject, key)
        row.shredded_at = None
        row.save(update_fields=["key_id", "wrapped", "shredded_at"])
    return row.key_id, key


def seal(values: dict | None, subject: str, fields=None, *, key=None) -> dict | None:
    """``values`` with each personal value (every one, or only ``fields``) sealed;
    ``key``: the subject's ``subject_key()`` when the caller already holds it."""
    if not values:
        return values
    key_id, key = key or subject_key(subject)
    cipher = AESGCM(key)
    sealed = {}
    for name, value in values.items():
        if (fields is None or name in fields) and value not in (None, ""):
            nonce = os.urandom(NONCE_BYTES)
            plain = chain.canonical_json(value).encode()
            token = nonce + cipher.encrypt(nonce, plain, key_id.encode())
            value = PREFIX + key_id + ":" + base64.urlsafe_b64encode(token).decode()
        sealed[name] = value
    return sealed


class Unreadable(str):
    """What a sealed value shows once its key is destroyed (or its text altered).
    Two of them are never "the same value": the change is still shown."""

    def __eq__(self, other):
        return False

    def __ne__(self, other):
        return True

    __hash__ = str.__hash__


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


class Keyring:
    """Opens sealed values, loading each key once (one query per person)."""

    def __init__(self):
        self._keys: dict[str, bytes | None] = {}

    def _key(self, key_id: str) -> bytes | None:
        if key_id not in self._keys:
            row = DataSubjectKey.objects.filter(key_id=key_id).first()
            self._keys[key_id] = _unwrap(row) if row is not None else None
        return self._keys[key_id]

    def open(self, value):
        """The clear value, or a notice when the person's key was destroyed."""
        if not is_sealed(value):
            return value
        key_id, _sep, token = value[len(PREFIX) :].partition(":")
        key = self._key(key_id)
        if key is None:
            return Unreadable(_("[dato personal suprimido]"))
        try:
            raw = base64.urlsafe_b64decode(token)
            plain = AESGCM(key).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode()
            )
        except (InvalidTag, ValueError):
            # Altered after sealing: audit_verify reports the broken chain; the
            # console shows the event rather than failing.
            return Unreadable(_("[dato ilegible]"))
        return json.loads(plain)

    def open_values(self, values):
        if not isinstance(values, dict):
            return self.open(values)
        return {name: self.open(value) for name, value in values.items()}


def shred(subject: str, *, reason: str) -> bool:
    """Destroy the subject's key and record that it was destroyed. True if it existed."""
    from .receivers import SECURITY_CHAIN
    from .services import record

    with transaction.atomic():
        row = DataSubjectKey.objects.select_for_update().filter(subject=subject).first()
        if row is None or row.wrapped is None:
            return False
        row.wrapped = None
        row.shredded_at = timezone.now()
        row.save(update_fields=["wrapped", "shredded_at"])
        record(
            action="audit.data_shredded",
            subject_type=subject.partition(":")[0],
            subject_id=subject.partition(":")[2],
            chain_key=SECURITY_CHAIN,
            reason=reason,
            details={"key_id": row.key_id},
        )
    return True


# --- match digests: equal points of contact, comparable without their values ---

MATCH_PREFIX = "m1:"
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "hotmail.com",
        "outlook.com",
        "yahoo.com",
        "yahoo.es",
        "live.com",
        "icloud.com",
        "protonmail.com",
    }
)
# Street words as people write them, to one spelling each: "Cl 45 # 12-30" and
# "Calle 45 12 30" are the same door.
_ADDRESS_WORDS = {
    **dict.fromkeys(("calle", "cl", "cll"), "calle"),
    **dict.fromkeys(("carrera", "cra", "kr", "kra", "cr"), "carrera"),
    **dict.fromkeys(("avenida", "av"), "avenida"),
    **dict.fromkeys(("diagonal", "dg"), "diagonal"),
    **dict.fromkeys(("transversal", "tv"), "transversal"),
    **dict.fromkeys(("no", "num"), ""),
}


def _unaccented(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _normalize_address(value: str) -> str:
    # "Nº" / "N°" before the accents go (NFKD turns "º" into "o").
    value = re.sub(r"(?i)\bn\s*[º°]", " ", value)
    words = re.sub(r"[^a-z0-9]+", " ", _unaccented(value).lower())
    mapped = (_ADDRESS_WORDS.get(word, word) for word in words.split())
    return " ".join(word for word in mapped if word)


def _normalize_email_domain(value: str) -> str:
    domain = value.strip().lower().rpartition("@")[2]
    return "" if domain in PUBLIC_MAIL_DOMAINS else domain


def _normalize_surname(value: str) -> str:
    words = _unaccented(value).lower().split()
    return words[0] if words else ""


MATCH_NORMALIZERS = {
    "email": lambda value: value.strip().lower(),
    "email_domain": _normalize_email_domain,
    "phone": lambda value: re.sub(r"\D", "", value)[-10:],
    "document": lambda value: re.sub(r"[^0-9A-Za-z]", "", value).upper(),
    "company": lambda value: re.sub(r"[^0-9A-Za-z]", "", value).upper(),
    "surname": _normalize_surname,
    "address": _normalize_address,
    "payment_account": lambda value: re.sub(r"[^0-9A-Za-z]", "", value).upper(),
}


def _match_key() -> bytes:
    # Domain separated from the key that wraps the subjects' keys: a digest never
    # helps to open a sealed value, and the same value gives the same digest in
    # every event.
    return hmac.new(_master_key(), b"ventanilla-match-digest|v1", "sha256").digest()


def match_normalize(kind: str, value) -> str:
    return MATCH_NORMALIZERS[kind](str(value or ""))


def match_digest(kind: str, value) -> str:
    """A keyed digest of a normalized point of contact (docs/risk-events.md): equal
    values give equal digests, and the trail holds no readable value. "" for an
    empty value (or, for ``email_domain``, a public mail provider)."""
    normalized = match_normalize(kind, value)
    if not normalized:
        return ""
    mac = hmac.new(_match_key(), f"{kind}:{normalized}".encode(), "sha256")
    return MATCH_PREFIX + mac.hexdigest()[:32]
