"""The consolidated acknowledgement PDF (formalization/receipts.py), its download view,
and the calendar of recurring obligations (formalization/obligations.py)."""

import datetime
import io
import re

from django.conf import settings
from django.shortcuts import resolve_url

import pytest
from pypdf import PdfReader

from formalization import receipts
from formalization.models import ApplicationItem
from formalization.obligations import obligations_for

from .helpers import pay, restaurante_fixture  # noqa: F401 (fixture)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def compact(text: str) -> str:
    """Table cells may wrap anywhere: compare without whitespace."""
    return re.sub(r"\s+", "", text)


def receipt_bytes(application) -> bytes:
    application.refresh_from_db()
    with application.receipt.open("rb") as handle:
        return handle.read()


def filed_cases(application):
    return [
        item.case
        for item in application.items.filter(
            state=ApplicationItem.State.FILED
        ).select_related("case")
    ]


def assert_lists_every_filed_case(application):
    content = receipt_bytes(application)
    assert content.startswith(b"%PDF-")
    text = compact(pdf_text(content))
    assert compact(application.radicado) in text
    cases = filed_cases(application)
    assert cases
    for case in cases:
        assert compact(case.radicado) in text, case.radicado
        assert case.due_date.strftime("%d/%m/%Y") in text, case.radicado
    return text


@pytest.mark.django_db
def test_receipt_is_a_pdf_listing_every_filed_case(restaurante):
    assert not restaurante.receipt
    assert receipts.render(restaurante.pk) is True
    text = assert_lists_every_filed_case(restaurante)
    assert "Acusederecibo" in text
    restaurante.refresh_from_db()
    assert restaurante.receipt_filed_count == len(filed_cases(restaurante))


@pytest.mark.django_db
def test_receipt_is_rendered_again_only_after_another_filing(restaurante):
    assert receipts.render(restaurante.pk) is True
    first = receipt_bytes(restaurante)
    assert receipts.render(restaurante.pk) is False
    assert receipt_bytes(restaurante) == first

    pay(restaurante)  # files F04 and F07 (on_commit callbacks not run here)
    f04 = restaurante.items.get(code="F04").case
    assert f04.radicado not in pdf_text(first)
    assert receipts.render(restaurante.pk) is True
    text = assert_lists_every_filed_case(restaurante)
    assert compact(f04.radicado) in text
    assert receipts.render(restaurante.pk) is False


@pytest.mark.django_db
def test_filing_more_procedures_re_renders_the_receipt(
    restaurante, django_capture_on_commit_callbacks
):
    assert receipts.render(restaurante.pk) is True
    with django_capture_on_commit_callbacks(execute=True):
        pay(restaurante)
    restaurante.refresh_from_db()
    assert restaurante.receipt_filed_count == len(filed_cases(restaurante))
    assert_lists_every_filed_case(restaurante)


# --- the download view ----------------------------------------------------------


def receipt_url(application):
    return f"/mis-tramites/solicitudes/{application.radicado}/acuse.pdf"


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["ciudadano", "auditor"])
def test_owner_and_auditor_download_the_receipt(
    restaurante, client, demo_user, username
):
    receipts.render(restaurante.pk)
    client.force_login(demo_user(username))
    response = client.get(receipt_url(restaurante))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert f"acuse-{restaurante.radicado}.pdf" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content == receipt_bytes(restaurante)
    assert compact(restaurante.radicado) in compact(pdf_text(content))


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["ciudadana2", "funcionario_ccb"])
def test_others_get_404(restaurante, client, demo_user, username):
    receipts.render(restaurante.pk)
    client.force_login(demo_user(username))
    assert client.get(receipt_url(restaurante)).status_code == 404
    assert (
        client.get(f"/mis-tramites/solicitudes/{restaurante.radicado}/").status_code
        == 404
    )


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(restaurante, client):
    client.logout()
    response = client.get(receipt_url(restaurante))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")


@pytest.mark.django_db
def test_missing_receipt_is_generated_and_the_owner_redirected(
    restaurante, client, demo_user
):
    client.force_login(demo_user("ciudadano"))
    response = client.get(receipt_url(restaurante))
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/mis-tramites/solicitudes/{restaurante.radicado}/"
    )
    restaurante.refresh_from_db()
    assert restaurante.receipt  # eager task in tests
    assert client.get(receipt_url(restaurante)).status_code == 200


