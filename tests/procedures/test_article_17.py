"""Ley 1755 de 2015 art. 17 as written, plus the catalog's extension and calendar
rules, through the real services and views (officers through the admin case view).

* the requerimiento is made within 10 business days of filing, and only once;
* the citizen may ask, before the month ends, for one more month, from the case page,
  and the desistimiento sweep waits for it;
* a procedure whose data says ``extension_allowed: false`` is never extended;
* a term the catalog sets in calendar days is counted in calendar days.
"""

import datetime
import uuid

import pytest
import time_machine

from catalog.models import ProcedurePage
from procedures import calendar, services, workflow
from procedures.models import Case

pytestmark = pytest.mark.django_db

FILED_AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA)  # Monday
# 2 March + 10 business days; 23 March (San José, moved) is after it.
LAST_REQUEST_DAY = datetime.date(2026, 3, 16)
ASKED_ON = datetime.date(2026, 3, 5)
DEADLINE = datetime.date(2026, 4, 6)  # 5 April is a Sunday
EXTENDED_DEADLINE = datetime.date(2026, 5, 5)  # 5 March + two months, a Tuesday


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=calendar.BOGOTA)


def file(procedure, applicant, filed_at=FILED_AT) -> Case:
    case, _ = services.case_file(
        procedure=procedure,
        applicant=applicant,
        answers={},
        documents=[],
        submission_token=uuid.uuid4(),
        filed_at=filed_at,
    )
    return case


def act(case, user, action, **kwargs) -> Case:
    case.refresh_from_db()
    return services.case_act(
        case.pk, actor=user, action=action, expected_version=case.version, **kwargs
    )


