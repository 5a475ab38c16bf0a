"""Fees before filing: the page states this year's amount in pesos with its basis, the
citizen pays it through the sandbox PSE before the case is filed, and the amount only
ever comes from the server."""

import json
import uuid
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from catalog import fees
from catalog.models import ProcedurePage
from procedures import payments
from procedures.models import Case, FilingPayment

pytestmark = pytest.mark.django_db

# CCB-006: a certificate at 0,5 UVB; 0,5 × $12.110 (UVB 2026) = $6.055, and the
# chamber rounds up to 3 % of the SMMLV to the nearest 100: $6.100.
CCB_006_2026 = Decimal("6100")
CERTIFICATE_ANSWERS = {
    "q_tipo_matricula": "De una persona natural comerciante",
    "q_buscar_por": "Por número de matrícula",
    "q_matricula_mercantil": "01234567",
    "q_numero_copias": "1",
    "accept_privacy": "on",
}


@pytest.fixture(autouse=True)
def year_2026(monkeypatch):
    """The catalog data and parameters are those of 2026."""
    monkeypatch.setattr(fees, "current_year", lambda: 2026)


@pytest.fixture
def certificate():
    return ProcedurePage.objects.get(code="CCB-006")


def url(procedure):
    return f"/tramites/{procedure.slug}/radicar/"


def file(client, procedure, answers=CERTIFICATE_ANSWERS):
    return client.post(
        url(procedure), {**answers, "submission_token": str(uuid.uuid4())}
    )


def pay(client, procedure, *, approve=True, **extra):
    response = client.post(url(procedure), {"pagar": "1", **extra})
    assert response.status_code == 302
    bank = response["Location"]
    assert bank.startswith("/tramites/pagos/sandbox/")
    back = client.post(bank, {"decision": "aprobar" if approve else "rechazar"})
    assert back["Location"] == url(procedure)
    return FilingPayment.objects.get(reference=bank.rstrip("/").rsplit("/", 1)[1])


def test_quotes_in_pesos_of_the_year_with_their_basis(certificate):
    quote = fees.quote(certificate, 2026)
    assert quote.payable_online and quote.amount == CCB_006_2026
    assert quote.label == "$ 6.100"
    assert "UVB 2026" in quote.explanation and "Resolución 3488" in quote.explanation
    assert fees.quote(certificate, 2025).amount == Decimal("5800")  # 0,5 × 11.552

    free = ProcedurePage.objects.get(code="SDS-003")  # Resolución 113 de 2020
    assert fees.quote(free, 2026).kind == fees.FREE
    assert fees.quote(free, 2026).label == "Gratuito"
    # No fee was found for SDH-002: that is not a legal gratuity.
    unknown = fees.quote(ProcedurePage.objects.get(code="SDH-002"), 2026)
    assert unknown.kind == fees.UNCONFIRMED and unknown.label != "Gratuito"


def test_a_year_without_its_values_is_never_charged_with_another_years(certificate):
    quote = fees.quote(certificate, 2031)
    assert quote.kind == fees.UNAVAILABLE and quote.amount is None
    assert not quote.payable_online and "2031" in quote.label

    cadastre = ProcedurePage.objects.get(code="UAECD-006")
    assert fees.quote(cadastre, 2026).amount == Decimal("18000")
    # Pesos reviewed in 2026 are not next year's pesos.
    assert fees.quote(cadastre, 2027).kind == fees.UNAVAILABLE


def test_a_fee_we_could_not_find_is_never_free():
    tables = ProcedurePage.objects.live().filter(
        requires_payment=True, fee_rule__in=["TABLE", "FORMULA"]
    )
    assert tables.exists()
    for page in tables:
        quote = fees.quote(page, 2026)
        assert quote.kind == fees.ENTITY and not quote.payable_online, page.code
        assert quote.label != "Gratuito" and "no se cobra" in quote.explanation
    page = tables.first()
    page.fee_amount = Decimal("0")
    assert fees.quote(page, 2026).label == "La entidad calcula el valor"


def test_the_procedure_page_states_the_amount_or_free_with_the_basis(client):
    html = client.get(ProcedurePage.objects.get(code="CCB-006").url).content.decode()
    assert "$ 6.100" in html and "valor de 2026" in html and "Decreto 045" in html
    table = (
        ProcedurePage.objects.live()
        .filter(requires_payment=True, fee_rule="TABLE")
        .first()
    )
    html = client.get(table.url).content.decode()
    assert "La entidad calcula el valor" in html
    free = ProcedurePage.objects.get(code="SDS-003")
    html = client.get(free.url).content.decode()
    assert "Gratuito" in html and free.fee_legal_basis in html


