"""The checkpoint task through a real Celery worker and Redis (PostgreSQL only: the
worker is another process and must see the test database)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

import pytest

from audit.checkpoints import read_sink
from audit.models import Checkpoint
from audit.verify import verify

from .helpers import make_chain

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/14"


def _redis_reachable() -> bool:
    import redis

    try:
        return redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def test_checkpoint_is_scheduled_by_beat():
    assert (
        settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]["task"]
        == "audit.tasks.create_checkpoint"
    )


@pytest.mark.django_db(transaction=True)
def test_checkpoint_task_runs_on_a_real_worker(postgres_only, tmp_path, settings):
    if not _redis_reachable():
        if os.environ.get("CI"):
            pytest.fail("Redis is needed for the worker test (.ci/run starts it).")
        pytest.skip("Redis not reachable")
    from celery import Celery

    make_chain("case:W1", 3)
    sink_dir = tmp_path / "worker-checkpoints"
    settings.AUDIT_CHECKPOINT_DIR = sink_dir
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "AUDIT_CHECKPOINT_DIR": str(sink_dir),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cms",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--pool",
            "solo",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
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
