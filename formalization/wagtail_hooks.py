from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from catalog.links import PROCEDURE_LINKS
from procedures.sections import CASE_SECTIONS, MY_CASES_SECTIONS

from . import replay
from .models import Application, ApplicationItem
from .services import APPLICATION_VIEWED


@hooks.register("register_audit_labels")
def register_formalization_labels(labels):
    """How the auditor console reads a wizard run's chain (``services``)."""
    labels.register_actions(
        {
            "formalization.started": _("Formaliza tu empresa: solicitud iniciada"),
            "formalization.step_saved": _("Paso del formulario guardado"),
            "formalization.step_back": _("Regreso a un paso anterior"),
            "formalization.draft_purged": _(
                "Borrador eliminado por vencimiento del plazo de conservación"
            ),
            "formalization.document_uploaded": _("Documento cargado en el formulario"),
            "formalization.consent": _("Aviso de privacidad aceptado"),
            "formalization.submitted": _("Solicitud de formalización enviada"),
            "formalization.procedure_filed": _("Trámite de la solicitud radicado"),
            APPLICATION_VIEWED: _("Solicitud consultada por un servidor"),
        }
    )
    labels.register_fields(
        {
            "step": _("Paso"),
            "procedures": _("Trámites"),
            "total_due": _("Total a pagar"),
        }
    )
    labels.register_timeline_panel(
        "replay", "formalization/audit/replay.html", replay.replay_panel
    )


@hooks.register(MY_CASES_SECTIONS)
def my_applications_section(request):
    """ "Mis trámites" lists the citizen's formalization applications, newest first."""
    applications = list(
        Application.objects.filter(applicant=request.user).order_by("-submitted_at")
    )
    if not applications:
        return None
    return {
        "template": "formalization/includes/my_applications.html",
        "applications": applications,
    }


@hooks.register(CASE_SECTIONS)
def case_application_section(request, case):
    """A case filed by a formalization names the application it is part of."""
    item = (
        ApplicationItem.objects.filter(case=case).select_related("application").first()
    )
    if item is None:
        return None
    return {
        "template": "formalization/includes/case_application.html",
        "application": item.application,
    }


@hooks.register(PROCEDURE_LINKS)
def formalization_link(page):
    """The formalization procedures' pages lead to the wizard that files them."""
    if page.is_formalization:
        return {"formalization": reverse("formalization:start")}
    return None
