"""The contract of docs/risk-events.md: a case filed, processed and paid through the
real services leaves on its chain every fact ``oversight.facts`` promises the
detectors, read back from the AuditEvent rows alone."""

import datetime
import json
import uuid

from django.urls import reverse

import pytest

from accounts.matching import match_digests
from audit.models import AuditEvent
from audit.personal import match_digest, subject_of
from catalog import fees
from catalog.models import ProcedurePage
from oversight import facts
from procedures import calendar, services
from procedures.models import Case
from tests.procedures.conftest import RIT_FORM, publish_own_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def rit_certificate():
    """SDH-002 with a form this test owns and one published document."""
    document = {"name": "Copia del RUT", "formats": ["pdf"], "max_size_mb": 5}
    return publish_own_form("SDH-002", RIT_FORM, [{**document, "required": True}])


def chain_facts(case) -> facts.CaseFacts:
    rows = [
        (event.pk, json.loads(event.body))
        for event in AuditEvent.objects.filter(chain_key=case.audit_chain).order_by(
            "pk"
        )
    ]
    return facts.from_events(rows)[case.audit_chain]


def file_rit(procedure, citizen, filed_at):
    case, created = services.case_file(
        procedure=procedure,
        applicant=citizen,
        answers={"identificacion": "900373913-4"},
        documents=[],
        submission_token=uuid.uuid4(),
        filed_at=filed_at,
    )
    assert created
    return case


def act(case, user, action, **kwargs):
    case.refresh_from_db()
    return services.case_act(
        case.pk, actor=user, action=action, expected_version=case.version, **kwargs
    )


def test_a_processed_case_carries_every_fact_the_detectors_read(
    demo_user, rit_certificate
):
    officer, citizen = demo_user("funcionario_shd"), demo_user("ciudadano")
    filed_at = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA)
    case = file_rit(rit_certificate, citizen, filed_at)
    act(case, officer, "tomar", priority_reason="periodista", today=ASKED_ON)
    act(
        case,
        officer,
        "solicitar_informacion",
        reason="Adjunte el RUT actualizado de 2026.",
        today=ASKED_ON,
    )
    act(case, citizen, "responder", reason="Adjunto el RUT.", today=ANSWERED_ON)
    act(case, officer, "aprobar", today=ANSWERED_ON)

    seen = chain_facts(case)
    assert seen.radicado == case.radicado
    assert (seen.entity, seen.procedure) == ("SDH", "SDH-002")
    assert seen.applicant == subject_of(citizen) == f"user:{citizen.pk}"
    assert seen.filed_by == str(citizen.pk)
    assert seen.term_days == case.term_days > 0
    assert seen.calendar_days is case.calendar_days
    assert seen.requirements == ["Copia del RUT"]
    assert seen.contacts == match_digests(citizen)
    assert seen.contacts["email"] == match_digest("email", citizen.email.upper())
    profile = citizen.applicant_profile
    assert seen.contacts["document"] == match_digest(
        "document", profile.document_number
    )
    # Digests only: no readable value of the citizen's on the trail.
    bodies = AuditEvent.objects.filter(chain_key=case.audit_chain)
    assert not any(citizen.email in event.body for event in bodies)
    assert not any(profile.document_number in event.body for event in bodies)

    assert seen.assigned_to == str(officer.pk)
    assert (seen.decision, seen.decided_by) == ("aprobar", str(officer.pk))
    assert seen.status == "aprobado" and not seen.is_open
    assert facts.officers(seen) == {str(officer.pk)}

    (taken,) = seen.by_action("case.tomar")
    assert taken.details["self_assigned"] is True
    assert taken.details["priority_reason"] == "periodista"
    (approved,) = seen.by_action("case.aprobar")
    assert approved.details["entity"] == "SDH"
    assert approved.details["procedure"] == "SDH-002"
    assert approved.details["assigned_to_id"] == str(officer.pk)
    assert approved.details["actor_match"] == match_digests(officer)
    assert approved.details["actor_match"]["email"] == match_digest(
        "email", officer.email
    )
    assert "priority_reason" not in approved.details
    (answered,) = seen.by_action("case.responder")
    assert "actor_match" not in answered.details

    # Equal points of contact give equal digests across cases.
    other = file_rit(rit_certificate, citizen, filed_at + datetime.timedelta(days=1))
    assert chain_facts(other).contacts == seen.contacts


