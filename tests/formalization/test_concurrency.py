"""Parallel final POSTs of the wizard (W-2) on PostgreSQL: one application per run,
one homonymous name wins, and radicados stay unique and gapless without deadlocks."""

import copy
import re
import threading
from collections import defaultdict

from django.contrib.messages import get_messages
from django.db import connections
from django.test import Client

import pytest

from formalization.models import Application, ApplicationItem
from procedures.models import Case
from tests.seeding import FORMALIZATION_CODES, seed_for

from .conftest import WizardRun
from .personas import AGENCIA, post_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

APPLICATION_URL = re.compile(r"^/mis-tramites/solicitudes/(VUE-\d{4}-\d{6})/$")


@pytest.fixture
def seeded(postgres_only):
    """Transactional tests start from an empty database."""
    seed_for(FORMALIZATION_CODES)


def ready_to_submit(user, persona) -> WizardRun:
    """A run of ``user`` answered up to the last step, with its own logged-in client."""
    client = Client()
    client.force_login(user)
    run = WizardRun(client)
    run.answer(persona, stop_before="confirmacion")
    assert run.step == "confirmacion"
    return run


def final_post(run, user):
    """The last step's POST from a fresh browser of ``user`` (its own session)."""
    client = Client()
    client.force_login(user)
    data = post_data(run.hex, "confirmacion", AGENCIA["steps"]["confirmacion"])
    return lambda: (client, client.post(run.url("confirmacion"), data))


def in_parallel(calls) -> list:
    """Run the callables at once (a barrier releases them together); their results,
    or the exception each raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def work(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    return results


def named(persona, name, doc_numero) -> dict:
    persona = copy.deepcopy(persona)
    persona["steps"]["empresa"]["razon_social"] = name
    persona["steps"]["solicitante"]["doc_numero"] = doc_numero
    return persona


def numbers(radicados) -> list[int]:
    return sorted(int(radicado.rsplit("-", 1)[1]) for radicado in radicados)


def test_twenty_parallel_final_posts_submit_once(seeded, django_user_model):
    citizen = django_user_model.objects.get(username="ciudadano")
    run = ready_to_submit(citizen, AGENCIA)
    posts = [final_post(run, citizen) for _ in range(20)]
    responses = [response for _client, response in in_parallel(posts)]

    application = Application.objects.get(draft__run_id=run.run_id)
    assert Application.objects.count() == 1
    expected = f"/mis-tramites/solicitudes/{application.radicado}/"
    assert [r.status_code for r in responses] == [302] * 20
    assert {r["Location"] for r in responses} == {expected}
    # One set of items and cases: each filed item has its own case, and no other
    # case names the application.
    codes = list(application.items.values_list("code", flat=True))
    assert codes == AGENCIA["expected"]
    filed = application.items.filter(state=ApplicationItem.State.FILED)
    assert filed.exists()
    cases = Case.objects.filter(
        answers__contains={"Solicitud de formalización": application.radicado}
    )
    assert cases.count() == filed.count()
    assert set(cases.values_list("pk", flat=True)) == set(
        filed.values_list("case_id", flat=True)
    )
    assert Case.objects.count() == filed.count()


def test_two_runs_with_the_same_name_only_one_is_registered(seeded, django_user_model):
    first = django_user_model.objects.get(username="ciudadano")
    second = django_user_model.objects.get(username="ciudadana2")
    runs = [
        ready_to_submit(first, named(AGENCIA, "Café La Montaña", "1012345678")),
        ready_to_submit(second, named(AGENCIA, "CAFE LA MONTAÑA", "52123456")),
    ]
    results = in_parallel([final_post(runs[0], first), final_post(runs[1], second)])

    assert Application.objects.count() == 1
    winner = Application.objects.get()
    won = [APPLICATION_URL.match(r["Location"]) for _c, r in results]
    assert sum(bool(match) for match in won) == 1
    assert next(m for m in won if m).group(1) == winner.radicado
    client, response = next(pair for pair, m in zip(results, won, strict=True) if not m)
    assert response.status_code == 302
    loser = runs[1] if str(winner.draft.run_id) == runs[0].run_id else runs[0]
    assert loser.run_id in response["Location"]
    # Told why: the flash message and, on the step it is sent to, the error.
    page = client.get(response["Location"], follow=True)
    text = page.content.decode() + " ".join(
        str(message) for message in get_messages(page.wsgi_request)
    )
    assert "Ya hay una empresa registrada" in text or (
        "Otra solicitud registró ese nombre" in text
    )


def test_ten_applications_at_once_get_gapless_radicados(seeded, django_user_model):
    users = [
        django_user_model.objects.create_user(
            username=f"emprendedor{n}", email=f"emprendedor{n}@example.com"
        )
        for n in range(10)
    ]
    runs = [
        ready_to_submit(user, named(AGENCIA, f"Rutas del Páramo {n}", f"10{n:08d}"))
        for n, user in enumerate(users)
    ]
    results = in_parallel(
        [final_post(run, user) for run, user in zip(runs, users, strict=True)]
    )

    assert all(APPLICATION_URL.match(r["Location"]) for _c, r in results)
    radicados = Application.objects.values_list("radicado", flat=True)
    assert len(radicados) == 10
    assert numbers(radicados) == list(range(1, 11))
    by_entity = defaultdict(list)
    for radicado in Case.objects.values_list("radicado", flat=True):
        by_entity[radicado.rsplit("-", 1)[0]].append(radicado)
    assert by_entity
    for prefix, filed in by_entity.items():
        assert numbers(filed) == list(range(1, len(filed) + 1)), prefix
    filed_items = ApplicationItem.objects.filter(state=ApplicationItem.State.FILED)
    assert Case.objects.count() == filed_items.count()
    assert (
        filed_items.count()
        == 10 * filed_items.filter(application__radicado=radicados[0]).count()
    )
