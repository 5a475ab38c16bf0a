"""The audit chain of one wizard run: every step, going back, the upload, consent,
submission and each filed case, in order, intact, and readable in the console."""

import hashlib
import json

from django.conf import settings
from django.utils.html import escape

import pytest

from audit import personal
from audit.models import AuditEvent
from audit.registry import registry
from audit.verify import verify
from formalization.models import Application, ApplicationItem, Draft
from tests.audit_bodies import all_sealed, opened
from tests.procedures.conftest import MINIMAL_PDF

from .personas import AGENCIA

pytestmark = pytest.mark.django_db

ACTIONS = (
    "formalization.started",
    "formalization.step_saved",
    "formalization.step_back",
    "formalization.document_uploaded",
    "formalization.consent",
    "formalization.submitted",
    "formalization.procedure_filed",
)


@pytest.fixture
def walked(wizard):
    """AGENCIA's run, going back once from 'ubicacion' to change the business name."""
    run = wizard()
    run.answer(AGENCIA, stop_before="ubicacion")
    back = run.client.post(run.url("ubicacion"), {"wizard_goto_step": "empresa"})
    assert back["Location"] == run.url("empresa")
    renamed = dict(AGENCIA["steps"]["empresa"], razon_social="Rutas del Páramo Alto")
    assert run.post("empresa", renamed).status_code == 302
    run.step = "ubicacion"
    response = run.answer(AGENCIA)
    application = Application.objects.get(draft__run_id=run.run_id)
    assert response["Location"].endswith(f"/{application.radicado}/")
    return run, application


def chain(run) -> list[dict]:
    return [
        json.loads(event.body)
        for event in AuditEvent.objects.filter(
            chain_key=f"formalizacion:{run.run_id}"
        ).order_by("seq")
    ]


def test_the_chain_tells_the_run_in_order(walked):
    run, application = walked
    events = chain(run)
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    steps_shown = [
        "solicitante",
        "empresa",
        "ubicacion",
        "actividad",
        "operacion",
        "empleados",
        "documentos",
        "revision",
        "resumen",
        "confirmacion",
    ]
    saved = [e["details"]["step"] for e in events if e["action"].endswith("saved")]
    filed = application.items.filter(state=ApplicationItem.State.FILED)
    expected = (
        ["formalization.started"]
        + ["formalization.step_saved"] * 2  # solicitante, empresa
        + ["formalization.step_back", "formalization.step_saved"]  # empresa again
        + ["formalization.step_saved"] * 4  # ubicacion, actividad, operacion, empleados
        + ["formalization.document_uploaded", "formalization.step_saved"]
        + ["formalization.step_saved"] * 3  # revision, resumen, confirmacion
        + ["formalization.consent", "formalization.submitted"]
        + ["formalization.procedure_filed"] * filed.count()
    )
    assert [event["action"] for event in events] == expected
    assert saved == steps_shown[:2] + ["empresa"] + steps_shown[2:]


def test_step_events_carry_before_and_after(walked):
    run, _application = walked
    events = chain(run)
    assert all(e["subject_id"] == str(run.run_id) for e in events)
    saves = [e for e in events if e["action"] == "formalization.step_saved"]
    # Answers are personal data: sealed under the applicant's key in the trail.
    assert all(all_sealed(e["after"]) for e in saves if e["after"])
    assert "Rutas del Páramo Alto" not in json.dumps(saves, ensure_ascii=False)
    saves = [opened(e) for e in saves]
    first, second = [e for e in saves if e["details"]["step"] == "empresa"]
    assert not first.get("before")
    assert first["after"] == AGENCIA["steps"]["empresa"]
    assert second["before"] == AGENCIA["steps"]["empresa"]
    assert second["after"]["razon_social"] == "Rutas del Páramo Alto"
    for event in saves:
        assert isinstance(event["after"], dict)
        assert not any(key.startswith(("csrf", "formaliza_")) for key in event["after"])
    back = next(e for e in events if e["action"] == "formalization.step_back")
    assert back["details"] == {"from": "ubicacion", "to": "empresa"}
    assert back["actor_username"] == "ciudadano"


