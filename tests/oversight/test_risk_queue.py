"""The auditors' risk queue, a flag's page with its evidence, the disposition on the
trail, and the entity heads' counts, through the real admin views."""

import datetime
import itertools
import json
import uuid

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from audit import record
from audit.models import AuditEvent
from audit.verify import verify
from cms.seed import AUDITORS, officer_group_name
from oversight.models import RiskFlag
from oversight.selectors import head_group_name

pytestmark = pytest.mark.django_db

QUEUE = "/admin/riesgos/"
BOGOTA = datetime.timezone(datetime.timedelta(hours=-5))
AT = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=BOGOTA)
REASON = "Revisé los tres casos: la prioridad estaba justificada por tutela."
_numbers = itertools.count(1)


def plant_event(radicado="CCB-2026-000900", actor=None) -> int:
    """A real event on a case chain, for a flag's evidence."""
    event = record(
        action="case.aprobar",
        subject_type="case",
        subject_id=radicado,
        chain_key=f"case:{radicado}",
        radicado=radicado,
        actor=actor,
        after={"status": "aprobado"},
    )
    return event.pk


def make_flag(**fields) -> RiskFlag:
    number = next(_numbers)
    values = {
        "key": f"T:{number}",
        "detector": "D3",
        "severity": "baja",
        "summary": f"Resumen de prueba {number:04d}",
        "entity_code": "CCB",
        "procedure_code": "",
        "radicados": ["CCB-2026-000900"],
        "pattern_at": AT,
    }
    values.update(fields)
    return RiskFlag.objects.create(**values)


@pytest.fixture
def auditor(client, demo_user):
    client.force_login(demo_user("auditor"))
    return client


def listed(client, **params) -> str:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return response.content.decode()


def test_each_filter_narrows_the_queue(auditor, demo_user):
    officer = demo_user("funcionario_ccb")
    base = make_flag()
    other = {
        "entity": make_flag(entity_code="SDH"),
        "detector": make_flag(detector="D6"),
        "severity": make_flag(severity="alta"),
        "officer": make_flag(officer=str(officer.pk)),
        "period": make_flag(pattern_at=AT - datetime.timedelta(days=40)),
        "status": make_flag(status=RiskFlag.Status.DISMISSED),
        "active": make_flag(active=False),
    }
    everything = listed(auditor, status="")
    assert all(flag.summary in everything for flag in [base, *other.values()])
    # Open flags by default: a disposed flag waits for nobody.
    default = listed(auditor)
    assert base.summary in default and other["status"].summary not in default

    cases = {
        "entity": {"entity": "SDH"},
        "detector": {"detector": "D6"},
        "severity": {"severity": "alta"},
        "officer": {"officer": str(officer.pk)},
        "period": {"date_from": "2026-01-25", "date_to": "2026-02-05"},
        "status": {"status": "descartada"},
        "active": {"active": "no"},
    }
    for name, params in cases.items():
        html = listed(auditor, **{"status": "", **params})
        assert other[name].summary in html, name
        assert base.summary not in html, name
    # Names, not codes alone: the entity's and the officer's.
    assert "Secretaría Distrital de Hacienda" in listed(auditor, entity="SDH")
    assert officer.get_full_name() in listed(auditor, officer=str(officer.pk))


def test_queue_shows_the_most_severe_first(auditor):
    low = make_flag(severity="baja", pattern_at=AT + datetime.timedelta(days=1))
    high = make_flag(severity="alta")
    html = listed(auditor)
    assert html.index(high.summary) < html.index(low.summary)


def test_query_count_is_the_same_for_5_and_60_flags(auditor, django_user_model):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            listed(auditor)
        return len(context.captured_queries)

    officers = list(django_user_model.objects.order_by("pk")[:12])
    entities = ["CCB", "SDH", "SDDE", "IDU", "SDM"]

    def flags(n):
        for i in range(n):
            make_flag(
                entity_code=entities[i % len(entities)],
                officer=str(officers[i % len(officers)].pk),
                procedure_code="SDH-002",
                severity=("alta", "media", "baja")[i % 3],
            )

    flags(5)
    listed(auditor)  # warm the per-process caches (detectors' YAML, labels)
    few = queries()
    flags(55)
    assert queries() == few


