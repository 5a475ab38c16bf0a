"""Pure functions of the hash chain: canonical JSON, genesis and event hashes.

The verifier and the writer share these, so both hash exactly the same bytes.
"""

import datetime
import hashlib
import json
from decimal import Decimal

SCHEMA_VERSION = 1
GENESIS_PREFIX = b"ventanilla-audit-v1|"


def _default(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def canonical_json(value) -> str:
    """Sorted keys, no spaces, UTF-8 text: one byte sequence per meaning."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_default,
    )


def genesis_hash(chain_key: str) -> str:
    return hashlib.sha256(GENESIS_PREFIX + chain_key.encode()).hexdigest()


def event_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + body.encode()).hexdigest()


def format_time(moment: datetime.datetime) -> str:
    """UTC with microseconds and a Z: sorts as text in time order."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.UTC
    )


def document_digest(content: bytes) -> str:
    """What the trail keeps of a document: its SHA-256, never its content."""
    return "sha256:" + hashlib.sha256(content).hexdigest()


def heads_root(heads: dict[str, list]) -> str:
    """A hash over every chain head, in chain order."""
    return hashlib.sha256(canonical_json(heads).encode()).hexdigest()
