"""Payments used by any filing: the provider interface, the sandbox PSE provider, and
the fee of a single filing, paid before its case is filed.

The wizard (formalization/payments.py) uses the same providers. The amount always
comes from the server (catalog.fees.quote), never from the browser, and a notice whose
amount or currency differ from the payment's changes nothing.
"""

import hmac
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac

import audit
from audit.personal import match_digest
from catalog import fees

from .workflow import Role

SIGNATURE_HEADER = "HTTP_X_SANDBOX_SIGNATURE"
# A notice is one flat JSON object of a few short fields: anything much larger, or
# nested, is refused before it is parsed (deep nesting exhausts the parser's stack).
MAX_NOTICE_BYTES = 4096
MAX_NOTICE_DEPTH = 2
APPLICANT_ROLE = Role.APPLICANT.value


class InvalidNotice(Exception):
    """A notice that is not authentic or does not match the payment."""


class NotPayable(Exception):
    """The procedure has no fee that is charged online (free, or the entity computes it)."""


@dataclass(frozen=True)
class Notice:
    event_id: str
    reference: str
    status: str
    amount: Decimal
    currency: str
    transaction: str
    # The account the payer paid from as the provider reports it (PSE: the payer's
    # document or bank account); kept only as a match digest.
    payer_account: str = ""


APPROVED, REJECTED, PENDING = "aprobado", "rechazado", "pendiente"


