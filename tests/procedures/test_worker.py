"""A filing's e-mail and acknowledgement go through the outbox, Redis and a real
Celery worker (PostgreSQL only: the worker is another process on the test database)."""

import time
import uuid

import pytest

from procedures.models import Notification
from tests.workers import BROKER, redis_or_skip, start_worker


@pytest.mark.django_db(transaction=True)
def test_outbox_email_and_pdf_are_done_by_a_real_worker(
    postgres_only, django_user_model
):
    redis_or_skip()
    from django.db import transaction

    from celery import Celery

    from catalog.models import ProcedurePage
    from procedures import services
    from procedures.notifications import send
    from tests.seeding import seed_for

    seed_for({"SDH-002"})
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(
        queue, DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
    )
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