ASKED_ON = datetime.date(2026, 3, 5)
ANSWERED_ON = datetime.date(2026, 3, 12)


def test_a_priority_reason_outside_the_list_is_refused(demo_user, rit_certificate):
    case = file_rit(
        rit_certificate,
        demo_user("ciudadano"),
        datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA),
    )
    with pytest.raises(services.workflow.TransitionError):
        act(case, demo_user("funcionario_shd"), "tomar", priority_reason="amigo")


def test_a_paid_filing_records_the_fee_and_the_payers_account(
    client, demo_user, monkeypatch
):
    monkeypatch.setattr(fees, "current_year", lambda: 2026)
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    procedure = ProcedurePage.objects.get(code="CCB-006")
    page = f"/tramites/{procedure.slug}/radicar/"
    bank = client.post(page, {"pagar": "1"})["Location"]
    client.post(bank, {"decision": "aprobar", "payer_account": "1.020.304.050"})
    response = client.post(
        page,
        {
            "q_tipo_matricula": "De una persona natural comerciante",
            "q_buscar_por": "Por número de matrícula",
            "q_matricula_mercantil": "01234567",
            "q_numero_copias": "1",
            "accept_privacy": "on",
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(applicant=citizen, procedure=procedure)
    seen = chain_facts(case)
    (filed,) = seen.by_action("case.filed")
    assert filed.details["fee"] == {
        "computed": "6100",
        "charged": "6100",
        "exemption": "",
    }
    (paid,) = seen.by_action("case.fee_paid")
    account = match_digest("payment_account", "1020304050")
    assert paid.details == {
        "payment_account": account,
        "computed": "6100",
        "charged": "6100",
    }
    assert ("payment_account", account) in facts.contact_points(seen)


def test_repeated_views_by_one_servant_within_minutes_are_recorded_once(
    demo_user, rit_certificate, settings
):
    officer = demo_user("funcionario_shd")
    case = file_rit(
        rit_certificate,
        demo_user("ciudadano"),
        datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA),
    )
    views = AuditEvent.objects.filter(chain_key=case.audit_chain, action="case.viewed")
    services.case_viewed(case, user=officer)
    services.case_viewed(case, user=officer)
    assert views.count() == 1
    services.case_viewed(case, user=demo_user("auditor"))
    assert views.count() == 2
    settings.ACCESS_VIEW_DEDUP_MINUTES = 0
    services.case_viewed(case, user=officer)
    assert views.count() == 3


def test_the_officer_records_a_priority_reason_from_the_case_page(
    client, demo_user, rit_certificate
):
    officer = demo_user("funcionario_shd")
    case = file_rit(
        rit_certificate,
        demo_user("ciudadano"),
        datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA),
    )
    client.force_login(officer)
    page = client.get(reverse("procedures_admin_case", args=[case.radicado]))
    assert "Atención prioritaria (Ley 1755 de 2015, art. 20)" in page.content.decode()
    url = reverse("procedures_admin_action", args=[case.radicado])
    taken = client.post(
        url, {"action": "tomar", "version": case.version, "priority_reason": ""}
    )
    assert taken.status_code == 302
    case.refresh_from_db()
    confirmation = client.post(url, {"action": "aprobar", "version": case.version})
    assert 'name="priority_reason"' in confirmation.content.decode()
    approved = client.post(
        url,
        {
            "action": "aprobar",
            "version": case.version,
            "confirmar": "1",
            "priority_reason": "orden_judicial",
        },
    )
    assert approved.status_code == 302
    seen = chain_facts(case)
    assert seen.decision == "aprobar"
    (taken_event,) = seen.by_action("case.tomar")
    assert "priority_reason" not in taken_event.details
    (approved_event,) = seen.by_action("case.aprobar")
    assert approved_event.details["priority_reason"] == "orden_judicial"
