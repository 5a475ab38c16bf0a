"""Citizen accounts: sign-up with e-mail verification, login, password reset, profile.

The rules live in the ``account_*`` functions: each checks its rule, writes, records
its audit event on the "auth" chain and queues its e-mail in the outbox, all in one
transaction. Forms only validate input; views only call the functions.

Nothing here reveals whether an e-mail or a document has an account: sign-up answers
the same and tells the owner by e-mail instead, and a password reset does the same
work (an e-mail queued, an event recorded) for known and unknown addresses.
"""

import hashlib
import ipaddress
import math
import re
import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import (
    authenticate,
    get_user_model,
    login,
    password_validation,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    SetPasswordMixin,
)
from django.contrib.auth.views import LoginView
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from stdnum.co import nit as co_nit

import audit
from audit.personal import subject_of
from catalog.links import site_url

from .forms import validate_identity_number, validate_phone
from .models import ApplicantProfile, PrivacyConsent
from .services import notification_queue

User = get_user_model()
DocumentType = ApplicantProfile.DocumentType

AUTH_CHAIN = "auth"
SIGNUP_CONTEXT = "registro"
VERIFY_SALT = "ventanilla.cuenta.verificar"
# A verification link works for this many seconds (override in settings if needed).
VERIFY_MAX_AGE_DEFAULT = 48 * 60 * 60
# One verification or reset e-mail per address in this many seconds (anti-automation).
MAIL_COOLDOWN_SECONDS = 60

DOCUMENT_TAKEN = _(
    "Ya existe una cuenta con este documento. Si es suya, ingrese con el correo que registró."
)
NOTICE_CHANGED = _(
    "El aviso de privacidad cambió mientras llenaba el formulario. Léalo de nuevo y vuelva a aceptarlo."
)
CC_MESSAGE = _("Escriba solo los números del documento (entre 5 y 10 dígitos).")
CE_MESSAGE = _("La cédula de extranjería tiene entre 3 y 10 letras o números.")
PASSPORT_MESSAGE = _("El pasaporte tiene entre 5 y 20 letras o números.")


class AccountError(Exception):
    """A rule refused the change; ``field`` says which form field to show it beside."""

    def __init__(self, field: str, error):
        super().__init__(str(error))
        self.field = field
        self.error = error


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


# --- Rules on the data ------------------------------------------------------------


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


def document_taken(document_type: str, number: str, *, exclude_user=None) -> bool:
    profiles = ApplicantProfile.objects.filter(
        document_type=document_type, document_number=number
    )
    if exclude_user is not None:
        profiles = profiles.exclude(user=exclude_user)
    return profiles.exists()


def _existing_owners(email: str, document_type: str, number: str) -> dict:
    """The accounts a sign-up collides with: {user: what matched}."""
    owners = {}
    for user in User.objects.filter(email__iexact=email) | User.objects.filter(
        username__iexact=email
    ):
        owners[user] = "email"
    for profile in ApplicantProfile.objects.filter(
        document_type=document_type, document_number=number
    ).select_related("user"):
        owners.setdefault(profile.user, "document")
    return owners


def _signup_collided(owners: dict, *, base_url: str) -> None:
    """Tell each owner by e-mail that someone tried to sign up with their e-mail or
    document; record it on their account. The visitor sees the usual answer."""
    with transaction.atomic():
        for owner, matched in owners.items():
            notification_queue(
                case=None,
                key=f"account:{owner.pk}:exists:{uuid.uuid4().hex}",
                recipient=owner.email,
                subject="Intento de registro con sus datos en Ventanilla Bogotá",
                template="procedures/email/account_exists.txt",
                context={
                    "user": owner,
                    "matched": matched,
                    "login": base_url.rstrip("/") + reverse("cuenta:login"),
                    "reset": base_url.rstrip("/") + reverse("cuenta:password_reset"),
                },
            )
            audit.record(
                action="account.signup_existing",
                subject_type="user",
                subject_id=owner.pk,
                chain_key=AUTH_CHAIN,
                result="denied",
                reason="ya existe una cuenta",
                details={"matched": matched},
            )


def _digest(value: str) -> str:
    """A keyed digest for cache keys and cookies: no e-mail or username in clear."""
    return salted_hmac("ventanilla.cuenta.clave", value.strip().lower()).hexdigest()[
        :32
    ]


