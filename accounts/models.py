"""A citizen's profile and the privacy notices they accepted.

Both tables were created by ``procedures`` and keep their names
(``procedures_applicantprofile``, ``procedures_privacyconsent``): the models moved
here without touching the database (see migrations/0001_initial.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicantProfile(models.Model):
    """A citizen's identity for filing: document type and number, contact data."""

    class DocumentType(models.TextChoices):
        CC = "CC", _("Cédula de ciudadanía")
        CE = "CE", _("Cédula de extranjería")
        PA = "PA", _("Pasaporte")
        NIT = "NIT", _("NIT")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applicant_profile",
    )
    document_type = models.CharField(
        _("tipo de documento"), max_length=3, choices=DocumentType.choices
    )
    document_number = models.CharField(_("número de documento"), max_length=20)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    address = models.CharField(_("dirección"), max_length=200, blank=True)
    acts_for_company = models.BooleanField(
        _("actúa en representación de una empresa"), default=False
    )
    company_name = models.CharField(_("razón social"), max_length=200, blank=True)
    company_nit = models.CharField(_("NIT de la empresa"), max_length=20, blank=True)
    email_verified_at = models.DateTimeField(
        _("correo verificado el"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "procedures_applicantprofile"
        verbose_name = _("perfil del solicitante")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"],
                name="applicant_document_unique",
            )
        ]
        # The officers' queue finds a case by the applicant's document number
        # alone (the type is rarely typed): the unique constraint above leads with the type.
        indexes = [
            models.Index(fields=["document_number"], name="applicant_document_number")
        ]

    def __str__(self):
        return f"{self.document_type} {self.document_number}"


class PrivacyConsent(models.Model):
    """A citizen accepted a version of the privacy notice (Ley 1581 de 2012, art. 9)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="privacy_consents",
    )
    notice_version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(auto_now_add=True)
    context = models.CharField(
        max_length=60, help_text="Where it was accepted: sign-up, filing, wizard"
    )

    class Meta:
        db_table = "procedures_privacyconsent"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "notice_version", "context"],
                name="privacy_consent_once",
            )
        ]

    def __str__(self):
        return f"{self.user_id} v{self.notice_version}"
