"""Procedures wait for their prerequisites: approving the matrícula files the next ones
(receiver → on_commit task), rejecting it blocks them, the sweep catches what was missed."""

import pytest

from audit.models import AuditEvent
from formalization import services
from formalization.models import Application, ApplicationItem, DraftDocument
from procedures.models import Case, CaseDocument

from .helpers import (  # noqa: F401 (fixtures)
    decide,
    item,
    paid_restaurante_fixture,
    pay,
    restaurante_fixture,
    submit,
)

pytestmark = pytest.mark.django_db

FILED = ApplicationItem.State.FILED
WAITING = ApplicationItem.State.WAITING
BLOCKED = ApplicationItem.State.BLOCKED

# The restaurant SAS: what the approval of F04 releases, and what keeps waiting.
RELEASED_BY_F04 = {"F05", "F06", "F08", "F09", "F20"}
STILL_WAITING = {
    "F10": "En espera de F08",
    "F11": "En espera de F10",
    "F13": "En espera de F08",
    "F14": "En espera de F05",
    "F15": "En espera de F05",
    "F16": "En espera de F05",
    "F17": "En espera de F05",
    "F18": "En espera de F05",
    "F19": "En espera de F05",
    "F21": "En espera de F08",
    "F22": "En espera de F08",
    "F23": "En espera de F08",
    "F24": "En espera de F08",
    "F25": "En espera de F21, F22, F23, F24",
}


def states(application):
    return {
        i.code: (i.state, i.note, i.case_id)
        for i in application.items.order_by("order")
    }


def approve_matricula(application, officer, capture, *, execute=True):
    matricula = item(application, "F04").case
    assert matricula is not None and matricula.status == "radicado"
    with capture(execute=execute):
        decide(matricula, officer, "aprobar")
    matricula.refresh_from_db()
    assert matricula.status == "aprobado"
    return matricula


@pytest.fixture
def officer(demo_user):
    return demo_user("funcionario_ccb")


def test_before_approval_everything_depending_on_f04_waits(paid_restaurante):
    for code in RELEASED_BY_F04:
        row = item(paid_restaurante, code)
        assert row.state == WAITING and row.case is None, code
        assert row.note == "En espera de F04", (code, row.note)


def test_approving_the_matricula_files_its_dependents(
    paid_restaurante, officer, demo_user, django_capture_on_commit_callbacks
):
    cases_before = Case.objects.count()
    approve_matricula(paid_restaurante, officer, django_capture_on_commit_callbacks)
    for code in RELEASED_BY_F04:
        row = item(paid_restaurante, code)
        assert row.state == FILED, (code, row.state, row.note)
        assert row.note == ""
        case = row.case
        assert case.status == "radicado"
        assert case.entity_id == row.procedure.entity_id
        assert case.procedure_id == row.procedure_id
        assert case.applicant == paid_restaurante.applicant
        assert case.answers["Solicitud de formalización"] == paid_restaurante.radicado
    assert Case.objects.count() == cases_before + len(RELEASED_BY_F04)
    # Each lands in the queue of its own entity's officers, not another's.
    ccb, shd = officer, demo_user("funcionario_shd")
    f05, f09 = item(paid_restaurante, "F05").case, item(paid_restaurante, "F09").case
    assert Case.objects.in_queue_of(ccb).filter(pk=f05.pk).exists()
    assert not Case.objects.in_queue_of(shd).filter(pk=f05.pk).exists()
    assert Case.objects.in_queue_of(shd).filter(pk=f09.pk).exists()
    assert not Case.objects.in_queue_of(ccb).filter(pk=f09.pk).exists()
    assert item(paid_restaurante, "F08").case.entity.code == "DIAN"
    for code, note in STILL_WAITING.items():
        row = item(paid_restaurante, code)
        assert (row.state, row.note, row.case) == (WAITING, note, None), code
    filed_events = AuditEvent.objects.filter(
        chain_key=paid_restaurante.audit_chain, action="formalization.procedure_filed"
    )
    assert filed_events.count() == paid_restaurante.items.filter(state=FILED).count()


def test_filed_cases_receive_the_mapped_answers(
    paid_restaurante, officer, django_capture_on_commit_callbacks
):
    approve_matricula(paid_restaurante, officer, django_capture_on_commit_callbacks)
    f05 = item(paid_restaurante, "F05").case.answers
    assert "Sabores de la Sabana" in f05.values()
    assert "AAA0999XYZW" in f05.values()
    # F02's page has its own online form: the case gets that form's field names.
    f02 = item(paid_restaurante, "F02").case.answers
    assert f02["direccion_predio"] == "Avenida 19 # 118-30"
    assert f02["chip"] == "AAA0999XYZW"
    assert f02["actividad"].startswith("5611")
    f04 = item(paid_restaurante, "F04").case.answers
    assert "Sabores de la Sabana SAS" in f04.values()
    assert "456789" in f04.values()
    f09 = item(paid_restaurante, "F09").case.answers
    assert any(str(v).startswith("5611") for v in f09.values())


