"""Cases filed online: the case, its documents, radicado counters and the outbox."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.document_formats import EXTENSIONS, FORMAT_BY_MIME

from .workflow import CLOCK_STOPPED_STATUSES, FINAL_STATUSES, Status


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one authorization rule for cases: applicants see their own, officers
        their entity's, auditors all; everyone else nothing."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm("audit.audit_trail"):
            return self
        # A subquery, not a join: no duplicates, so rows can be locked FOR UPDATE.
        return self.filter(
            Q(applicant=user) | Q(entity__officer_group__in=user.groups.all())
        )

    def in_queue_of(self, user):
        """The officer's work queue: only their entity's cases."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        from catalog.models import Entity

        # The entity ids first: the planner then sees the real entity and uses case_queue.
        entity_ids = list(
            Entity.objects.filter(officer_group__in=user.groups.all()).values_list(
                "pk", flat=True
            )
        )
        return self.filter(entity_id__in=entity_ids)

    def open(self):
        # filter(status IN ...) rather than exclude(): an index condition on case_queue.
        return self.filter(status__in=OPEN_STATUSES)


OPEN_STATUSES = [status.value for status in Status if status not in FINAL_STATUSES]


class Case(models.Model):
    """One procedure filed online, with its radicado, legal term and status."""

    radicado = models.CharField(_("radicado"), max_length=40, unique=True)
    procedure = models.ForeignKey(
        "catalog.ProcedurePage",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("trámite"),
    )
    procedure_revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("versión del trámite al radicar"),
    )
    entity = models.ForeignKey(
        "catalog.Entity",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("entidad"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("solicitante"),
    )
    status = models.CharField(
        _("estado"), max_length=24, choices=Status.choices, default=Status.RADICADO
    )
    answers = models.JSONField(_("respuestas"), default=dict)
    filed_at = models.DateTimeField(_("radicado el"))
    received_on = models.DateField(_("fecha de recibo"))
    term_days = models.PositiveSmallIntegerField(_("término (días)"))
    # The unit of term_days and extension_days, fixed at filing from the catalog's
    # calendar_type: business days unless the law says calendar days.
    calendar_days = models.BooleanField(_("término en días calendario"), default=False)
    extension_days = models.PositiveSmallIntegerField(_("prórroga (días)"), default=0)
    extension_reason = models.TextField(_("motivo de la prórroga"), blank=True)
    due_date = models.DateField(_("vence"))
    clock_stopped_on = models.DateField(
        _("término suspendido desde"), null=True, blank=True
    )
    citizen_deadline = models.DateField(_("plazo del ciudadano"), null=True, blank=True)
    # Ley 1755 art. 17 allows one requerimiento, and the citizen one extension of
    # the month to answer it: the dates they happened on.
    information_requested_on = models.DateField(
        _("información solicitada el"), null=True, blank=True
    )
    citizen_extension_on = models.DateField(
        _("prórroga del plazo del ciudadano pedida el"), null=True, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("asignado a"),
    )
    decided_at = models.DateTimeField(_("decidido el"), null=True, blank=True)
    # Who signed the decision (the output document names them); None for the system.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decidido por"),
    )
    decision_reason = models.TextField(_("motivo de la decisión"), blank=True)
    version = models.PositiveIntegerField(default=1)
    information_request = models.TextField(_("información solicitada"), blank=True)
    # The documents the open information request asks for, each with the formats
    # and size it is taken in: [{"name", "formats", "max_size_mb"}].
    requested_documents = models.JSONField(
        _("documentos solicitados"), default=list, blank=True
    )
    # Officers who took or questioned the case: with four eyes they may not approve it.
    reviewer_ids = models.JSONField(default=list, editable=False)
    # The filing form's one-time token: a second POST of the same form files nothing.
    submission_token = models.UUIDField(
        null=True, blank=True, unique=True, editable=False
    )
    privacy_notice_version = models.CharField(
        _("versión del aviso de privacidad aceptado"), max_length=20
    )
    # Ley 1755 art. 21: a petition remitted by lack of competence becomes a new case
    # of the competent entity; each side links to the other (``case.remitted_to``).
    remitted_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remitted_to",
        verbose_name=_("remitido desde"),
    )
    # PDFs still to produce: set with the change that makes one due, moved on each
    # time a sweep enqueues it again, cleared when it exists (procedures/documents.py).
    acknowledgement_pending_since = models.DateTimeField(
        null=True, blank=True, editable=False
    )
    output_pending_since = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("caso")
        verbose_name_plural = _("casos")
        indexes = [
            models.Index(fields=["entity", "status", "due_date"], name="case_queue"),
            models.Index(fields=["applicant", "-filed_at"], name="case_applicant"),
            models.Index(
                fields=["acknowledgement_pending_since"],
                condition=Q(acknowledgement_pending_since__isnull=False),
                name="case_acknowledgement_pending",
            ),
            models.Index(
                fields=["output_pending_since"],
                condition=Q(output_pending_since__isnull=False),
                name="case_output_pending",
            ),
        ]

    def __str__(self):
        return self.radicado

    def received_documents(self):
        """The documents the applicant filed, listed with their SHA-256 in the
        acknowledgement (page and PDF)."""
        return self.documents.filter(kind="carga").order_by("created_at", "pk")

    @property
    def audit_chain(self) -> str:
        return f"case:{self.radicado}"

    @property
    def remission(self) -> "Case | None":
        """The case this one was remitted to, if it was (Ley 1755 art. 21)."""
        try:
            return self.remitted_to
        except Case.DoesNotExist:
            return None

    @property
    def is_closed(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def clock_stopped(self) -> bool:
        return self.status in CLOCK_STOPPED_STATUSES

    @property
    def total_term_days(self) -> int:
        """The term after any extension, in its unit (``calendar_days``)."""
        return self.term_days + self.extension_days

    def days_left(self, today) -> int | None:
        """Days of the term left on ``today`` (negative when overdue), in the
        term's unit; None once the case is closed, when no term runs any more."""
        from . import calendar

        if self.is_closed:
            return None
        return calendar.days_between(
            today, self.due_date, calendar_days=self.calendar_days
        )

    def _question_labels(self) -> dict[str, str]:
        # A remitted case keeps the answers, and so the questions, of the original filing.
        if self.remitted_from_id:
            return self.remitted_from._question_labels()
        page = (
            self.procedure_revision.as_object()
            if self.procedure_revision_id
            else self.procedure
        )
        from .applicant import APPLICANT_LABELS

        labels = {name: str(label) for name, label in APPLICANT_LABELS.items()}
        labels.update(
            {block.value["name"]: block.value["label"] for block in page.online_form}
        )
        return labels

    def answer_rows(self) -> list[tuple[str, str]]:
        """(question, answer) pairs, worded as in the page version the case was filed under."""
        labels = self._question_labels()
        return [(labels.get(name, name), value) for name, value in self.answers.items()]


class RadicadoCounter(models.Model):
    """The last radicado number given by an entity in a year (locked to hand out the next)."""

    entity = models.ForeignKey(
        "catalog.Entity", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "year"], name="radicado_counter_entity_year"
            )
        ]

    def __str__(self):
        return f"{self.entity_id}/{self.year}: {self.last}"