def _mail_allowed(kind: str, email: str) -> bool:
    """False if an e-mail of this kind went to this address a moment ago."""
    return cache.add(
        f"cuenta:correo:{kind}:{_digest(email)}", 1, timeout=MAIL_COOLDOWN_SECONDS
    )


def _record(action: str, user, **kwargs) -> None:
    audit.record(
        action=action,
        subject_type="user",
        subject_id=user.pk,
        chain_key=AUTH_CHAIN,
        actor=user,
        **kwargs,
    )


# --- E-mail verification ------------------------------------------------------------


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


def _verification_target(token: str, *, lock: bool = False):
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
    _verification_target(token)


def _queue_verification(user, *, base_url: str) -> None:
    path = reverse("cuenta:verify", args=[verification_token(user)])
    notification_queue(
        case=None,
        key=f"account:{user.pk}:verify:{uuid.uuid4().hex}",
        recipient=user.email,
        subject="Active su cuenta de Ventanilla Bogotá",
        template="procedures/email/account_verify.txt",
        context={
            "user": user,
            "link": base_url.rstrip("/") + path,
            "hours": verify_max_age() // 3600,
        },
    )


# --- Services -----------------------------------------------------------------------


def account_create(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    document_type: str,
    document_number: str,
    phone: str = "",
    notice_version: str,
    base_url: str,
):
    """Create an inactive account with its profile and privacy consent, record the
    events and queue the verification e-mail; all of it or nothing.

    If the e-mail or the document already has an account, nothing is created and
    None is returned: the owner gets an e-mail, the caller answers as for a new one.
    """
    email = email_normalize(email)
    if notice_version != settings.PRIVACY_NOTICE_VERSION:
        raise AccountError("accept_privacy", NOTICE_CHANGED)
    try:
        number = document_normalize(document_type, document_number)
    except ValidationError as error:
        raise AccountError("document_number", error) from error
    try:
        phone = phone_normalize(phone)
    except ValidationError as error:
        raise AccountError("phone", error) from error
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_active=False,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise AccountError("password1", error) from error
    # Hashed either way: a taken e-mail or document answers no faster.
    user.set_password(password)
    owners = _existing_owners(email, document_type, number)
    if owners:
        _signup_collided(owners, base_url=base_url)
        return None
    try:
        with transaction.atomic():
            user.save()
            ApplicantProfile.objects.create(
                user=user,
                document_type=document_type,
                document_number=number,
                phone=phone,
            )
            PrivacyConsent.objects.create(
                user=user, notice_version=notice_version, context=SIGNUP_CONTEXT
            )
            _record(
                "account.created",
                user,
                after={"document_type": document_type, "is_active": False},
                details={"privacy_notice": notice_version},
            )
            _record(
                "privacy.accepted",
                user,
                details={"notice_version": notice_version, "context": SIGNUP_CONTEXT},
            )
            _queue_verification(user, base_url=base_url)
    except IntegrityError:
        # Someone registered the same e-mail or document at the same moment.
        _signup_collided(
            _existing_owners(email, document_type, number), base_url=base_url
        )
        return None
    return user


def account_resend_verification(email: str, *, base_url: str) -> bool:
    """Queue a new link if the e-mail belongs to an account never verified. The caller
    answers the same either way."""
    if not _mail_allowed("verificar", email):
        return False
    with transaction.atomic():
        user = (
            User.objects.filter(
                email__iexact=email_normalize(email),
                is_active=False,
                applicant_profile__email_verified_at__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        if user is None:
            return False
        _queue_verification(user, base_url=base_url)
        _record("account.verification_resent", user)
    return True


def account_verify(token: str):
    """Activate the account a valid link names and mark its e-mail verified."""
    with transaction.atomic():
        user, profile = _verification_target(token, lock=True)
        now = timezone.now()
        user.is_active = True
        user.save(update_fields=["is_active"])
        profile.email_verified_at = now
        profile.save(update_fields=["email_verified_at", "updated_at"])
        _record(
            "account.email_verified",
            user,
            before={"is_active": False},
            after={"is_active": True},
            details={"verified_at": now.isoformat()},
        )
    return user


PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "document_type",
    "document_number",
    "phone",
)


def _profile_snapshot(user, profile) -> dict:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "document_type": profile.document_type if profile else "",
        "document_number": profile.document_number if profile else "",
        "phone": profile.phone if profile else "",
    }


