"""PDFs of a case: the acknowledgement (CPACA art. 61) and the output document."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from audit.exports import render_pdf

from .models import Case, CaseDocument

OUTPUT_TITLES = {
    "CERTIFICADO": "Certificado",
    "CONCEPTO": "Concepto",
    "CONSTANCIA": "Constancia",
    "REGISTRO": "Constancia de registro",
    "LICENCIA": "Licencia",
    "PERMISO": "Permiso",
}


def _store_pdf(
    case: Case,
    *,
    kind: str,
    requirement: str,
    name: str,
    html_template: str,
    context: dict,
):
    _html, pdf = render_pdf(html_template, {"case": case, **context})
    document = CaseDocument(
        case=case,
        kind=kind,
        requirement=requirement,
        display_name=name,
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    document.file.save("documento", ContentFile(pdf), save=False)
    document.save()
    return document


def render_acknowledgement(case_pk: int) -> CaseDocument | None:
    """The acknowledgement PDF, once per case (a re-run does nothing)."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("procedure", "entity", "applicant")
            .get(pk=case_pk)
        )
        if case.documents.filter(kind=CaseDocument.Kind.ACKNOWLEDGEMENT).exists():
            return None
        return _store_pdf(
            case,
            kind=CaseDocument.Kind.ACKNOWLEDGEMENT,
            requirement="Acuse de recibo",
            name=f"acuse-{case.radicado}.pdf",
            html_template="procedures/pdf/acknowledgement.html",
            context={"received": list(case.received_documents())},
        )


def render_output(case_pk: int) -> CaseDocument | None:
    """The output document of an approved case, from the procedure's result type."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("procedure", "entity", "applicant")
            .get(pk=case_pk)
        )
        if (
            case.status != "aprobado"
            or case.documents.filter(
                kind=CaseDocument.Kind.OUTPUT, requirement="Documento de salida"
            ).exists()
        ):
            return None
        title = OUTPUT_TITLES.get(case.procedure.result_type, "Constancia")
        return _store_pdf(
            case,
            kind=CaseDocument.Kind.OUTPUT,
            requirement="Documento de salida",
            name=f"{title.lower().replace(' ', '-')}-{case.radicado}.pdf",
            html_template="procedures/pdf/output.html",
            context={"title": title},
        )
