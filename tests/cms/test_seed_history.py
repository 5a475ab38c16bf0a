"""The demo history of ``seed_demo``: cases filed and processed through the real
services over the past year, with the whole mix of outcomes and a genuine trail."""

import datetime
import json
from collections import Counter

from django.core.management import call_command
from django.db.models import Count, Max

import pytest

from audit.models import AuditEvent
from audit.verify import verify
from cms.seed_history import OUTCOMES, seed_history
from procedures import calendar
from procedures.models import Case, Notification, RadicadoCounter

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def history():
    return seed_history(40, seed="prueba", today=TODAY)


def _events(case):
    return [
        json.loads(body)
        for body in AuditEvent.objects.filter(chain_key=case.audit_chain)
        .order_by("seq")
        .values_list("body", flat=True)
    ]


def test_history_shows_every_outcome(history):
    assert set(history) == {name for name, _weight in OUTCOMES}
    cases = Case.objects.filter(applicant__username__startswith="historico_")
    statuses = Counter(cases.values_list("status", flat=True))
    for status in ("aprobado", "rechazado", "remitido", "desistido"):
        assert statuses[status], (status, statuses)
    # Rejections and desistimientos carry their reasons.
    assert all(
        len(reason) >= 10
        for reason in cases.filter(status__in=["rechazado", "desistido"]).values_list(
            "decision_reason", flat=True
        )
    )
    # Extended with reasons; information requested and answered, then decided.
    extended = cases.filter(extension_days__gt=0)
    assert extended.exists() and all(c.extension_reason for c in extended)
    answered = cases.filter(information_requested_on__isnull=False, status="aprobado")
    assert answered.exists()
    # Some decided on time, some after the due date.
    decided = list(cases.filter(status="aprobado"))
    late = [c for c in decided if calendar.to_bogota(c.decided_at).date() > c.due_date]
    assert late and len(late) < len(decided)
    # Remitted cases opened a case of their own at the competent entity.
    for case in cases.filter(status="remitido"):
        assert case.remission.entity_id != case.entity_id
    # Spread over the past year, across entities.
    first, last = (
        calendar.to_bogota(moment).date()
        for moment in (
            min(c.filed_at for c in cases),
            max(c.filed_at for c in cases),
        )
    )
    assert first >= TODAY - datetime.timedelta(days=366) and last < TODAY
    assert (last - first).days > 180
    assert cases.values("entity").distinct().count() >= 10


def test_history_radicados_due_dates_and_trail_are_genuine(history):
    cases = Case.objects.filter(applicant__username__startswith="historico_")
    assert cases.count() >= 40
    radicados = list(Case.objects.values_list("radicado", flat=True))
    assert len(radicados) == len(set(radicados))
    # Every counter row equals the highest radicado it gave out.
    for counter in RadicadoCounter.objects.select_related("entity"):
        numbers = Case.objects.filter(
            entity=counter.entity,
            radicado__startswith=f"{counter.entity.code}-{counter.year}-",
        ).values_list("radicado", flat=True)
        assert max(int(r.rsplit("-", 1)[1]) for r in numbers) == counter.last
    # Due dates come from the calendar: filing moment + term, then the extension.
    for case in cases.filter(information_requested_on__isnull=True):
        due = calendar.due_date(
            case.filed_at, case.term_days, calendar_days=case.calendar_days
        )
        if case.extension_days:
            due = calendar.extend_due_date(
                due, case.extension_days, calendar_days=case.calendar_days
            )
        assert case.due_date == due, case.radicado
        assert case.received_on == calendar.received_on(case.filed_at)
    # The trail is intact and runs forward in time, from the filing to the decision.
    assert verify().ok
    case = cases.filter(status="rechazado").first()
    events = _events(case)
    actions = [e["action"] for e in events]
    assert actions.index("case.filed") < actions.index("case.tomar")
    assert actions[-1] == "case.rechazar"
    stamps = [e["at"] for e in events]
    assert stamps == sorted(stamps)
    assert stamps[0].startswith(calendar.to_bogota(case.filed_at).strftime("%Y-"))
    # The past's e-mails are not sent today.
    assert not Notification.objects.filter(
        case__in=cases, state=Notification.State.PENDING
    ).exists()


def test_history_is_deterministic_and_a_rerun_files_nothing(history):
    before = Case.objects.aggregate(n=Count("pk"), last=Max("pk"))
    assert seed_history(40, seed="prueba", today=TODAY) == {}
    assert Case.objects.aggregate(n=Count("pk"), last=Max("pk")) == before


def test_seed_demo_history_option(capsys):
    call_command("seed_demo", allow_demo_users=True, history=8)
    assert "Historia: 8 casos nuevos" in capsys.readouterr().out
    assert (
        Case.objects.filter(applicant__username__startswith="historico_").count() >= 8
    )
