"""Recompute every chain and check the signed checkpoints.

Independent of database functions: rows are read and every hash is recomputed in
Python with ``audit.chain``. The first break found names the chain, the sequence
number and the kind of break.
"""

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from . import chain, checkpoints
from .models import AuditEvent, ChainHead, Checkpoint


@dataclass(frozen=True)
class Break:
    chain_key: str
    seq: int
    kind: str
    detail: str = ""

    def __str__(self) -> str:
        where = (
            f"cadena «{self.chain_key}», evento #{self.seq}"
            if self.chain_key
            else "puntos de control"
        )
        return f"{where}: {self.kind}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class Report:
    events: int = 0
    chains: int = 0
    checkpoints: int = 0
    seconds: float = 0.0
    breaks: list[Break] = field(default_factory=list)
    broken_chains: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def add(self, item: Break) -> None:
        self.breaks.append(item)
        if item.chain_key:
            self.broken_chains.add(item.chain_key)


EVENT_ALTERED = "evento alterado: su contenido no corresponde a su hash"
LINK_BROKEN = "enlace roto: el hash anterior no corresponde (evento insertado, reordenado o eliminado)"
SEQ_GAP = "falta un evento (eliminado) o la secuencia fue alterada"
SEQ_REPEATED = "secuencia repetida o reordenada"
TAIL_MISSING = (
    "la cadena termina antes de su cabeza registrada (eventos finales eliminados)"
)
HEAD_MISMATCH = "la cabeza registrada no corresponde al último evento"
CHAIN_MISSING = "cadena sin eventos (eliminada)"
CHECKPOINT_TRUNCATED = (
    "la cadena es más corta que en un punto de control (eventos eliminados)"
)
CHECKPOINT_REWRITTEN = "la cadena fue reescrita después de un punto de control"
CHECKPOINT_SIGNATURE = "firma inválida del punto de control (falsificado o alterado)"
CHECKPOINT_LINK = "punto de control faltante o alterado (enlace roto)"
CHECKPOINT_SINK = "los puntos de control no coinciden con la copia externa"
CHECKPOINT_CHAIN_DELETED = "la cadena fue eliminada después de un punto de control"
CHECKPOINT_REFUSED = (
    "se negó la firma de un punto de control porque la auditoría fue alterada"
)


_COPY_ESCAPES = {
    b"\\": b"\\",
    b"t": b"\t",
    b"n": b"\n",
    b"r": b"\r",
    b"b": b"\b",
    b"f": b"\f",
    b"v": b"\v",
}
_COPY_ESCAPE = re.compile(rb"\\(.)", re.DOTALL)


def _copy_unescape(value: bytes) -> bytes:
    """Undo COPY's text-format escapes (canonical JSON only ever has backslashes)."""
    if b"\\" not in value:
        return value
    return _COPY_ESCAPE.sub(lambda m: _COPY_ESCAPES.get(m.group(1), m.group(1)), value)


