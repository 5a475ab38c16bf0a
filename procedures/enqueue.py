"""Enqueueing that never fails a request. The work a task does is derived from
committed state, so when the broker cannot take a task the sweepers (run by beat)
find the work still pending and enqueue it again."""

import datetime
import functools
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Send ``task`` to the broker; False (and a log line) if the broker is down."""
    if task.app.conf.task_always_eager:
        # No broker (the embedded default, tests): the task runs here and now, and
        # nothing sweeps after it, so its errors stay the caller's.
        task.delay(*args)
        return True
    try:
        task.delay(*args)
    except Exception as error:  # noqa: BLE001 - whatever the broker's failure, it is logged
        # One line, not a traceback per request while the broker is down.
        logger.error(
            "Could not enqueue %s%r (%s: %s); a sweep will when the broker is back",
            task.name,
            args,
            type(error).__name__,
            error,
        )
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    """``enqueue`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(enqueue, task, *args))


SWEEP_BATCH = 200


def requeue_stale(queryset, field: str, task, *, now=None) -> int:
    """The sweepers' one step: rows of ``queryset`` whose ``field`` (when their work
    fell due) is older than ``SWEEP_AFTER_SECONDS`` get ``task`` again, and ``field``
    moves to now so the next sweep gives this attempt time. Rows locked by a task
    at work are skipped. Returns how many were enqueued."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.SWEEP_AFTER_SECONDS)
    with transaction.atomic():
        pks = list(
            queryset.select_for_update(skip_locked=True)
            .filter(**{f"{field}__lte": cutoff})
            .order_by(field)
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        queryset.model.objects.filter(pk__in=pks).update(**{field: now})
    for pk in pks:
        enqueue(task, pk)
    return len(pks)
