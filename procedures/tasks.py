"""Thin, idempotent tasks: they take ids and call one function."""

from celery import shared_task

from . import documents, notifications


# No Celery retries (no countdown message to lose or to outlive the visibility
# timeout): a failed attempt stays pending on its row and the sweep re-sends it.
@shared_task(acks_late=True)
def send_notification(notification_id: int) -> bool:
    """Send one outbox e-mail unless it was already sent."""
    return notifications.send(notification_id)


@shared_task(acks_late=True)
def sweep_notifications() -> int:
    """Beat, every minute: re-send what is still pending (a lost task, a broker
    outage, a failed attempt)."""
    return notifications.sweep()


@shared_task(acks_late=True)
def sweep_documents() -> int:
    """Beat, every minute: acknowledgement and output PDFs still missing."""
    return documents.sweep()


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
