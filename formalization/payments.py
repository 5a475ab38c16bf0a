"""Payment of the fees collected online: a provider interface and a sandbox provider
that behaves like PSE (redirect to the bank, signed server-to-server notice, replay-safe).
The amount always comes from the application on the server, never from the browser."""

import hmac
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac

import audit

from .models import Application, Payment, PaymentNotice

SIGNATURE_HEADER = "HTTP_X_SANDBOX_SIGNATURE"
# A notice is one flat JSON object of a few short fields: anything much larger, or
# nested, is refused before it is parsed (deep nesting exhausts the parser's stack).
MAX_NOTICE_BYTES = 4096
MAX_NOTICE_DEPTH = 2


class InvalidNotice(Exception):
    """A notice that is not authentic or does not match the payment."""


@dataclass(frozen=True)
class Notice:
    event_id: str
    reference: str
    status: str
    amount: Decimal
    currency: str
    transaction: str


class SandboxPSE:
    """Stands in for PSE: the 'bank' is a page of ours; its notice is signed like a
    provider's webhook and goes through the same verification a real one would."""

    name = "sandbox-pse"

    def checkout_url(self, payment: Payment) -> str:
        return reverse("formalization:sandbox_bank", args=[payment.reference])

    def sign(self, body: bytes) -> str:
        return salted_hmac(
            "formalization.payments.sandbox", body, algorithm="sha256"
        ).hexdigest()

    def notice_body(self, payment: Payment, *, approved: bool) -> bytes:
        return json.dumps(
            {
                "event_id": str(uuid.uuid4()),
                "reference": str(payment.reference),
                "status": "APPROVED" if approved else "REJECTED",
                "amount": str(payment.amount),
                "currency": payment.currency,
                "transaction": f"PSE-{uuid.uuid4().hex[:12].upper()}",
            }
        ).encode()

    def parse(self, body: bytes, signature: str) -> Notice:
        if not signature or not hmac.compare_digest(self.sign(body), signature):
            raise InvalidNotice("firma inválida")
        if len(body) > MAX_NOTICE_BYTES or _json_depth(body) > MAX_NOTICE_DEPTH:
            raise InvalidNotice("aviso mal formado")
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise TypeError("a notice is a JSON object")
            return Notice(
                event_id=str(data["event_id"])[:80],
                reference=str(uuid.UUID(str(data["reference"]))),
                status={
                    "APPROVED": Payment.Status.APPROVED,
                    "REJECTED": Payment.Status.REJECTED,
                }[data["status"]],
                amount=Decimal(str(data["amount"])),
                currency=str(data["currency"]),
                transaction=str(data.get("transaction", ""))[:80],
            )
        except (ValueError, KeyError, TypeError, InvalidOperation) as error:
            raise InvalidNotice("aviso mal formado") from error


def _json_depth(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest, read without parsing it
    (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


PROVIDERS = {"sandbox-pse": SandboxPSE()}


def provider(name: str = "sandbox-pse"):
    return PROVIDERS[name]


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
                role="solicitante",
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
    try:
        with transaction.atomic():
            PaymentNotice.objects.create(
                event_id=notice.event_id, payment=payment, status=notice.status
            )
    except IntegrityError:
        audit.record(
            action="payment.notice_replayed",
            result="denied",
            details={"event_id": notice.event_id},
            **event,
        )
        return payment, False
    if notice.amount != payment.amount or notice.currency != payment.currency:
        audit.record(
            action="payment.notice_rejected",
            result="denied",
            reason="El valor o la moneda no coinciden con la liquidación.",
            details={"amount": str(notice.amount), "currency": notice.currency},
            **event,
        )
        return payment, True
    if payment.status != Payment.Status.PENDING:
        return payment, False
    payment.status = notice.status
    payment.provider_transaction = notice.transaction
    payment.save(update_fields=["status", "provider_transaction", "updated_at"])
    audit.record(
        action=f"payment.{notice.status}",
        before={"status": Payment.Status.PENDING},
        after={
            "status": notice.status,
            "amount": str(payment.amount),
            "transaction": notice.transaction,
        },
        **event,
    )
    if notice.status == Payment.Status.APPROVED:
        Application.objects.filter(pk=application.pk).update(
            status=Application.Status.IN_PROGRESS
        )
        services.application_advance(application)
    return payment, False
