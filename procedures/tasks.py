"""Thin, idempotent tasks: they take ids and call one function."""

from smtplib import SMTPException

from celery import shared_task

from . import documents, notifications


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


@shared_task(acks_late=True)
def render_acknowledgement(case_id: int) -> bool:
    """The acknowledgement PDF of a filing (idempotent)."""
    return documents.render_acknowledgement(case_id) is not None


@shared_task(acks_late=True)
def render_output(case_id: int) -> bool:
    """The output document of an approved case (idempotent)."""
    return documents.render_output(case_id) is not None


@shared_task(acks_late=True)
def warn_due_soon() -> int:
    """Daily: warn officers of cases about to expire."""
    return notifications.warn_due_soon()


@shared_task(acks_late=True)
def declare_desistimientos() -> int:
    """Daily: desistimiento tácito where the citizen's month has run out (idempotent)."""
    from . import services

    return len(services.desistimiento_sweep())