# --- obligations calendar (no DB) -----------------------------------------------

D = datetime.date
START = D(2026, 5, 10)
EMPLOYER = ["F03", "F05", "F08", "F15", "F16", "F21", "F22", "F23", "F24", "F25"]


def by_title(obligations, words):
    found = [o for o in obligations if words in o.title]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(
    ("today", "renewal"),
    [
        (D(2026, 1, 15), D(2026, 3, 31)),
        (D(2026, 3, 31), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2027, 3, 31)),
        (D(2026, 11, 20), D(2027, 3, 31)),
    ],
    ids=["january", "last-day", "april-1", "november"],
)
def test_renewal_by_31_march(today, renewal):
    obligation = by_title(
        obligations_for(["F04"], today=today, start=today),
        "Renovar la matrícula mercantil",
    )
    assert obligation is not None and obligation.next_due == renewal
    assert "31 de marzo" in obligation.recurrence


@pytest.mark.parametrize(
    ("codes", "title"),
    [
        (["F03"], "Renovar la matrícula mercantil"),
        (["F03", "F05"], "Renovar la matrícula mercantil y la del establecimiento"),
    ],
)
def test_renewal_names_the_establishment_when_there_is_one(codes, title):
    obligations = obligations_for(codes, today=D(2026, 6, 1), start=D(2026, 6, 1))
    assert [o.title for o in obligations if o.title.startswith("Renovar la matr")] == [
        title
    ]


@pytest.mark.parametrize(
    ("codes", "today", "pila_due"),
    [
        (EMPLOYER, D(2026, 5, 10), D(2026, 6, 1)),
        (EMPLOYER, D(2026, 12, 15), D(2027, 1, 1)),
        (EMPLOYER, D(2026, 1, 31), D(2026, 2, 1)),
        ([c for c in EMPLOYER if c != "F25"], D(2026, 5, 10), None),
        (["F03"], D(2026, 5, 10), None),
    ],
    ids=["may", "december", "january-31", "no-employees", "no-shop"],
)
def test_pila_monthly_only_with_employees(codes, today, pila_due):
    pila = by_title(obligations_for(codes, today=today, start=START), "PILA")
    if pila_due is None:
        assert pila is None
    else:
        assert pila.next_due == pila_due
        assert "Cada mes" in pila.recurrence


@pytest.mark.parametrize(
    ("code", "words"),
    [("F15", "Bomberos"), ("F16", "sanitario"), ("F19", "derechos de autor")],
)
@pytest.mark.parametrize(
    ("start", "due"),
    [
        (D(2026, 5, 10), D(2027, 5, 10)),
        (D(2026, 12, 31), D(2027, 12, 31)),
        (D(2028, 2, 29), D(2029, 2, 28)),
    ],
    ids=["may", "new-year-eve", "leap-day"],
)
def test_annual_concepts_one_year_after_the_start(code, words, start, due):
    obligations = obligations_for(["F05", code], today=D(2026, 5, 1), start=start)
    obligation = by_title(obligations, words)
    assert obligation is not None and obligation.next_due == due
    assert obligation.recurrence == "Cada año"


@pytest.mark.parametrize("code", ["F15", "F16", "F19", "F20", "F25", "F09", "F12"])
def test_no_obligation_without_its_procedure(code):
    everything = obligations_for(
        [f"F{n:02d}" for n in range(1, 26)], today=D(2026, 5, 1), start=START
    )
    without = obligations_for(
        [f"F{n:02d}" for n in range(1, 26) if f"F{n:02d}" != code],
        today=D(2026, 5, 1),
        start=START,
    )
    assert len(without) == len(everything) - 1


def test_obligations_are_sorted_by_date_with_undated_last():
    obligations = obligations_for(
        [f"F{n:02d}" for n in range(1, 26)], today=D(2026, 5, 1), start=START
    )
    dated = [o.next_due for o in obligations if o.next_due is not None]
    assert dated == sorted(dated)
    undated = [o for o in obligations if o.next_due is None]
    assert undated and obligations[-len(undated) :] == undated
    assert {o.title for o in undated} >= {
        "Declarar y pagar el impuesto de industria y comercio (ICA)",
        "Pagar los anticipos del Régimen Simple",
    }
