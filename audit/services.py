"""Appending events to the audit trail.

``record`` runs inside the caller's transaction: the event and the change it
describes commit together or not at all. The chain head row is locked while the
event is appended, so each chain gets contiguous sequence numbers.
"""

from django.db import connection, transaction
from django.utils import timezone

from . import chain, context, personal
from .models import AuditEvent, ChainHead

APPLICANT_ROLE = "solicitante"
ANONYMOUS_ROLE = "anónimo"
SYSTEM_ROLE = "sistema"


def role_of(user, origin: str = "") -> str:
    """A readable role from the user's groups (audit knows nothing of cases)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS_ROLE if origin.startswith("web") else SYSTEM_ROLE
    if user.is_superuser:
        return "superusuario"
    names = sorted(user.groups.values_list("name", flat=True))
    if names:
        return ", ".join(names)[:80]
    return "staff" if user.is_staff else APPLICANT_ROLE


def _lock_head(chain_key: str, *, new_chain: bool = False) -> ChainHead:
    """The chain's head, locked until the caller's transaction ends; created at its
    genesis if missing. ``new_chain`` (a chain just named, such as a new case's)
    tries the insert first: one statement instead of two."""
    if not new_chain:
        head = ChainHead.objects.select_for_update().filter(chain_key=chain_key).first()
        if head is not None:
            return head
    table = ChainHead._meta.db_table
    with connection.cursor() as cursor:
        # ON CONFLICT rather than a savepoint around create(): one round trip, and
        # a chain created meanwhile by another transaction is simply not inserted.
        cursor.execute(
            f"INSERT INTO {table} (chain_key, seq, head_hash) VALUES (%s, 0, %s)"
            " ON CONFLICT (chain_key) DO NOTHING RETURNING id",
            [chain_key, chain.genesis_hash(chain_key)],
        )
        row = cursor.fetchone()
    if row is not None:
        return ChainHead(
            pk=row[0],
            chain_key=chain_key,
            seq=0,
            head_hash=chain.genesis_hash(chain_key),
        )
    # Another transaction created the chain first; wait for it and take its lock.
    return ChainHead.objects.select_for_update().get(chain_key=chain_key)


def record(
    *,
    action: str,
    subject_type: str,
    subject_id,
    chain_key: str | None = None,
    actor=None,
    role: str | None = None,
    radicado: str = "",
    result: str = "ok",
    reason: str = "",
    before=None,
    after=None,
    details: dict | None = None,
    data_subject: str | None = None,
    personal_fields=None,
) -> AuditEvent:
    """Append one event to ``chain_key`` (default ``<subject_type>:<subject_id>``).

    With ``data_subject`` (``personal.subject_of(user)``), the values of ``before``
    and ``after`` (all, or only ``personal_fields``) are sealed under that person's
    key, so they can be shredded later without breaking the chain.
    """
    [event] = record_many(
        [
            {
                "action": action,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "chain_key": chain_key,
                "actor": actor,
                "role": role,
                "radicado": radicado,
                "result": result,
                "reason": reason,
                "before": before,
                "after": after,
                "details": details,
                "data_subject": data_subject,
                "personal_fields": personal_fields,
            }
        ]
    )
    return event


def _role(roles: dict, actor, origin: str) -> str:
    memo = getattr(actor, "pk", None)
    if memo not in roles:
        roles[memo] = role_of(actor, origin)
    return roles[memo]


def _fields(ctx, keys: dict, roles: dict, event: dict) -> tuple[str, dict]:
    """The chain and the body of one event, without its place in the chain;
    ``keys`` and ``roles`` keep what one batch already looked up."""
    actor = event.get("actor")
    if (
        actor is None
        and ctx.user is not None
        and getattr(ctx.user, "is_authenticated", False)
    ):
        actor = ctx.user
    subject_type = event["subject_type"]
    subject_id = str(event["subject_id"])
    before, after = event.get("before"), event.get("after")
    data_subject = event.get("data_subject")
    if data_subject is not None:
        if data_subject not in keys:
            keys[data_subject] = personal.subject_key(data_subject)
        fields = event.get("personal_fields")
        before = personal.seal(before, data_subject, fields, key=keys[data_subject])
        after = personal.seal(after, data_subject, fields, key=keys[data_subject])
    chain_key = event.get("chain_key") or f"{subject_type}:{subject_id}"
    return chain_key, {
        "v": chain.SCHEMA_VERSION,
        "chain": chain_key,
        "action": event["action"],
        "actor_id": str(actor.pk) if actor is not None else "",
        "actor_username": actor.get_username() if actor is not None else "",
        "actor_role": event.get("role") or _role(roles, actor, ctx.origin),
        "subject_type": subject_type,
        "subject_id": subject_id,
        "radicado": event.get("radicado", ""),
        "result": event.get("result", "ok"),
        "reason": event.get("reason", ""),
        "before": before,
        "after": after,
        "details": event.get("details") or {},
        "request_id": ctx.request_id,
        "ip": ctx.ip,
        "user_agent": ctx.user_agent,
        "origin": ctx.origin,
    }


def record_many(events: list[dict], *, new_chain: bool = False) -> list[AuditEvent]:
    """Append several events (each a dict of ``record``'s arguments) in their order:
    per chain, one lock of its head, one INSERT of its events and one move of the
    head (the database checks every event it moves over). The events are exactly
    those ``record`` would write one by one. ``new_chain``: the chains are most
    likely new (see ``_lock_head``). Returns the events in the order given."""
    ctx = context.current()
    keys: dict[str, tuple[str, bytes]] = {}
    roles: dict = {}
    prepared = [_fields(ctx, keys, roles, event) for event in events]
    by_chain: dict[str, list[int]] = {}
    for index, (chain_key, _body) in enumerate(prepared):
        by_chain.setdefault(chain_key, []).append(index)
    written: list[AuditEvent | None] = [None] * len(events)
    # savepoint=False: inside the caller's transaction a failure undoes the caller's
    # change too (as it must), so a savepoint would only cost two round trips.
    with transaction.atomic(savepoint=False):
        # Heads locked in one order, so two writers of the same chains cannot deadlock.
        for chain_key in sorted(by_chain):
            head = _lock_head(chain_key, new_chain=new_chain)
            seq, prev_hash, rows = head.seq, head.head_hash, []
            for index in by_chain[chain_key]:
                seq += 1
                body = chain.canonical_json(
                    {
                        **prepared[index][1],
                        "seq": seq,
                        "at": chain.format_time(timezone.now()),
                    }
                )
                event_hash = chain.event_hash(prev_hash, body)
                rows.append(AuditEvent(body=body, prev_hash=prev_hash, hash=event_hash))
                prev_hash = event_hash
            AuditEvent.objects.bulk_create(rows)
            ChainHead.objects.filter(pk=head.pk).update(seq=seq, head_hash=prev_hash)
            for index, row in zip(by_chain[chain_key], rows, strict=True):
                written[index] = row
    return written
