"""Payment of the online fees through the sandbox PSE provider (formalization/payments.py)."""

from decimal import Decimal

from django.test import Client

import pytest

from audit.models import AuditEvent
from formalization import payments
from formalization.models import Application, ApplicationItem, Payment, PaymentNotice
from procedures.models import Case

from .helpers import (  # noqa: F401 (fixtures)
    NOTICE_URL,
    notice,
    paid_restaurante_fixture,
    pay,
    restaurante_fixture,
)

pytestmark = pytest.mark.django_db

AWAITING = Application.Status.AWAITING_PAYMENT
IN_PROGRESS = Application.Status.IN_PROGRESS


def snapshot(application):
    """What a notice may change: statuses, items, cases, notices."""
    application.refresh_from_db()
    return (
        application.status,
        list(application.payments.order_by("pk").values_list("status", flat=True)),
        list(application.items.order_by("order").values_list("code", "state", "case")),
        Case.objects.filter(applicant=application.applicant).count(),
        PaymentNotice.objects.filter(payment__application=application).count(),
    )


def audit_actions(application, action):
    return AuditEvent.objects.filter(
        chain_key=application.audit_chain, action=action
    ).count()


def test_restaurant_owes_fees_and_waits_for_payment(restaurante):
    assert restaurante.status == AWAITING
    assert restaurante.total_due > 0
    owed = restaurante.items.filter(fee_due__gt=0)
    assert owed.exists()
    assert not owed.exclude(state=ApplicationItem.State.AWAITING_PAYMENT).exists()
    assert restaurante.total_due == sum(i.fee_due for i in restaurante.items.all())


def test_payment_start_twice_returns_the_same_pending_payment(restaurante):
    first = payments.payment_start(restaurante)
    second = payments.payment_start(restaurante)
    assert first.pk == second.pk
    assert first.status == Payment.Status.PENDING
    assert first.amount == restaurante.total_due and first.currency == "COP"
    assert restaurante.payments.count() == 1
    assert audit_actions(restaurante, "payment.started") == 1


def test_payment_start_refused_when_nothing_is_owed(paid_restaurante):
    with pytest.raises(payments.InvalidNotice):
        payments.payment_start(paid_restaurante)


def test_bad_signature_changes_nothing(restaurante):
    payment = payments.payment_start(restaurante)
    body, signature = notice(payment)
    before = snapshot(restaurante)
    for bad in ("", "0" * 64, signature[:-1] + ("0" if signature[-1] != "0" else "1")):
        with pytest.raises(payments.InvalidNotice):
            payments.payment_notice("sandbox-pse", body, bad)
    # A body changed after signing fails too.
    with pytest.raises(payments.InvalidNotice):
        payments.payment_notice(
            "sandbox-pse", body.replace(b"APPROVED", b"REJECTED"), signature
        )
    assert snapshot(restaurante) == before
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_approved_notice_files_the_paid_items(restaurante):
    filed_at_submit = set(
        restaurante.items.filter(state=ApplicationItem.State.FILED).values_list(
            "code", flat=True
        )
    )
    payment = pay(restaurante)
    assert payment.status == Payment.Status.APPROVED
    assert payment.provider_transaction.startswith("PSE-")
    restaurante.refresh_from_db()
    assert restaurante.status == IN_PROGRESS
    paid = list(restaurante.items.filter(fee_due__gt=0).select_related("case"))
    free_of_prerequisites = [i for i in paid if not i.depends_on]
    assert {i.code for i in free_of_prerequisites} >= {"F04", "F07"}
    for item in free_of_prerequisites:
        assert item.state == ApplicationItem.State.FILED, item.code
        assert item.case is not None and item.case.status == "radicado"
        assert item.case.procedure_id == item.procedure_id
        assert item.code not in filed_at_submit
    for item in paid:
        if item.depends_on:
            assert item.state == ApplicationItem.State.WAITING, item.code
            assert item.case is None
            assert item.note.startswith("En espera de ")
    assert audit_actions(restaurante, "payment.aprobado") == 1


def test_replayed_notice_changes_nothing(restaurante):
    payment = payments.payment_start(restaurante)
    body, signature = notice(payment)
    payments.payment_notice("sandbox-pse", body, signature)
    before = snapshot(restaurante)
    again = payments.payment_notice("sandbox-pse", body, signature)
    assert again.pk == payment.pk and again.status == Payment.Status.APPROVED
    assert snapshot(restaurante) == before
    assert audit_actions(restaurante, "payment.notice_replayed") == 1
    assert audit_actions(restaurante, "payment.aprobado") == 1


@pytest.mark.parametrize(
    "tamper",
    [{"amount": "1.00"}, {"amount": "0"}, {"currency": "USD"}],
    ids=["one-peso", "zero", "currency"],
)
def test_tampered_amount_is_rejected_and_recorded(restaurante, tamper):
    payment = payments.payment_start(restaurante)
    body, signature = notice(payment, **tamper)
    # The signature is valid: only the amount check can catch it.
    assert payments.provider("sandbox-pse").parse(body, signature).event_id
    before = snapshot(restaurante)
    with pytest.raises(payments.InvalidNotice):
        payments.payment_notice("sandbox-pse", body, signature)
    after = snapshot(restaurante)
    assert after[:4] == before[:4]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    rejected = AuditEvent.objects.filter(
        chain_key=restaurante.audit_chain, action="payment.notice_rejected"
    )
    assert rejected.count() == 1
    assert rejected.get().result == "denied"
    # The genuine notice still goes through afterwards.
    body, signature = notice(payment)
    assert (
        payments.payment_notice("sandbox-pse", body, signature).status
        == Payment.Status.APPROVED
    )


