"""Asked once, used everywhere: which answers each procedure receives, worded for the
officer who reads the case, and which uploaded documents go to which procedure."""

import datetime
from decimal import Decimal

from django.utils.formats import date_format

from . import ciiu, steps

# Procedures whose page defines an online form receive its own field names.
FORM_FIELDS = {
    "F02": {
        "direccion_predio": "direccion",
        "chip": "chip",
        "actividad": "ciiu",
        "fecha_inicio": "fecha_inicio",
    },
}

APPLICANT = ("tipo", "doc_tipo", "doc_numero", "nit", "nombre", "telefono")
BUSINESS = ("razon_social", "ciiu", "direccion", "localidad")
SHOP = ("nombre_establecimiento", "direccion", "localidad", "ciiu")
STAFF = ("razon_social", "num_empleados", "fecha_primer_contrato")

PROCEDURE_ANSWERS = {
    "F01": ("razon_social", "tipo", "nombre_establecimiento"),
    "F03": APPLICANT + BUSINESS + ("activos", "fecha_inicio"),
    "F04": APPLICANT
    + BUSINESS
    + (
        "activos",
        "num_accionistas",
        "capital_suscrito",
        "capital_pagado",
        "estatutos_modelo",
    ),
    "F05": SHOP + ("razon_social", "chip", "activos"),
    "F06": ("razon_social", "num_accionistas"),
    "F07": ("razon_social", "tipo", "capital_suscrito", "num_accionistas"),
    "F08": APPLICANT + BUSINESS,
    "F09": BUSINESS + ("fecha_inicio", "ingresos_estimados", "doc_tipo", "doc_numero"),
    "F10": ("razon_social", "ciiu", "obligado_facturar"),
    "F11": ("razon_social", "obligado_facturar"),
    "F12": ("razon_social", "ciiu", "ingresos_estimados", "opta_simple"),
    "F13": ("razon_social", "num_accionistas", "nombre", "doc_numero"),
    "F14": SHOP + ("razon_social", "horario", "telefono"),
    "F15": SHOP + ("area_m2",),
    "F16": SHOP + ("interes_sanitario", "razon_social"),
    "F17": SHOP + ("chip", "aviso_exterior"),
    "F18": SHOP + ("impactos_ambientales", "razon_social"),
    "F19": SHOP + ("area_m2", "musica_publica"),
    "F20": BUSINESS + ("servicio_turistico", "ingresos_estimados"),
    "F21": STAFF + ("nomina_mensual", "caja"),
    "F22": STAFF + ("eps",),
    "F23": STAFF + ("fondo_pensiones",),
    "F24": STAFF + ("clase_riesgo", "arl"),
    "F25": STAFF + ("nomina_mensual", "arl", "caja", "eps", "fondo_pensiones"),
}

# Affiliations whose administrator the person chose in the wizard (none is
# pre-selected): the procedure it feeds and the answer that names it. The
# application shows this choice, not the catalog page's default entity.
CHOSEN_ADMINISTRATOR = {
    "F21": "caja",
    "F22": "eps",
    "F23": "fondo_pensiones",
    "F24": "arl",
}
AFFILIATION_KEYS = ("clase_riesgo", "arl", "caja", "eps", "fondo_pensiones")

DOCUMENT_TARGETS = {
    "documento_identidad": ("F03", "F04"),
    "estatutos": ("F04",),
    "diseno_aviso": ("F17",),
}


def _fields():
    fields = {}
    for step in steps.STEPS:
        fields.update(step.form.base_fields)
    return fields


def display(key: str, value) -> str:
    """An answer as the officer reads it: labels for choices, Colombian formats."""
    field = _fields().get(key)
    if value is None or value == "":
        return ""
    if key == "ciiu":
        activity = ciiu.activities().get(value)
        return activity.label if activity else str(value)
    if isinstance(value, bool):
        return "Sí" if value else "No"
    if isinstance(value, Decimal):
        return "$ " + f"{value:,.2f}".replace(",", "X").replace(".", ",").replace(
            "X", "."
        ).removesuffix(",00")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def chosen_administrator(code: str, answers: dict) -> str:
    """The administrator the applicant chose for ``code`` ('' if none applies)."""
    key = CHOSEN_ADMINISTRATOR.get(code)
    return display(key, answers.get(key)) if key else ""


def affiliation_choices(answers: dict) -> list[tuple[str, str]]:
    """(label, chosen value) of each social-security choice that was answered."""
    return [
        (label(key), display(key, answers[key]))
        for key in AFFILIATION_KEYS
        if answers.get(key)
    ]


def label(key: str) -> str:
    field = _fields().get(key)
    return str(field.label) if field is not None else key


def case_answers(code: str, answers: dict, *, application_radicado: str) -> dict:
    """The answers one procedure's case receives, keyed as its officers read them."""
    result = {"Solicitud de formalización": application_radicado}
    if code in FORM_FIELDS:
        for name, key in FORM_FIELDS[code].items():
            if key in answers:
                result[name] = display(key, answers[key])
        return result
    for key in PROCEDURE_ANSWERS.get(code, ()):
        if key in answers:
            result[label(key)] = display(key, answers[key])
    return result


def serializable(answers: dict) -> dict:
    """The answers as JSON: dates in ISO form, amounts as strings."""
    out = {}
    for key, value in answers.items():
        if isinstance(value, datetime.date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        elif hasattr(value, "read"):
            continue
        else:
            out[key] = value
    return out
