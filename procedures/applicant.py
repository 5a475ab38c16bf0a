"""The applicant block every filing form starts with: who files and how to reach them.

Prefilled from the citizen's account and profile so a fact already given is never
asked twice; a value the citizen changes updates the profile only with their consent
("Actualizar mis datos").
"""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.identity import document_normalize
from accounts.models import ApplicantProfile
from accounts.services import account_update_profile

PREFIX = "solicitante_"
ACTS_SELF, ACTS_COMPANY = "propio", "empresa"
DOCUMENT_CHOICES = [
    ("CC", _("Cédula de ciudadanía")),
    ("CE", _("Cédula de extranjería")),
    ("PA", _("Pasaporte")),
]
APPLICANT_LABELS = {
    "solicitante_actua": _("¿En nombre de quién hace el trámite?"),
    "solicitante_empresa": _("Razón social de la empresa"),
    "solicitante_nit": _("NIT de la empresa"),
    "solicitante_nombres": _("Nombres"),
    "solicitante_apellidos": _("Apellidos"),
    "solicitante_tipo_documento": _("Tipo de documento"),
    "solicitante_numero_documento": _("Número de documento"),
    "solicitante_correo": _("Correo electrónico"),
    "solicitante_telefono": _("Teléfono"),
    "solicitante_direccion": _("Dirección"),
}
# How to fix each applicant field (catalog.form_errors fills in the rest by kind).
APPLICANT_MESSAGES = {
    "solicitante_actua": _(
        "Elija si hace el trámite en nombre propio o en representación de una empresa."
    ),
    "solicitante_empresa": _(
        "Escriba la razón social de la empresa, como aparece en su RUT."
    ),
    "solicitante_nit": _(
        "Escriba el NIT de la empresa con el dígito de verificación, p. ej. 900123456-7."
    ),
    "solicitante_nombres": _("Escriba sus nombres, como aparecen en su documento."),
    "solicitante_apellidos": _("Escriba sus apellidos, como aparecen en su documento."),
    "solicitante_tipo_documento": _("Elija el tipo de documento."),
    "solicitante_numero_documento": _("Escriba su número de documento, solo números."),
    "solicitante_correo": _(
        "Escriba su correo electrónico, por ejemplo nombre@dominio.co."
    ),
}
# Each applicant field and the profile value it comes from / goes to.
PROFILE_SOURCE = {
    "solicitante_nombres": "first_name",
    "solicitante_apellidos": "last_name",
    "solicitante_tipo_documento": "document_type",
    "solicitante_numero_documento": "document_number",
    "solicitante_telefono": "phone",
    "solicitante_direccion": "address",
    "solicitante_actua": "acts_for",
    "solicitante_empresa": "company_name",
    "solicitante_nit": "company_nit",
}
CONSENT = "solicitante_actualizar"
COMPANY_ONLY = ("solicitante_empresa", "solicitante_nit")


def applicant_fields() -> dict[str, forms.Field]:
    from .forms import validate_nit, validate_phone

    label = APPLICANT_LABELS
    return {
        "solicitante_actua": forms.ChoiceField(
            label=label["solicitante_actua"],
            choices=[
                (ACTS_SELF, _("En nombre propio")),
                (ACTS_COMPANY, _("En representación de una empresa")),
            ],
            widget=forms.RadioSelect,
        ),
        "solicitante_empresa": forms.CharField(
            label=label["solicitante_empresa"], max_length=200
        ),
        "solicitante_nit": forms.CharField(
            label=label["solicitante_nit"],
            max_length=20,
            validators=[validate_nit],
            help_text=_("Con el dígito de verificación, p. ej. 900123456-7."),
        ),
        "solicitante_nombres": forms.CharField(
            label=label["solicitante_nombres"], max_length=150
        ),
        "solicitante_apellidos": forms.CharField(
            label=label["solicitante_apellidos"], max_length=150
        ),
        "solicitante_tipo_documento": forms.ChoiceField(
            label=label["solicitante_tipo_documento"],
            choices=[("", _("Seleccione…")), *DOCUMENT_CHOICES],
        ),
        "solicitante_numero_documento": forms.CharField(
            label=label["solicitante_numero_documento"], max_length=20
        ),
        "solicitante_correo": forms.EmailField(
            label=label["solicitante_correo"],
            max_length=254,
            help_text=_("Aquí le enviaremos el radicado y las respuestas."),
        ),
        "solicitante_telefono": forms.CharField(
            label=label["solicitante_telefono"],
            max_length=20,
            required=False,
            validators=[validate_phone],
        ),
        "solicitante_direccion": forms.CharField(
            label=label["solicitante_direccion"], max_length=200, required=False
        ),
        CONSENT: forms.BooleanField(
            label=_(
                "Actualizar mis datos: guardar en mi perfil los cambios que hice aquí."
            ),
            required=False,
        ),
    }


def applicant_initial(user) -> dict:
    """The applicant block as the account and profile already know it."""
    if user is None or not user.is_authenticated:
        return {"solicitante_actua": ACTS_SELF}
    profile = getattr(user, "applicant_profile", None)
    known = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "document_type": getattr(profile, "document_type", ""),
        "document_number": getattr(profile, "document_number", ""),
        "phone": getattr(profile, "phone", ""),
        "address": getattr(profile, "address", ""),
        "acts_for": ACTS_COMPANY
        if getattr(profile, "acts_for_company", False)
        else ACTS_SELF,
        "company_name": getattr(profile, "company_name", ""),
        "company_nit": getattr(profile, "company_nit", ""),
    }
    initial = {name: known[source] for name, source in PROFILE_SOURCE.items()}
    initial["solicitante_correo"] = user.email
    return initial


def clean_document(data: dict) -> str | None:
    """The document number in its stored form, or raise ValidationError."""
    kind, number = (
        data.get("solicitante_tipo_documento"),
        data.get("solicitante_numero_documento"),
    )
    if not kind or not number:
        return number
    return document_normalize(kind, number)


def changed_values(cleaned: dict, initial: dict) -> dict:
    return {
        name: cleaned.get(name, "")
        for name in PROFILE_SOURCE
        if (cleaned.get(name) or "") != (initial.get(name) or "")
    }


def applicant_update_profile(user, cleaned: dict) -> dict:
    """With the citizen's consent: save the applicant block's changes to the account
    and profile (names, document and phone re-validated and audited by accounts)."""
    company = cleaned.get("solicitante_actua") == ACTS_COMPANY
    with transaction.atomic():
        changed = account_update_profile(
            user,
            first_name=cleaned["solicitante_nombres"],
            last_name=cleaned["solicitante_apellidos"],
            document_type=cleaned["solicitante_tipo_documento"],
            document_number=cleaned["solicitante_numero_documento"],
            phone=cleaned.get("solicitante_telefono") or "",
        )
        profile = ApplicantProfile.objects.select_for_update().get(user=user)
        extra = {
            "address": cleaned.get("solicitante_direccion") or "",
            "acts_for_company": company,
            "company_name": (cleaned.get("solicitante_empresa") or "")
            if company
            else "",
            "company_nit": (cleaned.get("solicitante_nit") or "") if company else "",
        }
        for name, value in extra.items():
            if getattr(profile, name) != value:
                changed[name] = (getattr(profile, name), value)
                setattr(profile, name, value)
        profile.save()
    return changed
