"""Appending events to the audit trail.

``record`` runs inside the caller's transaction: the event and the change it
describes commit together or not at all. The chain head row is locked while the
event is appended, so each chain gets contiguous sequence numbers.
"""

from django.db import IntegrityError, transaction
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


def _lock_head(chain_key: str) -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(chain_key=chain_key).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            return ChainHead.objects.create(
                chain_key=chain_key, seq=0, head_hash=chain.genesis_hash(chain_key)
            )
    except IntegrityError:
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
    ctx = context.current()
    if (
        actor is None
        and ctx.user is not None
        and getattr(ctx.user, "is_authenticated", False)
    ):
        actor = ctx.user
    subject_id = str(subject_id)
    if data_subject is not None:
        before = personal.seal(before, data_subject, personal_fields)
        after = personal.seal(after, data_subject, personal_fields)
    chain_key = chain_key or f"{subject_type}:{subject_id}"
    with transaction.atomic():
        head = _lock_head(chain_key)
        seq = head.seq + 1
        body = chain.canonical_json(
            {
                "v": chain.SCHEMA_VERSION,
                "chain": chain_key,
                "seq": seq,
                "at": chain.format_time(timezone.now()),
                "action": action,
                "actor_id": str(actor.pk) if actor is not None else "",
                "actor_username": actor.get_username() if actor is not None else "",
                "actor_role": role or role_of(actor, ctx.origin),
                "subject_type": subject_type,
                "subject_id": subject_id,
                "radicado": radicado,
                "result": result,
                "reason": reason,
                "before": before,
                "after": after,
                "details": details or {},
                "request_id": ctx.request_id,
                "ip": ctx.ip,
                "user_agent": ctx.user_agent,
                "origin": ctx.origin,
            }
        )
        event_hash = chain.event_hash(head.head_hash, body)
        event = AuditEvent.objects.create(
            body=body, prev_hash=head.head_hash, hash=event_hash
        )
        ChainHead.objects.filter(pk=head.pk).update(seq=seq, head_hash=event_hash)
    return event
