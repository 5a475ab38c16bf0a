"""Thin, idempotent tasks: they take ids and call one function."""

from smtplib import SMTPException

from celery import shared_task

from . import notifications


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=6,
)
def send_notification(notification_id: int) -> bool:
    """Send one outbox e-mail unless it was already sent."""
    return notifications.send(notification_id)


@shared_task(acks_late=True)
def sweep_notifications() -> int:
    """Re-send what is still pending (a lost task, a broker outage)."""
    return notifications.sweep()
