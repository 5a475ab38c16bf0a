"""Accounts' forms: they validate input with the identity rules and leave every
write to the services (``accounts.services``)."""

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
    SetPasswordMixin,
)
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from catalog.form_errors import EMAIL_EXAMPLE, PASSWORD_MISMATCH, FixMessagesMixin
from catalog.links import site_url

from .backends import login_username
from .identity import (
    DocumentType,
    document_normalize,
    email_normalize,
    phone_normalize,
    validate_person_name,
)
from .models import ApplicantProfile
from .services import (
    DOCUMENT_TAKEN,
    NOTICE_CHANGED,
    PROFILE_FIELDS,
    account_password_reset,
    account_password_reset_unknown,
    account_send_password_reset,
    document_taken,
    mail_allowed,
)
from .throttle import request_throttled

User = get_user_model()


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


def _name_field(label, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=150,
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )


IDENTITY_MESSAGES = {
    "first_name": _("Escriba sus nombres, como aparecen en su documento."),
    "last_name": _("Escriba sus apellidos, como aparecen en su documento."),
    "document_type": _("Elija el tipo de documento."),
    "document_number": _(
        "Escriba su número de documento: la cédula solo con números; el NIT con su dígito de verificación."
    ),
}
EMAIL_MESSAGES = {"required": EMAIL_EXAMPLE}


class IdentityForm(FixMessagesMixin, forms.Form):
    """Names, document and phone: the same checks at sign-up and on the profile."""

    field_messages = IDENTITY_MESSAGES

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

    field_messages = {
        **IDENTITY_MESSAGES,
        "email": EMAIL_MESSAGES,
        "password1": _(
            "Escriba una contraseña de al menos 10 caracteres que no sea solo números."
        ),
        "password2": _("Escriba otra vez la contraseña, para confirmarla."),
    }
    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

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


class EmailForm(FixMessagesMixin, forms.Form):
    field_messages = {"email": EMAIL_MESSAGES}

    email = forms.EmailField(
        label=_("Correo electrónico"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class LoginForm(FixMessagesMixin, AuthenticationForm):
    """Django's login form: accepts the e-mail, delays repeated failures, and tells the
    owner of an account not yet verified what to do."""

    field_messages = {
        "username": _(
            "Escriba el correo electrónico (o el usuario) con el que creó su cuenta."
        ),
        "password": _("Escriba su contraseña."),
    }

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


class PasswordResetRequestForm(FixMessagesMixin, PasswordResetForm):
    """Django's reset form; the e-mail goes through the outbox. Known and unknown
    addresses cost the same: each gets one e-mail queued and one event recorded (the
    unknown one says there is no active account). A second request for the same
    address within a minute, or a client past its request limit, sends nothing; the
    answer is the same in every case."""

    field_messages = {
        "email": _(
            "Escriba el correo electrónico de su cuenta, por ejemplo nombre@dominio.co."
        )
    }
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
        if not mail_allowed("clave", email):
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


class NewPasswordForm(FixMessagesMixin, SetPasswordForm):
    """The new password from a reset link, checked by Django's validators."""

    field_messages = {
        "new_password1": _(
            "Escriba una contraseña nueva de al menos 10 caracteres que no sea solo números."
        ),
        "new_password2": _("Escriba otra vez la contraseña nueva, para confirmarla."),
    }
    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

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
