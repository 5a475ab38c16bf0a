"""The wizard as data: its steps in order, the form each shows, the procedures each
feeds and when each is shown. The view derives formtools' form list from this tuple."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import forms


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[forms.StepForm]
    feeds: tuple[str, ...] = ()
    condition: Callable[[dict], bool] | None = None

    def shown(self, answers: dict) -> bool:
        return self.condition is None or self.condition(answers)


def _is_sas(answers):
    return answers.get("tipo") == "sas"


def _has_shop(answers):
    return bool(answers.get("tiene_establecimiento"))


def _has_staff(answers):
    return (answers.get("num_empleados") or 0) > 0


STEPS = (
    Step(
        "solicitante",
        _("Quién solicita"),
        forms.ApplicantForm,
        feeds=("F01", "F03", "F04", "F08", "F09", "F21", "F24"),
    ),
    Step(
        "sociedad",
        _("La sociedad"),
        forms.CompanyForm,
        feeds=("F04", "F06", "F07", "F13"),
        condition=_is_sas,
    ),
    Step(
        "empresa",
        _("El negocio"),
        forms.BusinessForm,
        feeds=("F01", "F03", "F04", "F05", "F08", "F09", "F12", "F20"),
    ),
    Step(
        "ubicacion",
        _("Dónde opera"),
        forms.LocationForm,
        feeds=("F02", "F03", "F04", "F05", "F09", "F14"),
    ),
    Step(
        "establecimiento",
        _("El establecimiento"),
        forms.EstablishmentForm,
        feeds=("F02", "F05", "F14", "F15", "F17"),
        condition=_has_shop,
    ),
    # Every business: food, health and environmental procedures follow the activity,
    # with or without premises open to the public.
    Step(
        "actividad",
        _("Qué hace su negocio"),
        forms.ActivityForm,
        feeds=("F16", "F18", "F19"),
    ),
    Step(
        "operacion",
        _("Facturación, impuestos y turismo"),
        forms.OperationForm,
        feeds=("F10", "F11", "F12", "F20"),
    ),
    Step("empleados", _("Trabajadores"), forms.EmployeesForm, feeds=("F21", "F25")),
    Step(
        "afiliaciones",
        _("Seguridad social"),
        forms.AffiliationsForm,
        feeds=("F21", "F22", "F23", "F24", "F25"),
        condition=_has_staff,
    ),
    Step(
        "documentos",
        _("Documentos"),
        forms.DocumentsForm,
        feeds=("F03", "F04", "F17"),
    ),
    Step("resumen", _("Trámites y costos"), forms.SummaryForm),
    Step("confirmacion", _("Autorización y envío"), forms.ConfirmForm),
)

BY_SLUG = {step.slug: step for step in STEPS}
