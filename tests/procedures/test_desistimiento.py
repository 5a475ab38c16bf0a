"""The nightly desistimiento sweep (Ley 1755 art. 17): once the citizen's month to answer
has run out, the system declares desistimiento tácito with a motivated reason."""

import datetime
import json
import uuid

import pytest
import time_machine

from audit.models import AuditEvent
from procedures import calendar, services, tasks
from procedures.models import Case

pytestmark = pytest.mark.django_db

ASKED_ON = datetime.date(2026, 3, 5)
DEADLINE = datetime.date(2026, 4, 6)  # one month after, 5 April being a Sunday


def at(day: datetime.date, hour: int = 6) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=calendar.BOGOTA)


@pytest.fixture
def waiting_case(demo_user, rit_certificate):
    """A case waiting on the citizen since ASKED_ON."""
    officer = demo_user("funcionario_shd")
    case, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"q_identificacion": "900373913-4"},
        documents=[],
        submission_token=uuid.uuid4(),
        filed_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA),
    )
    for action, kwargs in (
        ("tomar", {}),
        ("solicitar_informacion", {"reason": "Adjunte el RUT actualizado de 2026."}),
    ):
        case.refresh_from_db()
        services.case_act(
            case.pk,
            actor=officer,
            action=action,
            expected_version=case.version,
            today=ASKED_ON,
            **kwargs,
        )
    case.refresh_from_db()
    assert case.citizen_deadline == DEADLINE
    return case


def actions(case) -> list[str]:
    return list(
        AuditEvent.objects.filter(chain_key=case.audit_chain)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_nothing_happens_up_to_the_deadline(waiting_case):
    before = actions(waiting_case)
    for day in (DEADLINE - datetime.timedelta(days=1), DEADLINE):
        with time_machine.travel(at(day), tick=False):
            assert services.desistimiento_sweep() == []
    waiting_case.refresh_from_db()
    assert waiting_case.status == "requiere_informacion"
    assert actions(waiting_case) == before


def test_after_the_deadline_the_system_declares_it_once(
    waiting_case, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(at(DEADLINE + datetime.timedelta(days=1)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.desistimiento_sweep() == [waiting_case.radicado]
    waiting_case.refresh_from_db()
    assert waiting_case.status == "desistido" and waiting_case.decided_at
    assert "Desistimiento tácito" in waiting_case.decision_reason
    assert "06/04/2026" in waiting_case.decision_reason
    assert "art. 17" in waiting_case.decision_reason

    event = json.loads(
        AuditEvent.objects.filter(chain_key=waiting_case.audit_chain)
        .order_by("-seq")
        .values_list("body", flat=True)
        .first()
    )
    assert event["action"] == "case.declarar_desistimiento"
    assert event["actor_role"] == "sistema" and event["actor_username"] == ""
    assert event["reason"] == waiting_case.decision_reason
    assert (event["before"]["status"], event["after"]["status"]) == (
        "requiere_informacion",
        "desistido",
    )
    notice = [m for m in mailoutbox if waiting_case.radicado in m.subject]
    assert notice[-1].to == [waiting_case.applicant.email]
    assert "Desistimiento tácito" in notice[-1].body

    # Re-running (the next night, or a retried task) changes nothing more.
    count = len(actions(waiting_case))
    sent = len(mailoutbox)
    with (
        time_machine.travel(at(DEADLINE + datetime.timedelta(days=2)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.declare_desistimientos.delay().get() == 0
    assert len(actions(waiting_case)) == count and len(mailoutbox) == sent
    assert Case.objects.get(pk=waiting_case.pk).version == waiting_case.version


def test_a_case_answered_in_time_is_left_alone(waiting_case, demo_user):
    services.case_act(
        waiting_case.pk,
        actor=demo_user("ciudadano"),
        action="responder",
        expected_version=waiting_case.version,
        reason="Adjunto el RUT.",
        today=DEADLINE,
    )
    with time_machine.travel(at(DEADLINE + datetime.timedelta(days=30)), tick=False):
        assert services.desistimiento_sweep() == []
    assert Case.objects.get(pk=waiting_case.pk).status == "en_revision"


def test_the_sweep_runs_daily_at_six_in_bogota(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["declare-desistimientos"]
    assert entry["task"] == "procedures.tasks.declare_desistimientos"
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "America/Bogota"
