"""Two-factor authentication (TOTP, django-otp) for staff: editors, officers, auditors.

Staff who reach the admin without a verified second factor are sent to enrol an
authenticator app or to type its code. STAFF_2FA_REQUIRED turns it off for the local
demo only; every other environment keeps it on.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit

EXEMPT_PREFIXES = ("/admin/login/", "/admin/logout/", "/admin/jsi18n/")


def needs_second_factor(user) -> bool:
    return bool(
        settings.STAFF_2FA_REQUIRED
        and user.is_authenticated
        and (user.is_staff or user.is_superuser)
        and not user.is_verified()
    )


class StaffTwoFactorMiddleware:
    """Sends staff without a verified second factor from the admin to the 2FA page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            path.startswith("/admin/")
            and not path.startswith(EXEMPT_PREFIXES)
            and needs_second_factor(request.user)
        ):
            return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


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
    return render(request, "account/two_factor.html", context)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