class SandboxPSE:
    """Stands in for PSE: the 'bank' is a page of ours; its notice is signed like a
    provider's webhook and goes through the same verification a real one would."""

    name = "sandbox-pse"

    def checkout_url(self, payment) -> str:
        return reverse(payment.sandbox_bank_url_name, args=[payment.reference])

    def sign(self, body: bytes) -> str:
        return salted_hmac(
            "formalization.payments.sandbox", body, algorithm="sha256"
        ).hexdigest()

    def notice_body(self, payment, *, approved: bool, payer_account: str = "") -> bytes:
        return json.dumps(
            {
                "payer_account": payer_account,
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
                status={"APPROVED": APPROVED, "REJECTED": REJECTED}[data["status"]],
                amount=Decimal(str(data["amount"])),
                currency=str(data["currency"]),
                transaction=str(data.get("transaction", ""))[:80],
                payer_account=str(data.get("payer_account") or "")[:80],
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


def _event(payment) -> dict:
    return {
        "subject_type": "pago",
        "subject_id": str(payment.reference),
        "chain_key": payment.audit_chain,
    }


def filing_payment_start(*, owner, procedure):
    """The pending payment of ``procedure``'s fee for ``owner`` (reused on a second
    click while the amount is the same). The amount is quoted here, on the server."""
    from .models import FilingPayment

    quote = fees.quote(procedure)
    if not quote.payable_online:
        raise NotPayable(quote.kind)
    with transaction.atomic():
        payment = (
            FilingPayment.objects.select_for_update()
            .filter(owner=owner, procedure=procedure, case__isnull=True)
            .filter(status__in=[PENDING, APPROVED], amount=quote.amount)
            .order_by("-created_at")
            .first()
        )
        if payment is not None:
            return payment
        payment = FilingPayment.objects.create(
            owner=owner,
            procedure=procedure,
            provider=SandboxPSE.name,
            amount=quote.amount,
            year=quote.year,
        )
        audit.record(
            action="payment.started",
            actor=owner,
            role=APPLICANT_ROLE,
            after={
                "reference": str(payment.reference),
                "procedure": procedure.code,
                "amount": str(payment.amount),
                "year": payment.year,
            },
            **_event(payment),
        )
    return payment


def filing_payment_notice(provider_name: str, body: bytes, signature: str):
    """Apply one provider notice to a filing payment. Replays, late notices after a
    final status, and notices whose amount or currency differ change nothing."""
    notice = provider(provider_name).parse(body, signature)
    with transaction.atomic():
        payment, mismatch = _apply_notice(notice)
    if mismatch:
        # Raised after the commit, so the audit row of the rejection is kept.
        raise InvalidNotice("el valor no coincide")
    return payment


def _apply_notice(notice: Notice):
    from .models import FilingPayment, FilingPaymentNotice

    payment = (
        FilingPayment.objects.select_for_update()
        .filter(reference=notice.reference)
        .first()
    )
    if payment is None:
        raise InvalidNotice("referencia desconocida")
    _applied, mismatch = notice_apply(
        payment, notice, notice_model=FilingPaymentNotice, event=_event(payment)
    )
    return payment, mismatch


def notice_apply(payment, notice: Notice, *, notice_model, event: dict):
    """One provider notice applied to ``payment`` (any payment model with status,
    amount, currency and provider_transaction), in the caller's transaction, for the
    wizard and single filings alike. Returns (applied, mismatch): a replayed notice
    changes nothing; one whose amount or currency differ is recorded and changes
    nothing; only a pending payment takes the notice's status."""
    try:
        with transaction.atomic():
            notice_model.objects.create(
                event_id=notice.event_id, payment=payment, status=notice.status
            )
    except IntegrityError:
        audit.record(
            action="payment.notice_replayed",
            result="denied",
            details={"event_id": notice.event_id},
            **event,
        )
        return False, False
    if notice.amount != payment.amount or notice.currency != payment.currency:
        audit.record(
            action="payment.notice_rejected",
            result="denied",
            reason="El valor o la moneda no coinciden con la liquidación.",
            details={"amount": str(notice.amount), "currency": notice.currency},
            **event,
        )
        return False, True
    if payment.status != PENDING:
        return False, False
    payment.status = notice.status
    payment.provider_transaction = notice.transaction
    fields = ["status", "provider_transaction", "updated_at"]
    if hasattr(payment, "payer_account"):
        payment.payer_account = match_digest("payment_account", notice.payer_account)
        fields.append("payer_account")
    payment.save(update_fields=fields)
    audit.record(
        action=f"payment.{notice.status}",
        before={"status": PENDING},
        after={
            "status": notice.status,
            "amount": str(payment.amount),
            "transaction": notice.transaction,
        },
        **event,
    )
    return True, False


def approved_payment(*, owner, procedure, lock: bool = False):
    """The approved, not yet used payment of this year's fee, or None."""
    from .models import FilingPayment

    quote = fees.quote(procedure)
    if not quote.payable_online:
        return None
    payments = FilingPayment.objects.filter(
        owner=owner,
        procedure=procedure,
        status=APPROVED,
        case__isnull=True,
        amount=quote.amount,
        year=quote.year,
    )
    if lock:
        payments = payments.select_for_update()
    return payments.order_by("created_at").first()


def cop_text(amount) -> str:
    """An amount in pesos as the trail's facts record it: "6100", never "6100.00",
    so that equal amounts compare equal as text."""
    return format(Decimal(str(amount)).normalize(), "f")


def payment_attach(payment, case, *, computed=None) -> None:
    """The approved payment is used by ``case`` (in the filing's transaction).
    ``computed``: the fee the server quotes now (the amount charged should be it)."""
    if computed is None:
        computed = fees.quote(case.procedure).amount
    payment.case = case
    payment.save(update_fields=["case", "updated_at"])
    audit.record(
        action="case.fee_paid",
        subject_type="case",
        subject_id=case.radicado,
        chain_key=case.audit_chain,
        actor=case.applicant,
        role=APPLICANT_ROLE,
        radicado=case.radicado,
        after={
            "reference": str(payment.reference),
            "amount": str(payment.amount),
            "year": payment.year,
            "transaction": payment.provider_transaction,
        },
        details={
            "payment_account": payment.payer_account,
            "computed": cop_text(computed),
            "charged": cop_text(payment.amount),
        },
    )
