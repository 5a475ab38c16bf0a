"""Two-factor authentication (TOTP, django-otp) and session lifetimes for staff.

A staff account is any account with a role beyond the citizen's: superuser, ``is_staff``,
the ``wagtailadmin.access_admin`` permission, or membership of any group (every group
in this project is a staff role: editors, officers, auditors, moderators, reviewers;
citizens hold none). Wagtail's own user admin never sets ``is_staff``, so the flag
alone cannot say who is staff.

Such an account, signed in with its password only, reaches nothing but the 2FA page,
logout and login until it verifies a second factor: not the admin, not the citizen
pages, documents or PDFs. Its session also ends after STAFF_SESSION_IDLE_SECONDS
without a request and STAFF_SESSION_MAX_SECONDS after login, whatever it does;
citizens keep the normal session. STAFF_2FA_REQUIRED turns the second factor off for
the local demo only; every other environment keeps it on.
"""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit

# Views a staff account without its second factor may still reach.
EXEMPT_VIEWS = frozenset(
    {
        "two_factor",
        "cuenta:login",
        "cuenta:logout",
        "wagtailadmin_login",
        "wagtailadmin_logout",
    }
)
AUTH_AT = "_staff_auth_at"
SEEN_AT = "_staff_seen_at"
# A request refreshes the idle clock (a session write) at most this often.
TOUCH_EVERY = 60


def is_staff_account(user) -> bool:
    """True for any account that can reach the admin or holds a group (see above)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_ventanilla_staff", None)
    if cached is None:
        cached = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .filter(
                Q(groups__isnull=False)
                | Q(
                    user_permissions__content_type__app_label="wagtailadmin",
                    user_permissions__codename="access_admin",
                )
            )
            .exists()
        )
        user._ventanilla_staff = cached
    return cached


def needs_second_factor(user) -> bool:
    return bool(
        settings.STAFF_2FA_REQUIRED
        and is_staff_account(user)
        and not user.is_verified()
    )


def _exempt(request) -> bool:
    path = request.path_info
    if path.startswith(settings.STATIC_URL):
        return True
    try:
        return resolve(path).view_name in EXEMPT_VIEWS
    except Resolver404:
        return False


def session_expiry_reason(session, now: float) -> str | None:
    """Why a staff session has outlived its limits ("idle", "absolute"), or None."""
    auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
    if seen_at is not None and now - seen_at > settings.STAFF_SESSION_IDLE_SECONDS:
        return "idle"
    if auth_at is not None and now - auth_at > settings.STAFF_SESSION_MAX_SECONDS:
        return "absolute"
    return None


def _stamp(session, now: float, *, login: bool = False) -> None:
    if login or AUTH_AT not in session:
        session[AUTH_AT] = int(now)
    if login or now - session.get(SEEN_AT, 0) >= TOUCH_EVERY:
        session[SEEN_AT] = int(now)
        # Django's own expiry backs the idle limit (the session row and cookie), a
        # little later so that this middleware ends the session and says why.
        if not session.get_expire_at_browser_close():
            session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS + 5 * TOUCH_EVERY)


@receiver(user_logged_in, dispatch_uid="cms.two_factor.stamp_staff_login")
def _stamp_staff_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and is_staff_account(user):
        _stamp(request.session, time.time(), login=True)


class StaffTwoFactorMiddleware:
    """For staff: end sessions past their limits, then send anyone without a verified
    second factor to the 2FA page, on every URL but the exempt ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if is_staff_account(user):
            now = time.time()
            reason = session_expiry_reason(request.session, now)
            if reason:
                return self._expire(request, user, reason)
            _stamp(request.session, now)
            if needs_second_factor(user) and not _exempt(request):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('two_factor')}?{query}")
        return self.get_response(request)

    def _expire(self, request, user, reason: str):
        audit.record(
            action="auth.session_expired",
            subject_type="user",
            subject_id=user.pk,
            chain_key="auth",
            actor=user,
            details={"reason": reason},
        )
        logout(request)
        messages.info(
            request,
            _("Su sesión se cerró por inactividad. Ingrese de nuevo.")
            if reason == "idle"
            else _("Su sesión llegó a su duración máxima. Ingrese de nuevo."),
        )
        login_url = (
            reverse("wagtailadmin_login")
            if request.path_info.startswith("/admin/")
            else None
        )
        return redirect_to_login(request.get_full_path(), login_url)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Código de 6 dígitos de su aplicación autenticadora"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
            }
        ),
    )


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/admin/"


@never_cache
@login_required
def two_factor(request):
    """Enrol a TOTP device (first time) or verify a code from it."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(
            user=user, confirmed=False
        ).first() or TOTPDevice.objects.create(
            user=user, name="Aplicación autenticadora", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(
                action="auth.2fa_enrolled" if enrolling else "auth.2fa_verified",
                subject_type="user",
                subject_id=user.pk,
                chain_key="auth",
                actor=user,
            )
            return redirect(_safe_next(request))
        audit.record(
            action="auth.2fa_failed",
            subject_type="user",
            subject_id=user.pk,
            chain_key="auth",
            actor=user,
            result="denied",
        )
        form.add_error(
            "token",
            _(
                "El código no es válido o ya fue usado. Espere el siguiente e intente de nuevo."
            ),
        )
    context = {
        "form": form,
        "enrolling": enrolling,
        "secret": _base32(device.bin_key) if enrolling else "",
        "config_url": device.config_url if enrolling else "",
        "next": _safe_next(request),
    }
    return render(request, "cms/two_factor.html", context)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
