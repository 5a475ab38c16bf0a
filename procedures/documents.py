"""PDFs of a case: the acknowledgement (CPACA art. 61) and the output document."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from audit.exports import render_pdf

from .enqueue import requeue_stale
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


def _done(case: Case, pending_field: str) -> None:
    # An UPDATE, not save(): the PDF is not a change of the case (no post_save).
    if getattr(case, pending_field) is not None:
        Case.objects.filter(pk=case.pk).update(**{pending_field: None})


def _locked(case_pk: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "entity", "applicant")
        .get(pk=case_pk)
    )


def render_acknowledgement(case_pk: int) -> CaseDocument | None:
    """The acknowledgement PDF, once per case (a re-run does nothing)."""
    with transaction.atomic():
        case = _locked(case_pk)
        document = None
        if not case.documents.filter(kind=CaseDocument.Kind.ACKNOWLEDGEMENT).exists():
            document = _store_pdf(
                case,
                kind=CaseDocument.Kind.ACKNOWLEDGEMENT,
                requirement="Acuse de recibo",
                name=f"acuse-{case.radicado}.pdf",
                html_template="procedures/pdf/acknowledgement.html",
                context={"received": list(case.received_documents())},
            )
        _done(case, "acknowledgement_pending_since")
        return document


def render_output(case_pk: int) -> CaseDocument | None:
    """The output document of an approved case, from the procedure's result type."""
    with transaction.atomic():
        case = _locked(case_pk)
        document = None
        if (
            case.status == "aprobado"
            and not case.documents.filter(
                kind=CaseDocument.Kind.OUTPUT, requirement="Documento de salida"
            ).exists()
        ):
            title = OUTPUT_TITLES.get(case.procedure.result_type, "Constancia")
            document = _store_pdf(
                case,
                kind=CaseDocument.Kind.OUTPUT,
                requirement="Documento de salida",
                name=f"{title.lower().replace(' ', '-')}-{case.radicado}.pdf",
                html_template="procedures/pdf/output.html",
                context={"title": title},
            )
        _done(case, "output_pending_since")
        return document


def sweep() -> int:
    """Enqueue again every acknowledgement and output PDF still missing a while after
    it fell due (a lost task, a broker outage). Returns how many."""
    from . import tasks

    return requeue_stale(
        Case.objects.all(),
        "acknowledgement_pending_since",
        tasks.render_acknowledgement,
    ) + requeue_stale(Case.objects.all(), "output_pending_since", tasks.render_output)
