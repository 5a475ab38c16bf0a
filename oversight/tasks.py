from celery import shared_task

from . import scan


@shared_task(acks_late=True)
def scan_new_events() -> int:
    """One incremental scan of the trail (beat, every minute): the events read.

    The position row is locked for the pass, so a second worker waits and then
    finds nothing new; a lost or repeated run changes nothing."""
    return scan.incremental().events
