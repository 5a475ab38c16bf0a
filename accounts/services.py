"""Citizen accounts: sign-up with e-mail verification, password reset, profile.

The rules live in the ``account_*`` functions: each checks its rule, writes, records
its audit event on the "auth" chain and queues its e-mail in the outbox, all in one
transaction. Forms only validate input; views only call the functions.

Nothing here reveals whether an e-mail or a document has an account: sign-up answers
the same and tells the owner by e-mail instead, and a password reset does the same
work (an e-mail queued, an event recorded) for known and unknown addresses.
"""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import audit
from audit.personal import subject_of

from .events import AUTH_CHAIN, record_for_user
from .identity import document_normalize, email_normalize, phone_normalize
from .mail import mail_queue
from .models import ApplicantProfile, PrivacyConsent
from .throttle import LoginThrottle, key_digest
from .verification import verification_target, verification_token, verify_max_age

User = get_user_model()

SIGNUP_CONTEXT = "registro"
# One verification or reset e-mail per address in this many seconds (anti-automation).
MAIL_COOLDOWN_SECONDS = 60

DOCUMENT_TAKEN = _(
    "Ya existe una cuenta con este documento. Si es suya, ingrese con el correo que registró."
)
NOTICE_CHANGED = _(
    "El aviso de privacidad cambió mientras llenaba el formulario. Léalo de nuevo y vuelva a aceptarlo."
)

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "document_type",
    "document_number",
    "phone",
)


class AccountError(Exception):
    """A rule refused the change; ``field`` says which form field to show it beside."""

    def __init__(self, field: str, error):
        super().__init__(str(error))
        self.field = field
        self.error = error


# --- Rules on the data ------------------------------------------------------------


def _identity_clean(document_type: str, document_number: str, phone: str):
    """The stored document number and phone, or AccountError beside the field."""
    try:
        number = document_normalize(document_type, document_number)
    except ValidationError as error:
        raise AccountError("document_number", error) from error
    try:
        phone = phone_normalize(phone)
    except ValidationError as error:
        raise AccountError("phone", error) from error
    return number, phone


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
            mail_queue(
                key=f"account:{owner.pk}:exists:{uuid.uuid4().hex}",
                recipient=owner.email,
                subject="Intento de registro con sus datos en Ventanilla Bogotá",
                template="accounts/email/exists.txt",
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


def mail_allowed(kind: str, email: str) -> bool:
    """False if an e-mail of this kind went to this address a moment ago."""
    return cache.add(
        f"cuenta:correo:{kind}:{key_digest(email)}", 1, timeout=MAIL_COOLDOWN_SECONDS
    )


def _queue_verification(user, *, base_url: str, next_path: str = "") -> None:
    path = reverse("cuenta:verify", args=[verification_token(user)])
    if next_path:
        # Where the visitor was going when they signed up: activation leads back.
        path += "?" + urlencode({"next": next_path})
    mail_queue(
        key=f"account:{user.pk}:verify:{uuid.uuid4().hex}",
        recipient=user.email,
        subject="Active su cuenta de Ventanilla Bogotá",
        template="accounts/email/verify.txt",
        context={
            "user": user,
            "link": base_url.rstrip("/") + path,
            "hours": verify_max_age() // 3600,
        },
    )


def profile_snapshot(user, profile) -> dict:
    """The profile's fields as the forms show them (blank where there is no profile)."""
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "document_type": profile.document_type if profile else "",
        "document_number": profile.document_number if profile else "",
        "phone": profile.phone if profile else "",
    }


# --- Services -----------------------------------------------------------------------


def _account_save(
    user, *, document_type, number, phone, notice_version, base_url, next_path=""
):
    """The new account's rows, its two events and its verification e-mail."""
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
    record_for_user(
        "account.created",
        user,
        after={"document_type": document_type, "is_active": False},
        details={"privacy_notice": notice_version},
    )
    record_for_user(
        "privacy.accepted",
        user,
        details={"notice_version": notice_version, "context": SIGNUP_CONTEXT},
    )
    _queue_verification(user, base_url=base_url, next_path=next_path)


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
    next_path: str = "",
):
    """Create an inactive account with its profile and privacy consent, record the
    events and queue the verification e-mail; all of it or nothing.

    If the e-mail or the document already has an account, nothing is created and
    None is returned: the owner gets an e-mail, the caller answers as for a new one.
    """
    email = email_normalize(email)
    if notice_version != settings.PRIVACY_NOTICE_VERSION:
        raise AccountError("accept_privacy", NOTICE_CHANGED)
    number, phone = _identity_clean(document_type, document_number, phone)
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
            _account_save(
                user,
                document_type=document_type,
                number=number,
                phone=phone,
                notice_version=notice_version,
                base_url=base_url,
                next_path=next_path,
            )
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
    if not mail_allowed("verificar", email):
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
        record_for_user("account.verification_resent", user)
    return True


def account_verify(token: str):
    """Activate the account a valid link names and mark its e-mail verified."""
    with transaction.atomic():
        user, profile = verification_target(token, lock=True)
        now = timezone.now()
        user.is_active = True
        user.save(update_fields=["is_active"])
        profile.email_verified_at = now
        profile.save(update_fields=["email_verified_at", "updated_at"])
        record_for_user(
            "account.email_verified",
            user,
            before={"is_active": False},
            after={"is_active": True},
            details={"verified_at": now.isoformat()},
        )
    return user


def _profile_save(user, profile, new: dict, changed: list) -> None:
    """Write the changed names on the user and the identity on the profile."""
    user_fields = [f for f in ("first_name", "last_name") if f in changed]
    if user_fields:
        for field in user_fields:
            setattr(user, field, new[field])
        user.save(update_fields=user_fields)
    if profile is None:
        profile = ApplicantProfile(user=user)
    profile.document_type = new["document_type"]
    profile.document_number = new["document_number"]
    profile.phone = new["phone"]
    profile.save()


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
    number, phone = _identity_clean(document_type, document_number, phone)
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
            before = profile_snapshot(user, profile)
            changed = [field for field in PROFILE_FIELDS if before[field] != new[field]]
            if not changed:
                return {}
            if {"document_type", "document_number"} & set(changed) and document_taken(
                document_type, number, exclude_user=user
            ):
                raise AccountError("document_number", DOCUMENT_TAKEN)
            _profile_save(user, profile, new, changed)
            record_for_user(
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
        mail_queue(
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
        mail_queue(
            key=f"account:unknown:{key_digest(email)}:reset:{uuid.uuid4().hex}",
            recipient=email,
            subject=subject,
            template="accounts/email/password_reset_unknown.txt",
            context={
                "email": email,
                "signup": base_url.rstrip("/") + reverse("cuenta:signup"),
                "resend": base_url.rstrip("/") + reverse("cuenta:verify_resend"),
            },
        )
        audit.record(
            action="account.password_reset_unknown",
            subject_type="email",
            subject_id=key_digest(email),
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
        record_for_user("account.password_reset", user)
    LoginThrottle.account_reset(user.get_username())
