"""The wizard's step forms. Each receives the answers of the earlier steps, so checks
that span steps (a SAS name, a tourism activity, capital against assets) live in the
form that asks the later question and are re-run when an earlier answer changes."""

import datetime
import re
import unicodedata
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stdnum.co import nit as co_nit

from accounts.identity import NIT_MESSAGE, document_normalize, nit_is_valid
from accounts.models import ApplicantProfile
from catalog.date_input import DayMonthYearField
from catalog.document_formats import accept_attribute, describe
from catalog.form_errors import fix_messages
from catalog.formatting import format_cop
from procedures.forms import (
    MoneyField,
    has_hidden_characters,
    validate_bogota_address,
    validate_phone,
)
from procedures.forms import ascii_digits as _digits
from procedures.uploads import validate_upload

from . import ciiu, fees, names, rules
from .registry import DOCUMENTS, needed_documents

YES_NO = [("si", _("Sí")), ("no", _("No"))]

LOCALIDADES = [
    (slug, label)
    for slug, label in [
        ("usaquen", "Usaquén"),
        ("chapinero", "Chapinero"),
        ("santa-fe", "Santa Fe"),
        ("san-cristobal", "San Cristóbal"),
        ("usme", "Usme"),
        ("tunjuelito", "Tunjuelito"),
        ("bosa", "Bosa"),
        ("kennedy", "Kennedy"),
        ("fontibon", "Fontibón"),
        ("engativa", "Engativá"),
        ("suba", "Suba"),
        ("barrios-unidos", "Barrios Unidos"),
        ("teusaquillo", "Teusaquillo"),
        ("los-martires", "Los Mártires"),
        ("antonio-narino", "Antonio Nariño"),
        ("puente-aranda", "Puente Aranda"),
        ("la-candelaria", "La Candelaria"),
        ("rafael-uribe-uribe", "Rafael Uribe Uribe"),
        ("ciudad-bolivar", "Ciudad Bolívar"),
        ("sumapaz", "Sumapaz"),
    ]
]

TOURISM = [
    ("ninguno", _("No presta servicios turísticos")),
    ("alojamiento", _("Alojamiento (hotel, hostal, vivienda turística)")),
    ("agencia_viajes", _("Agencia de viajes")),
    ("guia", _("Guía de turismo")),
    ("gastronomia", _("Restaurante o bar")),
    ("otro", _("Otro prestador de servicios turísticos")),
]

ENVIRONMENTAL = [
    ("vertimientos", _("Vertimientos no domésticos (aguas de proceso, lavado)")),
    ("respel", _("Residuos peligrosos (químicos, tintes, baterías)")),
    ("aceites", _("Aceites usados (cocina o motor)")),
    ("emisiones", _("Emisiones atmosféricas (hornos, chimeneas, pintura)")),
]

ARL = [
    ("positiva", "Positiva"),
    ("sura", "Sura"),
    ("colmena", "Colmena"),
    ("bolivar", "Seguros Bolívar"),
    ("axa", "AXA Colpatria"),
    ("equidad", "La Equidad"),
    ("alfa", "Seguros Alfa"),
]
CAJAS = [
    ("compensar", "Compensar"),
    ("cafam", "Cafam"),
    ("colsubsidio", "Colsubsidio"),
    ("comfacundi", "Comfacundi"),
]
EPS = [
    ("nueva-eps", "Nueva EPS"),
    ("sanitas", "Sanitas"),
    ("sura", "Sura"),
    ("compensar", "Compensar"),
    ("famisanar", "Famisanar"),
    ("salud-total", "Salud Total"),
    ("aliansalud", "Aliansalud"),
    ("capital-salud", "Capital Salud"),
]
PENSIONES = [
    ("colpensiones", "Colpensiones"),
    ("porvenir", "Porvenir"),
    ("proteccion", "Protección"),
    ("colfondos", "Colfondos"),
    ("skandia", "Skandia"),
]
RISK_CLASSES = [
    (str(n), f"{_('Clase')} {roman}")
    for n, roman in enumerate(["I", "II", "III", "IV", "V"], 1)
]

CHIP = re.compile(r"^AAA\d{4}[A-Z0-9]{4}$")


def yes_no(label, **kwargs):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "si",
        widget=forms.RadioSelect,
        **kwargs,
    )


