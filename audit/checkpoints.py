"""Signed checkpoints of every chain's head.

A checkpoint records each chain's last ``(seq, hash)``, a root hash over them, and
the previous checkpoint's hash, signed with an Ed25519 key from the environment
(``AUDIT_SIGNING_KEY``). It is stored in the database and appended to a file
outside it (``AUDIT_CHECKPOINT_DIR``) that a separate system can collect.
"""

import base64
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from . import chain
from .models import ChainHead, Checkpoint

FIRST_PREVIOUS = "0" * 64


def signing_key() -> Ed25519PrivateKey:
    encoded = getattr(settings, "AUDIT_SIGNING_KEY", "")
    if not encoded:
        raise ImproperlyConfigured("AUDIT_SIGNING_KEY no está configurada.")
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(encoded))


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(public_key_bytes(key)).hexdigest()[:16]


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """Public keys by id: AUDIT_VERIFY_KEYS (rotated keys) plus the signing key's."""
    keys = {}
    for encoded in getattr(settings, "AUDIT_VERIFY_KEYS", []):
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded))
        keys[key_id(public)] = public
    if getattr(settings, "AUDIT_SIGNING_KEY", ""):
        public = signing_key().public_key()
        keys[key_id(public)] = public
    return keys


def signed_payload(checkpoint: Checkpoint) -> bytes:
    return chain.canonical_json(
        {
            "v": 1,
            "created_at": chain.format_time(checkpoint.created_at),
            "n_chains": checkpoint.n_chains,
            "n_events": checkpoint.n_events,
            "root": checkpoint.root,
            "prev": checkpoint.prev_checkpoint_hash,
        }
    ).encode()


def sink_path() -> Path:
    """One append-only file per database, so two databases never mix their checkpoints."""
    database = Path(str(connection.settings_dict["NAME"])).name
    return (
        Path(settings.AUDIT_CHECKPOINT_DIR) / f"checkpoints-{slugify(database)}.jsonl"
    )


def _write_sink(checkpoint: Checkpoint) -> None:
    path = sink_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = chain.canonical_json(
        {
            "id": checkpoint.pk,
            "created_at": chain.format_time(checkpoint.created_at),
            "n_chains": checkpoint.n_chains,
            "n_events": checkpoint.n_events,
            "root": checkpoint.root,
            "prev": checkpoint.prev_checkpoint_hash,
            "hash": checkpoint.checkpoint_hash,
            "key_id": checkpoint.key_id,
            "signature": checkpoint.signature,
        }
    )
    with path.open("a", encoding="utf-8") as sink:
        sink.write(line + "\n")


def read_sink() -> list[dict]:
    path = sink_path()
    if not path.exists():
        return []
    return [
        json.loads(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def create_checkpoint() -> Checkpoint:
    """Snapshot, sign and store every chain head; append it to the sink after commit."""
    key = signing_key()
    with transaction.atomic():
        # Lock the newest checkpoint so two runs cannot both link to it.
        previous = Checkpoint.objects.select_for_update().order_by("-id").first()
        heads = {
            key_: [seq, head]
            for key_, seq, head in ChainHead.objects.order_by("chain_key").values_list(
                "chain_key", "seq", "head_hash"
            )
        }
        checkpoint = Checkpoint(
            created_at=timezone.now(),
            n_chains=len(heads),
            n_events=sum(seq for seq, _ in heads.values()),
            heads=chain.canonical_json(heads),
            root=chain.heads_root(heads),
            prev_checkpoint_hash=previous.checkpoint_hash
            if previous
            else FIRST_PREVIOUS,
        )
        payload = signed_payload(checkpoint)
        checkpoint.checkpoint_hash = hashlib.sha256(payload).hexdigest()
        checkpoint.key_id = key_id(key.public_key())
        checkpoint.signature = key.sign(payload).hex()
        checkpoint.save()
        transaction.on_commit(lambda: _write_sink(checkpoint))
    return checkpoint


def signature_valid(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> bool:
    public = keys.get(checkpoint.key_id)
    if public is None:
        return False
    try:
        public.verify(bytes.fromhex(checkpoint.signature), signed_payload(checkpoint))
    except (InvalidSignature, ValueError):
        return False
    return True
