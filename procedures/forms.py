"""The filing form of a procedure, built from the online form its editors defined."""

import json
import re
import unicodedata
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import identity
from accounts.identity import (
    DocumentType,
    document_validator,
    validate_identity_number,
    validate_phone,
)
from catalog.document_formats import ALL_FORMATS, accept_attribute, describe
from catalog.form_errors import FixMessagesMixin, fix_messages

from . import applicant as applicant_block
from .models import IrregularityReport
from .uploads import validate_upload

ADDRESS = re.compile(
    r"^(?:calle|cl|carrera|cra|kr|cr|avenida|av|ak|ac|diagonal|dg|transversal|tv|autopista)\.?\s+"
    r"\d+\s*[a-z]?(?:\s*bis)?(?:\s*[a-z])?(?:\s*(?:sur|este))?\s*(?:#|no\.?|n°)\s*\d+\s*[a-z]?\s*-\s*\d+"
    r"(?:\s*(?:sur|este))?\b.*$",
    re.IGNORECASE,
)


def validate_bogota_address(value: str) -> None:
    if not ADDRESS.match(value.strip()):
        raise ValidationError(
            _(
                "Escriba la dirección con la nomenclatura de Bogotá, p. ej. «Calle 26 # 13-19»."
            )
        )


def _compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


def _pattern_validator(pattern: str, message):
    compiled = re.compile(pattern)

    def validate(value: str) -> None:
        if not compiled.fullmatch(_compact(value)):
            raise ValidationError(message)

    return validate


# The same rules as sign-up and the wizard (accounts/identity.py).
validate_cedula = document_validator(DocumentType.CC)
validate_cedula_extranjeria = document_validator(DocumentType.CE)
validate_pasaporte = document_validator(DocumentType.PA)
validate_chip = _pattern_validator(
    r"[A-Z]{3}\d{4}[A-Z]{4}",
    _(
        "El CHIP tiene 11 caracteres: tres letras, cuatro números y cuatro letras, p. ej. AAA0012ABCD."
    ),
)
validate_matricula_mercantil = _pattern_validator(
    r"\d{4,10}",
    _("Escriba solo los números de la matrícula mercantil (entre 4 y 10 dígitos)."),
)
validate_placa = _pattern_validator(
    r"[A-Z]{3}\d{3}|[A-Z]{3}\d{2}[A-Z]?",
    _("Escriba la placa sin espacios, p. ej. ABC123 (carro) o ABC12D (moto)."),
)


def validate_nit(value: str) -> None:
    """A NIT with its DIAN check digit, e.g. 900123456-7 (the rule of accounts/identity.py)."""
    identity.validate_nit(
        value,
        _(
            "El NIT no es válido: escriba los números y el dígito de verificación, p. ej. 900123456-7."
        ),
    )


class NormalizedCharField(forms.CharField):
    """An identifier typed with spaces, dots or dashes, kept in its compact form."""

    def to_python(self, value):
        value = super().to_python(value)
        return _compact(value) if value else value


IDENTIFIER_TYPES = {
    "cedula": (validate_cedula, 15),
    "cedula_extranjeria": (validate_cedula_extranjeria, 15),
    "pasaporte": (validate_pasaporte, 20),
    "chip": (validate_chip, 15),
    "matricula_mercantil": (validate_matricula_mercantil, 15),
    "placa": (validate_placa, 10),
}

YES_NO = [("Sí", _("Sí")), ("No", _("No"))]

# Line breaks and tabs are the only control characters a multi-line answer may hold.
MULTILINE_CONTROLS = frozenset("\n\r\t")


HIDDEN_CHARACTERS_MESSAGE = _(
    "El texto tiene caracteres invisibles o de control (por ejemplo, marcas de "
    "dirección de escritura) que no se permiten. Escríbalo de nuevo sin pegarlo "
    "desde otro documento."
)


