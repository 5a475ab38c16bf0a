"""The e-mail outbox: rows written with the change, sent at least once, deduplicated."""

import datetime

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Notification

MAX_ATTEMPTS = 8
STALE_AFTER = datetime.timedelta(minutes=10)


def send(notification_id: int) -> bool:
    """Send the e-mail and mark it sent, in one transaction; a re-run sends nothing."""
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
            notification.last_error = str(error)[:500]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.state = Notification.State.DEAD
            notification.save(update_fields=["attempts", "last_error", "state"])
            raise
        notification.state = Notification.State.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "state", "sent_at"])
    return True


def sweep() -> int:
    """Send every pending notification older than a lost task would leave it."""
    from . import tasks

    stale = Notification.objects.filter(
        state=Notification.State.PENDING, available_at__lte=timezone.now() - STALE_AFTER
    ).values_list("pk", flat=True)[:500]
    for pk in stale:
        tasks.send_notification.delay(pk)
    return len(stale)


DUE_SOON_BUSINESS_DAYS = 2


def warn_due_soon(today: datetime.date | None = None) -> int:
    """Warn officers of open cases whose term ends within two business days (once per
    case, due date and officer: re-running the sweep warns nobody twice)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from . import calendar, workflow
    from .models import Case
    from .services import notification_queue

    today = today or calendar.to_bogota(timezone.now()).date()
    horizon = calendar.add_business_days(today, DUE_SOON_BUSINESS_DAYS)
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
