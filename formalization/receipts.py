"""The consolidated acknowledgement of an application (CPACA art. 61): every radicado,
date, due date and fee paid, in one PDF."""

from django.core.files.base import ContentFile
from django.db import transaction

from audit.exports import render_pdf
from procedures import authenticity
from procedures.models import IssuedDocument

from . import mapping, obligations, review
from .models import Application, ApplicationItem
from .parties import application_parties

RECEIPT_SUBJECT = "Formaliza tu empresa"
RECEIPT_ISSUER = "Alcaldía Mayor de Bogotá D.C. · Ventanilla Bogotá"


def receipt_context(application: Application) -> dict:
    items = list(
        application.items.select_related("procedure__entity", "case").order_by("order")
    )
    for item in items:
        item.chosen = mapping.chosen_administrator(item.code, application.answers)
    return {
        "application": application,
        "items": items,
        "tasks": review.task_list(items),
        "payments": list(application.payments.filter(status="aprobado")),
        "obligations": obligations.calendar_for(application),
        "choices": mapping.affiliation_choices(application.answers),
        "parties": application_parties(application),
    }


def render(application_id: int) -> bool:
    """Render the receipt if it is missing or older than the filed procedures."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("applicant")
            .get(pk=application_id)
        )
        filed = application.items.filter(state=ApplicationItem.State.FILED).count()
        pending = application.receipt_pending_since is not None
        application.receipt_pending_since = None
        if application.receipt and application.receipt_filed_count == filed:
            if pending:
                application.save(update_fields=["receipt_pending_since"])
            return False
        # Each version of the receipt (it grows as procedures are filed) has its
        # own code: an earlier copy still verifies as what it was.
        verification = authenticity.stamp()
        _html, pdf = render_pdf(
            "formalization/pdf/receipt.html",
            {**receipt_context(application), "verification": verification},
        )
        authenticity.issued_record(
            verification=verification,
            pdf=pdf,
            document_type=IssuedDocument.Type.RECEIPT,
            title=f"Acuse de recibo consolidado: {RECEIPT_SUBJECT}",
            radicado=application.radicado,
            entity_name=RECEIPT_ISSUER,
        )
        if application.receipt:
            application.receipt.delete(save=False)
        application.receipt.save(
            f"acuse-{application.radicado}.pdf", ContentFile(pdf), save=False
        )
        application.receipt_filed_count = filed
        application.save(
            update_fields=["receipt", "receipt_filed_count", "receipt_pending_since"]
        )
    return True


def sweep() -> int:
    """Enqueue again every receipt still out of date a while after a filing (a lost
    task, a broker outage). Returns how many."""
    from procedures.enqueue import requeue_stale

    from . import tasks

    return requeue_stale(
        Application.objects.all(),
        "receipt_pending_since",
        tasks.render_application_receipt,
    )
