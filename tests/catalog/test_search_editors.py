"""Issue 13 point 5: editors tune the catalog search in the admin, without a deploy
(Wagtail's search promotions, the synonyms snippet), see what people search (an
anonymous daily count), and citizens get "¿Quiso decir…?" for a typo."""

from urllib.parse import urlencode

from django.urls import reverse

from wagtail.contrib.search_promotions.models import Query

import pytest

from catalog import spelling
from catalog.models import ProcedurePage, SearchQueryDay, SearchSynonym
from catalog.search_log import RESULTS_HEADER

pytestmark = pytest.mark.django_db


def _listed(client, query: str) -> list[str]:
    response = client.get("/tramites/", {"q": query})
    assert response.status_code == 200
    assert RESULTS_HEADER not in response
    listed = list(response.context["results"]) or list(response.context["suggestions"])
    return [page.code for page in listed]


def test_a_promotion_made_in_wagtails_admin_comes_first(client, demo_user):
    public = client.__class__()
    assert _listed(public, "registro mercantil")[0] == "F03"  # (and now cached)
    certificate = ProcedurePage.objects.get(code="CCB-006")
    client.force_login(demo_user("moderador"))  # catalog moderators edit search
    response = client.post(
        reverse("wagtailsearchpromotions:add"),
        {
            "query_string": "Registro Mercantil",
            "editors_picks-TOTAL_FORMS": 1,
            "editors_picks-INITIAL_FORMS": 0,
            "editors_picks-MAX_NUM_FORMS": 1000,
            "editors_picks-0-DELETE": "",
            "editors_picks-0-ORDER": 0,
            "editors_picks-0-page": certificate.pk,
            "editors_picks-0-description": "El certificado se pide en línea.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Query.get("registro mercantil").editors_picks.get().page_id == certificate.pk
    # Accents, case and plurals do not matter; the page cache was not stale.
    for typed in ("registro mercantil", "Registros mercantiles"):
        assert _listed(public, typed)[:2] == ["CCB-006", "F03"]
    html = public.get("/tramites/", {"q": "registro mercantil"}).content.decode()
    assert "Recomendado para su búsqueda" in html
    assert "El certificado se pide en línea." in html


def test_a_synonym_added_in_the_admin_expands_the_query(client, demo_user):
    public = client.__class__()
    assert _listed(public, "changarro") == []
    client.force_login(demo_user("moderador"))
    response = client.post(
        reverse("wagtailsnippets_catalog_searchsynonym:add"),
        {"terms": "changarro\nestablecimiento de comercio", "note": "Coloquial"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SearchSynonym.objects.filter(note="Coloquial").exists()
    assert _listed(public, "changarro")[0] == "F05"


def test_the_seeded_search_data_is_loaded_once_and_left_to_editors():
    from catalog.seed import load_search_data

    groups, promotions = SearchSynonym.objects.count(), Query.objects.count()
    assert groups >= 20 and promotions >= 2
    SearchSynonym.objects.filter(terms__startswith="RUT").update(terms="RUT\nNIT")
    assert load_search_data() == 0  # nothing created again, nothing overwritten
    assert SearchSynonym.objects.filter(terms="RUT\nNIT").exists()
    assert Query.objects.count() == promotions


def test_typos_get_did_you_mean_from_the_catalogs_words(client):
    assert spelling.did_you_mean("camara comersio") == "cámara de comercio"
    assert spelling.did_you_mean("licensia") == "licencia"
    assert spelling.did_you_mean("rejistro mercantil") == "registro mercantil"
    assert spelling.did_you_mean("matricula mercantil") is None  # nothing to fix
    assert spelling.did_you_mean("rut") is None  # acronyms are not "corrected"
    response = client.get("/tramites/", {"q": "camara comersio", "entidad": "CCB"})
    html = response.content.decode()
    assert response.context["paginator"].count == 0
    assert "¿Quiso decir" in html
    href = "?" + urlencode({"entidad": "CCB", "q": "cámara de comercio"})
    assert f'href="{href}"'.replace("&", "&amp;") in html
    assert response.context["suggestions"][0].code == "F03"


def test_edit_distance_counts_transpositions_and_stops_early():
    assert spelling.distance("comercio", "comercio", 2) == 0
    assert spelling.distance("mercantl", "mercantil", 2) == 1
    assert spelling.distance("lincencia", "licencia", 2) == 1
    assert spelling.distance("ab", "ba", 2) == 1
    assert spelling.distance("abcdef", "uvwxyz", 2) == 3  # limit + 1
    assert spelling.sound("comersio") == spelling.sound("comercio")


def test_searches_are_counted_anonymously_also_from_the_page_cache(client):
    client.get("/tramites/", {"q": "Matrícula  MERCANTIL"})
    cached = client.get("/tramites/", {"q": "Matrícula  MERCANTIL"})
    assert cached["X-Cache"] == "hit" and RESULTS_HEADER not in cached
    client.get("/tramites/", {"q": "matricula mercantil", "pagina": 2})  # same search
    client.get("/tramites/", {"q": "xqzw cedula 1032456789"})
    client.get("/tramites/")  # no search
    rows = {
        row["query"]: (row["searches"], row["zero_results"])
        for row in SearchQueryDay.objects.values()
    }
    assert rows == {"matricula mercantil": (2, 0), "xqzw cedula #": (1, 1)}
    fields = {f.name for f in SearchQueryDay._meta.get_fields()}
    assert fields == {"id", "day", "query", "searches", "zero_results"}


def test_editors_see_top_and_zero_result_queries_in_the_admin(client, demo_user):
    for query in ("rut", "rut", "xqzw"):
        client.get("/tramites/", {"q": query})
    url = reverse("catalog_search_report")
    client.force_login(demo_user("editor"))  # an entity's editor: not site-wide
    refused = client.get(url)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    client.force_login(demo_user("moderador"))
    response = client.get(url)
    assert response.status_code == 200
    top = [(row["query"], row["total"]) for row in response.context["top"]]
    zero = [(row["query"], row["empty"]) for row in response.context["zero"]]
    assert top[:2] == [("rut", 2), ("xqzw", 1)]
    assert zero == [("xqzw", 1)]
    assert "Búsquedas sin resultados" in response.content.decode()