def account_update_profile(
    user,
    *,
    first_name: str,
    last_name: str,
    document_type: str,
    document_number: str,
    phone: str = "",
) -> dict:
    """Change the citizen's names, document and phone (re-validated); records the
    changed fields before and after. Returns {field: (before, after)}."""
    try:
        number = document_normalize(document_type, document_number)
    except ValidationError as error:
        raise AccountError("document_number", error) from error
    try:
        phone = phone_normalize(phone)
    except ValidationError as error:
        raise AccountError("phone", error) from error
    new = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "document_type": document_type,
        "document_number": number,
        "phone": phone,
    }
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user.pk)
            profile = (
                ApplicantProfile.objects.select_for_update().filter(user=user).first()
            )
            before = _profile_snapshot(user, profile)
            changed = [field for field in PROFILE_FIELDS if before[field] != new[field]]
            if not changed:
                return {}
            if {"document_type", "document_number"} & set(changed) and document_taken(
                document_type, number, exclude_user=user
            ):
                raise AccountError("document_number", DOCUMENT_TAKEN)
            user_fields = [f for f in ("first_name", "last_name") if f in changed]
            if user_fields:
                for field in user_fields:
                    setattr(user, field, new[field])
                user.save(update_fields=user_fields)
            if profile is None:
                profile = ApplicantProfile(user=user)
            profile.document_type = document_type
            profile.document_number = number
            profile.phone = phone
            profile.save()
            _record(
                "account.profile_changed",
                user,
                before={field: before[field] for field in changed},
                after={field: new[field] for field in changed},
                data_subject=subject_of(user),
            )
    except IntegrityError as error:
        raise AccountError("document_number", DOCUMENT_TAKEN) from error
    return {field: (before[field], new[field]) for field in changed}


def account_send_password_reset(
    user, *, recipient: str, subject: str, template: str, context: dict
) -> None:
    """Queue the reset e-mail (Django builds the link) and record the request. The
    requester is anonymous: the account is the event's subject, not its actor."""
    with transaction.atomic():
        notification_queue(
            case=None,
            key=f"account:{user.pk}:reset:{uuid.uuid4().hex}",
            recipient=recipient,
            subject=subject,
            template=template,
            context=context,
        )
        audit.record(
            action="account.password_reset_requested",
            subject_type="user",
            subject_id=user.pk,
            chain_key=AUTH_CHAIN,
        )


def account_password_reset_unknown(
    email: str, *, base_url: str, subject_template: str = ""
) -> None:
    """The same work as a reset e-mail, for an address with no active account: the
    same queries and templates, an e-mail to it saying so, and an event (with a
    digest, not the address)."""
    subject = "Restablezca su contraseña de Ventanilla Bogotá"
    if subject_template:
        subject = "".join(render_to_string(subject_template, {}).splitlines()).strip()
    with transaction.atomic():
        notification_queue(
            case=None,
            key=f"account:unknown:{_digest(email)}:reset:{uuid.uuid4().hex}",
            recipient=email,
            subject=subject,
            template="procedures/email/account_password_reset_unknown.txt",
            context={
                "email": email,
                "signup": base_url.rstrip("/") + reverse("cuenta:signup"),
                "resend": base_url.rstrip("/") + reverse("cuenta:verify_resend"),
            },
        )
        audit.record(
            action="account.password_reset_unknown",
            subject_type="email",
            subject_id=_digest(email),
            chain_key=AUTH_CHAIN,
            result="denied",
            reason="sin cuenta activa",
        )


def account_password_reset(user, *, password: str) -> None:
    """Set the new password from a reset link; other sessions end (Django's session
    hash changes) and the login delay for the account is lifted."""
    with transaction.atomic():
        user.set_password(password)
        user.save()
        _record("account.password_reset", user)
    LoginThrottle.account_reset(user.get_username())


# --- Login: e-mail or username, with a progressive delay against guessing -----------


@dataclass(frozen=True)
class Limit:
    """Failures that cost nothing, then a wait that doubles up to ``max_delay``."""

    free: int
    max_delay: int