def test_wizard_documents_reach_the_matricula_case(paid_restaurante):
    f04 = item(paid_restaurante, "F04").case
    uploaded = {
        d.requirement: d.sha256
        for d in DraftDocument.objects.filter(draft=paid_restaurante.draft)
    }
    assert {"documento_identidad", "estatutos", "diseno_aviso"} <= set(uploaded)
    assert len(set(uploaded.values())) == len(uploaded)  # distinct files
    on_case = set(
        CaseDocument.objects.filter(
            case=f04, kind=CaseDocument.Kind.UPLOAD
        ).values_list("sha256", flat=True)
    )
    assert on_case == {uploaded["documento_identidad"], uploaded["estatutos"]}
    # The sign design goes to F17 (not yet filed), never to the matrícula.
    assert uploaded["diseno_aviso"] not in on_case


def test_person_documents_reach_f03(wizard):
    application = submit(wizard(), "tienda")
    pay(application)
    f03 = item(application, "F03").case
    assert f03 is not None
    identity = DraftDocument.objects.get(
        draft=application.draft, requirement="documento_identidad"
    )
    assert list(
        CaseDocument.objects.filter(
            case=f03, kind=CaseDocument.Kind.UPLOAD
        ).values_list("sha256", flat=True)
    ) == [identity.sha256]


def test_rejecting_the_matricula_blocks_its_dependents(
    paid_restaurante, officer, django_capture_on_commit_callbacks
):
    matricula = item(paid_restaurante, "F04").case
    with django_capture_on_commit_callbacks(execute=True):
        decide(matricula, officer, "rechazar")
    matricula.refresh_from_db()
    assert matricula.status == "rechazado"
    for code in RELEASED_BY_F04:
        row = item(paid_restaurante, code)
        assert row.state == BLOCKED and row.case is None, code
        assert row.note == "No se puede radicar: F04 no fue aprobado.", row.note
    # Further down the chain: blocked by the procedure that is now blocked.
    assert item(paid_restaurante, "F10").note == (
        "No se puede radicar: F08 no fue aprobado."
    )
    assert item(paid_restaurante, "F14").state == BLOCKED
    assert "F21" in item(paid_restaurante, "F25").note
    assert not paid_restaurante.items.filter(state=WAITING).exists()
    # What was filed before stays filed.
    for code in ("F01", "F02", "F04", "F07"):
        assert item(paid_restaurante, code).state == FILED
    paid_restaurante.refresh_from_db()
    assert paid_restaurante.status == Application.Status.IN_PROGRESS


def test_advance_twice_files_nothing_more(
    paid_restaurante, officer, django_capture_on_commit_callbacks
):
    approve_matricula(paid_restaurante, officer, django_capture_on_commit_callbacks)
    before = states(paid_restaurante)
    cases = Case.objects.count()
    assert services.application_advance(paid_restaurante) == []
    assert services.application_advance(paid_restaurante) == []
    assert states(paid_restaurante) == before
    assert Case.objects.count() == cases


def test_sweep_files_what_the_receiver_missed(
    paid_restaurante, officer, django_capture_on_commit_callbacks
):
    # The on_commit task is lost (never executed): the dependents keep waiting.
    approve_matricula(
        paid_restaurante, officer, django_capture_on_commit_callbacks, execute=False
    )
    assert item(paid_restaurante, "F05").state == WAITING
    assert item(paid_restaurante, "F05").note == "En espera de F04"
    filed = services.application_advance_all()
    assert filed >= len(RELEASED_BY_F04)
    for code in RELEASED_BY_F04:
        assert item(paid_restaurante, code).state == FILED, code
    # A second sweep has nothing left to do for this application.
    before = states(paid_restaurante)
    services.application_advance_all()
    assert states(paid_restaurante) == before


def test_sweep_skips_applications_awaiting_payment(restaurante):
    before = states(restaurante)
    services.application_advance_all()
    assert states(restaurante) == before
    assert item(restaurante, "F04").state == ApplicationItem.State.AWAITING_PAYMENT


def officer_of(entity):
    """The entity's demo officer: the seed gives every entity with procedures one."""
    group = entity.officer_group
    assert group is not None, entity.code
    user = group.user_set.filter(is_active=True, is_staff=True).first()
    assert user is not None, f"{entity.code} has no demo officer"
    return user


def test_approving_the_whole_chain_completes_the_application(
    paid_restaurante, officer, django_capture_on_commit_callbacks
):
    """Decide every case as its entity's officer until nothing is left to file."""
    approve_matricula(paid_restaurante, officer, django_capture_on_commit_callbacks)
    for _round in range(6):
        pending = Case.objects.filter(
            formalization_item__application=paid_restaurante, status="radicado"
        ).select_related("entity__officer_group")
        if not pending:
            break
        for case in pending:
            with django_capture_on_commit_callbacks(execute=True):
                decide(case, officer_of(case.entity), "aprobar")
    assert not paid_restaurante.items.exclude(state=FILED).exists()
    assert (
        not Case.objects.filter(formalization_item__application=paid_restaurante)
        .exclude(status="aprobado")
        .exists()
    )
    paid_restaurante.refresh_from_db()
    assert paid_restaurante.status == Application.Status.COMPLETED