def _rows(chain_key: str | None, key_range: tuple[str, str] | None = None):
    """(chain_key, seq, body bytes, prev_hash, hash) in chain order, streamed."""
    where, params = "", []
    if chain_key:
        where, params = "WHERE chain_key = %s", [chain_key]
    elif key_range:
        where, params = "WHERE chain_key >= %s AND chain_key <= %s", list(key_range)
    select = f"SELECT chain_key, seq, body, prev_hash, hash FROM audit_auditevent {where} ORDER BY chain_key, seq"
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(select, params)
            while batch := cursor.fetchmany(20000):
                for key, seq, body, prev_hash, stored_hash in batch:
                    yield (
                        key.encode(),
                        seq,
                        body.encode(),
                        prev_hash.encode(),
                        stored_hash.encode(),
                    )
        return
    # COPY streams raw bytes: no per-row type conversion, flat memory at any size.
    from psycopg import sql

    statement = sql.SQL("COPY ({}) TO STDOUT").format(
        sql.SQL(select.replace("%s", "{}")).format(*map(sql.Literal, params))
    )
    connection.ensure_connection()
    pending = b""
    with (
        transaction.atomic(),
        connection.connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for chunk in copy:
            lines = (pending + bytes(chunk)).split(b"\n")
            pending = lines.pop()
            for line in lines:
                key, seq, body, prev_hash, stored_hash = line.split(b"\t")
                yield (
                    key,
                    int(seq),
                    _copy_unescape(body) if b"\\" in body else body,
                    prev_hash,
                    stored_hash,
                )


def verify_chains(
    report: Report,
    chain_key: str | None = None,
    watch: dict[str, set[int]] | None = None,
    key_range: tuple[str, str] | None = None,
) -> tuple[dict[str, tuple[int, str]], dict[str, dict[int, str]]]:
    """Check every chain; return each chain's last (seq, hash), and its hashes at the
    sequence numbers ``watch`` names for it (the heads in every checkpoint)."""
    watch = watch or {}
    watched: dict[str, dict[int, str]] = {}
    heads_query = ChainHead.objects.all()
    if chain_key:
        heads_query = heads_query.filter(chain_key=chain_key)
    elif key_range:
        heads_query = heads_query.filter(
            chain_key__gte=key_range[0], chain_key__lte=key_range[1]
        )
    heads = {
        key: (seq, head)
        for key, seq, head in heads_query.values_list("chain_key", "seq", "head_hash")
    }
    found: dict[str, tuple[int, str]] = {}
    sha256 = hashlib.sha256
    current = None
    expected_seq, prev, prev_bytes, broken, events = 0, b"", b"", False, 0

    def close(key):
        if key is None or broken:
            return
        last_seq = expected_seq - 1
        last_hash = prev.decode()
        found[key] = (last_seq, last_hash)
        head = heads.get(key)
        if head is None:
            report.add(
                Break(key, last_seq, HEAD_MISMATCH, _("no hay cabeza registrada"))
            )
        elif head[0] > last_seq:
            report.add(Break(key, last_seq + 1, TAIL_MISSING, f"cabeza #{head[0]}"))
        elif head != (last_seq, last_hash):
            report.add(Break(key, last_seq, HEAD_MISMATCH))

    # Rows come as bytes (key, hashes): decoded only for what is reported.
    current_bytes, wanted = None, None
    for key_bytes, seq, body, prev_hash, stored_hash in _rows(chain_key, key_range):
        events += 1
        if key_bytes != current_bytes:
            close(current)
            current_bytes, current, expected_seq, broken = (
                key_bytes,
                key_bytes.decode(),
                1,
                False,
            )
            prev = chain.genesis_hash(current).encode()
            prev_bytes = bytes.fromhex(prev.decode())
            wanted = watch.get(current)
        if broken:
            continue
        if seq != expected_seq:
            problem = SEQ_GAP if seq > expected_seq else SEQ_REPEATED
        elif prev_hash != prev:
            problem = LINK_BROKEN
        else:
            digest = sha256(prev_bytes + body)
            if digest.hexdigest().encode() == stored_hash:
                if wanted is not None and seq in wanted:
                    watched.setdefault(current, {})[seq] = stored_hash.decode()
                prev, prev_bytes = stored_hash, digest.digest()
                expected_seq += 1
                continue
            problem = EVENT_ALTERED
        report.add(Break(current, expected_seq if problem == SEQ_GAP else seq, problem))
        broken = True
    close(current)
    for key, (seq, _hash) in heads.items():
        if key not in found and key not in report.broken_chains:
            report.add(Break(key, 1, CHAIN_MISSING, f"cabeza #{seq}"))
    report.events += events
    report.chains += len(set(heads) | set(found))
    return found, watched


def checkpoint_authentic(checkpoint: Checkpoint, keys) -> bool:
    """Its hash covers what it says, its key signed it, its root covers its heads."""
    payload = checkpoints.signed_payload(checkpoint)
    return (
        hashlib.sha256(payload).hexdigest() == checkpoint.checkpoint_hash
        and checkpoints.signature_valid(checkpoint, keys)
        and chain.heads_root(json.loads(checkpoint.heads)) == checkpoint.root
    )


def expected_heads(
    chain_key: str | None = None,
) -> dict[str, dict[int, list[tuple[str, int]]]]:
    """Every (chain, seq) -> [(hash, checkpoint id)] that some checkpoint signed."""
    expected: dict[str, dict[int, list[tuple[str, int]]]] = {}
    rows = Checkpoint.objects.order_by("id").values_list("pk", "heads")
    for pk, heads in rows.iterator():
        for key, (seq, digest) in json.loads(heads).items():
            if seq == 0 or (chain_key and key != chain_key):
                continue
            signed = expected.setdefault(key, {}).setdefault(seq, [])
            if all(digest != known for known, _pk in signed):
                signed.append((digest, pk))
    return expected


def verify_checkpoints(
    report: Report,
    found: dict[str, tuple[int, str]],
    watched: dict[str, dict[int, str]],
    expected: dict[str, dict[int, list[tuple[str, int]]]],
    chain_key: str | None = None,
    witness: list[dict] | None = None,
) -> None:
    """Checkpoints are authentic and linked, agree with the external copy, and every
    chain still holds, at each head a checkpoint signed, the event it signed."""
    keys = checkpoints.verify_keys()
    previous = checkpoints.FIRST_PREVIOUS
    last = None
    for checkpoint in Checkpoint.objects.order_by("id"):
        report.checkpoints += 1
        if checkpoint.prev_checkpoint_hash != previous:
            report.add(
                Break("", checkpoint.pk, CHECKPOINT_LINK, f"punto #{checkpoint.pk}")
            )
        if not checkpoint_authentic(checkpoint, keys):
            report.add(
                Break(
                    "", checkpoint.pk, CHECKPOINT_SIGNATURE, f"punto #{checkpoint.pk}"
                )
            )
        previous = checkpoint.checkpoint_hash
        last = checkpoint
    entries = checkpoints.read_sink() if witness is None else witness
    sink = {entry["hash"]: entry for entry in entries}
    db_hashes = set(Checkpoint.objects.values_list("checkpoint_hash", flat=True))
    if sink:
        missing = [entry for digest, entry in sink.items() if digest not in db_hashes]
        if missing:
            report.add(
                Break(
                    "",
                    missing[0].get("id", 0),
                    CHECKPOINT_SINK,
                    _("falta en la base de datos"),
                )
            )
        extra = db_hashes - set(sink)
        if extra:
            report.add(Break("", 0, CHECKPOINT_SINK, _("no está en la copia externa")))
    for key, signed in expected.items():
        if key in report.broken_chains:
            continue
        now = found.get(key)
        top = max(signed)
        if now is None:
            report.add(
                Break(key, 1, CHECKPOINT_CHAIN_DELETED, f"punto #{signed[top][0][1]}")
            )
            continue
        if now[0] < top:
            report.add(
                Break(
                    key,
                    now[0] + 1,
                    CHECKPOINT_TRUNCATED,
                    f"punto #{signed[top][0][1]}: #{top}",
                )
            )
            continue
        hashes = watched.get(key, {})
        for seq in sorted(signed):
            wrong = [pk for digest, pk in signed[seq] if hashes.get(seq) != digest]
            if wrong:
                report.add(Break(key, seq, CHECKPOINT_REWRITTEN, f"punto #{wrong[0]}"))
                break
    if chain_key is None:
        since = chain.format_time(last.created_at) if last else ""
        refused = (
            AuditEvent.objects.filter(
                action=checkpoints.REFUSED_ACTION, recorded_at__gt=since
            )
            .order_by("recorded_at")
            .values_list("recorded_at", flat=True)
            .first()
        )
        if refused:
            report.add(Break("", 0, CHECKPOINT_REFUSED, refused))


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def extension_breaks(
    previous: Checkpoint | None, heads: dict[str, list], keys
) -> list[Break]:
    """Why ``heads`` ({chain: [seq, hash]}) may not be signed after ``previous``.

    Every chain of the previous checkpoint must still exist, be at least as long, and
    hold the event that checkpoint signed as its head; the events appended since must
    link up, hash by hash, to today's heads. Reads only what changed since then.
    """
    if previous is None:
        old = {}
    elif not checkpoint_authentic(previous, keys):
        return [Break("", previous.pk, CHECKPOINT_SIGNATURE, f"punto #{previous.pk}")]
    else:
        old = {key: tuple(head) for key, head in json.loads(previous.heads).items()}
    where = f"punto #{previous.pk}" if previous else ""
    breaks: list[Break] = []
    for key, (seq, _digest) in old.items():
        now = heads.get(key)
        if now is None:
            breaks.append(Break(key, 1, CHECKPOINT_CHAIN_DELETED, where))
        elif now[0] < seq:
            breaks.append(
                Break(key, now[0] + 1, CHECKPOINT_TRUNCATED, f"{where}: #{seq}")
            )
    broken = {item.chain_key for item in breaks}
    anchors = {
        digest: (key, seq)
        for key, (seq, digest) in old.items()
        if seq > 0 and key not in broken
    }
    located: dict[str, tuple[str, int]] = {}
    for chunk in _chunks(list(anchors), 2000):
        located.update(
            (digest, (key, seq))
            for digest, key, seq in AuditEvent.objects.filter(
                hash__in=chunk
            ).values_list("hash", "chain_key", "seq")
        )
    for digest, (key, seq) in anchors.items():
        if located.get(digest) != (key, seq):
            breaks.append(Break(key, seq, CHECKPOINT_REWRITTEN, where))
            broken.add(key)
    starts = {
        key: old.get(key, (0, chain.genesis_hash(key)))
        for key, head in heads.items()
        if key not in broken and tuple(head) != old.get(key)
    }
    # Walk what was appended since, streamed: {chain: [seq, hash, broken]}.
    walk = {key: [seq, digest, False] for key, (seq, digest) in starts.items()}
    for chunk in _chunks(list(starts), 200):
        condition = Q()
        for key in chunk:
            condition |= Q(
                chain_key=key, seq__gt=starts[key][0], seq__lte=heads[key][0]
            )
        rows = (
            AuditEvent.objects.filter(condition)
            .order_by("chain_key", "seq")
            .values_list("chain_key", "seq", "body", "prev_hash", "hash")
        )
        for key, event_seq, body, prev_hash, stored in rows.iterator(2000):
            state = walk[key]
            seq, digest, broken = state
            if broken:
                continue
            if event_seq != seq + 1:
                problem = SEQ_GAP if event_seq > seq + 1 else SEQ_REPEATED
            elif prev_hash != digest:
                problem = LINK_BROKEN
            elif chain.event_hash(prev_hash, body) != stored:
                problem = EVENT_ALTERED
            else:
                state[0], state[1] = event_seq, stored
                continue
            breaks.append(Break(key, seq + 1, problem, where))
            state[2] = True
    for key, (seq, digest, broken) in walk.items():
        if broken:
            continue
        if seq < heads[key][0]:
            breaks.append(Break(key, seq + 1, TAIL_MISSING, f"cabeza #{heads[key][0]}"))
        elif digest != heads[key][1]:
            breaks.append(Break(key, seq, HEAD_MISMATCH))
    return breaks


PARALLEL_FROM_EVENTS = 200_000


def _key_ranges(parts: int) -> list[tuple[str, str]]:
    """Split the chains into ``parts`` key ranges of about equal event counts."""
    heads = list(
        ChainHead.objects.order_by("chain_key").values_list("chain_key", "seq")
    )
    total = sum(seq for _, seq in heads)
    ranges, start, running = [], None, 0
    for key, seq in heads:
        start = start or key
        running += seq
        if running >= total * (len(ranges) + 1) / parts and len(ranges) < parts - 1:
            ranges.append((start, key))
            start = None
    if start is not None:
        ranges.append((start, heads[-1][0]))
    return ranges


def _verify_range(key_range, watch):
    report = Report()
    found, watched = verify_chains(report, watch=watch, key_range=key_range)
    return report, found, watched


def _verify_in_parallel(report: Report, watch: dict[str, set[int]], workers: int):
    """Each core checks its own key range over its own connection."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    ranges = _key_ranges(workers)
    connections.close_all()  # forked children must open their own connections
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(len(ranges), mp_context=context) as pool:
        results = list(pool.map(_verify_range, ranges, [watch] * len(ranges)))
    found, watched = {}, {}
    for part, part_found, part_watched in results:
        report.events += part.events
        report.chains += part.chains
        for item in part.breaks:
            report.add(item)
        found.update(part_found)
        watched.update(part_watched)
    return found, watched


def verify(
    chain_key: str | None = None,
    *,
    workers: int | None = None,
    witness: list[dict] | None = None,
) -> Report:
    """Check the whole trail (or one chain) against every checkpoint; big trails use
    every core. ``witness``: the external copy's entries, when the sink is write-only."""
    started = time.perf_counter()
    report = Report()
    expected = expected_heads(chain_key)
    watch = {key: set(signed) for key, signed in expected.items()}
    last = Checkpoint.objects.order_by("-id").first()
    workers = workers or os.cpu_count() or 1
    big = last is not None and last.n_events >= PARALLEL_FROM_EVENTS
    if chain_key is None and workers > 1 and big and connection.vendor == "postgresql":
        found, watched = _verify_in_parallel(report, watch, workers)
    else:
        found, watched = verify_chains(report, chain_key, watch)
    verify_checkpoints(report, found, watched, expected, chain_key, witness)
    report.seconds = time.perf_counter() - started
    return report
