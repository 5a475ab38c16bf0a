"""PDFs of a case: the acknowledgement (CPACA art. 61) and the output document."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from audit.exports import render_pdf

from . import authenticity
from .enqueue import requeue_stale
from .models import Case, CaseDocument, IssuedDocument
from .parties import case_parties

OUTPUT_TITLES = {
    "CERTIFICADO": "Certificado",
    "CONCEPTO": "Concepto",
    "CONSTANCIA": "Constancia",
    "REGISTRO": "Constancia de registro",
    "LICENCIA": "Licencia",
    "PERMISO": "Permiso",
}


OUTPUT_TEMPLATE = "procedures/pdf/output.html"


def output_title(case: Case) -> str:
    return OUTPUT_TITLES.get(case.procedure.result_type, "Constancia")


def output_context(case: Case) -> dict:
    """What the output template reads: one place for the stored PDF and its preview."""
    return {
        "case": case,
        "title": output_title(case),
        "signer": signer(case),
        "parties": case_parties(case),
    }


def output_html(case: Case) -> str:
    """The output document's HTML for ``case`` as it stands (an unsaved preview too)."""
    return render_to_string(OUTPUT_TEMPLATE, output_context(case))


def output_preview_pdf(case: Case) -> bytes:
    """The output document rendered as render_output would store it, never stored:
    what the officer sees before confirming an approval."""
    return render_pdf(OUTPUT_TEMPLATE, output_context(case))[1]


def _store_pdf(
    case: Case,
    *,
    kind: str,
    requirement: str,
    name: str,
    html_template: str,
    context: dict,
    document_type: str,
    title: str,
):
    """Render, store and register the PDF: its verification code is drawn first
    (printed with its QR), its SHA-256 recorded with the code once rendered."""
    verification = authenticity.stamp()
    _html, pdf = render_pdf(
        html_template,
        {
            "case": case,
            "parties": case_parties(case),
            "verification": verification,
            **context,
        },
    )
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
    authenticity.issued_record(
        verification=verification,
        pdf=pdf,
        document_type=document_type,
        title=title,
        radicado=case.radicado,
        entity_name=case.entity.name,
        case_document=document,
    )
    return document


def signer(case: Case) -> dict | None:
    """The officer who signed the decision, by name and role, for the output."""
    from .services import user_display

    officer = case.decided_by
    if officer is None:
        return None
    return {
        "name": user_display(officer),
        "role": f"{_('Funcionario(a)')} · {case.entity.name}",
    }


def _done(case: Case, pending_field: str) -> None:
    # An UPDATE, not save(): the PDF is not a change of the case (no post_save).
    if getattr(case, pending_field) is not None:
        Case.objects.filter(pk=case.pk).update(**{pending_field: None})


def _locked(case_pk: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "entity", "applicant", "decided_by")
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
                document_type=IssuedDocument.Type.ACKNOWLEDGEMENT,
                title=str(_("Acuse de recibo")),
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
            title = output_title(case)
            document = _store_pdf(
                case,
                kind=CaseDocument.Kind.OUTPUT,
                requirement="Documento de salida",
                name=f"{title.lower().replace(' ', '-')}-{case.radicado}.pdf",
                html_template=OUTPUT_TEMPLATE,
                context=output_context(case),
                document_type=IssuedDocument.Type.OUTPUT,
                title=f"{title}: {case.procedure.result_name or case.procedure.title}",
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