def test_upload_consent_submission_and_filings_are_recorded(walked):
    run, application = walked
    events = {e["action"]: e for e in chain(run)}
    upload = events["formalization.document_uploaded"]
    assert upload["after"]["document"] == "documento_identidad"
    assert upload["after"]["digest"] == (
        "sha256:" + hashlib.sha256(MINIMAL_PDF).hexdigest()
    )
    consent = events["formalization.consent"]
    assert consent["details"]["privacy_notice"] == settings.PRIVACY_NOTICE_VERSION
    assert consent["radicado"] == application.radicado
    submitted = events["formalization.submitted"]
    assert submitted["radicado"] == application.radicado
    assert submitted["after"]["procedures"] == AGENCIA["expected"]
    filings = [e for e in chain(run) if e["action"] == "formalization.procedure_filed"]
    filed = application.items.filter(state=ApplicationItem.State.FILED)
    assert filings
    assert {(e["after"]["procedure"], e["after"]["case"]) for e in filings} == {
        (item.code, item.case.radicado) for item in filed.select_related("case")
    }
    assert all(e["radicado"] == application.radicado for e in filings)


def test_the_chain_verifies_intact(walked):
    run, _application = walked
    report = verify(f"formalizacion:{run.run_id}")
    assert report.ok, [str(item) for item in report.breaks]
    assert report.events == len(chain(run))


def test_auditor_console_shows_the_timeline_with_spanish_labels(
    walked, client, demo_user
):
    run, application = walked
    assert not settings.STAFF_2FA_REQUIRED
    client.force_login(demo_user("auditor"))
    response = client.get(f"/admin/auditoria/cadena/formalizacion:{run.run_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    missing = [action for action in ACTIONS if not registry.action_exists(action)]
    assert not missing, f"no audit labels registered for {missing}"
    for action in ACTIONS:
        assert escape(registry.action_label(action)) in html, action
    assert application.radicado in html
    assert "Rutas del Páramo Alto" in html
    # A citizen cannot open it.
    client.force_login(demo_user("ciudadano"))
    assert client.get(
        f"/admin/auditoria/cadena/formalizacion:{run.run_id}/"
    ).status_code in (302, 403)


def test_no_personal_value_of_the_applicant_is_in_clear_anywhere_in_the_trail(walked):
    """docs/reliability.md L-8: personal data in audit payloads only as ciphertext."""
    run, _application = walked
    bodies = "\n".join(AuditEvent.objects.values_list("body", flat=True))
    asked = AGENCIA["steps"]["solicitante"]
    for value in (
        asked["doc_numero"],
        asked["nombre"],
        asked["telefono"],
        AGENCIA["steps"]["ubicacion"]["direccion"],
        "Rutas del Páramo Alto",
    ):
        assert value not in bodies, value
    # ...while the auditor, who may read them, still sees them.
    saves = [opened(e) for e in chain(run) if e["action"] == "formalization.step_saved"]
    assert any(e["after"].get("doc_numero") == asked["doc_numero"] for e in saves)


def test_shredding_the_applicants_key_leaves_the_chain_intact_and_unreadable(
    walked, client, demo_user
):
    """docs/reliability.md P-4: crypto-shredding keeps audit_verify passing."""
    run, _application = walked
    chain_key = f"formalizacion:{run.run_id}"
    hashes = list(
        AuditEvent.objects.filter(chain_key=chain_key)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    owner = Draft.objects.get(run_id=run.run_id).owner
    assert personal.shred(personal.subject_of(owner), reason="supresión")
    assert verify().ok and verify(chain_key).ok
    assert hashes == list(
        AuditEvent.objects.filter(chain_key=chain_key)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    saves = [opened(e) for e in chain(run) if e["action"] == "formalization.step_saved"]
    assert {str(v) for e in saves for v in e["after"].values() if v} == {
        "[dato personal suprimido]"
    }
    client.force_login(demo_user("auditor"))
    page = client.get(f"/admin/auditoria/cadena/{chain_key}/", follow=True)
    assert page.status_code == 200
    assert "[dato personal suprimido]" in page.text
    assert AGENCIA["steps"]["solicitante"]["doc_numero"] not in page.text
    shredded = AuditEvent.objects.filter(action="audit.data_shredded").latest("id")
    assert json.loads(shredded.body)["reason"] == "supresión"
