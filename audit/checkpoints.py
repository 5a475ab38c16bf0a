"""Signed checkpoints of every chain's head.

A checkpoint records each chain's last ``(seq, hash)``, a root hash over them, and
the previous checkpoint's hash, signed with an Ed25519 key from the environment
(``AUDIT_SIGNING_KEY``). It is stored in the database and copied to a witness
outside it (``audit.sinks``). A new checkpoint is signed only if the trail still
extends the previous one, so signing can never launder a rewrite.
"""

import base64
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from . import chain, sinks
from .models import ChainHead, Checkpoint

FIRST_PREVIOUS = "0" * 64
REFUSED_ACTION = "audit.checkpoint_refused"

logger = logging.getLogger(__name__)


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


def sink_entry(checkpoint: Checkpoint) -> dict:
    """What the external copy keeps of a checkpoint: enough to check its signature."""
    return {
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


def sink_path() -> Path:
    """The default file sink's file (``AUDIT_CHECKPOINT_DIR``)."""
    return sinks.FileSink().path


def read_sink() -> list[dict]:
    """The external copy's entries (none when the sink cannot be read back)."""
    return sinks.get_sink().read() or []


class CheckpointRefused(Exception):
    """The trail no longer extends the previous checkpoint: nothing was signed."""

    def __init__(self, breaks):
        self.breaks = breaks
        super().__init__("; ".join(str(item) for item in breaks[:5]))


def _sink_breaks(sink: sinks.CheckpointSink, keys, verify) -> list:
    """The database's checkpoints must be the external copy's, in the same order.

    The database may be ahead only when a copy was lost after its commit: those
    checkpoints, correctly signed, are copied now. The copy being ahead, or different,
    means checkpoints were removed or replaced in the database.
    """
    entries = sink.read()
    if entries is None:
        return []  # write-only witness: audit_verify --witness compares it
    # Two runs racing (beat and the command) may both copy one checkpoint: once counts.
    copied = list(dict.fromkeys(entry["hash"] for entry in entries))
    stored = list(
        Checkpoint.objects.order_by("id").values_list("checkpoint_hash", flat=True)
    )
    if stored[: len(copied)] != copied:
        missing = next(
            (entry for entry in entries if entry["hash"] not in set(stored)), None
        )
        detail = (
            _("punto #%(id)s falta en la base de datos") % {"id": missing.get("id")}
            if missing
            else _("orden distinto al de la copia externa")
        )
        where = missing.get("id", 0) if missing else 0
        return [verify.Break("", where, verify.CHECKPOINT_SINK, detail)]
    for checkpoint in Checkpoint.objects.filter(
        checkpoint_hash__in=stored[len(copied) :]
    ).order_by("id"):
        if not verify.checkpoint_authentic(checkpoint, keys):
            where = f"punto #{checkpoint.pk}"
            return [verify.Break("", checkpoint.pk, verify.CHECKPOINT_SIGNATURE, where)]
        sink.write(sink_entry(checkpoint))
    return []


def _alarm(breaks) -> None:
    """Log it for whoever watches the logs, and leave it in the trail for audit_verify."""
    from .receivers import SECURITY_CHAIN
    from .services import record

    logger.critical(
        "Audit checkpoint NOT signed, the trail was altered: %s",
        "; ".join(str(item) for item in breaks[:5]),
    )
    record(
        action=REFUSED_ACTION,
        subject_type="audit",
        subject_id="checkpoint",
        chain_key=SECURITY_CHAIN,
        result="error",
        reason=str(breaks[0]),
        details={
            "breaks": [str(item) for item in breaks[:20]],
            "count": len(breaks),
        },
    )


def create_checkpoint() -> Checkpoint:
    """Snapshot, sign and store every chain head; copy it to the sink after commit.

    Signed only if every chain still extends the previous checkpoint and the database's
    checkpoints are the external copy's; otherwise an alarm is logged and recorded,
    nothing is signed, and ``CheckpointRefused`` is raised.
    """
    from . import verify  # verify imports this module: resolved at call time

    key = signing_key()
    keys = verify_keys()
    sink = sinks.get_sink()
    with transaction.atomic():
        # Lock the newest checkpoint so two runs cannot both link to it.
        previous = Checkpoint.objects.select_for_update().order_by("-id").first()
        heads = {
            key_: [seq, head]
            for key_, seq, head in ChainHead.objects.order_by("chain_key").values_list(
                "chain_key", "seq", "head_hash"
            )
        }
        breaks = _sink_breaks(sink, keys, verify) + verify.extension_breaks(
            previous, heads, keys
        )
        if not breaks:
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
            transaction.on_commit(lambda: sink.write(sink_entry(checkpoint)))
    if breaks:
        _alarm(breaks)
        raise CheckpointRefused(breaks)
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
