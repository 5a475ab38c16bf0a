"""Attacks on the trail's keys and chain heads through the application's database role
(issue 10, point 3). PostgreSQL only: the guards are triggers and privileges."""

import json

from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

import pytest

from audit import chain, personal, record
from audit.models import AuditEvent, ChainHead, DataSubjectKey
from audit.presentation import present_all
from audit.verify import verify

pytestmark = pytest.mark.django_db

APP_ROLE = "ventanilla_app_test"
SUBJECT = "user:424242"


@pytest.fixture
def app_role(postgres_only):
    call_command("audit_db_roles", app_role=APP_ROLE, verbosity=0)
    return APP_ROLE


@pytest.fixture
def sealed(app_role):
    """An event about SUBJECT with a sealed personal value, and SUBJECT's key."""
    event = record(
        action="account.profile_changed",
        subject_type="user",
        subject_id="424242",
        chain_key="pruebas-llaves",
        after={"phone": "3001234567"},
        data_subject=SUBJECT,
    )
    return event, DataSubjectKey.objects.get(subject=SUBJECT)


def as_app(sql: str, params=None, *, role: str | None = APP_ROLE) -> None:
    """Run ``sql`` as ``role`` in a savepoint, deferred checks included, as at commit."""
    with transaction.atomic(), connection.cursor() as cursor:
        if role:
            cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def readable(event) -> bool:
    [view] = present_all([AuditEvent.objects.get(pk=event.pk)])
    return any(change.after == "3001234567" for change in view.changes)


KEY_ATTACKS = [
    "DELETE FROM audit_datasubjectkey WHERE subject = 'user:424242'",
    "DELETE FROM audit_datasubjectkey",
    "TRUNCATE audit_datasubjectkey",
    # Shredding without its audit_shred event.
    "UPDATE audit_datasubjectkey SET wrapped = NULL, shredded_at = now() WHERE subject = 'user:424242'",
    "UPDATE audit_datasubjectkey SET wrapped = NULL WHERE subject = 'user:424242'",
    # Forging the key: other bytes, another id, another person.
    "UPDATE audit_datasubjectkey SET wrapped = '\\x00'::bytea WHERE subject = 'user:424242'",
    "UPDATE audit_datasubjectkey SET key_id = 'f0f0f0f0f0f0f0f0' WHERE subject = 'user:424242'",
    "UPDATE audit_datasubjectkey SET subject = 'user:1' WHERE subject = 'user:424242'",
]


@pytest.mark.parametrize("sql", KEY_ATTACKS)
def test_application_role_cannot_erase_or_forge_a_data_key(sealed, sql):
    event, key = sealed
    with pytest.raises(DatabaseError):
        as_app(sql)
    after = DataSubjectKey.objects.get(pk=key.pk)
    assert (after.subject, after.key_id, bytes(after.wrapped)) == (
        key.subject,
        key.key_id,
        bytes(key.wrapped),
    )
    assert readable(event)


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM audit_datasubjectkey WHERE subject = 'user:424242'",
        "UPDATE audit_datasubjectkey SET wrapped = NULL, shredded_at = now() WHERE subject = 'user:424242'",
    ],
)
def test_the_owner_cannot_either_even_in_replica_mode(sealed, sql):
    with (
        pytest.raises(DatabaseError, match="audit"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_shredding_path_destroys_the_key_and_records_the_event(sealed):
    event, key = sealed
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        assert personal.shred(SUBJECT, reason="solicitud de supresión")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # New facts about the person get a new key (re-keying an emptied key is allowed).
        later = record(
            action="account.profile_changed",
            subject_type="user",
            subject_id="424242",
            chain_key="pruebas-llaves",
            after={"phone": "3109876543"},
            data_subject=SUBJECT,
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    shredded = AuditEvent.objects.get(action="audit.data_shredded", seq__gt=0)
    assert json.loads(shredded.body)["details"] == {"key_id": key.key_id}
    assert not readable(event)
    [view] = present_all([later])
    assert [c.after for c in view.changes] == ["3109876543"]
    assert DataSubjectKey.objects.get(subject=SUBJECT).key_id != key.key_id
    assert verify().ok


def _append_raw(
    chain_key: str, body_text: str | None = None, digest: str | None = None
):
    """As the app role: insert the next event of ``chain_key`` by hand; return its hash."""
    head = ChainHead.objects.get(chain_key=chain_key)
    body = body_text or chain.canonical_json(
        {"v": 1, "chain": chain_key, "seq": head.seq + 1, "action": "test.raw"}
    )
    digest = digest or chain.event_hash(head.head_hash, body)
    as_app(
        "INSERT INTO audit_auditevent (body, prev_hash, hash) VALUES (%s, %s, %s)",
        [body, head.head_hash, digest],
    )
    return head, digest


def test_a_head_cannot_move_forward_to_a_bogus_hash(app_role):
    record(action="test.one", subject_type="test", subject_id="H1", chain_key="h:1")
    head = ChainHead.objects.get(chain_key="h:1")
    with pytest.raises(DatabaseError, match="does not match"):
        as_app(
            "UPDATE audit_chainhead SET seq = seq + 1, head_hash = %s WHERE chain_key = 'h:1'",
            ["0" * 64],
        )
    assert ChainHead.objects.get(chain_key="h:1").head_hash == head.head_hash


def test_a_head_cannot_move_to_an_event_whose_hash_is_forged(app_role):
    record(action="test.one", subject_type="test", subject_id="H2", chain_key="h:2")
    # An event row whose stored hash is not sha256(prev_hash || body).
    body = chain.canonical_json({"v": 1, "chain": "h:2", "seq": 2, "action": "x"})
    _head, forged = _append_raw("h:2", body, digest="ab" * 32)
    with pytest.raises(DatabaseError, match="does not match"):
        as_app(
            "UPDATE audit_chainhead SET seq = 2, head_hash = %s WHERE chain_key = 'h:2'",
            [forged],
        )


def test_a_head_moves_to_the_event_just_appended(app_role):
    record(action="test.one", subject_type="test", subject_id="H3", chain_key="h:3")
    _head, digest = _append_raw("h:3")
    as_app(
        "UPDATE audit_chainhead SET seq = 2, head_hash = %s WHERE chain_key = 'h:3'",
        [digest],
    )
    assert ChainHead.objects.get(chain_key="h:3").head_hash == digest


def test_a_new_chain_head_starts_at_its_genesis(app_role):
    with pytest.raises(DatabaseError, match="genesis"):
        as_app(
            "INSERT INTO audit_chainhead (chain_key, seq, head_hash) VALUES ('h:4', 5, %s)",
            ["cd" * 32],
        )
    with pytest.raises(DatabaseError, match="genesis"):
        as_app(
            "INSERT INTO audit_chainhead (chain_key, seq, head_hash) VALUES ('h:4', 0, %s)",
            ["cd" * 32],
        )
    # The application's own path still creates chains as that role.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        event = record(action="test.new", subject_type="test", subject_id="4")
    assert ChainHead.objects.get(chain_key="test:4").head_hash == event.hash
