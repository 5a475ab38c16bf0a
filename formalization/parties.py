"""The applicant and the business of a formalization's cases, for the documents
issued on them (procedures.parties asks this app through its provider)."""

from django.utils.translation import gettext as _

from procedures.parties import Parties, document_label

from . import mapping, registry
from .models import Application, ApplicationItem


def _matricula(application: Application) -> str:
    """The matrícula mercantil as the Cámara's approved registration case names it
    (its radicado), once approved; '' before."""
    item = (
        application.items.filter(code__in=registry.MATRICULA, case__status="aprobado")
        .select_related("case")
        .first()
    )
    if item is None:
        return ""
    return _("Inscrita con el radicado %(radicado)s del %(date)s") % {
        "radicado": item.case.radicado,
        "date": f"{item.case.decided_at:%d/%m/%Y}" if item.case.decided_at else "",
    }


def application_parties(application: Application) -> Parties:
    answers = application.answers
    address = ", ".join(
        part
        for part in (
            answers.get("direccion", ""),
            mapping.display("localidad", answers.get("localidad")),
            "Bogotá D.C.",
        )
        if part
    )
    applicant = [
        (_("Nombre"), answers.get("nombre", "")),
        (
            _("Documento de identidad"),
            document_label(answers.get("doc_tipo", ""), answers.get("doc_numero", "")),
        ),
    ]
    business = [
        (_("Razón social"), application.business_name),
        (_("NIT"), answers.get("nit", "")),
        (_("Matrícula mercantil"), _matricula(application)),
        (_("Dirección"), address if answers.get("direccion") else ""),
        (_("Actividad económica"), mapping.display("ciiu", answers.get("ciiu"))),
    ]
    return Parties(
        applicant=[(label, str(value)) for label, value in applicant if value],
        business=[(label, str(value)) for label, value in business if value],
    )


def case_parties(case) -> Parties | None:
    """For a case filed by an application, its facts; None for any other case."""
    item = (
        ApplicationItem.objects.filter(case_id=case.pk)
        .select_related("application")
        .first()
    )
    if item is None:
        return None
    return application_parties(item.application)
