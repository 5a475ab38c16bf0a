"""The public catalog: entities, procedure pages (SUIT-shaped) and the catalog index."""

from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import models
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from modelcluster.fields import ParentalManyToManyField

from . import blocks
from .formatting import format_cop
from .links import PublicSiteURLMixin, procedure_links
from .search import padded


class ServicePoint(models.Model):
    """A place or channel where citizens are attended (SuperCADE, CADE, Línea 195...)."""

    class Kind(models.TextChoices):
        SUPERCADE = "SUPERCADE", _("SuperCADE")
        CADE = "CADE", _("CADE")
        SEDE = "SEDE", _("Sede de la entidad")
        TELEFONICO = "TELEFONICO", _("Canal telefónico")
        VIRTUAL = "VIRTUAL", _("Canal virtual")

    code = models.SlugField(_("código"), max_length=60, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    address = models.CharField(_("dirección"), max_length=200, blank=True)
    hours = models.CharField(_("horario"), max_length=200, blank=True)
    phone = models.CharField(_("teléfono"), max_length=60, blank=True)
    verified = models.BooleanField(_("dirección verificada"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("punto de atención")
        verbose_name_plural = _("puntos de atención")

    def __str__(self):
        return self.name


class Entity(models.Model):
    """A District or national body that owns procedures (SDH, CCB, DIAN...)."""

    class Kind(models.TextChoices):
        DISTRITAL = "DISTRITAL", _("Distrital")
        NACIONAL = "NACIONAL", _("Nacional")
        PRIVADA = "PRIVADA", _("Particular con funciones públicas o privada")

    code = models.CharField(_("sigla"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    sector = models.CharField(_("sector"), max_length=120)
    nit = models.CharField(_("NIT"), max_length=20, blank=True)
    nit_verified = models.BooleanField(_("NIT verificado"), default=False)
    website = models.URLField(_("sitio web"), blank=True)
    email = models.EmailField(_("correo de contacto"), blank=True)
    phone = models.CharField(_("teléfono"), max_length=60, blank=True)
    address = models.CharField(_("dirección"), max_length=200, blank=True)
    service_points = models.ManyToManyField(
        ServicePoint,
        blank=True,
        related_name="entities",
        verbose_name=_("puntos de atención"),
    )
    officer_group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer_entities",
        verbose_name=_("grupo de funcionarios"),
        help_text=_("Sus miembros tramitan los casos radicados ante la entidad."),
    )
    editor_group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edited_entities",
        verbose_name=_("grupo de editores"),
        help_text=_(
            "Solo los miembros de este grupo pueden editar los trámites de la entidad."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("name"),
        FieldRowPanel(
            [FieldPanel("sector"), FieldPanel("nit"), FieldPanel("nit_verified")]
        ),
        FieldRowPanel(
            [FieldPanel("website"), FieldPanel("email"), FieldPanel("phone")]
        ),
        FieldPanel("address"),
        FieldPanel("service_points"),
        FieldPanel("editor_group"),
        FieldPanel("officer_group"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("entidad")
        verbose_name_plural = _("entidades")
        permissions = [
            (
                "manage_all_procedures",
                _("Puede editar los trámites de todas las entidades"),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class LifeEvent(models.Model):
    """A life situation that groups procedures ("Crear empresa", "Movilidad"...)."""

    code = models.SlugField(_("código"), max_length=60, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("situación de vida")
        verbose_name_plural = _("situaciones de vida")

    def __str__(self):
        return self.name


class Audience(models.Model):
    """Who a procedure is for (SUIT "Dirigido a")."""

    code = models.SlugField(_("código"), max_length=60, unique=True)
    name = models.CharField(_("nombre"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("público")
        verbose_name_plural = _("públicos")

    def __str__(self):
        return self.name


def user_may_edit_entity(user, entity) -> bool:
    """Editors may touch only their entity's procedures; moderators, all of them."""
    if not user.is_active:
        return False
    if user.is_superuser or user.has_perm("catalog.manage_all_procedures"):
        return True
    return (
        entity is not None
        and entity.editor_group_id is not None
        and user.groups.filter(pk=entity.editor_group_id).exists()
    )


def entities_editable_by(user):
    if user.is_superuser or user.has_perm("catalog.manage_all_procedures"):
        return Entity.objects.all()
    return Entity.objects.filter(editor_group__in=user.groups.all())


class ProcedurePermissionTester(PagePermissionTester):
    """Wagtail's tree permissions, narrowed to the page's responsible entity."""

    def _entity_allows(self) -> bool:
        if not hasattr(self, "_entity_ok"):
            self._entity_ok = user_may_edit_entity(self.user, self.page.entity)
        return self._entity_ok

    def can_edit(self):
        return super().can_edit() and self._entity_allows()

    def can_delete(self, ignore_bulk=False):
        return super().can_delete(ignore_bulk=ignore_bulk) and self._entity_allows()

    def can_publish(self):
        return super().can_publish() and self._entity_allows()

    def can_unpublish(self):
        return super().can_unpublish() and self._entity_allows()

    def can_submit_for_moderation(self):
        return super().can_submit_for_moderation() and self._entity_allows()

    def can_lock(self):
        return super().can_lock() and self._entity_allows()

    def can_move(self):
        return super().can_move() and self._entity_allows()

    def can_copy(self):
        return super().can_copy() and self._entity_allows()


class ProcedurePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django marks fields whose model default is callable (the JSON lists, default
        # =list) to compare the POST with a hidden "initial-" input, which Wagtail's
        # panels never render; the missing input read as a change on every save, so
        # approving from the editor restarted the moderation task. Compare with the
        # page being edited instead.
        for field in self.fields.values():
            field.show_hidden_initial = False
        if self.for_user is not None and "entity" in self.fields:
            self.fields["entity"].queryset = entities_editable_by(self.for_user)

    def clean(self):
        cleaned = super().clean()
        from .fees import supports_gratuity

        rule = cleaned.get("fee_rule")
        basis = (cleaned.get("fee_legal_basis") or "").strip()
        if rule == ProcedurePage.FeeRule.FREE and not supports_gratuity(basis):
            # "Gratuito" on a page is a legal statement; without its source it is a guess.
            self.add_error(
                "fee_legal_basis",
                _(
                    "Para publicarlo como gratuito, cite la norma o el registro oficial "
                    "(ficha SUIT, formulario oficial) que lo establece. Si no se conoce, "
                    "elija «Sin confirmar» y deje la nota en las notas de calidad de datos."
                ),
            )
        elif rule and rule != ProcedurePage.FeeRule.UNKNOWN and not basis:
            self.add_error("fee_legal_basis", _("Indique el fundamento del cobro."))
        return cleaned


class ProcedurePage(PublicSiteURLMixin, Page):
    """One procedure of the catalog, with the fields of SUIT's "Formato integrado"."""

    class Kind(models.TextChoices):
        TRAMITE = "TRAMITE", _("Trámite")
        OPA = "OPA", _("Otro procedimiento administrativo (OPA)")
        CONSULTA = "CONSULTA", _("Consulta de acceso a información")

    class DigitalLevel(models.TextChoices):
        EN_LINEA = "EN_LINEA", _("Totalmente en línea")
        PARCIAL = "PARCIAL", _("Parcialmente en línea")
        PRESENCIAL = "PRESENCIAL", _("Presencial")

    class FeeRule(models.TextChoices):
        FREE = "FREE", _("Gratuito")
        FIXED = "FIXED", _("Valor fijo")
        FORMULA = "FORMULA", _("Fórmula")
        TABLE = "TABLE", _("Tabla de tarifas")
        # No verified fee information: the page says to ask the entity, never "free".
        UNKNOWN = "UNKNOWN", _("Sin confirmar (consultar con la entidad)")
        # Social-security contributions: paid monthly through the PILA, not a fee.
        CONTRIBUTION = "APORTE", _("Aportes a la seguridad social")

    class FeeUnit(models.TextChoices):
        COP = "COP", _("Pesos (COP)")
        UVB = "UVB", _("Unidad de Valor Básico (UVB)")
        UVT = "UVT", _("Unidad de Valor Tributario (UVT)")
        SMMLV = "SMMLV", _("Salarios mínimos mensuales (SMMLV)")
        SMDLV = "SMDLV", _("Salarios mínimos diarios (SMDLV)")
        PERCENT = "PERCENT", _("Porcentaje de la base")

    class TimeUnit(models.TextChoices):
        DIAS = "DIAS", _("días")
        HORAS = "HORAS", _("horas")
        INMEDIATO = "INMEDIATO", _("inmediato")

    class CalendarType(models.TextChoices):
        HABILES = "HABILES", _("hábiles")
        CALENDARIO = "CALENDARIO", _("calendario")

    class ResultType(models.TextChoices):
        CERTIFICADO = "CERTIFICADO", _("Certificado")
        CONCEPTO = "CONCEPTO", _("Concepto")
        ACTO_ADMINISTRATIVO = "ACTO_ADMINISTRATIVO", _("Acto administrativo")
        REGISTRO = "REGISTRO", _("Registro")
        CONSTANCIA = "CONSTANCIA", _("Constancia")
        LICENCIA = "LICENCIA", _("Licencia")
        PERMISO = "PERMISO", _("Permiso")
        RESPUESTA = "RESPUESTA", _("Respuesta")
        OTRO = "OTRO", _("Otro")

    class CatalogStatus(models.TextChoices):
        VIGENTE = "VIGENTE", _("Vigente")
        SUSPENDIDO = "SUSPENDIDO", _("Suspendido")
        RACIONALIZADO = "RACIONALIZADO", _("Racionalizado")
        ELIMINADO = "ELIMINADO", _("Eliminado")

    class Certainty(models.TextChoices):
        VERIFICADO = "VERIFICADO", _("Verificado en fuente oficial")
        PLAUSIBLE = "PLAUSIBLE", _("Plausible, por confirmar")
        INFERIDO = "INFERIDO", _("Inferido, por confirmar con la entidad")

    code = models.CharField(
        _("código"),
        max_length=20,
        unique=True,
        help_text=_("Código estable del trámite."),
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    standardized_name = models.CharField(_("nombre estandarizado"), max_length=255)
    also_known_as = models.CharField(
        _("también se conoce como"), max_length=255, blank=True
    )
    purpose = models.TextField(_("¿Qué es y para qué sirve?"))
    entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("entidad responsable"),
    )
    audiences = ParentalManyToManyField(
        Audience, related_name="procedures", verbose_name=_("dirigido a")
    )
    life_events = ParentalManyToManyField(
        LifeEvent, related_name="procedures", verbose_name=_("situaciones de vida")
    )
    when_available = models.CharField(_("¿cuándo se puede realizar?"), max_length=255)
    digital_level = models.CharField(
        _("nivel de virtualización"), max_length=10, choices=DigitalLevel.choices
    )
    online_url = models.URLField(_("enlace del servicio en línea"), blank=True)

    requirements = StreamField(
        [("requirement", blocks.RequirementBlock())], verbose_name=_("requisitos")
    )
    documents = StreamField(
        [("document", blocks.DocumentBlock())], verbose_name=_("documentos")
    )
    forms = StreamField(
        [("form", blocks.FormBlock())], blank=True, verbose_name=_("formularios")
    )
    steps = StreamField([("step", blocks.StepBlock())], verbose_name=_("pasos"))

    requires_payment = models.BooleanField(_("¿requiere pago?"), default=False)
    fee_rule = models.CharField(
        _("regla de cobro"), max_length=8, choices=FeeRule.choices, default=FeeRule.FREE
    )
    fee_amount = models.DecimalField(
        _("valor"), max_digits=16, decimal_places=4, default=0
    )
    fee_unit = models.CharField(
        _("unidad"), max_length=8, choices=FeeUnit.choices, default=FeeUnit.COP
    )
    fee_formula = models.TextField(_("fórmula o tabla"), blank=True)
    fee_legal_basis = models.CharField(
        _("fundamento del cobro"),
        max_length=400,
        blank=True,
        help_text=_(
            "La norma o el registro oficial (ficha SUIT, formulario oficial) que fija el "
            "valor o la gratuidad. Vacío solo si el costo está sin confirmar; las notas "
            "de investigación van en las notas de calidad de datos."
        ),
    )
    payment_channels = models.JSONField(_("medios de pago"), default=list, blank=True)

    response_time_value = models.PositiveIntegerField(
        _("tiempo de respuesta"), default=15
    )
    response_time_unit = models.CharField(
        _("unidad de tiempo"),
        max_length=10,
        choices=TimeUnit.choices,
        default=TimeUnit.DIAS,
    )
    calendar_type = models.CharField(
        _("tipo de días"),
        max_length=10,
        choices=CalendarType.choices,
        default=CalendarType.HABILES,
    )
    legal_term_days = models.PositiveIntegerField(_("término legal (días)"), default=15)
    response_time_notes = models.CharField(
        _("observaciones al tiempo"), max_length=400, blank=True
    )
    extension_allowed = models.BooleanField(_("¿admite prórroga?"), default=True)

    result_name = models.CharField(_("resultado que se obtiene"), max_length=255)
    result_type = models.CharField(
        _("tipo de resultado"), max_length=20, choices=ResultType.choices
    )
    result_validity = models.CharField(
        _("vigencia del resultado"), max_length=120, blank=True
    )
    result_delivery = models.JSONField(
        _("medios de entrega del resultado"), default=list
    )

    channels = StreamField(
        [("channel", blocks.ChannelBlock())], verbose_name=_("canales de atención")
    )
    service_points = ParentalManyToManyField(
        ServicePoint,
        blank=True,
        related_name="procedures",
        verbose_name=_("puntos de atención"),
    )
    legal_basis = StreamField(
        [("norm", blocks.NormBlock())], verbose_name=_("fundamento legal")
    )

    # Virtualization: a procedure with an online form can be filed at .../radicar/.
    online_form = StreamField(
        [("field", blocks.OnlineFieldBlock())],
        blank=True,
        verbose_name=_("formulario en línea"),
        help_text=_("Las preguntas que responde el ciudadano al radicar en línea."),
    )
    required_documents = StreamField(
        [("document", blocks.RequiredDocumentBlock())],
        blank=True,
        verbose_name=_("documentos a cargar"),
    )
    four_eyes = models.BooleanField(
        _("doble revisión"),
        default=False,
        help_text=_("Quien revisa o pide información no puede aprobar el mismo caso."),
    )
    in_person_reason = models.TextField(
        _("por qué no se radica en línea"),
        blank=True,
        help_text=_(
            "La razón legal por la que el trámite exige presencia (inspección física, "
            "firma original, biometría…). Se muestra en la página."
        ),
    )
    data_quality_notes = models.TextField(
        _("notas de calidad de datos"),
        blank=True,
        help_text=_(
            "Solo para editores: lo que falta confirmar de esta ficha. Nunca se publica."
        ),
    )

    last_reviewed = models.DateField(_("última revisión"))
    catalog_status = models.CharField(
        _("estado en el catálogo"),
        max_length=14,
        choices=CatalogStatus.choices,
        default=CatalogStatus.VIGENTE,
    )
    source_url = models.URLField(_("fuente"), max_length=500, blank=True)
    certainty = models.CharField(
        _("certeza de la información"),
        max_length=12,
        choices=Certainty.choices,
        default=Certainty.VERIFICADO,
    )

    # Normalized copies for accent-insensitive search (see catalog/search.py).
    title_normalized = models.CharField(
        max_length=300, editable=False, default="", db_index=True
    )
    also_known_as_normalized = models.CharField(
        max_length=300, editable=False, default=""
    )
    search_text = models.TextField(editable=False, default="")

    base_form_class = ProcedurePageForm
    parent_page_types = ["catalog.ProcedureIndexPage"]
    subpage_types: list[str] = []
    template = "catalog/procedure_page.html"

    search_fields = Page.search_fields + [
        index.SearchField("code"),
        index.SearchField("also_known_as"),
        index.SearchField("purpose"),
        index.FilterField("digital_level"),
    ]

    content_panels = Page.content_panels + [
        FieldRowPanel(
            [FieldPanel("code"), FieldPanel("kind"), FieldPanel("catalog_status")]
        ),
        FieldPanel("entity"),
        FieldPanel("standardized_name"),
        FieldPanel("also_known_as"),
        FieldPanel("purpose"),
        FieldRowPanel([FieldPanel("audiences"), FieldPanel("life_events")]),
        FieldPanel("when_available"),
    ]
    requirements_panels = [
        FieldPanel("requirements"),
        FieldPanel("documents"),
        FieldPanel("forms"),
        FieldPanel("steps"),
    ]
    cost_time_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("requires_payment"), FieldPanel("fee_rule")]),
                FieldRowPanel([FieldPanel("fee_amount"), FieldPanel("fee_unit")]),
                FieldPanel("fee_formula"),
                FieldPanel("fee_legal_basis"),
                FieldPanel("payment_channels"),
            ],
            heading=_("Costo"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("response_time_value"),
                        FieldPanel("response_time_unit"),
                        FieldPanel("calendar_type"),
                    ]
                ),
                FieldRowPanel(
                    [FieldPanel("legal_term_days"), FieldPanel("extension_allowed")]
                ),
                FieldPanel("response_time_notes"),
            ],
            heading=_("Tiempo de respuesta"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("result_name"), FieldPanel("result_type")]),
                FieldPanel("result_validity"),
                FieldPanel("result_delivery"),
            ],
            heading=_("Resultado"),
        ),
    ]
    channel_panels = [
        FieldRowPanel([FieldPanel("digital_level"), FieldPanel("online_url")]),
        FieldPanel("channels"),
        FieldPanel("service_points"),
        FieldPanel("legal_basis"),
        FieldRowPanel([FieldPanel("last_reviewed"), FieldPanel("certainty")]),
        FieldPanel("source_url"),
        FieldPanel("data_quality_notes"),
    ]
    online_panels = [
        FieldPanel("online_form"),
        FieldPanel("required_documents"),
        FieldPanel("four_eyes"),
        FieldPanel("in_person_reason"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Descripción")),
            ObjectList(requirements_panels, heading=_("Qué se necesita")),
            ObjectList(cost_time_panels, heading=_("Costo, tiempo y resultado")),
            ObjectList(online_panels, heading=_("Radicación en línea")),
            ObjectList(channel_panels, heading=_("Canales y fundamento legal")),
            ObjectList(Page.promote_panels, heading=_("Promoción")),
            ObjectList(Page.settings_panels, heading=_("Configuración")),
        ]
    )

    api_fields = [
        APIField("code"),
        APIField("kind"),
        APIField("entity_code"),
        APIField("purpose"),
        APIField("digital_level"),
        APIField("requires_payment"),
        APIField("legal_term_days"),
        APIField("calendar_type"),
        APIField("result_name"),
        APIField("last_reviewed"),
        APIField("catalog_status"),
    ]

    class Meta:
        verbose_name = _("trámite o servicio")
        verbose_name_plural = _("trámites y servicios")

    def __str__(self):
        return self.title

    @property
    def entity_code(self) -> str:
        return self.entity.code

    @property
    def is_free(self) -> bool:
        return self.fee_quote.kind == "free"

    @property
    def cost_label(self) -> str:
        """The catalog card's cost badge (catalog.fees: one table for badge and facet)."""
        from .fees import cost_category, cost_labels

        return str(cost_labels()[cost_category(self.fee_rule)])

    @property
    def is_online(self) -> bool:
        return self.digital_level != self.DigitalLevel.PRESENCIAL

    @property
    def can_file_online(self) -> bool:
        """Virtualized here: it has an online form, so it can be filed at .../radicar/."""
        return bool(self.online_form)

    @cached_property
    def fee_quote(self):
        """This year's fee in pesos with its basis (catalog.fees), as filing charges it."""
        from .fees import quote

        return quote(self)

    @property
    def is_formalization(self) -> bool:
        """F01–F25: the steps of formalizing a business, guided by /formaliza/."""
        return len(self.code) == 3 and self.code[0] == "F" and self.code[1:].isdigit()

    @property
    def filing_mode(self) -> str:
        """How a citizen does it, honestly: "aqui" (filed on this site), "portal"
        (the entity's own site) or "presencial" (in person)."""
        if self.can_file_online:
            return "aqui"
        if self.in_person_reason or self.digital_level == self.DigitalLevel.PRESENCIAL:
            return "presencial"
        return "portal" if self.online_url or self.is_formalization else "presencial"

    @property
    def filing_mode_label(self) -> str:
        return str(
            {
                "aqui": _("Radicación en línea aquí"),
                "portal": _("En el portal de la entidad"),
                "presencial": _("Presencial"),
            }[self.filing_mode]
        )

    @property
    def fee_summary(self) -> str:
        """The cost in one line of plain Spanish, amounts in Colombian format."""
        if (
            self.fee_rule
            in (
                self.FeeRule.FREE,
                self.FeeRule.UNKNOWN,
                self.FeeRule.CONTRIBUTION,
            )
            or not self.requires_payment
        ):
            return str(self.fee_quote.label)
        amount = Decimal(self.fee_amount).normalize()
        if self.fee_rule == self.FeeRule.FIXED:
            if self.fee_unit == self.FeeUnit.COP:
                return format_cop(amount, whole_pesos=True)
            return f"{number_format(amount, force_grouping=True)} {self.fee_unit}"
        if self.fee_unit == self.FeeUnit.PERCENT and amount:
            return _("%(rate)s %% de la base") % {"rate": number_format(amount)}
        return self.fee_formula or str(self.get_fee_rule_display())

    def _duration(self, n: int, unit: str) -> str:
        """ "1 día hábil", "15 días calendario", "8 horas hábiles"."""
        business = self.calendar_type != self.CalendarType.CALENDARIO
        if unit == self.TimeUnit.HORAS:
            if business:
                text = ngettext("%(n)s hora hábil", "%(n)s horas hábiles", n)
            else:
                text = ngettext("%(n)s hora", "%(n)s horas", n)
        elif business:
            text = ngettext("%(n)s día hábil", "%(n)s días hábiles", n)
        else:
            text = ngettext("%(n)s día calendario", "%(n)s días calendario", n)
        return text % {"n": n}

    @property
    def response_time_summary(self) -> str:
        """The usual response time, short: "Inmediata", "3 días hábiles"."""
        if self.response_time_unit == self.TimeUnit.INMEDIATO:
            return str(_("Inmediata"))
        return self._duration(self.response_time_value, self.response_time_unit)

    @property
    def response_time_sentence(self) -> str:
        """ "Respuesta inmediata." or "Respuesta en 3 días hábiles." """
        if self.response_time_unit == self.TimeUnit.INMEDIATO:
            return str(_("Respuesta inmediata."))
        return _("Respuesta en %(time)s.") % {"time": self.response_time_summary}

    @property
    def legal_term_summary(self) -> str:
        """ "Término legal: 10 días hábiles." in the page's kind of days."""
        return _("Término legal: %(term)s.") % {
            "term": self._duration(self.legal_term_days, self.TimeUnit.DIAS)
        }

    def permissions_for_user(self, user):
        return ProcedurePermissionTester(user, self)

    @property
    def preview_modes(self):
        return [("", _("Página del trámite")), ("formulario", _("Formulario en línea"))]

    def serve_preview(self, request, mode_name):
        if mode_name == "formulario":
            from django.template.response import TemplateResponse

            context = self.get_context(request)
            context["fields"] = [dict(block.value) for block in self.online_form]
            context["documents"] = [
                dict(block.value) for block in self.required_documents
            ]
            return TemplateResponse(
                request, "catalog/online_form_preview.html", context
            )
        return super().serve_preview(request, mode_name)

    def save(self, *args, **kwargs):
        self.title_normalized = padded(self.title)
        self.also_known_as_normalized = padded(self.also_known_as)
        self.search_text = padded(
            " ".join(
                [
                    self.title,
                    self.code,
                    self.standardized_name,
                    self.also_known_as,
                    self.purpose,
                ]
            )
        )
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["entity"] = self.entity
        context["service_points"] = list(self.service_points.all())
        context["audience_list"] = list(self.audiences.all())
        context["life_event_list"] = list(self.life_events.all())
        context["links"] = procedure_links(self)
        return context


class ProcedureIndexPage(PublicSiteURLMixin, Page):
    """The catalog: search, facets and pagination over published procedures."""

    intro = models.TextField(_("introducción"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    # Placed under the home page by cms (cms.models), the app above.
    subpage_types = ["catalog.ProcedurePage"]
    max_count = 1
    template = "catalog/procedure_index_page.html"

    class Meta:
        verbose_name = _("catálogo de trámites")

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalog_search

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_search(request.GET))
        return context

    def serve(self, request, *args, **kwargs):
        from .search_log import RESULTS_HEADER

        response = super().serve(request, *args, **kwargs)
        found = (getattr(response, "context_data", None) or {}).get("search_count")
        if found is not None:
            # Read (and removed) by catalog.search_log.SearchLogMiddleware.
            response[RESULTS_HEADER] = str(found)
        return response


class SearchSynonym(models.Model):
    """Words or phrases that mean the same thing in a catalog search.

    Editors keep these in the admin (no deploy): a query that contains any of the
    terms also finds the procedures that use another of them, so "permiso de
    construcción" finds "Licencia de construcción".
    """

    terms = models.TextField(
        _("términos"),
        help_text=_(
            "Una palabra o frase por línea o separadas por comas. Quien busque "
            "cualquiera de ellas encuentra los trámites que usan las demás."
        ),
    )
    note = models.CharField(_("nota para editores"), max_length=200, blank=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        ordering = ["pk"]
        verbose_name = _("sinónimos de búsqueda")
        verbose_name_plural = _("sinónimos de búsqueda")

    def __str__(self):
        return ", ".join(self.term_list()[:4])

    def term_list(self) -> list[str]:
        """The terms as editors wrote them (accents kept), without blanks or repeats."""
        seen, terms = set(), []
        for term in self.terms.replace("\n", ",").replace(";", ",").split(","):
            term = " ".join(term.split())
            if term and term.lower() not in seen:
                seen.add(term.lower())
                terms.append(term)
        return terms


class SearchQueryDay(models.Model):
    """How often one catalog query was searched on one day, and how often it found
    nothing. Anonymous by construction: no user, no IP, no time of day; the text is
    normalized and long digit runs (document numbers) are blanked out."""

    day = models.DateField(_("día"))
    query = models.CharField(_("búsqueda"), max_length=100)
    searches = models.PositiveIntegerField(_("búsquedas"), default=0)
    zero_results = models.PositiveIntegerField(_("sin resultados"), default=0)

    class Meta:
        verbose_name = _("búsqueda del día")
        verbose_name_plural = _("búsquedas por día")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "query"], name="catalog_search_query_day_unique"
            )
        ]
        indexes = [models.Index(fields=["day"], name="catalog_search_day_idx")]

    def __str__(self):
        return f"{self.day} {self.query} ({self.searches})"
