"""Attacks on the audit trail (issue 10): checkpoints that cannot launder a rewrite
(point 2, as the database owner) and keys and chain heads that the application's
database role cannot erase or forge (point 3). PostgreSQL only."""

import json

from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils.module_loading import import_string

import pytest

from audit import chain, personal, record, record_many
from audit.checkpoints import read_sink
from audit.models import AuditEvent, ChainHead, Checkpoint, DataSubjectKey
from audit.presentation import present_all
from audit.verify import (
    CHECKPOINT_CHAIN_DELETED,
    CHECKPOINT_REFUSED,
    CHECKPOINT_REWRITTEN,
    CHECKPOINT_SINK,
    CHECKPOINT_TRUNCATED,
    Report,
    verify,
    verify_chains,
)
from tests.audit.helpers import make_chain, tamper

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


def _append_after(chain_key: str, prev_hash: str, seq: int, digest: str | None = None):
    """As the app role: an event at ``seq`` linked to ``prev_hash``; return its hash."""
    body = chain.canonical_json(
        {"v": 1, "chain": chain_key, "seq": seq, "action": "test.raw"}
    )
    digest = digest or chain.event_hash(prev_hash, body)
    as_app(
        "INSERT INTO audit_auditevent (body, prev_hash, hash) VALUES (%s, %s, %s)",
        [body, prev_hash, digest],
    )
    return digest


def test_a_head_moves_over_several_events_appended_at_once(app_role):
    record(action="test.one", subject_type="test", subject_id="H5", chain_key="h:5")
    head = ChainHead.objects.get(chain_key="h:5")
    first = _append_after("h:5", head.head_hash, 2)
    second = _append_after("h:5", first, 3)
    as_app(
        "UPDATE audit_chainhead SET seq = 3, head_hash = %s WHERE chain_key = 'h:5'",
        [second],
    )
    assert ChainHead.objects.get(chain_key="h:5").seq == 3


@pytest.mark.parametrize("attack", ["skipped", "forged_first", "not_the_last"])
def test_a_head_cannot_move_over_a_batch_with_a_gap_or_a_forged_event(app_role, attack):
    record(action="test.one", subject_type="test", subject_id="H6", chain_key="h:6")
    head = ChainHead.objects.get(chain_key="h:6")
    if attack == "skipped":
        # Only seq 2 exists: the head may not claim 3 with its hash.
        target_seq, target = 3, _append_after("h:6", head.head_hash, 2)
    elif attack == "forged_first":
        forged = _append_after("h:6", head.head_hash, 2, digest="ab" * 32)
        target_seq, target = 3, _append_after("h:6", forged, 3)
    else:
        first = _append_after("h:6", head.head_hash, 2)
        _append_after("h:6", first, 3)
        target_seq, target = 3, first
    with pytest.raises(DatabaseError, match="does not match"):
        as_app(
            "UPDATE audit_chainhead SET seq = %s, head_hash = %s WHERE chain_key = 'h:6'",
            [target_seq, target],
        )
    assert ChainHead.objects.get(chain_key="h:6").seq == 1


def test_the_application_appends_a_batch_as_its_own_role(app_role):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        events = record_many(
            [
                {"action": f"test.batch_{n}", "subject_type": "test", "subject_id": "7"}
                for n in range(3)
            ],
            new_chain=True,
        )
    head = ChainHead.objects.get(chain_key="test:7")
    assert (head.seq, head.head_hash) == (3, events[-1].hash)
    assert verify().ok


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


# --- Checkpoints cannot launder a rewrite (issue 10, point 2) ------------------------
# The attacker is the database owner (guards switched off, as tests/audit/helpers.tamper
# does); after each attack beat's checkpoint task runs, and audit_verify must still fail.


@pytest.fixture
def signed_trail(postgres_only, make_checkpoint):
    t1 = make_chain("case:K1", 6)
    t2 = make_chain("case:K2", 3)
    first = make_checkpoint()
    return t1, t2, first


@pytest.fixture
def beat(django_capture_on_commit_callbacks, settings):
    """Run the task beat schedules, as the worker would (its sink copy included)."""
    task = import_string(settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]["task"])

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return task()

    return run


def verify_fails(*kinds) -> list:
    with pytest.raises(CommandError) as error:
        call_command("audit_verify")
    assert error.value.returncode == 1
    report = verify()
    found = {item.kind for item in report.breaks}
    assert set(kinds) <= found, report.breaks
    return report.breaks


def rewrite_consistently(events, from_index: int) -> str:
    """Recompute events[from_index:] with new content, valid hashes and links; move
    the head. Returns the new head hash."""
    prev = events[from_index - 1].hash
    for event in events[from_index:]:
        data = json.loads(event.body)
        data["after"] = {"i": "reescrito"}
        body = chain.canonical_json(data)
        digest = chain.event_hash(prev, body)
        tamper(
            "UPDATE audit_auditevent SET body = %s, prev_hash = %s, hash = %s WHERE hash = %s",
            [body, prev, digest, event.hash],
        )
        prev = digest
    tamper(
        "UPDATE audit_chainhead SET head_hash = %s WHERE chain_key = %s",
        [prev, events[0].chain_key],
    )
    return prev


