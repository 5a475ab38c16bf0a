"""The officer's queue (Wagtail's IndexView over the entity's cases): its filters,
search and ordering, and a query count that does not grow with the cases."""

import datetime
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from procedures import calendar, services
from procedures.models import Case

pytestmark = pytest.mark.django_db

QUEUE = "/admin/casos/"


@pytest.fixture
def file_cases(demo_user, rit_certificate):
    def make(n: int) -> list[Case]:
        return [
            services.case_file(
                procedure=rit_certificate,
                applicant=demo_user("ciudadano"),
                answers={},
                documents=[],
                submission_token=uuid.uuid4(),
            )[0]
            for _ in range(n)
        ]

    return make


@pytest.fixture
def officer_client(client, demo_user):
    client.force_login(demo_user("funcionario_shd"))
    return client


def listed(client, query: str = "") -> list[str]:
    """The radicados of the queue's rows, in their order."""
    html = client.get(QUEUE + query).content.decode()
    radicados = Case.objects.values_list("radicado", flat=True)
    return sorted((r for r in radicados if r in html), key=html.index)


def test_the_queue_s_query_count_does_not_grow_with_its_cases(
    officer_client, file_cases, demo_user, django_assert_max_num_queries
):
    cases = file_cases(5)
    Case.objects.filter(pk=cases[0].pk).update(assigned_to=demo_user("funcionario_shd"))
    officer_client.get(QUEUE)  # warm the per-process caches (content types, holidays)
    with CaptureQueriesContext(connection) as five:
        assert officer_client.get(QUEUE).status_code == 200
    file_cases(25)
    Case.objects.update(assigned_to=demo_user("funcionario_shd"))
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = officer_client.get(QUEUE)
    assert (
        sum(c.radicado in response.content.decode() for c in Case.objects.all()) == 30
    )


def test_most_urgent_first_and_the_other_way_on_request(officer_client, file_cases):
    late, early, middle = file_cases(3)
    today = datetime.date(2026, 3, 2)
    for case, days in ((late, 9), (early, 1), (middle, 5)):
        Case.objects.filter(pk=case.pk).update(
            due_date=calendar.add_business_days(today, days)
        )
    order = [early.radicado, middle.radicado, late.radicado]
    assert listed(officer_client) == order
    assert listed(officer_client, "?ordering=-due_date") == order[::-1]


def test_filters_status_procedure_term_and_mine(officer_client, file_cases, demo_user):
    overdue, soon, later, mine, closed = file_cases(5)
    today = calendar.to_bogota(datetime.datetime.now(datetime.UTC)).date()
    Case.objects.filter(pk=overdue.pk).update(
        due_date=today - datetime.timedelta(days=1)
    )
    Case.objects.filter(pk=soon.pk).update(
        due_date=calendar.add_business_days(today, 2)
    )
    Case.objects.filter(pk__in=[later.pk, mine.pk, closed.pk]).update(
        due_date=calendar.add_business_days(today, 20)
    )
    Case.objects.filter(pk=mine.pk).update(
        assigned_to=demo_user("funcionario_shd"), status="en_revision"
    )
    Case.objects.filter(pk=closed.pk).update(status="rechazado")

    assert closed.radicado not in listed(officer_client)
    assert listed(officer_client, "?estado=rechazado") == [closed.radicado]
    assert listed(officer_client, "?estado=en_revision") == [mine.radicado]
    assert listed(officer_client, "?plazo=vencidos") == [overdue.radicado]
    assert listed(officer_client, "?plazo=pronto") == [soon.radicado]
    assert listed(officer_client, "?mios=on") == [mine.radicado]
    assert len(listed(officer_client, "?tramite=sdh-002")) == 4
    assert listed(officer_client, "?tramite=F03") == []


def test_search_by_radicado_or_applicant_name(officer_client, file_cases, demo_user):
    first, second = file_cases(2)
    assert listed(officer_client, f"?q={second.radicado}") == [second.radicado]
    citizen = demo_user("ciudadano")
    name = f"{citizen.first_name} {citizen.last_name}".strip() or citizen.username
    assert set(listed(officer_client, f"?q={name}")) == {
        first.radicado,
        second.radicado,
    }
    assert listed(officer_client, "?q=Nadie Existe") == []


def test_the_queue_says_when_a_term_runs_out(officer_client, file_cases):
    (case,) = file_cases(1)
    today = calendar.to_bogota(datetime.datetime.now(datetime.UTC)).date()
    Case.objects.filter(pk=case.pk).update(due_date=today - datetime.timedelta(days=1))
    html = officer_client.get(QUEUE).content.decode()
    assert "Vencido" in html
    # An unfiltered queue is not a search: no "Hay N coincidencias" announcement.
    assert 'role="alert"' not in html
    filtered = officer_client.get(QUEUE + "?plazo=vencidos").content.decode()
    assert 'role="alert"' in filtered