@pytest.fixture
def rit_case(demo_user):
    """A case filed through the real service, so the flag links to its case page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import ProcedurePage
    from procedures.services import case_file
    from procedures.uploads import validate_upload
    from tests.procedures.conftest import MINIMAL_PDF

    upload = validate_upload(
        SimpleUploadedFile("rut.pdf", MINIMAL_PDF, "application/pdf"),
        requirement="Copia del RUT",
        formats=["pdf"],
        max_size_mb=5,
    )
    case, _created = case_file(
        procedure=ProcedurePage.objects.get(code="SDH-002"),
        applicant=demo_user("ciudadano"),
        answers={"nombre_contribuyente": "Andina S.A.S."},
        documents=[upload],
        submission_token=uuid.uuid4(),
    )
    return case


def test_flag_page_explains_the_pattern_and_shows_its_evidence(auditor, rit_case):
    filed = AuditEvent.objects.get(
        chain_key=f"case:{rit_case.radicado}", action="case.filed"
    )
    flag = make_flag(
        detector="D3",
        entity_code="SDH",
        procedure_code="SDH-002",
        radicados=[rit_case.radicado],
        evidence=[filed.pk],
    )
    response = auditor.get(f"{QUEUE}{flag.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Decisión inusualmente rápida" in html
    assert "Oportunidad" in html  # the leg of the triangle
    assert "mucho más rápido de lo usual" in html  # the YAML's explanation
    assert "Fracción máxima de la mediana del trámite" in html and "0.25" in html
    assert "Certificación" in html  # the procedure's name, not only its code
    assert f'href="/admin/auditoria/cadena/case:{rit_case.radicado}/' in html
    assert f'href="/admin/casos/{rit_case.radicado}/"' in html
    assert "Registrar la disposición" in html


def test_disposition_goes_on_the_trail_and_is_shown(auditor, demo_user):
    flag = make_flag(evidence=[plant_event()])
    url = f"{QUEUE}{flag.pk}/"
    response = auditor.post(url, {"status": "remitida_personeria", "reason": REASON})
    assert response.status_code == 302

    flag.refresh_from_db()
    assert flag.status == RiskFlag.Status.REFERRED_PERSONERIA
    assert flag.disposed_by == demo_user("auditor")
    event = AuditEvent.objects.get(chain_key="oversight", action="risk.flag_disposed")
    assert event.subject_id == str(flag.pk)
    assert json.loads(event.body)["details"]["key"] == flag.key
    assert verify("oversight").ok

    html = auditor.get(url).content.decode()
    assert "Remitida a la Personería" in html and REASON in html
    assert "Registrar la disposición" not in html
    timeline = auditor.get("/admin/auditoria/cadena/oversight/").content.decode()
    assert "Disposición de alerta de riesgo" in timeline

    # The same form sent again (a double submit) records nothing more.
    again = auditor.post(url, {"status": "confirmada", "reason": REASON})
    assert "ya tiene una disposición" in again.content.decode()
    assert AuditEvent.objects.filter(action="risk.flag_disposed").count() == 1
    flag.refresh_from_db()
    assert flag.status == RiskFlag.Status.REFERRED_PERSONERIA


def test_a_disposition_needs_a_choice_and_a_reason(auditor):
    flag = make_flag()
    url = f"{QUEUE}{flag.pk}/"
    html = auditor.post(url, {"status": "", "reason": ""}).content.decode()
    assert "Hay un problema" in html
    assert "Elija una disposición" in html
    assert "Escriba el motivo de la disposición." in html
    html = auditor.post(url, {"status": "descartada", "reason": "No aplica"}).content
    assert "al menos 20 caracteres (ha escrito 9)" in html.decode()
    flag.refresh_from_db()
    assert flag.status == RiskFlag.Status.OPEN
    assert not AuditEvent.objects.filter(action="risk.flag_disposed").exists()


def test_an_officer_who_audits_never_sees_flags_about_themselves(
    client, django_user_model
):
    both = django_user_model.objects.create_user("auditora_ccb", first_name="Ana")
    both.groups.add(
        Group.objects.get(name=AUDITORS),
        Group.objects.get(name=officer_group_name("CCB")),
    )
    own = make_flag(officer=str(both.pk))
    others = make_flag()
    client.force_login(both)
    html = listed(client, status="")
    assert others.summary in html and own.summary not in html
    assert client.get(f"{QUEUE}{own.pk}/").status_code == 404
    response = client.post(
        f"{QUEUE}{own.pk}/", {"status": "descartada", "reason": REASON}
    )
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.status == RiskFlag.Status.OPEN


def test_officers_and_heads_have_no_queue(client, demo_user):
    flag = make_flag()
    for username in ("funcionario_ccb", "jefe_ccb"):
        client.force_login(demo_user(username))
        for url in (QUEUE, f"{QUEUE}{flag.pk}/"):
            response = client.get(url)
            assert response.status_code in (302, 403), (username, url)
            assert flag.summary not in response.content.decode()
        # No menu item either (the sidebar carries the queue's address).
        assert QUEUE not in client.get("/admin/").content.decode(), username
    client.force_login(demo_user("auditor"))
    assert QUEUE in client.get("/admin/").content.decode()


def test_entity_head_sees_only_counts_of_their_entity(client, demo_user):
    assert demo_user("jefe_ccb").groups.filter(name=head_group_name("CCB")).exists()
    make_flag(severity="alta", detector="D6")
    make_flag(severity="baja")
    make_flag(severity="baja")
    make_flag(status=RiskFlag.Status.CONFIRMED)  # not open
    elsewhere = make_flag(entity_code="SDH", severity="alta")
    client.force_login(demo_user("jefe_ccb"))
    html = client.get("/admin/").content.decode()
    assert "Alertas de riesgo abiertas: 3" in html
    assert "Funcionario que actúa en un caso de un allegado" in html
    assert "Resumen de prueba" not in html
    assert QUEUE not in html
    assert elsewhere.summary not in html
    # Another entity's head counts theirs only.
    client.force_login(demo_user("jefe_shd"))
    assert "Alertas de riesgo abiertas: 1" in client.get("/admin/").content.decode()


def test_a_stale_disposition_is_refused_and_records_nothing(demo_user):
    from oversight.services import AlreadyDisposed, flag_dispose

    auditor = demo_user("auditor")
    seen = make_flag()  # the flag as two tabs of the same auditor loaded it
    flag_dispose(seen, status="confirmada", reason=REASON, actor=auditor)
    with pytest.raises(AlreadyDisposed):
        flag_dispose(seen, status="descartada", reason=REASON, actor=auditor)
    seen.refresh_from_db()
    assert seen.status == RiskFlag.Status.CONFIRMED
    assert AuditEvent.objects.filter(action="risk.flag_disposed").count() == 1
