"""Words and numbers of cases as people read them: plurals through ngettext, no
days left on a closed case, the new term after an extension, an extension e-mail
that does not claim a change of status, and people's names instead of ids."""

import datetime
import json
import uuid

import pytest
import time_machine

from audit.models import AuditEvent
from audit.presentation import present
from catalog.models import ProcedurePage
from procedures import calendar, services, wording
from procedures.models import CaseDocument

pytestmark = pytest.mark.django_db

FILED_AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=calendar.BOGOTA)


def act(case, user, action, **kwargs):
    case.refresh_from_db()
    return services.case_act(
        case.pk, actor=user, action=action, expected_version=case.version, **kwargs
    )


@pytest.fixture
def officer(demo_user):
    return demo_user("funcionario_shd")


@pytest.fixture
def case(demo_user, rit_certificate):
    case, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={},
        documents=[],
        submission_token=uuid.uuid4(),
        filed_at=FILED_AT,
    )
    return case


@pytest.mark.parametrize(
    ("n", "calendar_days", "text"),
    [
        (1, False, "1 día hábil"),
        (2, False, "2 días hábiles"),
        (1, True, "1 día calendario"),
        (60, True, "60 días calendario"),
        (0, False, "0 días hábiles"),
    ],
)
def test_day_counts_use_the_singular_for_one(n, calendar_days, text):
    assert wording.days(n, calendar_days=calendar_days) == text


def test_remaining_and_due_in_phrases():
    assert wording.due_in(1) == "Vence en 1 día hábil"
    assert wording.due_in(3) == "Vence en 3 días hábiles"
    assert wording.due_in(0) == wording.remaining(0) == "Vence hoy"
    assert wording.remaining(1) == "Queda 1 día hábil"
    assert wording.remaining(-1, calendar_days=True) == "Vencido hace 1 día calendario"
    assert (
        wording.procedure_term(1, calendar_days=True) == "Respuesta en 1 día calendario"
    )
    assert wording.procedure_term(0, immediate=True) == "Respuesta inmediata"


def test_the_queue_says_vence_en_1_dia_habil(client, case, officer):
    client.force_login(officer)
    day_before = calendar.add_business_days(case.due_date, -1)
    with time_machine.travel(at(day_before)):
        html = client.get("/admin/casos/").content.decode()
    assert "Vence en 1 día hábil" in html
    assert "1 días" not in html


def test_a_closed_case_shows_no_days_left(client, case, officer):
    act(case, officer, "tomar", today=datetime.date(2026, 3, 3))
    act(case, officer, "rechazar", reason="No cumple los requisitos del RIT.")
    client.force_login(officer)
    html = client.get(f"/admin/casos/{case.radicado}/").content.decode()
    assert "Trámite terminado el" in html
    assert "restantes" not in html and "Quedan" not in html and "Vencido" not in html
    assert "El trámite terminó; no admite más acciones." in html


def test_an_open_case_shows_its_days_left(client, case, officer):
    client.force_login(officer)
    day_before = calendar.add_business_days(case.due_date, -1)
    with time_machine.travel(at(day_before)):
        html = client.get(f"/admin/casos/{case.radicado}/").content.decode()
    assert "Queda 1 día hábil" in html


def test_after_an_extension_the_citizen_sees_the_new_term_and_a_truthful_e_mail(
    client, case, officer, demo_user, mailoutbox, django_capture_on_commit_callbacks
):
    old_due = case.due_date
    with django_capture_on_commit_callbacks(execute=True):
        act(
            case,
            officer,
            "prorrogar",
            reason="Volumen alto de solicitudes en marzo.",
            extra_days=5,
            today=old_due,
        )
    case.refresh_from_db()
    new_due = case.due_date
    assert new_due == calendar.extend_due_date(old_due, 5)
    client.force_login(demo_user("ciudadano"))
    page = client.get(f"/mis-tramites/{case.radicado}/").content.decode()
    total = case.term_days + 5
    assert f"{new_due:%d/%m/%Y}" in page and f"{old_due:%d/%m/%Y}" not in page
    assert f"{total} días hábiles, con una prórroga de 5 días hábiles" in page
    assert "Volumen alto de solicitudes en marzo." in page
    listing = client.get("/mis-tramites/").content.decode()
    assert f"{new_due:%d/%m/%Y}" in listing

    mail = [m for m in mailoutbox if case.radicado in m.subject][-1]
    assert "prorrogado" in mail.subject and f"{new_due:%d/%m/%Y}" in mail.subject
    assert "cambió de estado" not in mail.body
    assert "no cambió" in mail.body and f"{new_due:%d/%m/%Y}" in mail.body
    assert "Volumen alto de solicitudes en marzo." in mail.body


def test_a_real_change_of_status_still_says_so(
    case, officer, mailoutbox, django_capture_on_commit_callbacks
):
    act(case, officer, "tomar", today=datetime.date(2026, 3, 3))
    with django_capture_on_commit_callbacks(execute=True):
        act(case, officer, "rechazar", reason="No cumple los requisitos del RIT.")
    mail = [m for m in mailoutbox if case.radicado in m.subject][-1]
    assert "cambió de estado" in mail.body and "Rechazado" in mail.body


def test_people_are_shown_by_name_not_by_id(client, case, officer, django_user_model):
    from django.contrib.auth.models import Group

    colleague = django_user_model.objects.create_user(
        "colega_shd", password="x" * 12, first_name="Ana", last_name="Gómez"
    )
    colleague.groups.add(Group.objects.get(name="Funcionarios SDH"))
    client.force_login(officer)
    client.post(
        f"/admin/casos/{case.radicado}/accion/",
        {"action": "asignar", "version": case.version, "assignee": colleague.pk},
    )
    case.refresh_from_db()
    assert case.assigned_to == colleague

    queue = client.get("/admin/casos/").content.decode()
    assert "Ana Gómez" in queue
    detail = client.get(f"/admin/casos/{case.radicado}/").content.decode()
    assert '<dd class="govuk-summary-list__value">Ana Gómez</dd>' in detail
    # The history names the officer who acted, not their username.
    assert "Caso asignado · Sergio Hernández" in detail

    event = AuditEvent.objects.get(chain_key=case.audit_chain, action="case.asignar")
    body = json.loads(event.body)
    assert body["after"]["assigned_to"] == "Ana Gómez"
    assert str(colleague.pk) not in (
        body["before"]["assigned_to"],
        body["after"]["assigned_to"],
    )
    change = next(c for c in present(event).changes if c.field == "assigned_to")
    assert (change.label, change.after) == ("Asignado a", "Ana Gómez")


def test_the_acknowledgement_of_a_one_day_term_says_1_dia(
    demo_user, django_capture_on_commit_callbacks, mailoutbox
):
    from pypdf import PdfReader

    procedure = ProcedurePage.objects.get(code="F24")
    with django_capture_on_commit_callbacks(execute=True):
        case, _ = services.case_file(
            procedure=procedure,
            applicant=demo_user("ciudadano"),
            answers={},
            documents=[],
            submission_token=uuid.uuid4(),
            filed_at=FILED_AT,
        )
    pdf = CaseDocument.objects.get(case=case, kind="acuse")
    text = "".join(p.extract_text() for p in PdfReader(pdf.file.open("rb")).pages)
    assert "1 día calendario" in text and "1 días" not in text
    mail = [m for m in mailoutbox if case.radicado in m.subject][-1]
    assert "(1 día calendario)" in mail.body
