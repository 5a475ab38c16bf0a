from celery import shared_task

from . import checkpoints


@shared_task(acks_late=True)
def create_checkpoint() -> int | None:
    """Sign the current heads of every chain (run by beat every few minutes).

    When the trail no longer extends the previous checkpoint nothing is signed: the
    alarm is already logged and recorded, and a retry would refuse again."""
    try:
        return checkpoints.create_checkpoint().pk
    except checkpoints.CheckpointRefused:
        return None
