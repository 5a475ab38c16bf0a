import json

from django.db import transaction

import pytest

from audit import chain, record, record_many
from audit.models import AuditEvent, ChainHead
from audit.verify import verify

from .helpers import make_chain

pytestmark = pytest.mark.django_db


def test_record_appends_a_linked_event_with_all_fields(demo_user):
    officer = demo_user("funcionario_ccb")
    first = record(
        action="case.filed",
        subject_type="case",
        subject_id="42",
        actor=officer,
        radicado="CCB-2026-000001",
    )
    second = record(
        action="case.approved",
        subject_type="case",
        subject_id="42",
        actor=officer,
        radicado="CCB-2026-000001",
        reason="Cumple los requisitos",
        before={"status": "en_revision"},
        after={"status": "aprobado"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.chain_key, first.seq, second.seq) == ("case:42", 1, 2)
    assert first.prev_hash == chain.genesis_hash("case:42")
    assert second.prev_hash == first.hash
    assert second.hash == chain.event_hash(first.hash, second.body)
    body = json.loads(second.body)
    assert body["actor_username"] == "funcionario_ccb"
    assert "Funcionarios CCB" in body["actor_role"]
    assert body["before"] == {"status": "en_revision"} and body["after"] == {
        "status": "aprobado"
    }
    assert (
        second.radicado == "CCB-2026-000001"
        and second.action == "case.approved"
        and second.result == "ok"
    )
    assert chain.parse_time(second.recorded_at).tzinfo is not None
    assert ChainHead.objects.get(chain_key="case:42").head_hash == second.hash


def test_record_many_appends_in_order_per_chain_as_record_would(demo_user):
    officer = demo_user("funcionario_ccb")
    record(action="case.filed", subject_type="case", subject_id="77")
    events = record_many(
        [
            {
                "action": "case.document_uploaded",
                "subject_type": "case",
                "subject_id": "77",
                "actor": officer,
                "after": {"name": "rut.pdf", "digest": "sha256:00"},
                "data_subject": "user:77",
                "personal_fields": ("name",),
            },
            {"action": "other.one", "subject_type": "other", "subject_id": "1"},
            {
                "action": "case.approved",
                "subject_type": "case",
                "subject_id": "77",
                "actor": officer,
            },
        ]
    )
    for event in events:
        event.refresh_from_db()
    uploaded, other, approved = events
    assert (uploaded.chain_key, uploaded.seq, approved.seq) == ("case:77", 2, 3)
    assert (other.chain_key, other.seq) == ("other:1", 1)
    assert approved.prev_hash == uploaded.hash
    assert approved.hash == chain.event_hash(uploaded.hash, approved.body)
    body = json.loads(uploaded.body)
    assert "Funcionarios CCB" in body["actor_role"]
    assert body["after"]["digest"] == "sha256:00"
    assert body["after"]["name"].startswith("enc:v1:")
    assert ChainHead.objects.get(chain_key="case:77").seq == 3
    assert verify().ok


def test_rolled_back_transaction_leaves_no_event():
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action="case.filed", subject_type="case", subject_id="99")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert not ChainHead.objects.filter(chain_key="case:99").exists()


def test_events_from_commands_carry_the_command_identity():
    event = record(action="system.test", subject_type="test", subject_id="1")
    body = json.loads(event.body)
    assert body["origin"] in ("system",) or body["origin"].startswith("command:")
    assert body["actor_role"] == "sistema"


def test_request_events_carry_request_id_ip_and_user_agent(client):
    response = client.post(
        "/cuenta/ingresar/",
        {"username": "ciudadano", "password": "incorrecta"},
        HTTP_USER_AGENT="Pruebas/1.0",
        REMOTE_ADDR="203.0.113.7",
    )
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    body = json.loads(event.body)
    assert body["ip"] == "203.0.113.7"
    assert body["user_agent"] == "Pruebas/1.0"
    assert body["request_id"] == response["X-Request-ID"]
    assert body["origin"] == "web:POST"
    assert event.result == "denied"


def test_untampered_trail_verifies():
    make_chain("test:ok", 5)
    report = verify()
    assert report.ok, report.breaks[:3]
    assert report.events >= 5


def test_quotes_newlines_backslashes_and_tabs_verify():
    record(
        action="case.note",
        subject_type="case",
        subject_id="esc",
        reason='Dijo "hola"\nsegunda línea \\ barra\tfin',
        after={"ñandú": "\u202e raro"},
    )
    report = verify("case:esc")
    assert report.ok, report.breaks
