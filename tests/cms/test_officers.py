"""Every case reaches a person: each entity that owns published procedures has its
officers' group, its queue and a demo officer who sees its cases in the admin."""

import io
import uuid

from django.core.management import call_command

import pytest

from catalog.models import Entity, ProcedurePage
from cms import seed
from procedures import services
from procedures.admin_views import is_officer

pytestmark = pytest.mark.django_db

FORMALIZATION_CODES = [f"F{n:02d}" for n in range(1, 26)]
# Entities sampled through the queue view: named demo officers and derived ones,
# among them entities of formalization procedures that had nobody (PILA, ARL, OSA).
SAMPLED_ENTITIES = ["CCB", "SDH", "PILA", "ARL", "OSA", "SDM", "UAECD"]


def officers_of(entity):
    return entity.officer_group.user_set.filter(is_active=True, is_staff=True)


def entities_with_published_procedures():
    return Entity.objects.filter(procedures__live=True).distinct().order_by("code")


def test_every_entity_with_published_procedures_has_an_officer():
    entities = list(entities_with_published_procedures())
    assert len(entities) >= 40
    for entity in entities:
        assert entity.officer_group is not None, entity.code
        assert entity.officer_group.name == seed.officer_group_name(entity.code)
        officers = list(officers_of(entity))
        assert officers, f"{entity.code} has no demo officer"
        assert all(is_officer(user) for user in officers)
        assert all(user.check_password(seed.DEMO_PASSWORD) for user in officers)


def test_every_formalization_procedure_lands_in_a_queue_with_an_officer():
    pages = ProcedurePage.objects.live().filter(code__in=FORMALIZATION_CODES)
    assert sorted(page.code for page in pages) == FORMALIZATION_CODES
    for page in pages.select_related("entity__officer_group"):
        assert page.entity.officer_group is not None, page.code
        assert officers_of(page.entity).exists(), page.code


def test_derived_officers_are_named_after_their_entity(demo_user):
    pila = demo_user("funcionario_pila")
    assert pila.is_staff and pila.first_name and pila.last_name
    assert list(pila.groups.values_list("name", flat=True)) == ["Funcionarios PILA"]
    # The named demo officers keep their usernames; no duplicate for their entity.
    assert list(officers_of(Entity.objects.get(code="SDH"))) == [
        demo_user("funcionario_shd")
    ]


def _file_one(entity, applicant):
    procedure = (
        ProcedurePage.objects.live()
        .filter(entity=entity)
        .select_related("entity")
        .order_by("code")
        .first()
    )
    case, created = services.case_file(
        procedure=procedure,
        applicant=applicant,
        answers={"nota": f"Caso de prueba para {entity.code}"},
        documents=[],
        submission_token=uuid.uuid4(),
    )
    assert created
    return case


def test_each_officer_sees_only_their_entity_cases_in_the_queue(client, demo_user):
    citizen = demo_user("ciudadano")
    entities = {code: Entity.objects.get(code=code) for code in SAMPLED_ENTITIES}
    cases = {code: _file_one(entity, citizen) for code, entity in entities.items()}
    for code, entity in entities.items():
        officer = officers_of(entity).order_by("username").first()
        client.force_login(officer)
        response = client.get("/admin/casos/")
        assert response.status_code == 200, code
        html = response.content.decode()
        assert cases[code].radicado in html, code
        for other, case in cases.items():
            if other != code:
                assert case.radicado not in html, (code, other)


def test_seed_demo_prints_officer_logins_grouped_by_entity():
    out = io.StringIO()
    call_command("seed_demo", allow_demo_users=True, stdout=out)
    text = out.getvalue()
    assert "Funcionarios por entidad" in text
    officers_part = text.split("Funcionarios por entidad", 1)[1]
    lines = [line.split() for line in officers_part.splitlines()[1:] if line.strip()]
    codes = [words[0] for words in lines]
    assert codes == sorted(codes)
    assert set(codes) == set(
        entities_with_published_procedures().values_list("code", flat=True)
    )
    pila = next(words for words in lines if words[0] == "PILA")
    assert "funcionario_pila" in pila
    ccb = next(words for words in lines if words[0] == "CCB")
    assert "funcionario_ccb" in ccb
