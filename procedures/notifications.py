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
