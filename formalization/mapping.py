"""Asked once, used everywhere: the answers each procedure receives (listed in its
registry entry), worded for the officer who reads the case."""

import datetime
from decimal import Decimal

from catalog.formatting import format_cop, format_date

from . import ciiu, registry, steps

# The social-security choices shown together on the summary and the receipt.
AFFILIATION_KEYS = ("clase_riesgo", "arl", "caja", "eps", "fondo_pensiones")


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
        return format_cop(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def chosen_administrator(code: str, answers: dict) -> str:
    """The administrator the applicant chose for ``code`` ('' if none applies)."""
    procedure = registry.BY_CODE.get(code)
    key = procedure.administrator if procedure else ""
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
    procedure = registry.BY_CODE.get(code)
    if procedure is None:
        return result
    if procedure.form_fields:
        for name, key in procedure.form_fields:
            if key in answers:
                result[name] = display(key, answers[key])
        return result
    for key in procedure.answers:
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
