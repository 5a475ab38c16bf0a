"""StreamField blocks for the SUIT-shaped parts of a procedure page (docs/domain.md §2.4)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.list_block import ListValue

from .document_formats import DocumentFormat

MOMENT_CHOICES = [
    ("ANTES", _("Antes")),
    ("DURANTE", _("Durante")),
    ("DESPUES", _("Después")),
]
REQUIREMENT_TYPE_CHOICES = [
    ("DOCUMENTO", _("Documento")),
    ("PAGO", _("Pago")),
    ("CONDICION", _("Condición")),
    ("ACCION", _("Acción")),
]
CHANNEL_CHOICES = [
    ("VIRTUAL", _("Virtual")),
    ("PRESENCIAL", _("Presencial")),
    ("TELEFONICO", _("Telefónico")),
]
NORM_TYPE_CHOICES = [
    ("LEY", _("Ley")),
    ("DECRETO", _("Decreto")),
    ("DECRETO_LEY", _("Decreto ley")),
    ("ACUERDO", _("Acuerdo")),
    ("RESOLUCION", _("Resolución")),
    ("CIRCULAR", _("Circular")),
    ("ORDENANZA", _("Ordenanza")),
    ("CODIGO", _("Código")),
]


class IntegerBlock(blocks.IntegerBlock):
    """Wagtail's IntegerBlock keeps the widget's string ("5") until clean(), and the
    page editor decides whether a POST changed the page by comparing that raw value
    with the stored 5. Every unedited page then looked edited: approving a page from
    the editor saved a new revision and restarted the moderation task instead of
    publishing. Read the number here, as other blocks do in value_from_form; input
    that is not a number stays as typed, so clean() still says why."""

    def value_from_form(self, value):
        try:
            return self.field.to_python(value)
        except ValidationError:
            return value


class RequirementBlock(blocks.StructBlock):
    moment = blocks.ChoiceBlock(choices=MOMENT_CHOICES, label=_("Momento"))
    type = blocks.ChoiceBlock(choices=REQUIREMENT_TYPE_CHOICES, label=_("Tipo"))
    text = blocks.TextBlock(label=_("Requisito"))
    is_exception = blocks.BooleanBlock(required=False, label=_("¿Es una excepción?"))

    class Meta:
        icon = "tick"
        label = _("Requisito")


class DocumentBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Documento"))
    original = blocks.BooleanBlock(required=False, label=_("Original (no copia)"))
    quantity = IntegerBlock(min_value=1, default=1, label=_("Cantidad"))
    format = blocks.CharBlock(required=False, label=_("Formato"))
    max_size_mb = IntegerBlock(
        required=False, min_value=1, label=_("Tamaño máximo (MB)")
    )
    validity = blocks.CharBlock(required=False, label=_("Vigencia"))

    class Meta:
        icon = "doc-full"
        label = _("Documento")


class FormBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Formulario"))
    code = blocks.CharBlock(required=False, label=_("Código o versión"))
    url = blocks.URLBlock(required=False, label=_("Enlace de descarga"))

    class Meta:
        icon = "form"
        label = _("Formulario")


class ChannelValue(blocks.StructValue):
    """Adds the Spanish label of the channel code for templates."""

    @property
    def channel_label(self) -> str:
        code = self.get("channel") or self.get("kind")
        return str(dict(CHANNEL_CHOICES).get(code, code))


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Paso"))
    channel = blocks.ChoiceBlock(choices=CHANNEL_CHOICES, label=_("Canal"))
    detail = blocks.TextBlock(label=_("Detalle"))

    class Meta:
        icon = "list-ol"
        label = _("Paso")
        value_class = ChannelValue


class ChannelBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=CHANNEL_CHOICES, label=_("Tipo de canal"))
    name = blocks.CharBlock(label=_("Nombre"))
    detail = blocks.TextBlock(required=False, label=_("Detalle"))

    class Meta:
        icon = "site"
        label = _("Canal de atención")
        value_class = ChannelValue


class NormValue(blocks.StructValue):
    @property
    def type_label(self) -> str:
        return str(dict(NORM_TYPE_CHOICES).get(self.get("type"), self.get("type")))


class NormBlock(blocks.StructBlock):
    type = blocks.ChoiceBlock(choices=NORM_TYPE_CHOICES, label=_("Tipo de norma"))
    number = blocks.CharBlock(label=_("Número"))
    year = IntegerBlock(min_value=1850, max_value=2100, label=_("Año"))
    issuer = blocks.CharBlock(label=_("Expedida por"))
    articles = blocks.CharBlock(required=False, label=_("Artículos"))
    url = blocks.URLBlock(required=False, label=_("Enlace"))

    class Meta:
        icon = "doc-full-inverse"
        label = _("Norma")
        value_class = NormValue


FIELD_TYPE_CHOICES = [
    ("text", _("Texto")),
    ("long_text", _("Texto largo")),
    ("number", _("Número")),
    ("money", _("Valor en pesos")),
    ("date", _("Fecha")),
    ("choice", _("Selección")),
    ("yes_no", _("Sí / no")),
    ("email", _("Correo electrónico")),
    ("phone", _("Teléfono")),
    ("address", _("Dirección")),
    ("identity", _("Número de identificación")),
    ("cedula", _("Cédula de ciudadanía")),
    ("nit", _("NIT con dígito de verificación")),
    ("cedula_extranjeria", _("Cédula de extranjería")),
    ("pasaporte", _("Pasaporte")),
    ("chip", _("CHIP catastral")),
    ("matricula_mercantil", _("Matrícula mercantil")),
    ("placa", _("Placa de vehículo")),
]
FIELD_TYPES = frozenset(code for code, _label in FIELD_TYPE_CHOICES)
DOCUMENT_FORMAT_CHOICES = DocumentFormat.choices


class OnlineFieldBlock(blocks.StructBlock):
    """One question of a procedure's online form; the order of the stream is the form's."""

    name = blocks.RegexBlock(
        regex=r"^[a-z][a-z0-9_]{0,39}$",
        error_messages={
            "invalid": _(
                "Use minúsculas, números y guiones bajos; empiece por una letra."
            )
        },
        label=_("Nombre interno"),
        help_text=_("Identificador estable del dato, p. ej. «direccion_predio»."),
    )
    label = blocks.CharBlock(max_length=150, label=_("Pregunta"))
    field_type = blocks.ChoiceBlock(choices=FIELD_TYPE_CHOICES, label=_("Tipo de dato"))
    required = blocks.BooleanBlock(required=False, default=True, label=_("Obligatorio"))
    help_text = blocks.CharBlock(required=False, max_length=300, label=_("Ayuda"))
    # Starts empty (a ListBlock otherwise starts with one blank item) and its items
    # may be blank: only a "choice" question needs options, checked in clean().
    choices = blocks.ListBlock(
        blocks.CharBlock(max_length=120, required=False, label=_("Opción")),
        default=[],
        required=False,
        label=_("Opciones (para «Selección»)"),
        help_text=_("Solo para preguntas de tipo «Selección»: una opción por línea."),
    )
    show_if_field = blocks.CharBlock(
        required=False,
        max_length=40,
        label=_("Mostrar solo si la pregunta"),
        help_text=_(
            "Nombre interno de una pregunta anterior; vacío: siempre se muestra."
        ),
    )
    show_if_values = blocks.TextBlock(
        required=False,
        rows=2,
        label=_("…tiene alguna de estas respuestas"),
        help_text=_("Una respuesta por línea, p. ej. «Sí»."),
    )

    class Meta:
        icon = "form"
        label = _("Pregunta")

    def clean(self, value):
        value = super().clean(value)
        # Keep each option's block id: a new ListValue would mint new ids, so every
        # save (an autosave too) would change the stored form though no option did.
        children = [
            ListValue.ListChild(child.block, str(child.value).strip(), id=child.id)
            for child in value["choices"].bound_blocks
            if str(child.value).strip()
        ]
        options = [child.value for child in children]
        error = None
        if value.get("field_type") != "choice":
            options = []
        elif len(options) < 2:
            error = _(
                "Una pregunta de tipo «Selección» necesita al menos dos opciones."
            )
        elif len({o.casefold() for o in options}) < len(options):
            error = _("Hay opciones repetidas: escriba cada opción una sola vez.")
        if error:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "choices": blocks.ListBlockValidationError(
                        non_block_errors=[ValidationError(error)]
                    )
                }
            )
        value["choices"] = ListValue(
            self.child_blocks["choices"], bound_blocks=children if options else []
        )
        return value


class RequiredDocumentBlock(blocks.StructBlock):
    """A document the citizen uploads when filing online."""

    name = blocks.CharBlock(max_length=150, label=_("Documento"))
    formats = blocks.MultipleChoiceBlock(
        choices=DOCUMENT_FORMAT_CHOICES, default=["pdf"], label=_("Formatos aceptados")
    )
    max_size_mb = IntegerBlock(
        min_value=1, max_value=20, default=5, label=_("Tamaño máximo (MB)")
    )
    required = blocks.BooleanBlock(required=False, default=True, label=_("Obligatorio"))
    validity = blocks.CharBlock(
        required=False,
        max_length=150,
        label=_("Vigencia"),
        help_text=_(
            "P. ej. «Expedido hace no más de 30 días»; se muestra junto al campo."
        ),
    )

    class Meta:
        icon = "doc-full"
        label = _("Documento a cargar")
