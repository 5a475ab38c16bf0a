import threading
import uuid

from django.db import connections

import pytest

from procedures import services
from procedures.models import Case

FILINGS = 20


@pytest.mark.django_db(transaction=True)
def test_parallel_filings_get_unique_gapless_radicados(
    postgres_only, django_user_model
):
    from catalog.models import ProcedurePage
    from tests.seeding import seed_for

    seed_for({"SDH-002"})  # transactional tests start empty
    procedure = ProcedurePage.objects.get(code="SDH-002")
    citizen = django_user_model.objects.get(username="ciudadano")
    barrier = threading.Barrier(FILINGS)
    errors = []

    def file_one():
        try:
            barrier.wait()
            services.case_file(
                procedure=procedure,
                applicant=citizen,
                answers={},
                documents=[],
                submission_token=uuid.uuid4(),
            )
        except Exception as exc:  # noqa: BLE001 - report any failure of a thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file_one) for _ in range(FILINGS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    numbers = sorted(
        int(r.rsplit("-", 1)[1])
        for r in Case.objects.values_list("radicado", flat=True)
    )
    assert numbers == list(range(1, FILINGS + 1))


@pytest.mark.django_db(transaction=True)
def test_parallel_identical_submissions_file_once(postgres_only, django_user_model):
    from catalog.models import ProcedurePage
    from tests.seeding import seed_for

    seed_for({"SDH-002"})
    procedure = ProcedurePage.objects.get(code="SDH-002")
    citizen = django_user_model.objects.get(username="ciudadano")
    token = uuid.uuid4()
    barrier = threading.Barrier(10)
    results = []

    def submit():
        try:
            barrier.wait()
            results.append(
                services.case_file(
                    procedure=procedure,
                    applicant=citizen,
                    answers={},
                    documents=[],
                    submission_token=token,
                )[0].pk
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Case.objects.count() == 1
    assert set(results) == {Case.objects.get().pk}


@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_one_wins_the_others_get_a_conflict(
    postgres_only, django_user_model
):
    from audit.models import AuditEvent
    from catalog.models import ProcedurePage
    from tests.seeding import seed_for

    seed_for({"SDH-002"})
    procedure = ProcedurePage.objects.get(code="SDH-002")
    citizen = django_user_model.objects.get(username="ciudadano")
    officer = django_user_model.objects.get(username="funcionario_shd")
    case, _ = services.case_file(
        procedure=procedure,
        applicant=citizen,
        answers={},
        documents=[],
        submission_token=uuid.uuid4(),
    )
    barrier = threading.Barrier(10)
    outcomes = []

    def take():
        try:
            barrier.wait()
            services.case_act(
                case.pk, actor=officer, action="tomar", expected_version=case.version
            )
            outcomes.append("ok")
        except services.CaseConflict:
            outcomes.append("conflict")
        except Exception as exc:  # noqa: BLE001 - report any other failure
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 9 + ["ok"]
    assert Case.objects.get(pk=case.pk).version == case.version + 1
    events = AuditEvent.objects.filter(chain_key=case.audit_chain)
    assert events.filter(action="case.tomar").count() == 1
    assert events.filter(action="case.conflict").count() == 9
