"""Every kind of tampering is detected by audit_verify (as an attacker with owner rights)."""

import hashlib
import json

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import chain, checkpoints, record, verify
from audit.models import AuditEvent, Checkpoint

from .helpers import make_chain, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail():
    events = make_chain("case:T1", 6)
    make_chain("case:T2", 3)
    return events


def first_break(chain_key=None):
    report = verify.verify(chain_key)
    assert not report.ok, "tampering went undetected"
    return report.breaks[0]


def test_command_exits_zero_when_intact_and_non_zero_naming_the_break(trail, capsys):
    call_command("audit_verify")
    assert "Auditoría íntegra" in capsys.readouterr().out
    tamper(
        "UPDATE audit_auditevent SET body = replace(body, 'test.step3', 'test.stepX') WHERE hash = %s",
        [trail[2].hash],
    )
    with pytest.raises(CommandError) as error:
        call_command("audit_verify")
    assert error.value.returncode == 1
    assert "case:T1" in str(error.value) and "#3" in str(error.value)


def test_changed_field_is_detected(trail):
    tamper(
        "UPDATE audit_auditevent SET body = replace(body, '\"i\":4', '\"i\":40') WHERE hash = %s",
        [trail[3].hash],
    )
    found = first_break()
    assert (found.chain_key, found.seq, found.kind) == (
        "case:T1",
        4,
        verify.EVENT_ALTERED,
    )


def test_changed_hash_column_is_detected(trail):
    tamper(
        "UPDATE audit_auditevent SET hash = %s WHERE hash = %s",
        ["0" * 64, trail[1].hash],
    )
    found = first_break()
    assert found.chain_key == "case:T1" and found.seq in (2, 3)


def test_deleted_middle_event_is_detected(trail):
    tamper("DELETE FROM audit_auditevent WHERE hash = %s", [trail[2].hash])
    found = first_break()
    assert (found.chain_key, found.seq, found.kind) == ("case:T1", 3, verify.SEQ_GAP)


def test_deleted_tail_is_detected_against_the_head(trail):
    tamper("DELETE FROM audit_auditevent WHERE hash = %s", [trail[5].hash])
    found = first_break()
    assert (found.chain_key, found.seq, found.kind) == (
        "case:T1",
        6,
        verify.TAIL_MISSING,
    )


def test_deleted_tail_with_head_rewound_is_detected_by_the_checkpoint(
    trail, make_checkpoint
):
    make_checkpoint()
    tamper(
        "DELETE FROM audit_auditevent WHERE hash IN (%s, %s)",
        [trail[4].hash, trail[5].hash],
    )
    tamper(
        "UPDATE audit_chainhead SET seq = 4, head_hash = %s WHERE chain_key = 'case:T1'",
        [trail[3].hash],
    )
    found = first_break()
    assert (found.chain_key, found.kind) == ("case:T1", verify.CHECKPOINT_TRUNCATED)


def test_inserted_event_is_detected(trail):
    # Shift events 3..6 up by one and slip a forged event in at 3, each correctly hashed on its own.
    forged = chain.canonical_json(
        {**json.loads(trail[2].body), "action": "test.forged"}
    )
    rows = list(
        AuditEvent.objects.filter(chain_key="case:T1", seq__gte=3)
        .order_by("-seq")
        .values_list("body", "hash")
    )
    for body, digest in rows:
        data = json.loads(body)
        data["seq"] += 1
        tamper(
            "UPDATE audit_auditevent SET body = %s WHERE hash = %s",
            [chain.canonical_json(data), digest],
        )
    tamper(
        "INSERT INTO audit_auditevent (body, prev_hash, hash) VALUES (%s, %s, %s)",
        [forged, trail[1].hash, chain.event_hash(trail[1].hash, forged)],
    )
    found = first_break()
    assert found.chain_key == "case:T1" and found.seq == 4
    assert found.kind in (verify.LINK_BROKEN, verify.EVENT_ALTERED)


def test_reordered_events_are_detected(trail):
    # Swap events 2 and 3: each keeps its own hash columns, the bodies trade places.
    a, b = trail[1], trail[2]
    temporary = {**json.loads(a.body), "seq": 999}
    tamper(
        "UPDATE audit_auditevent SET body = %s WHERE hash = %s",
        [chain.canonical_json(temporary), a.hash],
    )
    tamper(
        "UPDATE audit_auditevent SET body = %s WHERE hash = %s",
        [b.body.replace('"seq":3', '"seq":2'), b.hash],
    )
    tamper(
        "UPDATE audit_auditevent SET body = %s WHERE hash = %s",
        [a.body.replace('"seq":2', '"seq":3'), a.hash],
    )
    found = first_break()
    assert found.chain_key == "case:T1" and found.seq == 2


