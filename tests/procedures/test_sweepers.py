"""The sweepers redo from committed state what a lost task left undone (issue 10
point 4); here with eager tasks, so each re-enqueued task runs in this process. The
broker outage itself, with a real Redis, worker and beat: tests/security/."""

import datetime
import socket
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest

from procedures import documents, notifications, services
from procedures.models import Case, CaseDocument, Notification

pytestmark = pytest.mark.django_db


def file_without_side_effects(procedure, applicant) -> Case:
    """A filing whose after-commit tasks never ran (as if the broker had been down)."""
    case, _ = services.case_file(
        procedure=procedure,
        applicant=applicant,
        answers={},
        documents=[],
        submission_token=uuid.uuid4(),
    )
    return case


def age(queryset, field: str, seconds: int) -> None:
    queryset.update(**{field: timezone.now() - datetime.timedelta(seconds=seconds)})


def test_a_filing_records_its_acknowledgement_as_pending(rit_certificate, demo_user):
    case = file_without_side_effects(rit_certificate, demo_user("ciudadano"))
    assert case.acknowledgement_pending_since is not None
    assert case.output_pending_since is None
    assert Notification.objects.get(case=case).state == Notification.State.PENDING


def test_sweep_renders_only_stale_missing_acknowledgements_once(
    rit_certificate, demo_user
):
    citizen = demo_user("ciudadano")
    stale = file_without_side_effects(rit_certificate, citizen)
    fresh = file_without_side_effects(rit_certificate, citizen)
    age(Case.objects.filter(pk=stale.pk), "acknowledgement_pending_since", 120)

    assert documents.sweep() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.acknowledgement_pending_since is None
    assert stale.documents.filter(kind=CaseDocument.Kind.ACKNOWLEDGEMENT).count() == 1
    assert fresh.acknowledgement_pending_since is not None, "its own task may still run"
    assert not fresh.documents.exists()
    assert documents.sweep() == 0, "nothing left: a second sweep renders nothing"


def test_sweep_moves_the_mark_on_when_the_enqueue_is_lost(
    rit_certificate, demo_user, monkeypatch
):
    """A sweep whose task is lost again waits SWEEP_AFTER_SECONDS before retrying."""
    case = file_without_side_effects(rit_certificate, demo_user("ciudadano"))
    age(Case.objects.filter(pk=case.pk), "acknowledgement_pending_since", 120)
    monkeypatch.setattr("procedures.enqueue.enqueue", lambda task, *args: False)
    before = timezone.now()
    assert documents.sweep() == 1
    case.refresh_from_db()
    assert case.acknowledgement_pending_since >= before
    assert documents.sweep() == 0


def test_an_approval_leaves_the_output_pending_until_the_sweep(
    rit_certificate, demo_user
):
    officer = demo_user("funcionario_shd")
    case = file_without_side_effects(rit_certificate, demo_user("ciudadano"))
    for action in ("tomar", "aprobar"):
        case.refresh_from_db()
        services.case_act(
            case.pk, actor=officer, action=action, expected_version=case.version
        )
    case.refresh_from_db()
    assert case.output_pending_since is not None
    age(Case.objects.filter(pk=case.pk), "output_pending_since", 120)
    age(Case.objects.filter(pk=case.pk), "acknowledgement_pending_since", 120)
    assert documents.sweep() == 2
    case.refresh_from_db()
    assert case.output_pending_since is None
    assert case.documents.filter(kind=CaseDocument.Kind.OUTPUT).count() == 1


def test_the_database_refuses_a_second_acknowledgement(rit_certificate, demo_user):
    case = file_without_side_effects(rit_certificate, demo_user("ciudadano"))
    documents.render_acknowledgement(case.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseDocument.objects.create(
            case=case,
            kind=CaseDocument.Kind.ACKNOWLEDGEMENT,
            requirement="Acuse de recibo",
            display_name="otro.pdf",
            file="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )


def test_notification_sweep_resends_what_is_a_minute_overdue(
    rit_certificate, demo_user, mailoutbox
):
    citizen = demo_user("ciudadano")
    stale = Notification.objects.get(
        case=file_without_side_effects(rit_certificate, citizen)
    )
    fresh = Notification.objects.get(
        case=file_without_side_effects(rit_certificate, citizen)
    )
    age(Notification.objects.filter(pk=stale.pk), "available_at", 61)
    assert notifications.sweep() == 1
    assert [m.to for m in mailoutbox] == [[citizen.email]]
    assert Notification.objects.get(pk=stale.pk).state == Notification.State.SENT
    assert Notification.objects.get(pk=fresh.pk).state == Notification.State.PENDING
    assert notifications.sweep() == 0


def test_a_failed_send_is_kept_with_its_backoff_and_not_raised(
    rit_certificate, demo_user, settings
):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    notification = Notification.objects.get(
        case=file_without_side_effects(rit_certificate, demo_user("ciudadano"))
    )
    assert notifications.send(notification.pk) is False
    notification.refresh_from_db()
    assert notification.state == Notification.State.PENDING
    assert notification.attempts == 1 and notification.last_error
    wait = notification.available_at - timezone.now()
    assert datetime.timedelta(minutes=1) < wait <= datetime.timedelta(minutes=2)
    assert notifications.sweep() == 0, "the sweep respects the backoff"


def test_beat_sweeps_every_minute_within_the_visibility_timeout():
    schedule = {
        entry["task"]: entry["schedule"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    for task in (
        "procedures.tasks.sweep_notifications",
        "procedures.tasks.sweep_documents",
        "formalization.tasks.sweep_receipts",
    ):
        assert schedule[task] <= 60, task
    assert settings.SWEEP_AFTER_SECONDS <= 60
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility <= 300
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE
