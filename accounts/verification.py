"""E-mail verification links: signed, expiring, naming only the user's id, and good
for one use (the token carries a fingerprint of the account's state, which
verification changes)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from .models import ApplicantProfile

User = get_user_model()

VERIFY_SALT = "ventanilla.cuenta.verificar"
# A verification link works for this many seconds (override in settings if needed).
VERIFY_MAX_AGE_DEFAULT = 48 * 60 * 60


class VerificationError(Exception):
    """A verification link that cannot be used: ``code`` is expired, invalid or used."""

    MESSAGES = {
        "expired": _("El enlace de verificación venció. Pida uno nuevo."),
        "invalid": _(
            "El enlace de verificación no es válido. Revise que lo copió completo o pida uno nuevo."
        ),
        "used": _(
            "Su correo ya estaba verificado. Ingrese con su correo y su contraseña."
        ),
    }

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self):
        return self.MESSAGES[self.code]


def verify_max_age() -> int:
    return getattr(settings, "ACCOUNT_VERIFICATION_MAX_AGE", VERIFY_MAX_AGE_DEFAULT)


def _verification_fingerprint(user, profile) -> str:
    # Changes once the account is verified (or its e-mail or password changes), so a
    # link works once and cannot re-activate an account an administrator disabled.
    state = "|".join(
        [
            str(user.pk),
            user.email,
            user.password,
            str(user.is_active),
            profile.email_verified_at.isoformat() if profile.email_verified_at else "",
        ]
    )
    return salted_hmac(VERIFY_SALT, state, algorithm="sha256").hexdigest()[:32]


def verification_token(user) -> str:
    """A signed, expiring token naming only the user's id (no personal data in URLs)."""
    profile = ApplicantProfile.objects.get(user=user)
    return signing.TimestampSigner(salt=VERIFY_SALT).sign_object(
        {"u": user.pk, "f": _verification_fingerprint(user, profile)}
    )


def verification_target(token: str, *, lock: bool = False):
    """The user and profile a token activates, or VerificationError."""
    try:
        data = signing.TimestampSigner(salt=VERIFY_SALT).unsign_object(
            token, max_age=verify_max_age()
        )
    except signing.SignatureExpired as error:
        raise VerificationError("expired") from error
    except (signing.BadSignature, ValueError) as error:
        raise VerificationError("invalid") from error
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise VerificationError("invalid")
    users = User.objects.select_for_update() if lock else User.objects
    user = users.filter(pk=data["u"]).first()
    profile = (
        ApplicantProfile.objects.filter(user=user).first() if user is not None else None
    )
    if user is None or profile is None:
        raise VerificationError("invalid")
    if not constant_time_compare(
        str(data.get("f", "")), _verification_fingerprint(user, profile)
    ):
        if user.is_active and profile.email_verified_at:
            raise VerificationError("used")
        raise VerificationError("invalid")
    return user, profile


def verification_check(token: str) -> None:
    """Raise VerificationError if the link cannot activate an account (reads only)."""
    verification_target(token)
