"""«¿Quién ha consultado mi trámite?» (issue 14 point 5): the citizen reads, from the
trail, every servant's read and act on their case, by name, role and entity."""

import datetime
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

import audit
from audit.models import AuditEvent
from procedures import calendar, services
from procedures.access_log import AccessEntry, access_log, merge_repeats
from procedures.models import CaseDocument

pytestmark = pytest.mark.django_db

NIT = "900373913-4"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=calendar.BOGOTA)


@pytest.fixture
def case(demo_user, rit_certificate, pdf_file):
    from procedures.uploads import validate_upload

    upload = validate_upload(
        pdf_file(), requirement="Copia del RUT", formats=["pdf"], max_size_mb=5
    )
    with time_machine.travel(START, tick=False):
        case, _ = services.case_file(
            procedure=rit_certificate,
            applicant=demo_user("ciudadano"),
            answers={"identificacion": NIT},
            documents=[upload],
            submission_token=uuid.uuid4(),
        )
    return case


def act(case, user, action, **kwargs):
    case.refresh_from_db()
    return services.case_act(
        case.pk, actor=user, action=action, expected_version=case.version, **kwargs
    )


def at(minutes: float):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def view(case, user):
    """One servant's read of the case, as the trail records it (before any
    record-time merging, so the display's own merging is what is tested)."""
    audit.record(
        action="case.viewed",
        subject_type="case",
        subject_id=case.radicado,
        chain_key=case.audit_chain,
        actor=user,
        radicado=case.radicado,
    )


def test_the_log_names_each_servant_and_what_they_did_newest_first(
    client, case, demo_user
):
    officer, auditor = demo_user("funcionario_shd"), demo_user("auditor")
    citizen = demo_user("ciudadano")
    rut = case.documents.get(kind=CaseDocument.Kind.UPLOAD)
    with at(10):
        client.force_login(officer)
        assert client.get(f"/admin/casos/{case.radicado}/").status_code == 200
    with at(12):
        assert (
            client.get(
                f"/mis-tramites/{case.radicado}/documentos/{rut.pk}/"
            ).status_code
            == 200
        )
    with at(20):
        act(case, officer, "tomar", today=START.date())
    with at(30):
        act(
            case,
            officer,
            "solicitar_informacion",
            reason="Nota interna: revisar con jurídica.",
            today=START.date(),
        )
    with at(40):
        client.force_login(auditor)
        assert (
            client.get(f"/admin/auditoria/cadena/{case.audit_chain}/").status_code
            == 200
        )
    with at(50):
        # The citizen's own download is theirs: not in the log.
        client.force_login(citizen)
        client.get(f"/mis-tramites/{case.radicado}/documentos/{rut.pk}/")

    rows = [(e.when, e.who, e.role, e.entity, e.what) for e in access_log(case)]

    entity = case.entity.name
    officer_role = f"Funcionario(a) de {entity}"
    assert rows == [
        ("02/03/2026 09:40", "Andrés Torres", "Auditor(a)", "", "Consultó el historial de auditoría"),
        ("02/03/2026 09:30", "Sergio Hernández", officer_role, entity, "Solicitó información"),
        ("02/03/2026 09:20", "Sergio Hernández", officer_role, entity, "Tomó el caso para revisarlo"),
        ("02/03/2026 09:12", "Sergio Hernández", officer_role, entity, "Descargó un documento: Copia del RUT"),
        ("02/03/2026 09:10", "Sergio Hernández", officer_role, entity, "Consultó el caso"),
    ]  # fmt: skip
    with at(60):
        page = client.get(f"/mis-tramites/{case.radicado}/").content.decode()
    assert "¿Quién ha consultado mi trámite?" in page
    assert "Sergio Hernández" in page and "Solicitó información" in page
    assert "Nota interna" not in page.split("quien-consulto")[1].split("</section>")[0]


def test_repeated_views_within_the_window_read_as_one_row(case, demo_user, settings):
    settings.ACCESS_VIEW_DEDUP_MINUTES = 5
    officer = demo_user("funcionario_shd")
    for minute in (0, 1, 2, 8):
        with at(minute):
            view(case, officer)

    views = [e for e in access_log(case) if e.what == "Consultó el caso"]

    assert [(e.when, e.count, e.repeats) for e in views] == [
        ("02/03/2026 09:08", 1, ""),
        ("02/03/2026 09:00", 3, "(3 consultas)"),
    ]


def test_merging_counts_from_the_first_read_and_keeps_acts_apart():
    def entry(minute, what="Consultó el caso", key=("7", "case.viewed")):
        return AccessEntry(
            at=START + datetime.timedelta(minutes=minute),
            who="Ana",
            role="Auditor(a)",
            entity="",
            what=what,
            key=key,
        )

    merged = merge_repeats(
        [entry(0), entry(4), entry(6), entry(7, "Aprobó", ()), entry(8, "Aprobó", ())],
        minutes=5,
    )

    # 0 and 4 within five minutes of the first; 6 is past it, so it opens a row.
    assert [(e.at.minute, e.count) for e in merged] == [(0, 2), (6, 1), (7, 1), (8, 1)]


def test_another_citizen_still_gets_404(client, case, demo_user):
    client.force_login(demo_user("ciudadana2"))
    assert client.get(f"/mis-tramites/{case.radicado}/").status_code == 404


def test_the_case_page_queries_do_not_follow_the_number_of_events(
    client, case, demo_user
):
    officers = [demo_user("funcionario_shd"), demo_user("auditor")]
    client.force_login(demo_user("ciudadano"))

    def queries_after(views: int, offset: int) -> int:
        for number in range(views):
            with at(offset + 10 * number):
                view(case, officers[number % 2])
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/mis-tramites/{case.radicado}/")
            assert page.status_code == 200
        pages.append(page.content.decode())
        return len(queries)

    pages = []

    client.get(f"/mis-tramites/{case.radicado}/")  # warm the per-process caches
    few = queries_after(2, 0)
    many = queries_after(25, 100)

    assert len(access_log(case)) == 27
    assert many == few
    # Past 20 rows the older ones fold away.
    assert "access-log-older" not in pages[0]
    assert "Ver 7 registros anteriores" in pages[1]


def test_a_servant_opening_a_user_record_is_recorded_once_per_window(
    client, demo_user, django_user_model, case
):
    admin = django_user_model.objects.create_superuser(
        "admin_usuarios", "admin@example.org", "x", first_name="Rosa", last_name="Díaz"
    )
    citizen = demo_user("ciudadano")
    client.force_login(admin)
    for minute in (0, 2, 7):
        with at(minute):
            response = client.get(f"/admin/users/edit/{citizen.pk}/")
            assert response.status_code == 200

    events = AuditEvent.objects.filter(
        action="user.viewed", subject_type="user", subject_id=str(citizen.pk)
    )
    assert [(e.chain_key, e.actor_username) for e in events] == [
        ("auth", "admin_usuarios"),
        ("auth", "admin_usuarios"),
    ]
    rows = [(e.who, e.role, e.what) for e in access_log(case)]
    assert rows[:2] == [
        ("Rosa Díaz", "Administrador(a) de la plataforma", "Consultó sus datos de usuario"),
    ] * 2  # fmt: skip