def document_storage():
    from django.core.files.storage import FileSystemStorage

    # Outside MEDIA_ROOT and the web root: files are served only by the authorizing view.
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def _document_path(instance, filename):
    return (
        f"casos/{instance.case.filed_at:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"
    )


class CaseDocument(models.Model):
    """A file of a case: an upload, an answer, the acknowledgement or the output."""

    class Kind(models.TextChoices):
        UPLOAD = "carga", _("Documento cargado")
        ANSWER = "respuesta", _("Respuesta del ciudadano")
        ACKNOWLEDGEMENT = "acuse", _("Acuse de recibo")
        OUTPUT = "salida", _("Documento de salida")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    requirement = models.CharField(_("documento"), max_length=150)
    display_name = models.CharField(_("nombre"), max_length=150)
    file = models.FileField(
        storage=document_storage, upload_to=_document_path, max_length=200
    )
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # The PDFs the system produces exist once per case, whatever re-runs.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(kind="acuse"),
                name="one_acknowledgement_per_case",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(kind="salida", requirement="Documento de salida"),
                name="one_output_document_per_case",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def extension(self) -> str:
        fmt = FORMAT_BY_MIME.get(self.content_type)
        return f".{EXTENSIONS[fmt][0]}" if fmt else ""


class Notification(models.Model):
    """An e-mail that must be sent: written with the change, sent by a task, swept if lost."""

    class State(models.TextChoices):
        PENDING = "pendiente", _("Pendiente")
        SENT = "enviada", _("Enviada")
        DEAD = "fallida", _("Fallida")

    dedupe_key = models.CharField(max_length=160, unique=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, related_name="notifications"
    )
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    available_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The cases one grouped e-mail tells about ("Radicamos sus 5 trámites"): each
    # case's page shows its delivery state, though ``case`` names none of them.
    cases = models.ManyToManyField(Case, blank=True, related_name="grouped_notices")

    class Meta:
        indexes = [
            models.Index(fields=["state", "available_at"], name="notification_due")
        ]

    def __str__(self):
        return self.subject


