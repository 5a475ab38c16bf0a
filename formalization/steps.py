"""The wizard as data: its steps in order, the form each shows and when each is shown.
The wizard view (views.FormalizationWizard, through progress.Progress) walks this
tuple: a step shows when its condition holds for the answers before it. Which
procedures a step feeds follows from the registry (the answers each procedure
receives), not from a list here."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import forms, registry


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[forms.StepForm]
    condition: Callable[[dict], bool] | None = None

    def shown(self, answers: dict) -> bool:
        return self.condition is None or self.condition(answers)

    @property
    def feeds(self) -> tuple[str, ...]:
        """The procedures whose cases receive an answer of this step."""
        asked = set(self.form.base_fields)
        return tuple(
            p.code
            for p in registry.PROCEDURES
            if asked & {*p.answers, *(key for _name, key in p.form_fields)}
        )


def _is_sas(answers):
    return answers.get("tipo") == "sas"


def _has_shop(answers):
    return bool(answers.get("tiene_establecimiento"))


def _has_staff(answers):
    return (answers.get("num_empleados") or 0) > 0


STEPS = (
    Step("solicitante", _("Quién solicita"), forms.ApplicantForm),
    Step("sociedad", _("La sociedad"), forms.CompanyForm, condition=_is_sas),
    Step("empresa", _("El negocio"), forms.BusinessForm),
    Step("ubicacion", _("Dónde opera"), forms.LocationForm),
    Step(
        "establecimiento",
        _("El establecimiento"),
        forms.EstablishmentForm,
        condition=_has_shop,
    ),
    # Every business: food, health and environmental procedures follow the activity,
    # with or without premises open to the public.
    Step("actividad", _("Qué hace su negocio"), forms.ActivityForm),
    Step("operacion", _("Facturación, impuestos y turismo"), forms.OperationForm),
    Step("empleados", _("Trabajadores"), forms.EmployeesForm),
    Step(
        "afiliaciones",
        _("Seguridad social"),
        forms.AffiliationsForm,
        condition=_has_staff,
    ),
    Step("documentos", _("Documentos"), forms.DocumentsForm),
    # GOV.UK's check answers: every answer with a "Cambiar" link, before the
    # procedures and fees those answers lead to, and before consent.
    Step("revision", _("Revise sus respuestas"), forms.ReviewForm),
    Step("resumen", _("Trámites y costos"), forms.SummaryForm),
    Step("confirmacion", _("Autorización y envío"), forms.ConfirmForm),
)

BY_SLUG = {step.slug: step for step in STEPS}
REVIEW = "revision"
