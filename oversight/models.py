"""Risk flags raised from the trail, and where the scan has read up to.

A flag is a lead for an auditor, never a verdict. ``key`` is the detector's stable
name for the pattern, so a pattern found again updates its flag. ``active`` says
whether the latest scan still finds the pattern; a flag is never deleted, and its
disposition (recorded on the trail, ``risk.flag_disposed``) stays with it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskFlag(models.Model):
    class Severity(models.TextChoices):
        HIGH = "alta", _("Alta")
        MEDIUM = "media", _("Media")
        LOW = "baja", _("Baja")

    class Status(models.TextChoices):
        OPEN = "abierta", _("Abierta")
        DISMISSED = "descartada", _("Descartada")
        REFERRED_INTERNAL = "remitida_control_interno", _("Remitida a Control Interno")
        REFERRED_PERSONERIA = "remitida_personeria", _("Remitida a la Personería")
        CONFIRMED = "confirmada", _("Confirmada")

    key = models.CharField(_("clave"), max_length=200, unique=True)
    detector = models.CharField(_("detector"), max_length=8)
    severity = models.CharField(_("severidad"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("estado"), max_length=32, choices=Status.choices, default=Status.OPEN
    )
    active = models.BooleanField(_("vigente"), default=True)
    summary = models.TextField(_("resumen"))
    entity_code = models.CharField(_("entidad"), max_length=20, blank=True)
    procedure_code = models.CharField(_("trámite"), max_length=40, blank=True)
    # The actor id (user pk as text) of the officer the lead is about, if any.
    officer = models.CharField(_("funcionario"), max_length=64, blank=True)
    radicados = models.JSONField(_("radicados"), default=list)
    evidence = models.JSONField(_("eventos de evidencia"), default=list)
    pattern_at = models.DateTimeField(_("fecha del patrón"))
    first_seen_at = models.DateTimeField(_("detectada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)
    disposed_at = models.DateTimeField(_("fecha de la disposición"), null=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispuesta por"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    disposition_reason = models.TextField(_("motivo de la disposición"), blank=True)
    # The scan's group the flag was found in ("<scope>|<key>|..."): the incremental
    # scan re-runs a group and retires that group's flags it no longer finds.
    group = models.CharField(max_length=300, blank=True, db_index=True)

    class Meta:
        verbose_name = _("alerta de riesgo")
        verbose_name_plural = _("alertas de riesgo")
        ordering = ["-pattern_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-pattern_at"], name="risk_flag_status_at"),
            models.Index(fields=["entity_code", "status"], name="risk_flag_entity"),
            models.Index(fields=["detector", "status"], name="risk_flag_detector"),
            models.Index(fields=["officer"], name="risk_flag_officer"),
        ]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.detector} {self.key}"


class ScanPosition(models.Model):
    """The last audit event a scan has read, per scan name (one row, "risk")."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.name}@{self.last_event_id}"


# -- The scan's projection (oversight/scan.py) -------------------------------------
# Where the incremental scan finds a group's cases without reading the whole trail.
# Everything here is derived from the audit events and rebuilt by ``risk_scan``; the
# cases' facts themselves are re-folded from their chains' events when needed, so
# the projection holds pointers, never a second copy of the trail.


class ScannedCase(models.Model):
    """One case chain as the scan last saw it: what its groups are keyed by."""

    chain_key = models.CharField(max_length=160, unique=True)
    radicado = models.CharField(max_length=40, blank=True)
    entity = models.CharField(max_length=20, blank=True)
    procedure = models.CharField(max_length=40, blank=True)
    applicant = models.CharField(max_length=64, blank=True)
    filed_at = models.DateTimeField(null=True)
    decided_at = models.DateTimeField(null=True)
    decided_by = models.CharField(max_length=64, blank=True)
    assigned_to = models.CharField(max_length=64, blank=True)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["entity", "procedure"], name="risk_case_procedure")
        ]

    def __str__(self):
        return self.chain_key


class ScannedContact(models.Model):
    """A point of contact of a case's applicant (``facts.contact_points``)."""

    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=100)
    chain_key = models.CharField(max_length=160, db_index=True)
    filed_at = models.DateTimeField(null=True)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["kind", "value"], name="risk_contact_point")]

    def __str__(self):
        return f"{self.kind}:{self.value} {self.chain_key}"


class ScannedOfficer(models.Model):
    """An officer who acted on a case (``facts.officers``)."""

    officer = models.CharField(max_length=64, db_index=True)
    chain_key = models.CharField(max_length=160, db_index=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.officer} {self.chain_key}"


class ScannedChain(models.Model):
    """The last event the scan checked on one chain (any chain, not only cases):
    the next event must link to it. ``broken_seq``: where the chain first broke."""

    chain_key = models.CharField(max_length=160, unique=True)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    broken_seq = models.BigIntegerField(null=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.chain_key}@{self.seq}"
