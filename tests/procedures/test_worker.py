"""A filing's e-mail and acknowledgement go through the outbox, Redis and a real
Celery worker (PostgreSQL only: the worker is another process on the test database)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

import pytest

from procedures.models import Notification

ROOT = Path(__file__).resolve().parents[2]
# Celery lets CELERY_BROKER_URL override a producer's broker, so use the same one.
BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/12"


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis is needed for the worker test (.ci/run starts it).")
        pytest.skip("Redis not reachable")


def _start_worker(queue: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    command = [
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
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


@pytest.mark.django_db(transaction=True)
def test_outbox_email_and_pdf_are_done_by_a_real_worker(
    postgres_only, django_user_model
):
    _redis_or_skip()
    from django.core.management import call_command
    from django.db import transaction

    from celery import Celery

    from catalog.models import ProcedurePage
    from procedures import services
    from procedures.notifications import send

    call_command("seed_demo", allow_demo_users=True, verbosity=0)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(queue)
    producer = Celery(broker=BROKER)
    try:
        # The tests run tasks eagerly; keep the filing's after-commit hooks from running
        # here and hand the same two tasks to the real worker through Redis instead.
        with transaction.atomic():
            case, _ = services.case_file(
                procedure=ProcedurePage.objects.get(code="SDH-002"),
                applicant=django_user_model.objects.get(username="ciudadano"),
                answers={},
                documents=[],
                submission_token=uuid.uuid4(),
            )
            transaction.get_connection().run_on_commit.clear()
        notification = Notification.objects.get(case=case)
        assert notification.state == Notification.State.PENDING
        producer.send_task(
            "procedures.tasks.send_notification", args=[notification.pk], queue=queue
        )
        producer.send_task(
            "procedures.tasks.render_acknowledgement", args=[case.pk], queue=queue
        )
        deadline = time.monotonic() + 90
        while not (
            Notification.objects.filter(
                pk=notification.pk, state=Notification.State.SENT
            ).exists()
            and case.documents.filter(kind="acuse").exists()
        ):
            assert worker.poll() is None, worker.stdout.read().decode()[-2000:]
            if time.monotonic() > deadline:
                worker.terminate()
                output = worker.communicate(timeout=20)[0].decode()[-3000:]
                pytest.fail(
                    f"the worker did not send the e-mail and render the PDF in 90 s:\n{output}"
                )
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    sent = Notification.objects.get(pk=notification.pk)
    assert sent.attempts == 1 and sent.sent_at is not None
    assert send(notification.pk) is False, "a re-run of the task sends nothing"