# Day, month and year boxes (catalog/date_input.py), shared with the filing forms.
DateField = DayMonthYearField


class StepForm(forms.Form):
    """A wizard step: knows the earlier answers and the draft it belongs to. Its
    messages say how to fix each field: ``field_messages`` for the fields a step knows
    best, the field's kind for the rest (catalog.form_errors); a step that adds fields
    in its ``__init__`` calls ``fix_messages`` again."""

    required_css_class = "required"
    field_messages: dict = {}

    def __init__(self, *args, answers=None, draft=None, **kwargs):
        self.answers = answers or {}
        self.draft = draft
        super().__init__(*args, **kwargs)
        fix_messages(self, self.field_messages)

    @property
    def question_count(self) -> int:
        return len(self.fields)

    def known_rows(self) -> list[tuple[str, str]]:
        """Answers this step takes from the profile instead of asking them."""
        return []


PERSONAL_DOCUMENTS = {"CC", "CE", "PA"}


def profile_known(draft) -> dict:
    """The applicant answers the account already holds, from a profile confirmed at
    sign-up (a verified e-mail): they are not asked again. A company's NIT profile
    names no person, so it prefills nothing. Read once per draft and request."""
    if draft is None:
        return {}
    if not hasattr(draft, "_profile_known"):
        profile = (
            ApplicantProfile.objects.filter(user_id=draft.owner_id)
            .select_related("user")
            .first()
        )
        known = {}
        if profile is not None and profile.email_verified_at:
            user = profile.user
            if user.first_name.strip() and user.last_name.strip():
                known["nombre"] = re.sub(r"\s+", " ", user.get_full_name()).strip()
            if profile.document_type in PERSONAL_DOCUMENTS:
                known["doc_tipo"] = profile.document_type
                known["doc_numero"] = profile.document_number
            if profile.phone:
                known["telefono"] = profile.phone
        draft._profile_known = known
    return draft._profile_known