def has_hidden_characters(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` holds characters a reader cannot see but that change what
    is shown or stored: bidirectional overrides and isolates (U+202A-U+202E,
    U+2066-U+2069), direction marks (U+200E/U+200F, U+061C), zero-width and other
    format characters (Unicode category Cf), control characters (Cc) and lone
    surrogates (Cs). The one check for the wizard's and the filings' answers."""
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cf", "Cs"):
            return True
        if category == "Cc" and not (multiline and char in MULTILINE_CONTROLS):
            return True
    return False


def validate_visible_text(value: str) -> None:
    if has_hidden_characters(value):
        raise ValidationError(HIDDEN_CHARACTERS_MESSAGE, code="hidden_characters")


def validate_visible_multiline_text(value: str) -> None:
    if has_hidden_characters(value, multiline=True):
        raise ValidationError(HIDDEN_CHARACTERS_MESSAGE, code="hidden_characters")


def ascii_digits(value: str) -> str:
    """Full-width and other Unicode digits to ASCII; Arabic-Indic ones stay invalid."""
    return unicodedata.normalize("NFKC", value or "").strip()


MAX_MONEY = Decimal("1000000000000000")  # one thousand billion pesos
# Pesos as written in Colombia: thousands grouped with dots (or not grouped at all),
# up to two decimals after a comma.
MONEY = re.compile(r"(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]{1,2})?")


class MoneyField(forms.Field):
    """Pesos typed the Colombian way: 1.234.567 or 1.234.567,89 (also 1234567 and
    $ 1.234.567). A dot is only ever a thousands separator, so 1.5 is refused rather
    than read as fifteen pesos."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    error_kind = "money"  # catalog.form_errors: how to fix an empty one
    default_error_messages = {
        "invalid": _("Escriba un valor en pesos, p. ej. 1.500.000 o 1.500.000,50."),
    }

    def __init__(self, *, min_value=Decimal("0"), **kwargs):
        self.min_value = min_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or len(value) > 30:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        text = re.sub(r"\s|\$|COP", "", ascii_digits(value), flags=re.IGNORECASE)
        if not MONEY.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        integer, _sep, cents = text.partition(",")
        try:
            amount = Decimal(integer.replace(".", "") + ("." + cents if cents else ""))
        except InvalidOperation:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
        if amount < self.min_value:
            raise ValidationError(
                _("El valor no puede ser menor que %(min)s.") % {"min": self.min_value}
            )
        if amount >= MAX_MONEY:
            raise ValidationError(_("El valor es demasiado grande."))
        return amount


# How to fill in an empty answer of each kind an editor may choose that has a format
# of its own; the other kinds get the message of their field (catalog.form_errors).
REQUIRED_BY_KIND = {
    "cedula": _("Escriba el número de cédula, solo números."),
    "cedula_extranjeria": _(
        "Escriba el número de cédula de extranjería, solo números."
    ),
    "pasaporte": _("Escriba el número de pasaporte, con letras y números."),
    "identity": _("Escriba el número de documento, solo números."),
    "nit": _("Escriba el NIT con el dígito de verificación, p. ej. 900123456-7."),
    "chip": _("Escriba el CHIP del predio: 11 caracteres, p. ej. AAA0012ABCD."),
    "matricula_mercantil": _(
        "Escriba el número de la matrícula mercantil, solo números."
    ),
    "placa": _("Escriba la placa sin espacios, p. ej. ABC123."),
    "phone": _(
        "Escriba un celular de 10 dígitos o un fijo con indicativo, p. ej. 6013386000."
    ),
    "address": _(
        "Escriba la dirección con la nomenclatura de Bogotá, p. ej. «Calle 26 # 13-19»."
    ),
}


def _field(block: dict) -> forms.Field:
    kind = block["field_type"]
    common = {
        "label": block["label"],
        "required": block.get("required", True),
        "help_text": block.get("help_text", ""),
    }
    if kind in REQUIRED_BY_KIND:
        common["error_messages"] = {"required": REQUIRED_BY_KIND[kind]}
    if kind == "long_text":
        return forms.CharField(
            max_length=3000,
            widget=forms.Textarea(attrs={"rows": 4}),
            validators=[validate_visible_multiline_text],
            **common,
        )
    if kind == "number":
        return forms.IntegerField(min_value=0, max_value=10**12, **common)
    if kind == "money":
        return MoneyField(**common)
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    if kind == "choice":
        choices = [("", _("Seleccione…"))] + [
            (c, c) for c in block.get("choices") or []
        ]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "yes_no":
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == "email":
        return forms.EmailField(max_length=254, **common)
    if kind == "phone":
        return forms.CharField(max_length=20, validators=[validate_phone], **common)
    if kind == "address":
        return forms.CharField(
            max_length=200,
            validators=[validate_visible_text, validate_bogota_address],
            **common,
        )
    if kind in IDENTIFIER_TYPES:
        validator, length = IDENTIFIER_TYPES[kind]
        return NormalizedCharField(max_length=length, validators=[validator], **common)
    if kind == "nit":
        return forms.CharField(max_length=20, validators=[validate_nit], **common)
    if kind == "identity":
        return forms.CharField(
            max_length=20,
            validators=[validate_identity_number],
            **common,
        )
    return forms.CharField(max_length=300, validators=[validate_visible_text], **common)


# Parsed online forms by their stored content (see form_definition); bounded.
_DEFINITIONS: dict[str, tuple] = {}
MAX_DEFINITIONS = 1024


def form_definition(procedure) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """The procedure's questions and documents as plain dicts, parsed from their
    StreamFields once per process and form content rather than on every request
    (converting the blocks is most of a form's cost). Keyed by the raw JSON, not by
    the revision id: a preview or an editor's unsaved change is never served a
    stale form."""
    streams = (procedure.online_form, procedure.required_documents)

    def parse():
        return tuple(tuple(dict(block.value) for block in stream) for stream in streams)

    if not all(hasattr(stream, "raw_data") for stream in streams):
        return parse()  # Not a StreamValue (a page built in memory): nothing to key.
    key = json.dumps(
        [list(stream.raw_data) for stream in streams], sort_keys=True, default=str
    )
    definition = _DEFINITIONS.get(key)
    if definition is None:
        definition = parse()
        if len(_DEFINITIONS) >= MAX_DEFINITIONS:
            _DEFINITIONS.clear()
        _DEFINITIONS[key] = definition
    return definition


class FilingForm(forms.Form):
    """Answers, documents and the privacy notice; every field prefixed by what it is."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    accept_privacy = forms.BooleanField(
        label=_(
            "He leído y acepto el aviso de privacidad y el tratamiento de mis datos para este trámite."
        ),
        error_messages={
            "required": _("Debe aceptar el aviso de privacidad para radicar.")
        },
    )

    def __init__(self, procedure, *args, applicant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.applicant = applicant
        # The applicant block: prefilled, and a value not sent at all is the known one
        # (a fact already given is never asked twice).
        self.applicant_initial = applicant_block.applicant_initial(applicant)
        self.applicant_names = []
        for name, field in applicant_block.applicant_fields().items():
            self.fields[name] = field
            self.applicant_names.append(name)
        self.initial.update(self.applicant_initial)
        if self.is_bound:
            self.data = self.data.copy()
            for name, value in self.applicant_initial.items():
                if name not in self.data and value:
                    self.data[name] = value
        self.conditions = {
            name: ("solicitante_actua", [applicant_block.ACTS_COMPANY])
            for name in applicant_block.COMPANY_ONLY
        }
        self.question_names = []
        questions, documents = form_definition(procedure)
        for question in questions:
            spec = dict(question)
            name = f"q_{spec['name']}"
            self.fields[name] = _field(spec)
            self.question_names.append(name)
            parent = (spec.get("show_if_field") or "").strip()
            if parent:
                values = [
                    line.strip()
                    for line in (spec.get("show_if_values") or "").splitlines()
                    if line.strip()
                ]
                self.conditions[name] = (f"q_{parent}", values)
        self.hidden_questions = self._hidden_questions() if self.is_bound else set()
        for name in self.hidden_questions:
            self.fields[name].required = False
        self.document_specs = {}
        for index, document in enumerate(documents):
            spec = dict(document)
            name = f"doc_{index}"
            self.fields[name] = forms.FileField(
                label=spec["name"],
                required=spec.get("required", True),
                help_text=self._document_help(spec, describe(spec["formats"])),
                widget=forms.ClearableFileInput(
                    attrs={"accept": accept_attribute(spec["formats"])}
                ),
            )
            self.document_specs[name] = spec
        # The privacy notice last, as on the page (the error summary follows this order).
        self.fields["accept_privacy"] = self.fields.pop("accept_privacy")
        fix_messages(self, applicant_block.APPLICANT_MESSAGES)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())

    @staticmethod
    def _document_help(spec: dict, formats: str) -> str:
        text = _("Formatos: %(formats)s. Máximo %(mb)s MB.") % {
            "formats": formats,
            "mb": spec["max_size_mb"],
        }
        if spec.get("validity"):
            text = f"{text} {_('Vigencia:')} {spec['validity']}."
        return text

    def _hidden_questions(self) -> set[str]:
        """Questions whose "show if" is not met by the submitted answers (chained:
        a question under a hidden one is hidden too)."""
        hidden: set[str] = set()
        for name in [*self.applicant_names, *self.question_names]:
            condition = self.conditions.get(name)
            if condition is None:
                continue
            parent, values = condition
            if parent in hidden or parent not in self.fields:
                hidden.add(name)
                continue
            raw = self[parent].data
            if isinstance(raw, (list, tuple)):
                raw = raw[0] if raw else ""
            if str(raw or "").strip() not in values:
                hidden.add(name)
        return hidden

    def condition_attrs(self, name: str) -> dict:
        """The data attributes the show-if script reads, for one question."""
        condition = self.conditions.get(name)
        if condition is None:
            return {}
        parent, values = condition
        field = self.fields.get(parent)
        choices = dict(getattr(field, "choices", None) or [])
        hint = _("Responda solo si en «%(question)s» respondió: %(answers)s.") % {
            "question": field.label if field else parent,
            "answers": " / ".join(str(choices.get(v, v)) for v in values),
        }
        return {"field": parent, "values": "\n".join(values), "hint": hint}

    def clean(self):
        data = super().clean()
        for name in self.hidden_questions:
            # A hidden question is not asked: its answer (even an invalid one) is dropped.
            self._errors.pop(name, None)
            data.pop(name, None)
        if data.get("solicitante_numero_documento"):
            try:
                data["solicitante_numero_documento"] = applicant_block.clean_document(
                    data
                )
            except ValidationError as error:
                self.add_error("solicitante_numero_documento", error)
        self.validated_documents = []
        for name, spec in self.document_specs.items():
            uploaded = data.get(name)
            if not uploaded:
                continue
            try:
                self.validated_documents.append(
                    validate_upload(
                        uploaded,
                        requirement=spec["name"],
                        formats=spec["formats"],
                        max_size_mb=spec["max_size_mb"],
                    )
                )
            except ValidationError as error:
                self.add_error(name, error)
        return data

    def answers(self) -> dict:
        """The answers as JSON-ready values, keyed by the editor's stable names; the
        applicant block first, under its "solicitante_" names."""
        values = {}
        for name in self.applicant_names:
            value = self.cleaned_data.get(name)
            if name in self.hidden_questions or name == applicant_block.CONSENT:
                continue
            if value not in (None, ""):
                values[name] = str(value)
        for name in self.question_names:
            if name in self.hidden_questions:
                continue
            value = self.cleaned_data.get(name)
            if value is None or value == "":
                continue
            values[name.removeprefix("q_")] = (
                value.isoformat() if hasattr(value, "isoformat") else str(value)
            )
        return values

    def profile_changes(self) -> dict:
        """Applicant values that differ from the profile (to save only with consent)."""
        visible = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.hidden_questions
        }
        return applicant_block.changed_values(visible, self.applicant_initial)

    @property
    def wants_profile_update(self) -> bool:
        return bool(self.cleaned_data.get(applicant_block.CONSENT))

    def applicant_rows(self):
        return self._rows(self.applicant_names)

    def question_rows(self):
        return self._rows(self.question_names)

    def _rows(self, names):
        rows = []
        for name in names:
            bound = self[name]
            bound.show_if = self.condition_attrs(name)
            rows.append(bound)
        return rows

    def document_rows(self):
        return [self[name] for name in self.document_specs]


# The page's version of the case, stale when the case changed since it was shown.
STALE_PAGE = _(
    "El trámite cambió mientras respondía: recargue la página y envíe su respuesta de nuevo."
)
VERSION_MESSAGES = {
    "required": STALE_PAGE,
    "invalid": STALE_PAGE,
    "min_value": STALE_PAGE,
}


class AnswerForm(FixMessagesMixin, forms.Form):
    """The citizen's answer to an information request: the text, one upload per
    document the entity asked for (each in the formats and size it is taken in),
    and, if needed, one more document."""

    field_messages = {
        "version": VERSION_MESSAGES,
        "answer": _(
            "Escriba su respuesta a lo que le pide la entidad, o explique por qué adjunta el documento."
        ),
    }

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    answer = forms.CharField(
        label=_("Su respuesta"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_visible_multiline_text],
        error_messages={
            "required": _(
                "Escriba su respuesta a la entidad, aunque solo adjunte documentos."
            )
        },
    )

    EXTRA_DOCUMENT = "Respuesta a la solicitud de información"
    EXTRA_MAX_MB = 10

    def __init__(self, *args, requested_documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.document_specs = {}
        for index, spec in enumerate(requested_documents):
            name = f"requested_{index}"
            formats = describe(spec["formats"])
            self.fields[name] = forms.FileField(
                label=spec["name"],
                help_text=_("Formatos: %(formats)s. Máximo %(mb)s MB.")
                % {"formats": formats, "mb": spec["max_size_mb"]},
                widget=forms.ClearableFileInput(
                    attrs={"accept": accept_attribute(spec["formats"])}
                ),
                error_messages={
                    "required": _(
                        "Adjunte «%(document)s»: la entidad lo pidió. Se recibe en "
                        "%(formats)s."
                    )
                    % {"document": spec["name"], "formats": formats}
                },
            )
            self.document_specs[name] = spec
        self.fields["document"] = forms.FileField(
            label=(
                _("Otro documento (opcional)")
                if self.document_specs
                else _("Documento (opcional)")
            ),
            required=False,
            help_text=_("Formatos: %(formats)s. Máximo %(mb)s MB.")
            % {"formats": describe(ALL_FORMATS), "mb": self.EXTRA_MAX_MB},
            widget=forms.ClearableFileInput(
                attrs={"accept": accept_attribute(ALL_FORMATS)}
            ),
        )
        # The upload fields are added after the mixin's pass: word theirs too.
        fix_messages(self, self.field_messages)

    def requested_rows(self):
        return [self[name] for name in self.document_specs]

    def clean(self):
        data = super().clean()
        self.validated_documents = []
        uploads = [
            (name, spec["name"], spec["formats"], spec["max_size_mb"])
            for name, spec in self.document_specs.items()
        ]
        uploads.append(
            ("document", self.EXTRA_DOCUMENT, ALL_FORMATS, self.EXTRA_MAX_MB)
        )
        for name, requirement, formats, max_size_mb in uploads:
            if not data.get(name):
                continue
            try:
                self.validated_documents.append(
                    validate_upload(
                        data[name],
                        requirement=requirement,
                        formats=formats,
                        max_size_mb=max_size_mb,
                    )
                )
            except ValidationError as error:
                self.add_error(name, error)
        return data


class CitizenExtensionForm(FixMessagesMixin, forms.Form):
    """The citizen asks for the one extension of the month to answer (Ley 1755 art. 17)."""

    field_messages = {"version": VERSION_MESSAGES}

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class IrregularityReportForm(FixMessagesMixin, forms.Form):
    """A citizen's report of an irregularity on their case: what kind, what happened."""

    field_messages = {
        "category": _("Elija qué tipo de irregularidad quiere reportar."),
        "text": {
            "required": _(
                "Cuente qué pasó: quién, cuándo y qué le pidieron o dijeron."
            ),
            "min_length": _(
                "Cuente con más detalle qué pasó: escriba al menos %(limit_value)d caracteres (ahora tiene %(show_value)d)."
            ),
            "max_length": _(
                "Resuma su relato: escriba como máximo %(limit_value)d caracteres (ahora tiene %(show_value)d)."
            ),
        },
        "submission_token": STALE_PAGE,
    }

    category = forms.ChoiceField(
        label=_("¿Qué pasó?"),
        choices=IrregularityReport.Category.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Cuéntenos qué pasó"),
        help_text=_(
            "Quién le pidió algo o le dio una explicación, cuándo y cómo (en persona, "
            "por teléfono, por correo). No escriba datos de otras personas que no "
            "sean necesarios."
        ),
        min_length=IrregularityReport.TEXT_MIN,
        max_length=IrregularityReport.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_visible_multiline_text],
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())
