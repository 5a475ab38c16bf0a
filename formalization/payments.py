"""Payment of the wizard's fees through the providers every filing uses
(procedures/payments.py: the interface and a sandbox that behaves like PSE, with a
redirect to the bank and a signed, replay-safe server-to-server notice).
The amount always comes from the application on the server, never from the browser."""

from django.db import transaction

import audit
from procedures.payments import (  # noqa: F401 (the wizard's names for them)
    PROVIDERS,
    SIGNATURE_HEADER,
    InvalidNotice,
    Notice,
    SandboxPSE,
    notice_apply,
    provider,
)
from procedures.workflow import Role

from .models import Application, Payment, PaymentNotice


def payment_start(application: Application) -> Payment:
    """The pending payment for what the application owes (reused on a second click)."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.AWAITING_PAYMENT:
            raise InvalidNotice("la solicitud no tiene pagos pendientes")
        payment = application.payments.filter(status=Payment.Status.PENDING).first()
        if payment is None:
            payment = Payment.objects.create(
                application=application,
                provider=SandboxPSE.name,
                amount=application.total_due,
            )
            audit.record(
                action="payment.started",
                subject_type="formalizacion",
                subject_id=str(application.draft.run_id),
                chain_key=application.audit_chain,
                actor=application.applicant,
                role=Role.APPLICANT.value,
                radicado=application.radicado,
                after={
                    "reference": str(payment.reference),
                    "amount": str(payment.amount),
                },
            )
    return payment


def payment_notice(provider_name: str, body: bytes, signature: str) -> Payment:
    """Apply one provider notice. Replays, late 'pending's after a final status, and
    notices whose amount or currency differ from ours change nothing."""
    notice = provider(provider_name).parse(body, signature)
    with transaction.atomic():
        payment, mismatch = _apply_notice(notice)
    if mismatch:
        # Raised after the commit, so the audit row of the rejection is kept.
        raise InvalidNotice("el valor no coincide")
    return payment


def _apply_notice(notice: Notice) -> tuple[Payment, bool]:
    """The notice applied in the caller's transaction; True when its amount or
    currency differ from the payment's (recorded, nothing changed)."""
    from . import services

    payment = (
        Payment.objects.select_for_update()
        .select_related("application__draft")
        .filter(reference=notice.reference)
        .first()
    )
    if payment is None:
        raise InvalidNotice("referencia desconocida")
    application = payment.application
    event = {
        "subject_type": "formalizacion",
        "subject_id": str(application.draft.run_id),
        "chain_key": application.audit_chain,
        "radicado": application.radicado,
    }
    applied, mismatch = notice_apply(
        payment, notice, notice_model=PaymentNotice, event=event
    )
    if not applied:
        return payment, mismatch
    if notice.status == Payment.Status.APPROVED:
        Application.objects.filter(pk=application.pk).update(
            status=Application.Status.IN_PROGRESS
        )
        services.application_advance(application)
    return payment, False