def test_a_paid_procedure_is_paid_before_it_is_filed(client, demo_user, certificate):
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    page = client.get(url(certificate)).content.decode()
    assert "Costo del trámite" in page and "$ 6.100" in page
    assert certificate.fee_legal_basis in page
    assert "Pagar $ 6.100 con PSE" in page

    refused = file(client, certificate)
    assert refused.status_code == 200
    assert "Pague el valor del trámite ($ 6.100) antes de radicar." in (
        refused.content.decode()
    )
    # The answers stay on the page, and nothing was filed.
    assert 'value="01234567"' in refused.content.decode()
    assert not Case.objects.filter(applicant=citizen).exists()

    payment = pay(client, certificate, q_matricula_mercantil="01234567")
    assert payment.status == "aprobado" and payment.amount == CCB_006_2026
    restored = client.get(url(certificate)).content.decode()
    assert 'value="01234567"' in restored and "Pago aprobado por $ 6.100" in restored

    response = file(client, certificate)
    case = Case.objects.get(applicant=citizen)
    assert response["Location"] == f"/mis-tramites/{case.radicado}/"
    payment.refresh_from_db()
    assert payment.case == case
    paid = AuditEvent.objects.get(chain_key=case.audit_chain, action="case.fee_paid")
    assert json.loads(paid.body)["after"]["amount"] == "6100.00"

    # The payment is used up: a second certificate is paid again.
    again = file(client, certificate)
    assert again.status_code == 200
    assert Case.objects.filter(applicant=citizen).count() == 1


def test_the_amount_sent_by_the_browser_is_ignored(client, demo_user, certificate):
    client.force_login(demo_user("ciudadano"))
    payment = pay(client, certificate, amount="1", monto="1", valor="1")
    assert payment.amount == CCB_006_2026


def test_a_notice_with_a_tampered_amount_changes_nothing(
    client, demo_user, certificate
):
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    started = client.post(url(certificate), {"pagar": "1"})
    payment = FilingPayment.objects.get(owner=citizen)
    assert started["Location"] == f"/tramites/pagos/sandbox/{payment.reference}/"
    provider = payments.provider(payment.provider)
    body = json.loads(provider.notice_body(payment, approved=True))
    body["amount"] = "1.00"
    raw = json.dumps(body).encode()
    response = client.post(
        "/tramites/pagos/aviso/sandbox-pse/",
        raw,
        content_type="application/json",
        HTTP_X_SANDBOX_SIGNATURE=provider.sign(raw),
    )
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == "pendiente"
    assert AuditEvent.objects.filter(
        chain_key=payment.audit_chain, action="payment.notice_rejected"
    ).exists()
    assert file(client, certificate).status_code == 200
    assert not Case.objects.filter(applicant=citizen).exists()

    # The same notice with our amount but a forged signature is refused too.
    body["amount"] = str(payment.amount)
    forged = client.post(
        "/tramites/pagos/aviso/sandbox-pse/",
        json.dumps(body).encode(),
        content_type="application/json",
        HTTP_X_SANDBOX_SIGNATURE="0" * 64,
    )
    assert forged.status_code == 400


def test_a_rejected_payment_does_not_file(client, demo_user, certificate):
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    payment = pay(client, certificate, approve=False)
    assert payment.status == "rechazado"
    assert file(client, certificate).status_code == 200
    assert not Case.objects.filter(applicant=citizen).exists()


def test_a_procedure_with_no_online_fee_files_without_payment(
    client, demo_user, rit_certificate, rit_answers, pdf_file
):
    """SDH-002 has no verified fee: it is not called free, and nothing is charged."""
    procedure = rit_certificate
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    html = client.get(url(procedure)).content.decode()
    assert "Valor sin confirmar: consúltelo con la entidad" in html
    assert "Gratuito" not in html and "con PSE" not in html
    response = client.post(
        url(procedure),
        {**rit_answers, "submission_token": str(uuid.uuid4()), "doc_0": pdf_file()},
    )
    assert response.status_code == 302
    assert Case.objects.filter(applicant=citizen, procedure=procedure).exists()
    assert not FilingPayment.objects.filter(owner=citizen).exists()


def test_another_citizen_cannot_see_or_decide_someone_elses_payment(
    client, demo_user, django_user_model, certificate
):
    client.force_login(demo_user("ciudadano"))
    response = client.post(url(certificate), {"pagar": "1"})
    bank = response["Location"]
    stranger = django_user_model.objects.create_user("otra", "otra@example.com", "x")
    client.force_login(stranger)
    assert client.get(bank).status_code == 404
    assert client.post(bank, {"decision": "aprobar"}).status_code == 404
    payment = FilingPayment.objects.get(reference=bank.rstrip("/").rsplit("/", 1)[1])
    assert payment.status == payments.PENDING
