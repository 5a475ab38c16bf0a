"""Wizard drafts, the submitted application, its procedures and its payment."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.models import document_storage


class Draft(models.Model):
    """One run of the wizard: its answers live here, not in the session, so a run
    survives logout, session expiry and a change of device, and two runs never mix."""

    run_id = models.UUIDField(_("identificador"), default=uuid.uuid4, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="formalization_drafts",
        verbose_name=_("titular"),
    )
    # The run's answers: current step, raw step data, extra data (storage.DraftStorage).
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)
    submitted_at = models.DateTimeField(_("enviado"), null=True, blank=True)

    class Meta:
        verbose_name = _("borrador")
        verbose_name_plural = _("borradores")
        indexes = [models.Index(fields=["owner", "-updated_at"], name="draft_owner")]

    def __str__(self):
        return str(self.run_id)

    @property
    def audit_chain(self) -> str:
        return f"formalizacion:{self.run_id}"

    @property
    def kept_until(self):
        """When an unsubmitted run loses its answers (services.draft_purge_abandoned)."""
        days = settings.FORMALIZATION_DRAFT_RETENTION_DAYS
        return self.updated_at + datetime.timedelta(days=days)

    @property
    def current_step(self) -> str:
        return (self.data or {}).get("step") or ""

    @property
    def business_name(self) -> str:
        step = (self.data or {}).get("step_data", {}).get("empresa", {})
        return (step.get("empresa-razon_social") or [""])[0]


class DraftDocument(models.Model):
    """A document uploaded in the wizard, kept until submit copies it to the cases."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="documents")
    requirement = models.CharField(max_length=40)
    display_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(storage=document_storage, upload_to="borradores/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "requirement"], name="draft_document_once"
            )
        ]

    def __str__(self):
        return self.display_name


class ApplicationCounter(models.Model):
    """The last bundle radicado given in a year (locked to hand out the next)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Applicants see their own applications; auditors all; nobody else any."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("audit.audit_trail"):
            return self
        return self.filter(applicant=user)


class Application(models.Model):
    """A submitted formalization: its own radicado and one item per applicable procedure."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "pendiente_pago", _("Pendiente de pago")
        IN_PROGRESS = "en_curso", _("En curso")
        COMPLETED = "terminada", _("Terminada")

    radicado = models.CharField(_("radicado"), max_length=40, unique=True)
    draft = models.OneToOneField(
        Draft, on_delete=models.PROTECT, related_name="application"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="formalization_applications",
        verbose_name=_("solicitante"),
    )
    status = models.CharField(
        _("estado"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    business_name = models.CharField(_("nombre del negocio"), max_length=200)
    # Accents, case and legal-form suffix removed: the platform's name register.
    business_name_key = models.CharField(max_length=200, unique=True)
    answers = models.JSONField(_("respuestas"), default=dict)
    fees = models.JSONField(_("liquidación"), default=dict)
    total_due = models.DecimalField(
        _("total a pagar"), max_digits=14, decimal_places=2, default=0
    )
    submitted_at = models.DateTimeField(_("enviada el"))
    privacy_notice_version = models.CharField(max_length=20)
    # The consolidated acknowledgement, re-rendered when another procedure is filed.
    receipt = models.FileField(
        storage=document_storage, upload_to="solicitudes/%Y/%m/", blank=True
    )
    receipt_filed_count = models.PositiveSmallIntegerField(default=0)
    # Set when a filing makes the receipt out of date, moved on each time a sweep
    # enqueues it again, cleared once it lists every filed case (receipts.py).
    receipt_pending_since = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("solicitud de formalización")
        verbose_name_plural = _("solicitudes de formalización")
        indexes = [
            models.Index(
                fields=["applicant", "-submitted_at"], name="application_owner"
            ),
            models.Index(
                fields=["receipt_pending_since"],
                condition=models.Q(receipt_pending_since__isnull=False),
                name="application_receipt_pending",
            ),
        ]

    def __str__(self):
        return self.radicado

    @property
    def audit_chain(self) -> str:
        return self.draft.audit_chain


class ApplicationItem(models.Model):
    """One applicable procedure of an application, and the case it became."""

    class State(models.TextChoices):
        AWAITING_PAYMENT = "pendiente_pago", _("Se radica al confirmarse el pago")
        WAITING = "en_espera", _("En espera de otro trámite")
        BLOCKED = "bloqueado", _("No se puede radicar")
        FILED = "radicado", _("Radicado")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(max_length=8)
    procedure = models.ForeignKey(
        "catalog.ProcedurePage", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    depends_on = models.JSONField(default=list)
    fee_due = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # What the case receives when it is filed (possibly long after submit).
    answers = models.JSONField(default=dict)
    state = models.CharField(max_length=20, choices=State.choices)
    note = models.CharField(max_length=300, blank=True)
    case = models.OneToOneField(
        "procedures.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="formalization_item",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "code"], name="application_item_once"
            )
        ]

    def __str__(self):
        return f"{self.application_id}:{self.code}"


class Payment(models.Model):
    """A payment for an application; the amount comes from the server, never the browser."""

    class Status(models.TextChoices):
        PENDING = "pendiente", _("Pendiente")
        APPROVED = "aprobado", _("Aprobado")
        REJECTED = "rechazado", _("Rechazado")

    sandbox_bank_url_name = "formalization:sandbox_bank"

    reference = models.UUIDField(default=uuid.uuid4, unique=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="COP")
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING
    )
    provider_transaction = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return str(self.reference)


class PaymentNotice(models.Model):
    """Each provider notification processed once: a replayed one finds its row."""

    event_id = models.CharField(max_length=80, unique=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="notices"
    )
    status = models.CharField(max_length=12)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.event_id