def test_unknown_reference_is_invalid(restaurante):
    payment = payments.payment_start(restaurante)
    body, signature = notice(payment, reference="00000000-0000-4000-8000-000000000000")
    with pytest.raises(payments.InvalidNotice):
        payments.payment_notice("sandbox-pse", body, signature)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_rejected_then_a_new_payment_is_approved(restaurante):
    rejected = pay(restaurante, approved=False)
    assert rejected.status == Payment.Status.REJECTED
    restaurante.refresh_from_db()
    assert restaurante.status == AWAITING
    assert not restaurante.items.filter(
        fee_due__gt=0, state=ApplicationItem.State.FILED
    ).exists()
    assert audit_actions(restaurante, "payment.rechazado") == 1

    retry = payments.payment_start(restaurante)
    assert retry.pk != rejected.pk and retry.reference != rejected.reference
    assert retry.amount == restaurante.total_due
    body, signature = notice(retry)
    assert (
        payments.payment_notice("sandbox-pse", body, signature).status
        == Payment.Status.APPROVED
    )
    restaurante.refresh_from_db()
    assert restaurante.status == IN_PROGRESS
    assert restaurante.items.get(code="F04").state == ApplicationItem.State.FILED


def test_late_rejection_after_approval_keeps_it_approved(restaurante):
    payment = payments.payment_start(restaurante)
    approved_body, approved_signature = notice(payment, approved=True)
    rejected_body, rejected_signature = notice(payment, approved=False)
    payments.payment_notice("sandbox-pse", approved_body, approved_signature)
    before = snapshot(restaurante)
    late = payments.payment_notice("sandbox-pse", rejected_body, rejected_signature)
    assert late.status == Payment.Status.APPROVED
    after = snapshot(restaurante)
    assert after[:4] == before[:4]
    assert after[4] == before[4] + 1  # the late notice is kept, but changes nothing
    assert restaurante.status == IN_PROGRESS
    assert audit_actions(restaurante, "payment.rechazado") == 0


# --- the HTTP endpoint of the provider's server-to-server notice -----------------


@pytest.fixture
def csrf_client():
    """The provider posts without a CSRF token: the endpoint must accept that."""
    return Client(enforce_csrf_checks=True)


def post_notice(client, body, signature, url=NOTICE_URL):
    return client.post(
        url,
        data=body,
        content_type="application/json",
        HTTP_X_SANDBOX_SIGNATURE=signature,
    )


def test_endpoint_accepts_a_good_signature(restaurante, csrf_client):
    payment = payments.payment_start(restaurante)
    body, signature = notice(payment)
    response = post_notice(csrf_client, body, signature)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.APPROVED
    # A replay through HTTP is answered 200 too (the provider stops retrying).
    assert post_notice(csrf_client, body, signature).status_code == 200
    assert audit_actions(restaurante, "payment.notice_replayed") == 1


def test_endpoint_refuses_a_bad_signature(restaurante, csrf_client):
    payment = payments.payment_start(restaurante)
    body, _signature = notice(payment)
    assert post_notice(csrf_client, body, "f" * 64).status_code == 400
    assert (
        csrf_client.post(
            NOTICE_URL, data=body, content_type="application/json"
        ).status_code
        == 400
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_endpoint_refuses_a_tampered_amount(restaurante, csrf_client):
    payment = payments.payment_start(restaurante)
    body, signature = notice(payment, amount=str(payment.amount - Decimal(1)))
    assert post_notice(csrf_client, body, signature).status_code == 400
    assert audit_actions(restaurante, "payment.notice_rejected") == 1


def test_endpoint_unknown_provider_is_404(restaurante, csrf_client):
    payment = payments.payment_start(restaurante)
    body, signature = notice(payment)
    response = post_notice(
        csrf_client, body, signature, "/formaliza/pagos/aviso/otro-banco/"
    )
    assert response.status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_endpoint_get_is_405(csrf_client):
    assert csrf_client.get(NOTICE_URL).status_code == 405


# --- the sandbox bank page --------------------------------------------------------


def test_sandbox_bank_is_only_for_the_payer(restaurante, client, demo_user):
    payment = payments.payment_start(restaurante)
    url = f"/formaliza/pagos/sandbox/{payment.reference}/"
    client.force_login(demo_user("ciudadano"))
    page = client.get(url)
    assert page.status_code == 200
    assert (
        str(payment.reference) in page.content.decode()
        or page.context["payment"] == payment
    )

    client.force_login(demo_user("ciudadana2"))
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "aprobar"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_sandbox_bank_approval_by_the_payer(restaurante, client, demo_user):
    payment = payments.payment_start(restaurante)
    client.force_login(demo_user("ciudadano"))
    response = client.post(
        f"/formaliza/pagos/sandbox/{payment.reference}/", {"decision": "aprobar"}
    )
    assert response.status_code == 302
    assert restaurante.radicado in response["Location"]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.APPROVED
