import csv
import io
import json

import pytest

from audit import record
from audit.models import AuditEvent

from .helpers import make_chain, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(client, demo_user):
    client.force_login(demo_user("auditor"))
    return client


@pytest.fixture
def case_history(demo_user):
    officer = demo_user("funcionario_ccb")
    record(
        action="case.filed",
        subject_type="case",
        subject_id="7",
        radicado="CCB-2026-000007",
        after={"status": "radicado"},
    )
    record(
        action="case.transition",
        subject_type="case",
        subject_id="7",
        radicado="CCB-2026-000007",
        actor=officer,
        before={"status": "radicado"},
        after={"status": "en_revision"},
    )
    return "case:7"


def test_auditor_finds_events_by_radicado_actor_action_and_date(
    auditor_client, case_history
):
    for params in (
        {"radicado": "CCB-2026-000007"},
        {"actor": "funcionario_ccb"},
        {"action": "case.", "subject": "case:7"},
        {"subject": "7", "date_from": "2020-01-01", "date_to": "2099-12-31"},
    ):
        response = auditor_client.get("/admin/auditoria/", params)
        html = response.content.decode()
        assert response.status_code == 200, params
        assert "case:7" in html, params
    response = auditor_client.get("/admin/auditoria/", {"radicado": "NO-EXISTE"})
    assert "0 eventos" in response.content.decode()


def test_invalid_date_range_shows_an_error_next_to_the_field(auditor_client):
    response = auditor_client.get(
        "/admin/auditoria/", {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert (
        "La fecha final debe ser igual o posterior a la inicial."
        in response.content.decode()
    )


def test_timeline_shows_readable_differences_and_integrity(
    auditor_client, case_history
):
    response = auditor_client.get(f"/admin/auditoria/cadena/{case_history}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cadena íntegra" in html
    assert "Estado" in html and "radicado" in html and "en_revision" in html
    assert "funcionario_ccb" in html


def test_timeline_flags_a_tampered_chain(auditor_client, case_history):
    event = AuditEvent.objects.get(chain_key=case_history, seq=2)
    tamper(
        "UPDATE audit_auditevent SET body = replace(body, 'en_revision', 'aprobado') WHERE id = %s",
        [event.pk],
    )
    html = auditor_client.get(
        f"/admin/auditoria/cadena/{case_history}/"
    ).content.decode()
    assert "Cadena ALTERADA" in html and "#2" in html


def test_integrity_page_verifies_on_demand(auditor_client, case_history):
    make_chain("case:8", 2)
    response = auditor_client.post("/admin/auditoria/integridad/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Íntegra:" in html and "case:8" in html


def test_csv_export_is_safe_against_formula_injection(auditor_client):
    record(
        action="case.note",
        subject_type="case",
        subject_id="9",
        reason='=HYPERLINK("http://malo")',
    )
    response = auditor_client.get("/admin/auditoria/cadena/case:9/exportar.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Secuencia"
    assert rows[1][9].startswith("'=HYPERLINK")


def test_pdf_export_is_real_and_readable(auditor_client, case_history):
    response = auditor_client.get(
        f"/admin/auditoria/cadena/{case_history}/exportar.pdf"
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "CCB-2026-000007" in text
    assert "Integridad verificada" in text


def test_auditor_views_are_themselves_recorded(auditor_client, demo_user, case_history):
    auditor = demo_user("auditor")
    auditor_client.get(f"/admin/auditoria/cadena/{case_history}/")
    auditor_client.get(f"/admin/auditoria/cadena/{case_history}/exportar.csv")
    actions = list(
        AuditEvent.objects.filter(chain_key=f"access:{auditor.pk}")
        .order_by("seq")
        .values_list("action", "subject_id")
    )
    assert ("audit.viewed", case_history) in actions
    assert ("audit.exported", case_history) in actions
    body = json.loads(
        AuditEvent.objects.filter(chain_key=f"access:{auditor.pk}").latest("id").body
    )
    assert body["actor_username"] == "auditor" and body["details"] == {"format": "csv"}


@pytest.mark.parametrize("username", ["editor", "funcionario_ccb", "moderador"])
def test_other_staff_cannot_open_the_console(client, demo_user, username, case_history):
    client.force_login(demo_user(username))
    for url in (
        "/admin/auditoria/",
        f"/admin/auditoria/cadena/{case_history}/",
        f"/admin/auditoria/cadena/{case_history}/exportar.csv",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"CCB-2026-000007" not in response.content
    assert AuditEvent.objects.filter(
        action="authz.denied", actor_username=username
    ).exists()


def test_auditors_cannot_change_content(demo_user):
    from catalog.models import ProcedurePage

    auditor = demo_user("auditor")
    page = ProcedurePage.objects.first()
    perms = page.permissions_for_user(auditor)
    assert not (perms.can_edit() or perms.can_publish() or perms.can_delete())
    assert not auditor.has_perm("catalog.change_entity")
    assert not auditor.has_perm("auth.change_user")
