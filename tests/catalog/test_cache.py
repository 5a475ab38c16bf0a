import pytest

from catalog.models import ProcedurePage

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_cached_and_invalidated_on_publish(client, procedure):
    first = client.get(procedure.url)
    assert first["X-Cache"] == "miss"
    second = client.get(procedure.url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content

    revision = procedure.get_latest_revision_as_object()
    revision.title = "Matrícula mercantil — título revisado"
    revision.save_revision().publish()

    third = client.get(ProcedurePage.objects.get(pk=procedure.pk).url)
    assert third["X-Cache"] == "miss"
    assert "título revisado" in third.content.decode()


def test_logged_in_users_never_get_cached_pages(client, procedure, demo_user):
    client.get(procedure.url)  # warm the anonymous cache
    client.force_login(demo_user("ciudadano"))
    response = client.get(procedure.url)
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert "Salir" in response.content.decode()


def test_search_results_are_cached_per_query(client):
    assert client.get("/tramites/", {"q": "rit"})["X-Cache"] == "miss"
    assert client.get("/tramites/", {"q": "rit"})["X-Cache"] == "hit"
    assert client.get("/tramites/", {"q": "ica"})["X-Cache"] == "miss"