class FilingDraft(models.Model):
    """A single filing saved to continue later: the answers typed so far, one per
    citizen and procedure, restored on return and deleted when the case is filed.
    Uploads are not kept (the page says so)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="filing_drafts",
        verbose_name=_("titular"),
    )
    procedure = models.ForeignKey(
        "catalog.ProcedurePage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("trámite"),
    )
    # Raw answers as typed (unvalidated), keyed by the form's field names.
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("borrador de radicación")
        verbose_name_plural = _("borradores de radicación")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "procedure"], name="filing_draft_once"
            )
        ]

    def __str__(self):
        return f"{self.owner_id}:{self.procedure_id}"


class FilingPayment(models.Model):
    """The fee of a single filing, paid before its case is filed; the amount is the
    server's quote for the year (catalog.fees), never the browser's."""

    sandbox_bank_url_name = "procedures_sandbox_bank"

    class Status(models.TextChoices):
        PENDING = "pendiente", _("Pendiente")
        APPROVED = "aprobado", _("Aprobado")
        REJECTED = "rechazado", _("Rechazado")

    reference = models.UUIDField(default=uuid.uuid4, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "catalog.ProcedurePage", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="COP")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING
    )
    provider_transaction = models.CharField(max_length=80, blank=True)
    # audit.personal.match_digest("payment_account", ...) of the account the
    # provider says paid: the risk detectors compare it, nobody reads it.
    payer_account = models.CharField(max_length=40, blank=True)
    case = models.OneToOneField(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fee_payment",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "procedure"], name="filing_payment_owner")
        ]

    def __str__(self):
        return str(self.reference)

    @property
    def audit_chain(self) -> str:
        return f"pago:{self.reference}"


class FilingPaymentNotice(models.Model):
    """Each provider notice of a filing payment processed once."""

    event_id = models.CharField(max_length=80, unique=True)
    payment = models.ForeignKey(
        FilingPayment, on_delete=models.PROTECT, related_name="notices"
    )
    status = models.CharField(max_length=12)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.event_id


class IssuedDocument(models.Model):
    """A PDF the platform issued (or an officer uploaded as the act) that a third
    party can check at /verificar/<code>/: the code printed on it, the SHA-256 of
    the bytes as issued, and only what the document itself states about its origin
    (title, radicado, entity, type, date). No personal data is kept here."""

    class Type(models.TextChoices):
        ACKNOWLEDGEMENT = "acuse", _("Acuse de recibo")
        RECEIPT = "acuse_consolidado", _("Acuse de recibo consolidado")
        OUTPUT = "salida", _("Documento de salida")
        ACT = "acto", _("Acto administrativo cargado por la entidad")

    # 20 symbols of a 32-letter alphabet (100 bits), stored without separators.
    code = models.CharField(_("código de verificación"), max_length=20, unique=True)
    document_type = models.CharField(_("tipo"), max_length=20, choices=Type.choices)
    title = models.CharField(_("título"), max_length=250)
    radicado = models.CharField(_("radicado"), max_length=40)
    entity_name = models.CharField(_("entidad que expide"), max_length=200)
    issued_at = models.DateTimeField(_("expedido el"))
    sha256 = models.CharField(max_length=64)
    # Set for an act public by nature: the verification page then offers the file.
    public = models.BooleanField(_("público"), default=False)
    case_document = models.OneToOneField(
        CaseDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued",
    )

    class Meta:
        verbose_name = _("documento expedido")
        verbose_name_plural = _("documentos expedidos")
        indexes = [models.Index(fields=["radicado"], name="issued_document_radicado")]

    def __str__(self):
        return f"{self.title} {self.radicado}"

    @property
    def code_display(self) -> str:
        from .authenticity import code_display

        return code_display(self.code)


class ReportCounter(models.Model):
    """The last irregularity-report number given in a year: one District series
    (the reports go to the auditors, not to the entity the case is filed at)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class IrregularityReport(models.Model):
    """A citizen's report of an irregularity on their own case (D15). Read by the
    District's auditors through the trail; never shown to the case's officers."""

    RADICADO_PREFIX = "DEN"
    TEXT_MIN = 20
    TEXT_MAX = 4000

    class Category(models.TextChoices):
        # The values are the audit contract (docs/risk-events.md); the labels are
        # the citizen's words.
        COBRO = "cobro", _("Me pidieron dinero o un favor")
        REQUISITO = "requisito", _("Me pidieron un requisito que no está publicado")
        DEMORA = "demora", _("Mi trámite está demorado sin explicación")
        OTRO = "otro", _("Otra irregularidad")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="irregularity_reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("categoría"), max_length=16, choices=Category.choices)
    text = models.TextField(_("relato"))
    radicado = models.CharField(_("radicado del reporte"), max_length=40, unique=True)
    submission_token = models.UUIDField(unique=True)
    created_at = models.DateTimeField(_("recibido el"))

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.radicado
