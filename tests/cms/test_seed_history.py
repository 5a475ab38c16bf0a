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
from cms.seed_applications import APPLICATIONS, DEMO_APPLICANT, seed_applications
from cms.seed_history import OUTCOMES, seed_history
from formalization.models import Application, ApplicationItem
from formalization.steps import STEPS
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


@pytest.fixture
def applications():
    return seed_applications(seed="prueba", today=TODAY)


def _application_events(application):
    return [
        json.loads(body)
        for body in AuditEvent.objects.filter(chain_key=application.audit_chain)
        .order_by("seq")
        .values_list("body", flat=True)
    ]


def test_history_files_formalization_applications_through_the_wizard(applications):
    assert set(applications) == {plot["plot"] for plot in APPLICATIONS}
    filed = Application.objects.filter(radicado__in=applications.values())
    statuses = Counter(filed.values_list("status", flat=True))
    assert statuses == {"terminada": 3, "en_curso": 1, "pendiente_pago": 1}
    # Completed: every applicable procedure filed as a case and decided (approved).
    completed = filed.get(radicado=applications["completa"])
    items = list(completed.items.select_related("case"))
    assert len(items) >= 20
    assert all(item.state == ApplicationItem.State.FILED for item in items)
    assert {item.case.status for item in items} == {"aprobado"}
    # Its cases went through the officers' queues, some with a request answered.
    cases = Case.objects.filter(formalization_item__application=completed)
    assert cases.values("entity").distinct().count() >= 8
    assert cases.filter(information_requested_on__isnull=False).exists()
    assert cases.filter(extension_days__gt=0).exists()
    # Paid through the sandbox provider before anything was filed.
    assert completed.total_due > 0
    payment = completed.payments.get()
    assert payment.status == "aprobado" and payment.amount == completed.total_due
    for item in items:
        assert item.case.filed_at >= completed.submitted_at
        if item.fee_due:
            assert item.case.filed_at >= payment.updated_at, item.code
    # Dependents filed only once their prerequisite was approved.
    by_code = {item.code: item.case for item in items}
    for item in items:
        for code in item.depends_on:
            assert by_code[code].decided_at <= item.case.filed_at, item.code
    # A rejected prerequisite blocks its dependents, with the reason shown.
    rejected = filed.get(radicado=applications["con_rechazo"])
    blocked = rejected.items.filter(state=ApplicationItem.State.BLOCKED)
    assert blocked.exists() and all("F05" in item.note for item in blocked)
    assert len(rejected.items.get(code="F05").case.decision_reason) >= 10
    assert rejected.payments.filter(status="rechazado").exists()
    assert rejected.payments.filter(status="aprobado").exists()
    # Information never answered: desistimiento; the rest decided, one late.
    desisted = filed.get(radicado=applications["desistida"])
    assert desisted.items.get(code="F20").case.status == "desistido"
    late = desisted.items.get(code="F10").case
    assert calendar.to_bogota(late.decided_at).date() > late.due_date
    # Still waiting for the bank; and one in progress, some procedures open.
    waiting = filed.get(radicado=applications["pendiente_pago"])
    assert waiting.items.filter(state=ApplicationItem.State.AWAITING_PAYMENT).exists()
    ongoing = filed.get(radicado=applications["en_curso"])
    assert ongoing.items.filter(case__status="aprobado").exists()
    assert ongoing.items.exclude(case__status="aprobado").exists()
    # Spread over the past year; the past's e-mails are not sent today.
    days = sorted(calendar.to_bogota(a.submitted_at).date() for a in filed)
    assert days[0] >= TODAY - datetime.timedelta(days=366) and days[-1] < TODAY
    assert (days[-1] - days[0]).days > 300
    assert not Notification.objects.filter(
        dedupe_key__startswith="application:", state=Notification.State.PENDING
    ).exists()
    # A re-run files nothing twice.
    assert seed_applications(seed="prueba", today=TODAY) == {}
    assert Application.objects.count() == len(APPLICATIONS)