def officer_post(client, case, action, **data):
    """The officer's form on the admin case page, confirmed where the action asks
    for it; the page it leads to."""
    case.refresh_from_db()
    response = client.post(
        f"/admin/casos/{case.radicado}/accion/",
        {"action": action, "version": case.version, "confirmar": "1", **data},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def officer(demo_user):
    return demo_user("funcionario_shd")


@pytest.fixture
def citizen(demo_user):
    return demo_user("ciudadano")


@pytest.fixture
def case(rit_certificate, citizen):
    return file(rit_certificate, citizen)


@pytest.fixture
def waiting_case(case, officer):
    act(case, officer, "tomar", today=ASKED_ON)
    act(
        case,
        officer,
        "solicitar_informacion",
        reason="Adjunte el RUT actualizado de 2026.",
        today=ASKED_ON,
    )
    case.refresh_from_db()
    assert case.citizen_deadline == DEADLINE
    return case


# --- the requerimiento: within 10 days, once -----------------------------------------


def test_information_can_be_requested_up_to_the_tenth_business_day(case, officer):
    act(case, officer, "tomar", today=ASKED_ON)
    act(
        case,
        officer,
        "solicitar_informacion",
        reason="Adjunte el RUT actualizado de 2026.",
        today=LAST_REQUEST_DAY,
    )
    case.refresh_from_db()
    assert case.status == "requiere_informacion"
    assert case.information_requested_on == LAST_REQUEST_DAY


def test_a_late_request_is_refused_in_the_admin_case_view(client, case, officer):
    act(case, officer, "tomar", today=ASKED_ON)
    client.force_login(officer)
    with time_machine.travel(at(LAST_REQUEST_DAY + datetime.timedelta(days=1))):
        page = client.get(f"/admin/casos/{case.radicado}/").content.decode()
        # No button; the reason instead.
        assert "/accion/solicitar_informacion/" not in page
        assert "hasta el 16/03/2026" in page
        html = officer_post(
            client,
            case,
            "solicitar_informacion",
            reason="Adjunte el RUT actualizado de 2026.",
        )
    assert "10 días hábiles siguientes a la radicación" in html
    case.refresh_from_db()
    assert case.status == "en_revision" and case.clock_stopped_on is None


def test_a_second_request_does_not_stop_the_clock_again(
    client, waiting_case, officer, citizen
):
    act(waiting_case, citizen, "responder", reason="Adjunto el RUT.", today=ASKED_ON)
    waiting_case.refresh_from_db()
    due, version = waiting_case.due_date, waiting_case.version
    client.force_login(officer)
    with time_machine.travel(at(datetime.date(2026, 3, 9))):
        html = officer_post(
            client,
            waiting_case,
            "solicitar_informacion",
            reason="Adjunte también el certificado bancario.",
        )
    assert "permite un solo requerimiento" in html
    waiting_case.refresh_from_db()
    assert waiting_case.status == "en_revision"
    assert waiting_case.clock_stopped_on is None and waiting_case.due_date == due
    assert waiting_case.version == version
    with pytest.raises(workflow.TransitionError, match="un solo requerimiento"):
        act(
            waiting_case,
            officer,
            "solicitar_informacion",
            reason="Adjunte también el certificado bancario.",
            today=datetime.date(2026, 3, 9),
        )


# --- the citizen's extension of the month ------------------------------------------


def test_the_citizen_asks_for_one_more_month_on_the_case_page(
    client, waiting_case, citizen, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    with time_machine.travel(at(DEADLINE)):
        page = client.get(f"/mis-tramites/{waiting_case.radicado}/").content.decode()
        assert "Pedir un mes más para responder" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/mis-tramites/{waiting_case.radicado}/",
                {"accion": "prorroga", "version": waiting_case.version},
                follow=True,
            )
    html = response.content.decode()
    assert "ahora vence el 05/05/2026" in html
    assert "Pedir un mes más para responder" not in html
    assert "ya fue prorrogado hasta el 05/05/2026" in html
    waiting_case.refresh_from_db()
    assert waiting_case.citizen_deadline == EXTENDED_DEADLINE
    assert waiting_case.citizen_extension_on == DEADLINE
    assert waiting_case.status == "requiere_informacion"
    notice = [m for m in mailoutbox if "05/05/2026" in m.subject]
    assert len(notice) == 1 and notice[0].to == [citizen.email]
    assert "no cambió" in notice[0].body and "cambió de estado" not in notice[0].body

    # Only once: asked again, the service refuses it.
    with pytest.raises(workflow.TransitionError, match="ya fue prorrogado"):
        act(waiting_case, citizen, "solicitar_prorroga", today=DEADLINE)


def test_the_extension_must_be_asked_before_the_month_ends(
    client, waiting_case, citizen
):
    client.force_login(citizen)
    with time_machine.travel(at(DEADLINE + datetime.timedelta(days=1))):
        response = client.post(
            f"/mis-tramites/{waiting_case.radicado}/",
            {"accion": "prorroga", "version": waiting_case.version},
            follow=True,
        )
    assert "La prórroga debía pedirse antes" in response.content.decode()
    waiting_case.refresh_from_db()
    assert waiting_case.citizen_deadline == DEADLINE
    assert waiting_case.citizen_extension_on is None


def test_only_the_applicant_asks_for_the_extension(waiting_case, officer):
    with pytest.raises(workflow.TransitionError):
        act(waiting_case, officer, "solicitar_prorroga", today=ASKED_ON)


def test_the_desistimiento_sweep_waits_for_the_extended_deadline(waiting_case, citizen):
    act(waiting_case, citizen, "solicitar_prorroga", today=ASKED_ON)
    for day in (DEADLINE + datetime.timedelta(days=1), EXTENDED_DEADLINE):
        assert services.desistimiento_sweep(day) == []
    assert Case.objects.get(pk=waiting_case.pk).status == "requiere_informacion"
    assert services.desistimiento_sweep(
        EXTENDED_DEADLINE + datetime.timedelta(days=1)
    ) == [waiting_case.radicado]
    waiting_case.refresh_from_db()
    assert waiting_case.status == "desistido"
    assert "05/05/2026" in waiting_case.decision_reason


# --- extension_allowed: false ---------------------------------------------------------


def test_a_procedure_without_extension_is_not_extended(client, demo_user, citizen):
    procedure = ProcedurePage.objects.get(code="F01")
    assert procedure.extension_allowed is False
    officer = demo_user("funcionario_ccb")
    case = file(procedure, citizen, filed_at=at(datetime.date(2026, 12, 1)))
    client.force_login(officer)
    with time_machine.travel(at(datetime.date(2026, 12, 1), 11)):
        page = client.get(f"/admin/casos/{case.radicado}/").content.decode()
        assert "/accion/prorrogar/" not in page
        assert "no admite prórroga" in page
        html = officer_post(
            client,
            case,
            "prorrogar",
            reason="Volumen alto de solicitudes.",
            extra_days=1,
        )
    assert "no admite prórroga" in html
    case.refresh_from_db()
    assert case.extension_days == 0 and case.version == 1


def test_a_procedure_with_extension_still_is(client, case, officer):
    client.force_login(officer)
    with time_machine.travel(at(case.due_date)):
        assert (
            "/accion/prorrogar/"
            in client.get(f"/admin/casos/{case.radicado}/").content.decode()
        )
        officer_post(
            client,
            case,
            "prorrogar",
            reason="Volumen alto de solicitudes.",
            extra_days=5,
        )
    case.refresh_from_db()
    assert case.extension_days == 5


# --- terms in calendar days --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "days"),
    [("SDM-024", 60), ("F24", 1)],
)
def test_calendar_day_terms_are_counted_in_calendar_days(code, days, citizen):
    procedure = ProcedurePage.objects.get(code=code)
    assert procedure.calendar_type == "CALENDARIO" and procedure.legal_term_days == days
    # Thursday 19 March 2026: a Friday, a weekend and the San José Monday follow.
    filed_at = at(datetime.date(2026, 3, 19))
    case = file(procedure, citizen, filed_at=filed_at)
    assert case.calendar_days is True and case.term_days == days
    expected = calendar.add_calendar_days(datetime.date(2026, 3, 19), days)
    assert case.due_date == expected
    if days == 60:
        # 19 March + 60 days = Monday 18 May (Ascensión, moved) → Tuesday 19 May;
        # sixty business days would end in mid-June.
        assert case.due_date == datetime.date(2026, 5, 19)
        assert calendar.due_date(filed_at, 60) > datetime.date(2026, 6, 10)


def test_a_business_day_procedure_keeps_business_days(case, rit_certificate):
    assert rit_certificate.calendar_type == "HABILES" and case.calendar_days is False
    assert case.due_date == calendar.due_date(FILED_AT, rit_certificate.legal_term_days)


def test_a_calendar_day_term_is_extended_in_calendar_days(demo_user, citizen):
    from django.contrib.auth.models import Group

    procedure = ProcedurePage.objects.get(code="SDM-024")
    officer = demo_user("funcionario_shd")
    officer.groups.add(Group.objects.get(name="Funcionarios SDM"))
    case = file(procedure, citizen, filed_at=at(datetime.date(2026, 3, 19)))
    due = case.due_date
    act(
        case,
        officer,
        "prorrogar",
        reason="Volumen alto de solicitudes.",
        extra_days=7,
        today=due,
    )
    case.refresh_from_db()
    assert (
        case.due_date
        == calendar.add_calendar_days(due, 7)
        == datetime.date(2026, 5, 26)
    )