# One account from one client, or from a browser that logged in to it before.
ACCOUNT_CLIENT_LIMIT = Limit(free=5, max_delay=15 * 60)
# One client (an address, an IPv6 /64), whatever accounts it tries: no spraying.
CLIENT_LIMIT = Limit(free=20, max_delay=15 * 60)
# One account from many clients: counts the distinct clients that failed on it; past
# three, each failure holds the clients that already failed on this account, for up
# to a minute. A client with no failure on it (the owner in a new browser) is never
# held by a stranger's guesses, so nobody can lock the owner out.
ACCOUNT_LIMIT = Limit(free=3, max_delay=60)
# Sign-ups and password-reset requests from one client (every request counts).
REQUEST_LIMIT = Limit(free=10, max_delay=15 * 60)
LOGIN_FREE_FAILURES = ACCOUNT_CLIENT_LIMIT.free
LOGIN_MEMORY = 60 * 60
DEVICE_SALT = "ventanilla.cuenta.dispositivo"
DEVICE_MAX_AGE = 180 * 24 * 60 * 60


DEVICE_COOKIE = "ventanilla_dispositivo"


def device_cookie_name() -> str:
    # The __Host- prefix needs Secure; plain-HTTP development keeps the bare name.
    return ("__Host-" if settings.SESSION_COOKIE_SECURE else "") + DEVICE_COOKIE


def client_address(request) -> str:
    """The address a request comes from, as the throttle counts it.

    REMOTE_ADDR, or with TRUSTED_PROXY_HOPS proxies in front the address the
    outermost trusted proxy saw (X-Forwarded-For from the right; what the client
    wrote to the left of it is ignored). IPv6 counts per /64, what one subscriber
    usually holds.
    """
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:45] or "desconocido"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class LoginThrottle:
    """Failed attempts counted under one key, in the shared cache.

    The first ``limit.free`` failures cost nothing; after that each failure doubles
    the wait before the next attempt is even evaluated (1 s, 2 s, 4 s... up to
    ``limit.max_delay``). There is no lock: the wait always ends, a browser where the
    owner logged in before has its own counter, and a password reset clears the
    account's counters.
    """

    def __init__(self, key: str, limit: Limit = ACCOUNT_CLIENT_LIMIT):
        self.key = f"cuenta:intentos:{key}"
        self.limit = limit
        self.adds = True

    @staticmethod
    def _account(username: str) -> str:
        digest = _digest(username)
        # Bumped by a password reset: every per-client counter of the account lapses.
        epoch = cache.get(f"cuenta:epoca:{digest}", 0)
        return f"{digest}:{epoch}"

    @classmethod
    def for_account_client(cls, username: str, client: str) -> "LoginThrottle":
        key = f"cuenta:{cls._account(username)}:{_digest(client)}"
        return cls(key, ACCOUNT_CLIENT_LIMIT)

    @classmethod
    def for_account(cls, username: str) -> "LoginThrottle":
        return cls(f"cuenta:{cls._account(username)}", ACCOUNT_LIMIT)

    @classmethod
    def for_client(cls, client: str, kind: str = "ingreso") -> "LoginThrottle":
        limit = CLIENT_LIMIT if kind == "ingreso" else REQUEST_LIMIT
        return cls(f"cliente:{kind}:{_digest(client)}", limit)

    @classmethod
    def for_device(cls, nonce: str) -> "LoginThrottle":
        key = f"dispositivo:{hashlib.sha256(nonce.encode()).hexdigest()[:32]}"
        return cls(key, ACCOUNT_CLIENT_LIMIT)

    @staticmethod
    def account_reset(username: str) -> None:
        """A new password: forget every failure counted against the account."""
        digest = _digest(username)
        cache.set(
            f"cuenta:epoca:{digest}", secrets.randbits(31), timeout=LOGIN_MEMORY * 24
        )

    def failures(self) -> int:
        return (cache.get(self.key) or {"failures": 0})["failures"]

    def wait_seconds(self, now: float | None = None) -> int:
        state = cache.get(self.key)
        if not state:
            return 0
        now = time.time() if now is None else now
        return max(0, math.ceil(state["next_at"] - now))

    def failed(self, now: float | None = None) -> None:
        """Record a failure (if ``adds`` is False, re-arm the wait without counting)."""
        now = time.time() if now is None else now
        failures = self.failures() + (1 if self.adds else 0)
        if not failures:
            return
        delay = 0
        if failures >= self.limit.free:
            exponent = min(failures - self.limit.free, 30)
            delay = min(2**exponent, self.limit.max_delay)
        cache.set(
            self.key,
            {"failures": failures, "next_at": now + delay},
            timeout=LOGIN_MEMORY + delay,
        )

    def clear(self) -> None:
        cache.delete(self.key)

    def acquire(self) -> bool:
        """One attempt at a time per key, so parallel guesses cannot skip the wait."""
        return cache.add(f"{self.key}:en-curso", 1, timeout=10)

    def release(self) -> None:
        cache.delete(f"{self.key}:en-curso")


