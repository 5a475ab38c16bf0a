from celery import shared_task

from . import checkpoints


@shared_task(acks_late=True)
def create_checkpoint() -> int:
    """Sign the current heads of every chain (run by beat every few minutes)."""
    return checkpoints.create_checkpoint().pk