class ApplicantForm(StepForm):
    """Who applies. What the profile already knows (name, document, phone) is shown,
    not asked: it changes in the profile, and the answers still carry it."""

    field_messages = {
        "tipo": _("Elija si se formaliza como persona natural o como SAS."),
        "doc_tipo": _("Elija el tipo de documento."),
        "doc_numero": _("Escriba su número de documento, solo números."),
        "nombre": _("Escriba su nombre completo, como aparece en su documento."),
        "fecha_nacimiento": _(
            "Escriba su fecha de nacimiento con día, mes y año, por ejemplo 15 3 1990."
        ),
        "telefono": _(
            "Escriba un teléfono de contacto: celular de 10 dígitos o fijo con indicativo."
        ),
    }
    tipo = forms.ChoiceField(
        label=_("¿Cómo va a formalizar su negocio?"),
        choices=[
            ("persona_natural", _("Como persona natural comerciante")),
            ("sas", _("Como sociedad por acciones simplificada (SAS)")),
        ],
        widget=forms.RadioSelect,
    )
    doc_tipo = forms.ChoiceField(
        label=_("Tipo de documento"),
        choices=[
            ("CC", _("Cédula de ciudadanía")),
            ("CE", _("Cédula de extranjería")),
            ("PA", _("Pasaporte")),
        ],
        help_text=_("De usted, o del representante legal si es una SAS."),
    )
    doc_numero = forms.CharField(label=_("Número de documento"), max_length=20)
    nombre = forms.CharField(
        label=_("Nombre completo"),
        max_length=120,
        min_length=3,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    fecha_nacimiento = DateField(
        label=_("Fecha de nacimiento"),
        help_text=_(
            "Sirve para saber si aplica el beneficio de la Ley 1780 de 2016 (jóvenes de 18 a 35 años)."
        ),
    )
    nit = forms.CharField(
        label=_("NIT, si ya tiene RUT (opcional)"),
        max_length=20,
        required=False,
        help_text=_(
            "Con dígito de verificación, p. ej. 1020304050-1. Si no tiene RUT, la "
            "Cámara de Comercio se lo asigna."
        ),
    )
    telefono = forms.CharField(
        label=_("Teléfono de contacto"),
        max_length=20,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = profile_known(self.draft)
        for name in self.known:
            del self.fields[name]

    def known_rows(self) -> list[tuple[str, str]]:
        rows = []
        for name, value in self.known.items():
            field = self.base_fields[name]
            choices = dict(getattr(field, "choices", None) or ())
            rows.append((field.label, str(choices.get(value, value))))
        return rows

    def clean_nombre(self):
        name = unicodedata.normalize("NFC", self.cleaned_data["nombre"]).strip()
        if has_hidden_characters(name) or any(
            unicodedata.category(ch) == "So" for ch in name
        ):
            raise ValidationError(
                _("Escriba el nombre solo con letras, espacios, puntos o guiones.")
            )
        return re.sub(r"\s+", " ", name)

    def clean(self):
        data = super().clean()
        data.update(self.known)
        kind, number = data.get("doc_tipo"), _digits(data.get("doc_numero", ""))
        if kind and number:
            # The sign-up rules (accounts/identity.py), so a profile prefills this step.
            try:
                compact = document_normalize(kind, number)
            except ValidationError as error:
                self.add_error("doc_numero", error)
            else:
                if compact.lstrip("0") == "":
                    self.add_error(
                        "doc_numero", _("El número de documento no es válido.")
                    )
                else:
                    data["doc_numero"] = compact
        nit = re.sub(r"[\s.]", "", _digits(data.get("nit", "")))
        if nit:
            if not nit_is_valid(nit):
                self.add_error("nit", NIT_MESSAGE)
            elif (
                kind == "CC"
                and self.answers.get("tipo", data.get("tipo")) == "persona_natural"
                and co_nit.compact(nit)[:-1] != data.get("doc_numero")
            ):
                self.add_error(
                    "nit",
                    _(
                        "El NIT de una persona natural es su cédula más el dígito de verificación."
                    ),
                )
            else:
                data["nit"] = co_nit.format(nit)
        born = data.get("fecha_nacimiento")
        if born:
            today = timezone.localdate()
            age = (
                today.year
                - born.year
                - ((today.month, today.day) < (born.month, born.day))
            )
            if age < 18:
                self.add_error(
                    "fecha_nacimiento",
                    _("Quien solicita debe ser mayor de edad (18 años o más)."),
                )
            elif age > 120:
                self.add_error("fecha_nacimiento", _("Revise el año de nacimiento."))
        return data


class CompanyForm(StepForm):
    num_accionistas = forms.IntegerField(
        label=_("Número de accionistas"),
        min_value=1,
        max_value=1000,
        help_text=_(
            "Con un solo accionista se inscribe además la situación de control."
        ),
    )
    jovenes_mayoria = yes_no(
        _(
            "¿Personas de 18 a 35 años tienen al menos la mitad más una de las acciones?"
        ),
        help_text=_("Ley 1780 de 2016: exención de la matrícula mercantil."),
    )
    capital_suscrito = MoneyField(label=_("Capital suscrito (pesos)"))
    capital_pagado = MoneyField(label=_("Capital pagado (pesos)"))
    estatutos_modelo = yes_no(
        _("¿Usará los estatutos modelo de la Cámara de Comercio?"),
        help_text=_("Si responde «No», deberá adjuntar sus propios estatutos."),
    )

    def clean(self):
        data = super().clean()
        subscribed, paid = data.get("capital_suscrito"), data.get("capital_pagado")
        if subscribed is not None and paid is not None and paid > subscribed:
            self.add_error(
                "capital_pagado",
                _("El capital pagado no puede ser mayor que el capital suscrito."),
            )
        return data


class BusinessForm(StepForm):
    field_messages = {
        "razon_social": _(
            "Escriba el nombre que propone para la empresa; si es una SAS, terminado en «S.A.S.»."
        ),
        "ciiu": _(
            "Escriba el código CIIU o parte de la descripción y elija su actividad de la lista."
        ),
    }
    razon_social = forms.CharField(
        label=_("Nombre propuesto para la empresa"),
        max_length=150,
        min_length=2,
        help_text=_("Se verifica que no esté registrado ya en la plataforma."),
    )
    ciiu = forms.CharField(
        label=_("Actividad económica (CIIU)"),
        max_length=250,
        help_text=_(
            "Escriba el código o parte de la descripción y elija de la lista, p. ej. «5611 — Expendio a la mesa de comidas preparadas»."
        ),
        widget=forms.TextInput(attrs={"list": "ciiu-lista", "autocomplete": "off"}),
    )
    activos = MoneyField(
        label=_("Activos totales (pesos)"),
        help_text=_(
            "Con este valor se liquida la matrícula mercantil (Decreto 045 de 2024)."
        ),
    )
    ingresos_estimados = MoneyField(
        label=_("Ingresos anuales estimados (pesos)"),
        help_text=_(
            "Para estimar el ICA y saber si aplica el Registro Nacional de Turismo."
        ),
    )
    fecha_inicio = DateField(label=_("Fecha prevista de inicio de actividades"))

    def clean_razon_social(self):
        name = re.sub(
            r"\s+", " ", unicodedata.normalize("NFC", self.cleaned_data["razon_social"])
        ).strip()
        if has_hidden_characters(name):
            raise ValidationError(_("El nombre tiene caracteres no permitidos."))
        if not names.name_key(name):
            raise ValidationError(_("Escriba un nombre con letras o números."))
        if not names.name_available(name, exclude_draft=self.draft):
            raise ValidationError(
                _(
                    "Ya hay una empresa registrada en la plataforma con ese nombre. Proponga otro."
                )
            )
        return name

    def clean_ciiu(self):
        activity = ciiu.lookup(self.cleaned_data["ciiu"])
        if activity is None:
            raise ValidationError(
                _("Elija una actividad de la lista CIIU (p. ej. «4711»).")
            )
        return activity.code

    def clean(self):
        data = super().clean()
        name = data.get("razon_social")
        if (
            name
            and self.answers.get("tipo") == "sas"
            and not names.has_sas_suffix(name)
        ):
            self.add_error(
                "razon_social",
                _(
                    "El nombre de una SAS debe terminar en «S.A.S.» (Ley 1258 de 2008, art. 5)."
                ),
            )
        assets, paid = data.get("activos"), self.answers.get("capital_pagado")
        if assets is not None and paid is not None and assets < paid:
            self.add_error(
                "activos", _("Los activos no pueden ser menores que el capital pagado.")
            )
        start = data.get("fecha_inicio")
        if start and start < timezone.localdate() - datetime.timedelta(days=365):
            self.add_error(
                "fecha_inicio",
                _("La fecha de inicio no puede ser de hace más de un año."),
            )
        return data


class LocationForm(StepForm):
    field_messages = {
        "direccion": _(
            "Escriba la dirección con la nomenclatura de Bogotá, p. ej. «Calle 26 # 13-19»."
        ),
        "localidad": _("Elija la localidad donde queda la dirección."),
    }
    direccion = forms.CharField(
        label=_("Dirección principal en Bogotá"),
        max_length=150,
        validators=[validate_bogota_address],
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    localidad = forms.ChoiceField(
        label=_("Localidad"), choices=[("", "—")] + LOCALIDADES
    )
    tiene_establecimiento = yes_no(
        _("¿Tendrá un local o establecimiento abierto al público?")
    )


class EstablishmentForm(StepForm):
    field_messages = {
        "nombre_establecimiento": _(
            "Escriba el nombre del establecimiento, como aparecerá en el aviso."
        ),
        "chip": _(
            "Escriba el CHIP del predio que aparece en el recibo del predial, p. ej. AAA0123ABCD."
        ),
        "horario": _(
            "Escriba los días y horas de atención, p. ej. «Lunes a sábado, 8:00 a 20:00»."
        ),
    }
    nombre_establecimiento = forms.CharField(
        label=_("Nombre del establecimiento"), max_length=150, min_length=2
    )
    chip = forms.CharField(
        label=_("CHIP del predio"),
        max_length=11,
        help_text=_("Aparece en el recibo del impuesto predial, p. ej. AAA0123ABCD."),
    )
    area_m2 = forms.IntegerField(
        label=_("Área del local (m²)"), min_value=1, max_value=100000
    )
    horario = forms.CharField(
        label=_("Horario de atención"),
        max_length=80,
        help_text=_(
            "P. ej. «Lunes a sábado, 8:00 a 20:00». Va en la comunicación de apertura a la Policía."
        ),
    )
    aviso_exterior = yes_no(_("¿Tendrá aviso exterior (letrero en la fachada)?"))

    def clean_chip(self):
        chip = _digits(self.cleaned_data["chip"]).replace(" ", "").upper()
        if not CHIP.match(chip):
            raise ValidationError(
                _("El CHIP tiene 11 caracteres y empieza por AAA, p. ej. AAA0123ABCD.")
            )
        return chip


class ActivityForm(StepForm):
    """Asked of every business: the sanitary and environmental procedures follow the
    activity, with or without premises open to the public (a bakery at home, a
    chemicals warehouse). Music for the public is asked only with premises."""

    interes_sanitario = yes_no(
        _(
            "¿Preparará o venderá alimentos, o prestará servicios de belleza, salud, hospedaje o piscina?"
        ),
        help_text=_(
            "También si lo hace desde su vivienda o una bodega. Determina la inscripción y el concepto sanitario de la Secretaría de Salud."
        ),
    )
    musica_publica = yes_no(
        _("¿Habrá música, radio o televisión para el público?"),
        help_text=_("Determina el certificado de derechos de autor (OSA)."),
    )
    impactos_ambientales = forms.MultipleChoiceField(
        label=_(
            "¿Su actividad genera alguno de estos impactos? (marque los que apliquen)"
        ),
        help_text=_("Con o sin local abierto al público."),
        choices=ENVIRONMENTAL,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.answers.get("tiene_establecimiento"):
            del self.fields["musica_publica"]

    def clean(self):
        data = super().clean()
        code = self.answers.get("ciiu", "")
        if data.get("interes_sanitario") is False and code.startswith(("10", "56")):
            self.add_error(
                "interes_sanitario",
                _(
                    "Su actividad CIIU %(code)s prepara o vende alimentos: responda «Sí»."
                )
                % {"code": code},
            )
        return data


class OperationForm(StepForm):
    servicio_turistico = forms.ChoiceField(
        label=_("¿Prestará servicios turísticos?"),
        choices=TOURISM,
        widget=forms.RadioSelect,
    )
    obligado_facturar = yes_no(
        _(
            "¿Venderá a empresas o será responsable de IVA (debe facturar electrónicamente)?"
        )
    )
    opta_simple = yes_no(
        _("¿Quiere inscribirse en el Régimen Simple de Tributación?"),
        help_text=_("Opcional: integra renta e ICA en un solo pago (DIAN)."),
    )

    def clean(self):
        data = super().clean()
        income = self.answers.get("ingresos_estimados")
        if data.get("opta_simple"):
            try:
                year = rules.current_year()
                eligible = rules.simple_eligible_income(income, year)
            except fees.ParameterMissing as missing:
                self.add_error("opta_simple", _money_missing(missing))
            else:
                if not eligible:
                    self.add_error(
                        "opta_simple",
                        _(
                            "Con ingresos estimados de %(income)s no puede inscribirse: el Régimen Simple es para ingresos inferiores a 100.000 UVT (%(ceiling)s en %(year)s). Responda «No» o revise los ingresos en el paso «El negocio»."
                        )
                        % {
                            "income": format_cop(income),
                            "ceiling": format_cop(
                                rules.simple_income_ceiling_cop(year)
                            ),
                            "year": year,
                        },
                    )
        code = self.answers.get("ciiu", "")
        if data.get("servicio_turistico") == "ninguno" and code in ciiu.TOURISM_CLASSES:
            self.add_error(
                "servicio_turistico",
                _(
                    "Su actividad CIIU %(code)s es turística: indique qué servicio presta."
                )
                % {"code": code},
            )
        return data


class EmployeesForm(StepForm):
    num_empleados = forms.IntegerField(
        label=_("¿Cuántos trabajadores contratará al empezar?"),
        min_value=0,
        max_value=10000,
        help_text=_("Escriba 0 si por ahora trabajará sin empleados."),
    )


def _choose(label, choices, required_message, **kwargs):
    """A choice that starts empty: nothing is chosen for the person."""
    return forms.ChoiceField(
        label=label,
        choices=[("", _("Elija una opción"))] + list(choices),
        error_messages={"required": required_message},
        **kwargs,
    )


def _money_missing(error) -> str:
    return _(
        "No se puede verificar este dato: falta el valor de %(name)s para %(year)s. Intente más tarde."
    ) % {"name": error.name.upper(), "year": error.year}


class AffiliationsForm(StepForm):
    """Every affiliation must be chosen by the person the law gives the choice to: the
    employer (ARL, caja, risk class by activity) or each worker (EPS, pension fund,
    Ley 100 de 1993, arts. 13 and 153). None is pre-selected."""

    nomina_mensual = MoneyField(
        label=_("Nómina mensual total (pesos)"), min_value=Decimal("1")
    )
    fecha_primer_contrato = DateField(label=_("Fecha de inicio del primer contrato"))
    clase_riesgo = _choose(
        _("Clase de riesgo laboral"),
        RISK_CLASSES,
        _("Elija la clase de riesgo de la actividad de sus trabajadores."),
        help_text=_(
            "I: oficina, comercio. III: restaurantes y talleres. V: construcción en altura."
        ),
    )
    arl = _choose(
        _("Administradora de riesgos laborales (ARL)"),
        ARL,
        _("Elija la ARL a la que afiliará a sus trabajadores."),
    )
    caja = _choose(
        _("Caja de compensación familiar"),
        CAJAS,
        _("Elija la caja de compensación a la que se afiliará como empleador."),
    )
    eps = _choose(
        _("EPS principal de sus trabajadores"),
        EPS,
        _("Elija la EPS que escogieron sus trabajadores."),
        help_text=_("La escoge cada trabajador (Ley 100 de 1993, art. 153)."),
    )
    fondo_pensiones = _choose(
        _("Fondo de pensiones principal"),
        PENSIONES,
        _("Elija el fondo de pensiones que escogieron sus trabajadores."),
        help_text=_(
            "Lo escoge cada trabajador: Colpensiones o un fondo privado (Ley 100 de 1993, art. 13)."
        ),
    )

    def clean(self):
        data = super().clean()
        payroll, people = (
            data.get("nomina_mensual"),
            self.answers.get("num_empleados") or 0,
        )
        if payroll is None or not people:
            return data
        try:
            minimum = fees.smmlv_for(rules.current_year())
        except fees.ParameterMissing as missing:
            self.add_error("nomina_mensual", _money_missing(missing))
            return data
        if payroll < people * minimum:
            self.add_error(
                "nomina_mensual",
                _("La nómina no alcanza un salario mínimo por trabajador (%(min)s).")
                % {"min": format_cop(minimum)},
            )
        return data


class DocumentsForm(StepForm):
    """Uploads go to the draft as soon as they pass; a field already on file is optional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        on_file = {}
        if self.draft is not None:
            on_file = {doc.requirement: doc for doc in self.draft.documents.all()}
        self.on_file = on_file
        self.validated = {}
        for name in needed_documents(self.answers):
            document, existing = DOCUMENTS[name], on_file.get(name)
            help_text = _("%(formats)s, máximo %(mb)s MB.") % {
                "formats": describe(document.formats),
                "mb": document.max_mb,
            }
            if existing:
                help_text = _(
                    "Ya cargado: %(name)s. Adjunte otro solo si quiere reemplazarlo."
                ) % {"name": existing.display_name}
            self.fields[name] = forms.FileField(
                label=document.label,
                required=existing is None,
                help_text=help_text,
                widget=forms.ClearableFileInput(
                    attrs={"accept": accept_attribute(document.formats)}
                ),
            )
        fix_messages(self)

    def clean(self):
        data = super().clean()
        for name in list(self.fields):
            uploaded = data.get(name)
            if uploaded:
                try:
                    self.validated[name] = validate_upload(
                        uploaded,
                        requirement=name,
                        formats=DOCUMENTS[name].formats,
                        max_size_mb=DOCUMENTS[name].max_mb,
                    )
                except ValidationError as error:
                    self.add_error(name, error)
        return data


class ReviewForm(StepForm):
    """No question: "Revise sus respuestas" lists every answer with a "Cambiar" link."""


class SummaryForm(StepForm):
    """No question: the summary of procedures and fees is shown above the button."""


class ConfirmForm(StepForm):
    acepta_aviso = forms.BooleanField(
        label=_(
            "He leído el aviso de privacidad y autorizo el tratamiento de mis datos para estos trámites."
        ),
        error_messages={
            "required": _("Debe aceptar el aviso de privacidad para continuar.")
        },
    )
    declara_veracidad = forms.BooleanField(
        label=_("Declaro que la información entregada es verdadera."),
        error_messages={
            "required": _("Debe declarar que la información es verdadera.")
        },
    )
