"""The auditor's disposition of a risk flag: the only change anyone makes to a flag.

Nothing is sanctioned here: a disposition records what a person decided about a
lead (dismissed with a reason, referred to Control Interno or the Personería,
confirmed), and it goes on the trail like every other act.
"""

from django.db import transaction
from django.utils import timezone

import audit

from .models import RiskFlag

DISPOSITIONS = (
    RiskFlag.Status.DISMISSED,
    RiskFlag.Status.REFERRED_INTERNAL,
    RiskFlag.Status.REFERRED_PERSONERIA,
    RiskFlag.Status.CONFIRMED,
)
MIN_REASON_LENGTH = 20


class DispositionRefused(Exception):
    """The disposition cannot be recorded; ``str()`` says why, in Spanish."""


class AlreadyDisposed(DispositionRefused):
    """Someone (or the same auditor's earlier submit) disposed of the flag first."""


def flag_dispose(flag: RiskFlag, *, status: str, reason: str, actor) -> RiskFlag:
    """Record ``actor``'s disposition of an open ``flag``, in one transaction with
    its ``risk.flag_disposed`` event on the ``oversight`` chain.

    ``flag`` is the flag as the auditor saw it: if its status changed since (a
    double submit, or a colleague's disposition), nothing is recorded."""
    reason = (reason or "").strip()
    if status not in DISPOSITIONS:
        raise DispositionRefused("Elija una disposición de la lista.")
    if len(reason) < MIN_REASON_LENGTH:
        raise DispositionRefused(
            f"Explique el motivo en al menos {MIN_REASON_LENGTH} caracteres."
        )
    if str(actor.pk) == flag.officer:
        # The views never show such a flag; the rule holds here too.
        raise DispositionRefused("Nadie dispone de una alerta sobre sí mismo.")
    with transaction.atomic():
        locked = RiskFlag.objects.select_for_update().get(pk=flag.pk)
        if locked.status != flag.status or locked.status != RiskFlag.Status.OPEN:
            raise AlreadyDisposed(
                "Esta alerta ya tiene una disposición; no se registró otra."
            )
        old = locked.status
        locked.status = status
        locked.disposition_reason = reason
        locked.disposed_by = actor
        locked.disposed_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "disposition_reason",
                "disposed_by",
                "disposed_at",
                "updated_at",
            ]
        )
        audit.record(
            action="risk.flag_disposed",
            subject_type="risk_flag",
            # The key can outgrow the trail's 64-character subject id; the pk cannot.
            subject_id=locked.pk,
            chain_key="oversight",
            actor=actor,
            reason=reason,
            before={"status": old},
            after={"status": status, "reason": reason},
            details={
                "key": locked.key,
                "detector": locked.detector,
                "entity": locked.entity_code,
            },
        )
    return locked
