"""The e-mail outbox: rows written with the change, sent at least once, deduplicated."""

import datetime
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .enqueue import requeue_stale
from .models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# After a failed attempt the sweeper waits 2, 4, 8 ... up to 60 minutes.
MAX_BACKOFF_MINUTES = 60


def send(notification_id: int) -> bool:
    """Send the e-mail and mark it sent, in one transaction; a re-run sends nothing.
    A failure is recorded on the row (attempts, error, next attempt), not raised."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.state != Notification.State.PENDING:
            return False
        notification.attempts += 1
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[notification.recipient],
            # The outbox key as Message-ID lets the mail system drop a duplicate delivery.
            headers={
                "Message-ID": f"<{notification.dedupe_key.replace(':', '.')}@ventanilla.bogota.gov.co>"
            },
        )
        try:
            message.send()
        except Exception as error:
            # Kept (the transaction commits): the sweeper tries again after the backoff.
            logger.exception("E-mail %s not sent", notification.dedupe_key)
            notification.last_error = str(error)[:500]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.state = Notification.State.DEAD
            notification.available_at = timezone.now() + datetime.timedelta(
                minutes=min(2**notification.attempts, MAX_BACKOFF_MINUTES)
            )
            notification.save(
                update_fields=["attempts", "last_error", "state", "available_at"]
            )
            return False
        notification.state = Notification.State.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "state", "sent_at"])
    return True


def sweep() -> int:
    """Enqueue again every pending e-mail overdue by more than a sweep (a lost task,
    a broker outage, a failed attempt whose backoff is over)."""
    from . import tasks

    return requeue_stale(
        Notification.objects.filter(state=Notification.State.PENDING),
        "available_at",
        tasks.send_notification,
    )


def warn_due_soon(today: datetime.date | None = None) -> int:
    """Warn officers of open cases whose term ends within two business days (once per
    case, due date and officer: re-running the sweep warns nobody twice)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from . import calendar, workflow
    from .models import Case
    from .services import notification_queue

    today = today or calendar.to_bogota(timezone.now()).date()
    horizon = calendar.add_business_days(today, workflow.DUE_SOON_BUSINESS_DAYS)
    cases = (
        Case.objects.open()
        .exclude(status__in=[s.value for s in workflow.CLOCK_STOPPED_STATUSES])
        .filter(due_date__gte=today, due_date__lte=horizon)
        .select_related("procedure", "entity", "assigned_to")
    )
    users = get_user_model().objects.filter(is_active=True)
    queued = 0
    for case in cases:
        recipients = (
            [case.assigned_to]
            if case.assigned_to
            else list(users.filter(Q(groups=case.entity.officer_group_id)))
        )
        for officer in recipients:
            key = f"due-soon:{case.radicado}:{case.due_date}:{officer.pk}"
            if (
                not officer.email
                or Notification.objects.filter(dedupe_key=key).exists()
            ):
                continue
            with transaction.atomic():
                notification_queue(
                    case=case,
                    key=key,
                    recipient=officer.email,
                    subject=f"Vence pronto: {case.radicado} ({case.due_date:%d/%m/%Y})",
                    template="procedures/email/due_soon.txt",
                    context={"case": case, "officer": officer},
                )
            queued += 1
    return queued


def citizen_notices(case):
    """The e-mails the applicant was sent about ``case`` (its own and the grouped
    ones that name it), oldest first; officers' warnings are not theirs to see."""
    from django.db.models import Q

    return (
        Notification.objects.filter(Q(case=case) | Q(cases=case))
        .filter(recipient__iexact=case.applicant.email)
        .distinct()
        .order_by("created_at", "pk")
    )


def delivery_state(notification: Notification) -> dict:
    """How the citizen reads an e-mail's state: queued, sent, retrying or failed."""
    from django.utils.translation import gettext as _

    if notification.state == Notification.State.SENT:
        return {"label": _("Enviado"), "tone": "ok", "when": notification.sent_at}
    if notification.state == Notification.State.DEAD:
        return {
            "label": _("No se pudo entregar"),
            "tone": "error",
            "when": None,
            "advice": _(
                "Revise que el correo de su perfil sea correcto; todo lo que dice el "
                "mensaje está también en esta página."
            ),
        }
    if notification.attempts:
        return {
            "label": _("Falló; reintentando"),
            "tone": "warning",
            "when": notification.available_at,
        }
    return {"label": _("En cola"), "tone": "pending", "when": None}