class LoginThrottled(ValidationError):
    """The throttle refused the attempt before the password was even checked.

    Django's ``authenticate()`` lets it through (it stops only at PermissionDenied).
    As a ValidationError, any AuthenticationForm (ours, Wagtail's admin login) shows
    the Spanish message as a form error.
    """

    def __init__(self, wait: int):
        message = ngettext(
            "Por seguridad, espere %(seconds)d segundo antes de intentarlo de nuevo. Si olvidó su contraseña, puede restablecerla.",
            "Por seguridad, espere %(seconds)d segundos antes de intentarlo de nuevo. Si olvidó su contraseña, puede restablecerla.",
            wait,
        ) % {"seconds": wait}
        super().__init__(message, code="throttled")
        self.wait = wait


def login_throttles(request, account: str) -> tuple[list, list]:
    """The counters that hold one login attempt, and those it counts on if it fails
    (the first of them is the one a success clears).

    A browser that logged in to the account before has its own counter only: neither
    a stranger's failures nor a crowded address hold it. Otherwise the attempt is held
    by its account-and-client and client counters, and by the account's counter only
    if this client already failed on this account.
    """
    device = _trusted_device(request, account)
    if device:
        throttle = LoginThrottle.for_device(device)
        return [throttle], [throttle]
    client = client_address(request) if request is not None else "sin-solicitud"
    pair = LoginThrottle.for_account_client(account, client)
    everyone = LoginThrottle.for_account(account)
    counted = [pair, LoginThrottle.for_client(client), everyone]
    if pair.failures():
        # Already failed here: held by the account's counter, and adds no client to it.
        everyone.adds = False
        return counted, counted
    return counted[:2], counted


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend behind the login throttle: every login path that calls
    ``authenticate()`` (the citizen's page, Wagtail's /admin/login/) counts failures
    and waits in this one place: per account and client, per client, per account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        # An e-mail and the username it belongs to share one counter.
        account = login_username(str(username))
        holding, counted = login_throttles(request, account)
        wait = max(throttle.wait_seconds() for throttle in holding)
        if wait:
            _refuse_throttled(str(username), wait)
        held = []
        try:
            # The account-and-client and the client counters: one attempt at a time.
            for throttle in counted[:2]:
                if not throttle.acquire():
                    _refuse_throttled(str(username), 1)
                held.append(throttle)
            user = super().authenticate(
                request, username=username, password=password, **kwargs
            )
            if user is None:
                for throttle in counted:
                    throttle.failed()
            else:
                counted[0].clear()
            return user
        finally:
            for throttle in held:
                throttle.release()


def request_throttled(request, kind: str) -> int:
    """Count a sign-up or password-reset request of this client; the seconds it must
    wait first (0 lets it through)."""
    throttle = LoginThrottle.for_client(client_address(request), kind)
    wait = throttle.wait_seconds()
    if not wait:
        throttle.failed()
    return wait


def _refuse_throttled(typed: str, wait: int):
    audit.record(
        action="auth.login_throttled",
        subject_type="user",
        subject_id=typed[:64],
        chain_key=AUTH_CHAIN,
        result="denied",
        reason="demasiados intentos fallidos",
        details={"username": typed[:150], "wait_seconds": wait},
    )
    raise LoginThrottled(wait)


def login_username(typed: str) -> str:
    """The username to authenticate: an e-mail that belongs to exactly one account
    becomes its username (demo and staff accounts keep theirs)."""
    typed = typed.strip()
    if "@" not in typed:
        return typed
    matches = list(
        User.objects.filter(email__iexact=typed).values_list("username", flat=True)[:2]
    )
    return matches[0] if len(matches) == 1 else typed.lower()


def _trusted_device(request, username: str) -> str | None:
    if request is None:
        return None
    value = request.get_signed_cookie(
        device_cookie_name(),
        default=None,
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
    )
    account, _sep, nonce = (value or "").partition(":")
    return nonce if nonce and account == _digest(username) else None


