"""A real Celery worker for integration tests: another process, on the test database."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Celery lets CELERY_BROKER_URL override a producer's broker, so workers and
# producers in the tests use that one when it is set.
BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/12"


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis is needed for the worker tests (.ci/run starts it).")
        pytest.skip("Redis not reachable")


def _environment(environment: dict) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        **environment,
    }


def start_worker(queue: str, *, output=subprocess.PIPE, **environment: str):
    """A solo worker consuming only ``queue``, with the test database as its own.
    ``output``: where its log goes (a file for long runs: a pipe nobody reads fills)."""
    command = [sys.executable, "-m", "celery", "-A", "cms", "worker", "-Q", queue]
    command += ["-c", "1", "--pool", "solo", "-l", "warning"]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=_environment(environment),
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def start_beat(schedule: Path, *, output, **environment: str) -> subprocess.Popen:
    """Celery beat with the settings' schedule, its state kept in ``schedule``."""
    command = [sys.executable, "-m", "celery", "-A", "cms", "beat", "-l", "warning"]
    command += ["-s", str(schedule)]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=_environment(environment),
        stdout=output,
        stderr=subprocess.STDOUT,
    )
