from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from . import replay


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