def test_application_trail_is_the_wizards_and_verifies(applications):
    completed = Application.objects.get(radicado=applications["completa"])
    events = _application_events(completed)
    actions = [e["action"] for e in events]
    assert actions[0] == "formalization.started"
    saved = [e["details"]["step"] for e in events if e["action"].endswith("saved")]
    assert saved == [step.slug for step in STEPS]  # a SAS with premises and staff
    for action in (
        "formalization.document_uploaded",
        "formalization.consent",
        "formalization.submitted",
        "payment.started",
        "payment.aprobado",
    ):
        assert action in actions, action
    paid = set(completed.items.filter(fee_due__gt=0).values_list("code", flat=True))
    assert paid
    for index, event in enumerate(events):
        if (
            event["action"] == "formalization.procedure_filed"
            and event["after"]["procedure"] in paid
        ):
            assert index > actions.index("payment.aprobado"), event
    assert actions.count("formalization.procedure_filed") == completed.items.count()
    stamps = [e["at"] for e in events]
    assert stamps == sorted(stamps)
    assert stamps[0].startswith(
        calendar.to_bogota(completed.submitted_at).strftime("%Y-%m-%d")
    )
    # The cases' own trails, and the whole chain, are intact.
    case = completed.items.get(code="F25").case
    assert [e["action"] for e in _events(case)][-1] == "case.aprobar"
    assert verify().ok


def test_demo_applicant_sees_the_applications(applications, client):
    user = Application.objects.get(radicado=applications["completa"]).applicant
    assert user.username == DEMO_APPLICANT
    client.force_login(user)
    page = client.get("/mis-tramites/").content.decode()
    assert applications["completa"] in page and applications["en_curso"] in page
    detail = client.get(f"/mis-tramites/solicitudes/{applications['completa']}/")
    assert detail.status_code == 200
    for item in detail.context["items"]:
        assert item.case.radicado in detail.content.decode()


def test_my_cases_lists_applications_newest_first_and_cases_name_theirs(
    applications, client
):
    """formalization adds its section to procedures' pages through hooks."""
    user = Application.objects.get(radicado=applications["completa"]).applicant
    client.force_login(user)
    page = client.get("/mis-tramites/").content.decode()
    newest_first = user.formalization_applications.order_by("-submitted_at")
    radicados = [application.radicado for application in newest_first]
    assert len(radicados) >= 2
    positions = [page.index(f">{radicado}</a>") for radicado in radicados]
    assert positions == sorted(positions)
    assert page.index("Solicitudes de formalización") < page.index("Trámites radicados")
    item = ApplicationItem.objects.filter(
        application__radicado=applications["completa"], case__isnull=False
    ).first()
    case_page = client.get(f"/mis-tramites/{item.case.radicado}/").content.decode()
    assert "Parte de la solicitud de formalización" in case_page
    assert f'/mis-tramites/solicitudes/{applications["completa"]}/"' in case_page


def test_an_extension_the_procedure_does_not_allow_is_decided_on_time():
    """'prorrogado' drawn for a procedure without extensions: taken once, approved."""
    import random
    import uuid

    from catalog.models import ProcedurePage
    from cms.seed_history import _citizens, _Filings, _Walk
    from procedures import services
    from procedures.sample_answers import fileable_procedures

    procedure = next(
        page
        for page in fileable_procedures()
        if page.entity.officer_group_id
        and page.entity.officer_group.user_set.exists()
        and not page.four_eyes
    )
    ProcedurePage.objects.filter(pk=procedure.pk).update(extension_allowed=False)
    procedure.refresh_from_db()
    citizen = _citizens()[0]
    answers, documents = _Filings().get(procedure, citizen)
    filed_at = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=calendar.BOGOTA)
    case, _created = services.case_file(
        procedure=procedure,
        applicant=citizen,
        answers=answers,
        documents=documents,
        submission_token=uuid.uuid4(),
        filed_at=filed_at,
    )
    officers = {
        procedure.entity_id: list(procedure.entity.officer_group.user_set.all())
    }
    walk = _Walk(case, officers, random.Random("prorroga"), TODAY, [])
    walk.last[case.pk] = filed_at
    walk.run("prorrogado")
    case.refresh_from_db()
    assert case.status == "aprobado" and not case.extension_days
    assert [e["action"] for e in _events(case)].count("case.tomar") == 1
