"""The officer's queue (Wagtail's IndexView over the entity's cases): its filters,
search and ordering, and a query count that does not grow with the cases."""

import datetime
import re
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
    return re.findall(r'<a href="/admin/casos/([^"/]+)/">', html)


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
    assert len(listed(officer_client, "?tramite=SDH-002")) == 4
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


# --- A queue fit for 200 cases a day (issue 13.7) ---------------------------------

PASSWORD = "Clave-de-prueba-2026"
BULK_ASSIGN = "/admin/bulk/procedures/case/asignar/"


@pytest.fixture
def new_officer(client, django_user_model):
    """Officers made the way an administrator makes them: Wagtail's user admin,
    the entity's officers' group ticked."""
    from django.contrib.auth.models import Group
    from django.test import Client

    admin = Client()
    admin.force_login(
        django_user_model.objects.create_superuser(
            "administradora_cola", "cola@ventanilla.bogota.gov.co", PASSWORD
        )
    )

    def create(username: str, first: str, last: str, entity: str = "SDH") -> Client:
        response = admin.post(
            reverse("wagtailusers_users:add"),
            {
                "username": username,
                "email": f"{username}@ventanilla.bogota.gov.co",
                "first_name": first,
                "last_name": last,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "groups": [Group.objects.get(name=f"Funcionarios {entity}").pk],
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        officer = Client()
        officer.force_login(django_user_model.objects.get(username=username))
        return officer

    return create


@pytest.fixture
def applicants(django_user_model):
    """Citizens with their identity on file, as sign-up leaves them."""
    from accounts.models import ApplicantProfile

    def make(*people):
        made = []
        for username, first, last, number in people:
            user = django_user_model.objects.create_user(
                username, password=PASSWORD, first_name=first, last_name=last
            )
            ApplicantProfile.objects.create(
                user=user, document_type="CC", document_number=number
            )
            made.append(user)
        return made

    return make


def file_for(applicant, procedure) -> Case:
    return services.case_file(
        procedure=procedure,
        applicant=applicant,
        answers={},
        documents=[],
        submission_token=uuid.uuid4(),
    )[0]


@pytest.fixture
def ccb_procedure():
    from catalog.models import ProcedurePage

    return (
        ProcedurePage.objects.live().filter(entity__code="CCB").order_by("code").first()
    )


def test_search_by_radicado_document_or_name_within_the_entity_only(
    new_officer, applicants, rit_certificate, ccb_procedure
):
    ana, luis = applicants(
        ("ana_q", "Ana María", "Gómez Ruiz", "1020304050"),
        ("luis_q", "Luis", "Gómez", "79000111"),
    )
    anas, luiss = file_for(ana, rit_certificate), file_for(luis, rit_certificate)
    elsewhere = file_for(ana, ccb_procedure)  # Ana's case at the Cámara de Comercio
    Case.objects.filter(pk=luiss.pk).update(status="aprobado")
    officer = new_officer("revisora_q", "Rosa", "Pérez")

    # A radicado is found whatever its state, typed in any case.
    assert listed(officer, f"?q={luiss.radicado.lower()}") == [luiss.radicado]
    # A document number, with the dots people write it with.
    assert listed(officer, "?q=1.020.304.050") == [anas.radicado]
    assert listed(officer, "?q=79000111") == [luiss.radicado]  # closed, found
    # Every word of a name, in the first or the last names: in the open cases,
    # or in those of the state chosen.
    assert listed(officer, "?q=gómez") == [anas.radicado]
    assert listed(officer, "?q=Ana Gómez") == [anas.radicado]
    assert listed(officer, "?q=gómez&estado=aprobado") == [luiss.radicado]
    assert listed(officer, "?q=Zuleta") == []
    # Another entity's case is never found, not even by its radicado.
    assert listed(officer, f"?q={elsewhere.radicado}") == []
    html = officer.get(QUEUE + "?q=1020304050").content.decode()
    assert "Ana María Gómez Ruiz" in html and "CC 1020304050" in html


def test_every_column_sorts_both_ways(new_officer, applicants, rit_certificate):
    zoe, abel = applicants(
        ("zoe_s", "Zoe", "Zapata", "5550001"), ("abel_s", "Abel", "Arango", "5550002")
    )
    first, second = file_for(zoe, rit_certificate), file_for(abel, rit_certificate)
    officer = new_officer("revisor_s", "Mario", "Mora")
    boss = new_officer("revisora_b", "Beatriz", "Bernal")
    from django.contrib.auth import get_user_model

    bernal = get_user_model().objects.get(username="revisora_b")
    Case.objects.filter(pk=first.pk).update(
        assigned_to=bernal, status="en_revision", due_date=datetime.date(2030, 1, 2)
    )
    Case.objects.filter(pk=second.pk).update(due_date=datetime.date(2030, 1, 9))
    ascending = {
        "radicado": [first, second],
        "solicitante": [second, first],  # Arango before Zapata
        "tramite": [first, second],  # same procedure: filing order
        "estado": [first, second],  # en_revision before radicado
        "filed_at": [first, second],
        "due_date": [first, second],
        "asignado": [first, second],  # the unassigned case last
    }
    for key, cases in ascending.items():
        order = [case.radicado for case in cases]
        assert listed(officer, f"?ordering={key}") == order, key
        expected = order if key == "asignado" else order[::-1]
        if key == "tramite":
            expected = order[::-1]  # ties broken by id, in the same direction
        assert listed(officer, f"?ordering=-{key}") == expected, key
    assert listed(boss, "?ordering=-asignado") == [first.radicado, second.radicado]


def test_filters_by_procedure_name_officer_and_due_window(
    new_officer, applicants, rit_certificate, demo_user
):
    (citizen,) = applicants(("carla_f", "Carla", "Fajardo", "5550003"))
    late, soon, calm, stopped = (file_for(citizen, rit_certificate) for _ in range(4))
    today = calendar.to_bogota(datetime.datetime.now(datetime.UTC)).date()
    Case.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(1))
    Case.objects.filter(pk=soon.pk).update(
        due_date=calendar.add_business_days(today, 3)
    )
    Case.objects.filter(pk=calm.pk).update(
        due_date=calendar.add_business_days(today, 4)
    )
    Case.objects.filter(pk=stopped.pk).update(
        due_date=today - datetime.timedelta(5), status="requiere_informacion"
    )
    officer = new_officer("revisor_f", "Fabio", "Franco")
    from django.contrib.auth import get_user_model

    fabio = get_user_model().objects.get(username="revisor_f")
    Case.objects.filter(pk=calm.pk).update(assigned_to=fabio)

    html = officer.get(QUEUE).content.decode()
    # The procedure filter offers the entity's procedures by name.
    assert f'value="{rit_certificate.code}">{rit_certificate.title}' in html
    assert len(listed(officer, f"?tramite={rit_certificate.code}")) == 4
    assert listed(officer, "?plazo=vencidos") == [late.radicado]
    assert listed(officer, "?plazo=pronto") == [soon.radicado]
    # A suspended term is neither overdue nor about to run out.
    assert listed(officer, "?plazo=a_tiempo") == [stopped.radicado, calm.radicado]
    assert listed(officer, f"?asignado={fabio.pk}") == [calm.radicado]
    assert listed(officer, "?asignado=null") == [
        stopped.radicado,
        late.radicado,
        soon.radicado,
    ]
    # Another entity's officer or procedure is no filter at all: nothing is shown.
    assert listed(officer, f"?asignado={demo_user('funcionario_ccb').pk}") == []
    assert listed(officer, "?tramite=F03") == []


def test_overdue_is_said_in_words_and_with_an_icon_not_colour_alone(
    officer_client, file_cases
):
    (case,) = file_cases(1)
    today = calendar.to_bogota(datetime.datetime.now(datetime.UTC)).date()
    Case.objects.filter(pk=case.pk).update(due_date=today - datetime.timedelta(days=2))
    html = officer_client.get(QUEUE).content.decode()
    cell = html[html.index('class="queue-overdue"') :][:400]
    assert "icon-warning" in cell and "Vencido" in cell


def test_bulk_assign_goes_through_the_case_service_and_the_entity(
    new_officer, applicants, rit_certificate, ccb_procedure, demo_user
):
    from audit.models import AuditEvent

    (citizen,) = applicants(("dora_b", "Dora", "Beltrán", "5550004"))
    mine = [file_for(citizen, rit_certificate) for _ in range(3)]
    foreign = file_for(citizen, ccb_procedure)
    closed = mine.pop()
    Case.objects.filter(pk=closed.pk).update(status="aprobado")
    officer = new_officer("jefa_b", "Julia", "Jaramillo")
    new_officer("colega_b", "Camilo", "Castro")
    from django.contrib.auth import get_user_model

    camilo = get_user_model().objects.get(username="colega_b")
    ids = "&".join(f"id={case.pk}" for case in [*mine, closed, foreign])
    url = f"{BULK_ASSIGN}?next={QUEUE}&{ids}"

    page = officer.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(case.radicado in html for case in mine)
    assert foreign.radicado not in html  # another entity's case: not even named
    # An officer of another entity cannot be chosen, even by a crafted POST.
    outsider = demo_user("funcionario_ccb")
    assert officer.post(url, {"assignee": outsider.pk}).status_code == 200
    assert not Case.objects.filter(assigned_to=outsider).exists()

    response = officer.post(url, {"assignee": camilo.pk}, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE
    text = response.content.decode()
    assert "2 casos asignados a Camilo Castro" in text
    assert closed.radicado in text  # the refused one is reported by its radicado
    for case in mine:
        case.refresh_from_db()
        assert case.assigned_to == camilo
        assert AuditEvent.objects.filter(
            chain_key=case.audit_chain, action="case.asignar"
        ).exists()
    foreign.refresh_from_db()
    closed.refresh_from_db()
    assert foreign.assigned_to is None and closed.assigned_to is None
    # A crafted POST naming only the other entity's case assigns nothing.
    crafted = officer.post(
        f"{BULK_ASSIGN}?next={QUEUE}&id={foreign.pk}", {"assignee": camilo.pk}
    )
    foreign.refresh_from_db()
    assert foreign.assigned_to is None
    assert crafted.status_code in (200, 302)


def test_search_filter_and_sort_queries_do_not_grow_with_the_cases(
    new_officer, applicants, rit_certificate, django_assert_max_num_queries
):
    people = applicants(
        *[(f"gil_{n}", "Gil", f"Gutiérrez {n}", f"66600{n:02d}") for n in range(30)]
    )
    officer = new_officer("revisor_n", "Nora", "Niño")
    urls = [
        "?q=Gil",
        "?q=6660001",
        "?ordering=-solicitante&plazo=a_tiempo",
        "?asignado=null&ordering=asignado",
    ]
    for person in people[:3]:
        file_for(person, rit_certificate)
    counts = {}
    for url in urls:
        officer.get(QUEUE + url)
        with CaptureQueriesContext(connection) as few:
            officer.get(QUEUE + url)
        counts[url] = len(few.captured_queries)
    for person in people[3:]:
        file_for(person, rit_certificate)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert officer.get(QUEUE + url).status_code == 200
    assert len(listed(officer, "?q=Gil")) == 30


def test_select_all_in_listing_takes_the_listing_s_own_filters(
    new_officer, applicants, rit_certificate
):
    (citizen,) = applicants(("eva_a", "Eva", "Arias", "5550005"))
    late, calm = file_for(citizen, rit_certificate), file_for(citizen, rit_certificate)
    today = calendar.to_bogota(datetime.datetime.now(datetime.UTC)).date()
    Case.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(1))
    officer = new_officer("revisora_a", "Alba", "Acosta")
    html = officer.get(
        f"{BULK_ASSIGN}?next={QUEUE}&plazo=vencidos&id=all"
    ).content.decode()
    assert late.radicado in html and calm.radicado not in html
