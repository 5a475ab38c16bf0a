"""Fewer, better e-mails: a formalization writes once per event that matters to the
citizen (the submission, then each batch of procedures filed together), never once
per case; each case page shows the delivery state of the e-mails that told of it.
The consolidated receipt and the cases' documents state the application's
business and carry a verification code."""

import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from formalization import mapping, receipts
from formalization.models import ApplicationItem
from procedures import documents, notifications
from procedures.models import IssuedDocument, Notification

from .helpers import pay, restaurante_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_one_e_mail_per_event_and_its_delivery_state_on_each_case(client, restaurante):
    citizen = restaurante.applicant
    mine = Notification.objects.filter(recipient=citizen.email)
    # The submission's one e-mail lists what it filed at once (no fee) and what
    # waits for the payment.
    submitted = mine.get()
    assert submitted.dedupe_key == f"application:{restaurante.radicado}:submitted"
    at_once = set(submitted.cases.all())
    waiting = restaurante.items.exclude(state=ApplicationItem.State.FILED)
    assert waiting.exists()
    for item in waiting.select_related("procedure__entity"):
        assert item.procedure.title in submitted.body
    pay(restaurante)
    filed = list(
        restaurante.items.filter(state=ApplicationItem.State.FILED)
        .select_related("case", "procedure__entity")
        .order_by("order")
    )
    later = [item for item in filed if item.case not in at_once]
    assert len(later) >= 2
    # The payment filed several procedures: one more e-mail, for all of them.
    assert mine.count() == 2
    assert not mine.filter(case__isnull=False).exists()
    grouped = mine.exclude(pk=submitted.pk).get()
    assert grouped.subject.startswith(f"Radicamos sus {len(later)} trámites")
    for item in later:
        assert item.procedure.title in grouped.body
        # By the entity, or by the administrator the citizen chose (an EPS, a fund).
        chosen = mapping.chosen_administrator(item.code, restaurante.answers)
        assert (chosen or item.procedure.entity.name) in grouped.body
        assert item.case.radicado in grouped.body
    assert set(grouped.cases.all()) == {item.case for item in later}
    assert at_once | {item.case for item in later} == {item.case for item in filed}
    case = later[0].case

    client.force_login(citizen)
    page = client.get(f"/mis-tramites/{case.radicado}/").content.decode()
    assert "Correos que le enviamos" in page and grouped.subject in page
    assert "En cola" in page
    assert notifications.send(grouped.pk)
    page = client.get(f"/mis-tramites/{case.radicado}/").content.decode()
    assert "Enviado" in page and "En cola" not in page
    Notification.objects.filter(pk=grouped.pk).update(
        state=Notification.State.PENDING, attempts=2, last_error="SMTP 451"
    )
    page = client.get(f"/mis-tramites/{case.radicado}/").content.decode()
    assert "Falló; reintentando" in page and "SMTP" not in page
    Notification.objects.filter(pk=grouped.pk).update(state=Notification.State.DEAD)
    page = client.get(f"/mis-tramites/{case.radicado}/").content.decode()
    assert "No se pudo entregar" in page

    # The receipt and each case's acknowledgement state the business.
    assert receipts.render(restaurante.pk)
    restaurante.refresh_from_db()
    with restaurante.receipt.open("rb") as handle:
        content = handle.read()
    text = flat(pdf_text(content))
    for value in (
        "Sabores de la Sabana SAS",
        "Lucía Fernández",
        "Cédula de extranjería 456789",
        "Avenida 19 # 118-30",
    ):
        assert flat(value) in text, value
    receipt = IssuedDocument.objects.get(
        radicado=restaurante.radicado, document_type=IssuedDocument.Type.RECEIPT
    )
    assert receipt.sha256 == hashlib.sha256(content).hexdigest()
    assert flat(receipt.code_display) in text
    verified = client.get(f"/verificar/{receipt.code_display}/").content.decode()
    assert receipt.sha256 in verified and "Lucía" not in verified

    acknowledgement = documents.render_acknowledgement(case.pk)
    with acknowledgement.file.open("rb") as handle:
        ack_text = flat(pdf_text(handle.read()))
    assert flat("Sabores de la Sabana SAS") in ack_text
    assert flat(acknowledgement.issued.code_display) in ack_text
