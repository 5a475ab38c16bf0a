"""The checkpoint task through a real Celery worker and Redis (PostgreSQL only: the
worker is another process and must see the test database)."""

import time
import uuid

from django.conf import settings

import pytest

from audit.checkpoints import read_sink
from audit.models import Checkpoint
from audit.verify import verify
from tests.workers import BROKER, redis_or_skip, start_worker

from .helpers import make_chain


def test_checkpoint_is_scheduled_by_beat():
    assert (
        settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]["task"]
        == "audit.tasks.create_checkpoint"
    )


@pytest.mark.django_db(transaction=True)
def test_checkpoint_task_runs_on_a_real_worker(postgres_only, tmp_path, settings):
    redis_or_skip()
    from celery import Celery

    make_chain("case:W1", 3)
    sink_dir = tmp_path / "worker-checkpoints"
    settings.AUDIT_CHECKPOINT_DIR = sink_dir
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue, AUDIT_CHECKPOINT_DIR=str(sink_dir))
    try:
        Celery(broker=BROKER).send_task("audit.tasks.create_checkpoint", queue=queue)
        deadline = time.monotonic() + 60
        while not Checkpoint.objects.exists():
            assert worker.poll() is None, "the worker died"
            assert time.monotonic() < deadline, (
                "the worker did not run the task in 60 s"
            )
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.n_events >= 3
    assert [entry["hash"] for entry in read_sink()] == [checkpoint.checkpoint_hash]
    assert verify().ok