def test_event_moved_to_another_chain_is_detected(trail):
    data = json.loads(trail[5].body)
    data["chain"] = "case:T2"
    data["seq"] = 4
    tamper(
        "UPDATE audit_auditevent SET body = %s WHERE hash = %s",
        [chain.canonical_json(data), trail[5].hash],
    )
    report = verify.verify()
    assert {b.chain_key for b in report.breaks} >= {"case:T1", "case:T2"}


def test_chain_rewritten_after_a_checkpoint_is_detected(trail, make_checkpoint):
    make_checkpoint()
    # Rewrite events 4..6 consistently (valid hashes and links) and fix the head.
    prev = trail[2].hash
    for event in trail[3:]:
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
        "UPDATE audit_chainhead SET head_hash = %s WHERE chain_key = 'case:T1'", [prev]
    )
    assert verify.verify_chains(verify.Report())[0]["case:T1"][1] == prev, (
        "the chain itself is consistent"
    )
    found = first_break()
    assert (found.chain_key, found.kind) == ("case:T1", verify.CHECKPOINT_REWRITTEN)


def test_forged_checkpoint_is_detected(trail, make_checkpoint):
    checkpoint = make_checkpoint()
    tamper(
        "UPDATE audit_checkpoint SET n_events = n_events + 5 WHERE id = %s",
        [checkpoint.pk],
    )
    found = first_break()
    assert found.kind == verify.CHECKPOINT_SIGNATURE


def test_checkpoint_signed_with_another_key_is_detected(trail, make_checkpoint):
    genuine = make_checkpoint()
    # The attacker signs a checkpoint of their own with a key of their own.
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    forged = Checkpoint(
        created_at=timezone.now(),
        n_chains=genuine.n_chains,
        n_events=genuine.n_events,
        heads=genuine.heads,
        root=genuine.root,
        prev_checkpoint_hash=genuine.checkpoint_hash,
        key_id=checkpoints.key_id(other.public_key()),
    )
    payload = checkpoints.signed_payload(forged)
    forged.checkpoint_hash = hashlib.sha256(payload).hexdigest()
    forged.signature = other.sign(payload).hex()
    forged.save()
    report = verify.verify()
    assert any(
        b.kind == verify.CHECKPOINT_SIGNATURE and str(forged.pk) in b.detail
        for b in report.breaks
    )


def test_missing_checkpoint_is_detected(trail, make_checkpoint):
    first = make_checkpoint()
    make_checkpoint()
    tamper("DELETE FROM audit_checkpoint WHERE id = %s", [first.pk])
    assert first_break().kind in (verify.CHECKPOINT_LINK, verify.CHECKPOINT_SINK)


def test_missing_last_checkpoint_is_detected_by_the_external_copy(
    trail, make_checkpoint
):
    make_checkpoint()
    last = make_checkpoint()
    tamper("DELETE FROM audit_checkpoint WHERE id = %s", [last.pk])
    assert first_break().kind == verify.CHECKPOINT_SINK
    assert not Checkpoint.objects.filter(pk=last.pk).exists()


@pytest.mark.parametrize(
    "attack, kind",
    [
        (
            "UPDATE audit_auditevent SET body = replace(body, 'test.more', 'test.otro') "
            "WHERE chain_key = 'case:T1' AND seq = 8",
            verify.EVENT_ALTERED,
        ),
        (
            "DELETE FROM audit_auditevent WHERE chain_key = 'case:T1' AND seq = 9",
            verify.TAIL_MISSING,
        ),
        (
            "UPDATE audit_chainhead SET head_hash = repeat('e', 64) WHERE chain_key = 'case:T1'",
            verify.HEAD_MISMATCH,
        ),
    ],
)
def test_events_appended_since_the_last_checkpoint_must_link_up_to_be_signed(
    trail, make_checkpoint, attack, kind
):
    from audit.checkpoints import CheckpointRefused, create_checkpoint

    make_checkpoint()
    for _ in range(3):  # seq 7, 8, 9
        record(
            action="test.more", subject_type="t", subject_id="1", chain_key="case:T1"
        )
    tamper(attack)
    with pytest.raises(CheckpointRefused) as refused:
        create_checkpoint()
    assert [(b.chain_key, b.kind) for b in refused.value.breaks] == [("case:T1", kind)]
    assert Checkpoint.objects.count() == 1
    assert not verify.verify().ok
