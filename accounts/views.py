"""Accounts' pages: sign-up, verification, login and profile. Each view validates a
form and calls one service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from catalog.links import site_url

from .forms import EmailForm, IdentityForm, LoginForm, SignupForm
from .models import ApplicantProfile
from .services import (
    AccountError,
    account_create,
    account_resend_verification,
    account_update_profile,
    account_verify,
    profile_snapshot,
)
from .throttle import LoginThrottled, remember_device, request_throttled
from .verification import VerificationError, verification_check, verify_max_age


def _base_url(request) -> str:
    # The configured site URL, not the request's Host: a link in an e-mail must
    # reach the real site whichever host name the request came in by.
    return site_url()


def safe_next(request, value) -> str:
    """A path on this site to go to after sign-up and activation, or ""; anything
    else (another host, a scheme, //evil) is dropped."""
    value = (value or "").strip()
    if value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _form_error(form, error: AccountError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.error)


class AccountLoginView(LoginView):
    authentication_form = LoginForm
    template_name = "accounts/login.html"
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
    next_path = safe_next(request, request.POST.get("next") or request.GET.get("next"))
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
                next_path=next_path,
            )
        except AccountError as error:
            _form_error(form, error)
        else:
            return redirect("cuenta:verify_sent")
    return render(
        request,
        "accounts/signup.html",
        {
            "form": form,
            "notice_version": settings.PRIVACY_NOTICE_VERSION,
            "next": next_path,
        },
    )


@never_cache
def verify_sent(request):
    return render(
        request, "accounts/verify_sent.html", {"hours": verify_max_age() // 3600}
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
    return render(request, "accounts/verify_resend.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request, token):
    """GET shows a button and POST activates: mail scanners that open links do not
    activate accounts or receive the citizen's session."""
    next_path = safe_next(request, request.GET.get("next"))
    try:
        if request.method == "POST":
            user = account_verify(token)
        else:
            verification_check(token)
    except VerificationError as error:
        return render(
            request,
            "accounts/verify.html",
            {"error": error.message, "code": error.code, "next": next_path},
            status=200 if error.code == "used" else 400,
        )
    if request.method == "POST":
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(
            request, _("Su correo quedó verificado y su cuenta está activa.")
        )
        return redirect(next_path or "cuenta:profile")
    return render(request, "accounts/verify.html", {"next": next_path})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    current = ApplicantProfile.objects.filter(user=user).first()
    snapshot = profile_snapshot(user, current)
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
        "accounts/profile.html",
        {
            "form": form,
            "profile": current,
            "consents": user.privacy_consents.order_by("-accepted_at"),
        },
    )
