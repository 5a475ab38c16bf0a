"""Thin, idempotent tasks: they take ids and call one function."""

from celery import shared_task


@shared_task(acks_late=True)
def render_application_receipt(application_id: int) -> bool:
    """The consolidated acknowledgement PDF, re-rendered when more procedures are filed."""
    from . import receipts

    return receipts.render(application_id)


@shared_task(acks_late=True)
def sweep_receipts() -> int:
    """Beat, every minute: consolidated receipts a lost task left out of date."""
    from . import receipts

    return receipts.sweep()


@shared_task(acks_late=True)
def advance_application(application_id: int) -> int:
    """File the procedures whose prerequisites were just approved."""
    from . import services
    from .models import Application

    return len(services.application_advance(Application(pk=application_id)))


@shared_task(acks_late=True)
def advance_applications() -> int:
    """Beat sweep: nothing waits forever if a task was lost."""
    from . import services

    return services.application_advance_all()


@shared_task(acks_late=True)
def purge_abandoned_drafts() -> int:
    """Beat, nightly: runs never submitted lose their answers after the retention."""
    from . import services

    return services.draft_purge_abandoned()