def assert_refused(beat, checkpoints_before: int):
    assert beat() is None, "a checkpoint was signed over the tampered trail"
    assert Checkpoint.objects.count() == checkpoints_before
    alarm = AuditEvent.objects.filter(action="audit.checkpoint_refused").latest("pk")
    assert alarm.result == "error" and json.loads(alarm.body)["details"]["count"] >= 1


def test_consistent_rewrite_then_scheduled_checkpoint_is_still_detected(
    signed_trail, beat, caplog
):
    t1, _t2, _first = signed_trail
    record(action="test.more", subject_type="test", subject_id="x", chain_key="case:K1")
    rewrite_consistently(list(AuditEvent.objects.filter(chain_key="case:K1")), 3)
    alone = Report()
    verify_chains(alone)
    assert alone.ok, "each chain is consistent on its own"
    with caplog.at_level("CRITICAL", logger="audit.checkpoints"):
        assert_refused(beat, 1)
    assert "NOT signed" in caplog.text and "case:K1" in caplog.text
    breaks = verify_fails(CHECKPOINT_REWRITTEN, CHECKPOINT_REFUSED)
    assert (breaks[0].chain_key, breaks[0].seq) == ("case:K1", 6)
    assert_refused(beat, 1)  # and again at the next beat
    verify_fails(CHECKPOINT_REWRITTEN)


def test_truncated_tail_then_scheduled_checkpoint_is_still_detected(signed_trail, beat):
    t1, _t2, _first = signed_trail
    tamper(
        "DELETE FROM audit_auditevent WHERE hash IN (%s, %s)", [t1[4].hash, t1[5].hash]
    )
    tamper(
        "UPDATE audit_chainhead SET seq = 4, head_hash = %s WHERE chain_key = 'case:K1'",
        [t1[3].hash],
    )
    # The application goes on appending: the chain grows past its old length again.
    for _ in range(3):
        record(
            action="test.later", subject_type="t", subject_id="1", chain_key="case:K1"
        )
    assert_refused(beat, 1)
    breaks = verify_fails(CHECKPOINT_REWRITTEN, CHECKPOINT_REFUSED)
    assert (breaks[0].chain_key, breaks[0].seq) == ("case:K1", 6)


def test_truncated_tail_alone_is_reported_as_truncation(signed_trail, beat):
    t1, _t2, _first = signed_trail
    tamper("DELETE FROM audit_auditevent WHERE hash = %s", [t1[5].hash])
    tamper(
        "UPDATE audit_chainhead SET seq = 5, head_hash = %s WHERE chain_key = 'case:K1'",
        [t1[4].hash],
    )
    assert_refused(beat, 1)
    breaks = verify_fails(CHECKPOINT_TRUNCATED, CHECKPOINT_REFUSED)
    assert (breaks[0].chain_key, breaks[0].seq) == ("case:K1", 6)


def test_deleted_chain_then_scheduled_checkpoint_is_still_detected(signed_trail, beat):
    tamper("DELETE FROM audit_auditevent WHERE chain_key = 'case:K2'")
    tamper("DELETE FROM audit_chainhead WHERE chain_key = 'case:K2'")
    assert_refused(beat, 1)
    breaks = verify_fails(CHECKPOINT_CHAIN_DELETED, CHECKPOINT_REFUSED)
    assert breaks[0].chain_key == "case:K2"


def test_rewrite_after_deleting_the_checkpoints_is_refused_by_the_witness(
    signed_trail, beat, make_checkpoint
):
    t1, _t2, _first = signed_trail
    make_checkpoint()
    # Remove every checkpoint from the database, so none is left to contradict.
    tamper("DELETE FROM audit_checkpoint")
    rewrite_consistently(t1, 2)
    assert_refused(beat, 0)
    verify_fails(CHECKPOINT_SINK, CHECKPOINT_REFUSED)


def test_every_checkpoint_is_checked_not_only_the_latest(
    signed_trail, make_checkpoint, monkeypatch
):
    """Even a checkpoint signed over a rewrite (as before this fix) cannot hide it."""
    t1, _t2, first = signed_trail
    rewrite_consistently(t1, 3)
    monkeypatch.setattr("audit.verify.extension_breaks", lambda *args: [])
    laundered = make_checkpoint()
    monkeypatch.undo()
    assert laundered.pk > first.pk
    breaks = verify_fails(CHECKPOINT_REWRITTEN)
    assert breaks[0].chain_key == "case:K1" and f"#{first.pk}" in breaks[0].detail


def test_an_honest_trail_gets_checkpoint_after_checkpoint(signed_trail, beat):
    t1, _t2, first = signed_trail
    make_chain("case:K3", 2)
    record(action="test.more", subject_type="t", subject_id="1", chain_key="case:K1")
    second = beat()
    make_chain("case:K4", 1)
    third = beat()
    assert first.pk < second < third
    assert [entry["hash"] for entry in read_sink()] == list(
        Checkpoint.objects.order_by("id").values_list("checkpoint_hash", flat=True)
    )
    call_command("audit_verify")
    assert not AuditEvent.objects.filter(action="audit.checkpoint_refused").exists()
