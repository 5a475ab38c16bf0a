"""Issue 10 point 9a: the anonymous page cache (cms/cache.py) answered any Host
header and stored a page for every query string. Keys now hold the validated host
and only the catalog's own parameters, with a bound on new entries."""

import uuid

from django.core.cache import cache

import pytest

pytestmark = pytest.mark.django_db


def page_entries() -> int:
    """Cached pages (not the generation number or the counters)."""
    return sum(
        1 for key in cache._cache if ":anon-page:" in key and ":stored:" not in key
    )


def test_a_page_cached_for_one_host_is_not_served_for_another(client):
    assert client.get("/tramites/")["X-Cache"] == "miss"
    assert client.get("/tramites/")["X-Cache"] == "hit"
    other = client.get("/tramites/", headers={"host": "localhost"})
    assert other.status_code == 200 and other["X-Cache"] == "miss"
    assert page_entries() == 2


def test_an_unknown_host_gets_400_not_the_cached_page(client):
    client.get("/tramites/")
    response = client.get("/tramites/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "X-Cache" not in response


def test_junk_query_parameters_create_no_entries(client):
    client.get("/tramites/")
    before = page_entries()
    for _ in range(30):
        junk = uuid.uuid4().hex
        for url in (f"/tramites/?{junk}=1", f"/?utm_source={junk}", f"/en/?x={junk}"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Cache" not in response, url
    assert page_entries() == before


@pytest.mark.parametrize(
    "query",
    [
        "entidad=<script>",
        "pagina=99999",
        "pagina=1&pagina=2",
        "q=" + "a" * 101,
        "entidad=SDH&" + "&".join(f"costo={n}" for n in range(3)),
        "q="
        + "x" * 90
        + "&entidad="
        + "A" * 40
        + "&evento="
        + "B" * 40
        + "&publico="
        + "C" * 40
        + "&nivel="
        + "D" * 40
        + "&costo="
        + "E" * 40,
    ],
)
def test_odd_values_of_known_parameters_are_not_cached(client, query):
    response = client.get(f"/tramites/?{query}")
    assert response.status_code == 200
    assert "X-Cache" not in response
    assert page_entries() == 0


def test_known_parameters_are_cached_in_any_order(client):
    assert client.get("/tramites/?entidad=SDH&pagina=1")["X-Cache"] == "miss"
    assert client.get("/tramites/?pagina=1&entidad=SDH")["X-Cache"] == "hit"


def test_new_entries_are_bounded(client, settings):
    settings.ANONYMOUS_PAGE_CACHE_MAX_NEW_ENTRIES = 5
    stored = sum(
        client.get("/tramites/", {"q": f"matricula {n}"}).get("X-Cache") == "miss"
        for n in range(12)
    )
    assert stored == 5 and page_entries() == 5