def remember_device(response, user) -> None:
    response.set_signed_cookie(
        device_cookie_name(),
        f"{_digest(user.get_username())}:{secrets.token_urlsafe(16)}",
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _unverified_owner(username: str, password: str) -> bool:
    """The right password for an account still waiting for its e-mail verification."""
    user = User.objects.filter(username=username, is_active=False).first()
    return bool(
        user is not None
        and ApplicantProfile.objects.filter(
            user=user, email_verified_at__isnull=True
        ).exists()
        and user.check_password(password)
    )


# --- Forms --------------------------------------------------------------------------


def _name_field(label, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=150,
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )


class IdentityForm(forms.Form):
    """Names, document and phone: the same checks at sign-up and on the profile."""

    first_name = _name_field(_("Nombres"), "given-name")
    last_name = _name_field(_("Apellidos"), "family-name")
    document_type = forms.ChoiceField(
        label=_("Tipo de documento"),
        choices=[("", _("Seleccione…")), *DocumentType.choices],
    )
    document_number = forms.CharField(
        label=_("Número de documento"),
        max_length=25,
        help_text=_(
            "Cédula: solo números. NIT: con el dígito de verificación, p. ej. 900373913-4."
        ),
    )
    phone = forms.CharField(
        label=_("Celular o teléfono (opcional)"),
        max_length=20,
        required=False,
        help_text=_("Celular de 10 dígitos o fijo con indicativo, p. ej. 6013386000."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    # The profile says a document is taken; sign-up must not (it tells the owner).
    check_document_taken = True

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_phone(self):
        return phone_normalize(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        document_type, number = data.get("document_type"), data.get("document_number")
        if document_type and number:
            try:
                data["document_number"] = document_normalize(document_type, number)
            except ValidationError as error:
                self.add_error("document_number", error)
            else:
                if self.check_document_taken and document_taken(
                    document_type, data["document_number"], exclude_user=self.user
                ):
                    self.add_error("document_number", DOCUMENT_TAKEN)
        return data

    def identity_data(self) -> dict:
        return {field: self.cleaned_data[field] for field in PROFILE_FIELDS}


class SignupForm(SetPasswordMixin, IdentityForm):
    """Sign-up: identity, e-mail, password twice and the privacy notice."""

    email = forms.EmailField(
        label=_("Correo electrónico"),
        max_length=150,
        help_text=_("Será su usuario. Le enviaremos un enlace para verificarlo."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Contraseña"), label2=_("Repita la contraseña")
    )
    accept_privacy = forms.BooleanField(
        error_messages={
            "required": _(
                "Para crear la cuenta debe leer y aceptar el aviso de privacidad."
            )
        },
    )
    notice_version = forms.CharField(widget=forms.HiddenInput, max_length=20)
    check_document_taken = False

    field_order = [
        "first_name",
        "last_name",
        "document_type",
        "document_number",
        "phone",
        "email",
        "password1",
        "password2",
        "accept_privacy",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = settings.PRIVACY_NOTICE_VERSION
        self.fields["accept_privacy"].label = _(
            "He leído el aviso de privacidad (versión %(version)s) y autorizo el tratamiento de mis datos personales para crear y usar mi cuenta."
        ) % {"version": version}
        self.fields["password2"].help_text = _(
            "Escriba la misma contraseña, para confirmarla."
        )
        self.initial.setdefault("notice_version", version)

    def clean_email(self):
        return email_normalize(self.cleaned_data["email"])

    def clean(self):
        data = super().clean()
        self.validate_passwords()
        candidate = User(
            username=data.get("email", ""),
            email=data.get("email", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
        )
        self.validate_password_for_user(candidate, password_field_name="password1")
        if (
            data.get("accept_privacy")
            and data.get("notice_version") != settings.PRIVACY_NOTICE_VERSION
        ):
            self.add_error("accept_privacy", NOTICE_CHANGED)
        return data


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Correo electrónico"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class LoginForm(AuthenticationForm):
    """Django's login form: accepts the e-mail, delays repeated failures, and tells the
    owner of an account not yet verified what to do."""

    error_messages = {
        "invalid_login": _(
            "El correo (o usuario) o la contraseña no son correctos. Revise mayúsculas y minúsculas."
        ),
        "inactive": _("Esta cuenta está inactiva."),
        "unverified": _(
            "Su cuenta aún no está activa: abra el enlace que le enviamos por correo o pida uno nuevo."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Correo electrónico o usuario")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].label = _("Contraseña")

    def clean(self):
        typed = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if typed is None or not password:
            return self.cleaned_data
        username = login_username(typed)
        self.cleaned_data["username"] = username
        # The throttle lives in the authentication backend (ThrottledModelBackend):
        # a refused attempt raises LoginThrottled, which becomes this form's error.
        self.user_cache = authenticate(
            self.request, username=username, password=password
        )
        if self.user_cache is None:
            if _unverified_owner(username, password):
                raise ValidationError(
                    self.error_messages["unverified"], code="unverified"
                )
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form; the e-mail goes through the outbox. Known and unknown
    addresses cost the same: each gets one e-mail queued and one event recorded (the
    unknown one says there is no active account). A second request for the same
    address within a minute, or a client past its request limit, sends nothing; the
    answer is the same in every case."""

    email = forms.EmailField(
        label=_("Correo electrónico de su cuenta"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    _users = None

    def get_users(self, email):
        # Looked up once per request, whichever way it goes.
        if self._users is None:
            self._users = list(super().get_users(email))
        return self._users

    def save(self, *, request=None, **kwargs):
        email = self.cleaned_data["email"]
        if request is not None and request_throttled(request, "clave"):
            return
        if not _mail_allowed("clave", email):
            return
        if not self.get_users(email):
            account_password_reset_unknown(
                email_normalize(email),
                base_url=site_url(),
                subject_template=kwargs.get("subject_template_name", ""),
            )
            return
        super().save(request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(
            render_to_string(subject_template_name, context).splitlines()
        ).strip()
        account_send_password_reset(
            context["user"],
            recipient=to_email,
            subject=subject,
            template=email_template_name,
            context=context,
        )


class NewPasswordForm(SetPasswordForm):
    """The new password from a reset link, checked by Django's validators."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Contraseña nueva")
        self.fields["new_password2"].label = _("Repita la contraseña nueva")
        self.fields["new_password2"].help_text = _(
            "Escriba la misma contraseña, para confirmarla."
        )

    def save(self, commit=True):
        account_password_reset(self.user, password=self.cleaned_data["new_password1"])
        return self.user


# --- Views --------------------------------------------------------------------------


def _base_url(request) -> str:
    # The configured site URL, not the request's Host: a link in an e-mail must
    # reach the real site whichever host name the request came in by.
    return site_url()


def _form_error(form, error: AccountError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.error)


class AccountLoginView(LoginView):
    authentication_form = LoginForm
    template_name = "account/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_device(response, form.get_user())
        return response


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("cuenta:profile")
    form = SignupForm(request.POST or None)
    wait = request_throttled(request, "registro") if request.method == "POST" else 0
    if wait:
        form.is_valid()
        form.add_error(None, LoginThrottled(wait))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_create(
                **form.identity_data(),
                email=data["email"],
                password=data["password1"],
                notice_version=data["notice_version"],
                base_url=_base_url(request),
            )
        except AccountError as error:
            _form_error(form, error)
        else:
            return redirect("cuenta:verify_sent")
    return render(
        request,
        "account/signup.html",
        {"form": form, "notice_version": settings.PRIVACY_NOTICE_VERSION},
    )


@never_cache
def verify_sent(request):
    return render(
        request, "account/verify_sent.html", {"hours": verify_max_age() // 3600}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify_resend(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_resend_verification(
            form.cleaned_data["email"], base_url=_base_url(request)
        )
        return redirect("cuenta:verify_sent")
    return render(request, "account/verify_resend.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request, token):
    """GET shows a button and POST activates: mail scanners that open links do not
    activate accounts or receive the citizen's session."""
    try:
        if request.method == "POST":
            user = account_verify(token)
        else:
            verification_check(token)
    except VerificationError as error:
        return render(
            request,
            "account/verify.html",
            {"error": error.message, "code": error.code},
            status=200 if error.code == "used" else 400,
        )
    if request.method == "POST":
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(
            request, _("Su correo quedó verificado y su cuenta está activa.")
        )
        return redirect("cuenta:profile")
    return render(request, "account/verify.html", {})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    current = ApplicantProfile.objects.filter(user=user).first()
    snapshot = _profile_snapshot(user, current)
    form = IdentityForm(request.POST or None, user=user, initial=snapshot)
    if request.method == "POST" and form.is_valid():
        try:
            changed = account_update_profile(user, **form.identity_data())
        except AccountError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Sus datos quedaron actualizados.")
                if changed
                else _("No había cambios que guardar."),
            )
            return redirect("cuenta:profile")
    return render(
        request,
        "account/profile.html",
        {
            "form": form,
            "profile": current,
            "consents": user.privacy_consents.order_by("-accepted_at"),
        },
    )
