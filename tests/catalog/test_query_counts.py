"""Issue 11 point 9: the catalog list, a procedure page and its filing form issue the
same number of SQL queries whatever the number of online forms (and of questions and
documents in them), with the anonymous page cache off."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page

import pytest

from catalog.models import ProcedurePage
from procedures.sample_answers import fileable_procedures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0


def _queries(client, url) -> tuple[int, object]:
    client.get(url)  # Warm the per-process caches (site root, locale).
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def _forms_listed(response) -> int:
    return sum(1 for page in response.context["results"] if page.can_file_online)


def _clone(source: ProcedurePage, number: int, *, title: str, with_form: bool):
    page = ProcedurePage(
        **{
            f.name: getattr(source, f.name)
            for f in ProcedurePage._meta.concrete_fields
            if f.name not in Page._meta.fields_map
            and not f.primary_key
            and f.model is ProcedurePage
        }
    )
    page.title = f"{title} {number:02d}"
    page.slug = f"prueba-consultas-{int(with_form)}-{number}"
    page.code = f"Q{int(with_form)}{number:03d}"
    page.entity = source.entity
    if not with_form:
        page.online_form = []
        page.in_person_reason = "Requiere verificación presencial de la firma."
    source.get_parent().add_child(instance=page)
    page.save_revision().publish()
    return page


def test_catalog_list_queries_do_not_follow_the_forms_listed(client):
    by_size = sorted(fileable_procedures(), key=lambda p: len(p.online_form))
    largest = ProcedurePage.objects.get(pk=by_size[-1].pk)
    before, response = _queries(client, "/tramites/")
    forms_before = _forms_listed(response)
    # Titles that sort first: page 1 then lists these instead.
    for number in range(12):
        _clone(largest, number, title="Aaa trámite sin formulario", with_form=False)
    without, response = _queries(client, "/tramites/")
    forms_without = _forms_listed(response)
    for number in range(20):
        _clone(largest, number, title="Aa trámite con formulario", with_form=True)
    with_more, response = _queries(client, "/tramites/")
    forms_with = _forms_listed(response)
    assert forms_without < forms_before <= forms_with == 20
    assert before == without == with_more
    # Every other page of the list, too.
    assert _queries(client, "/tramites/?pagina=3")[0] == before


def test_procedure_and_filing_pages_do_not_follow_the_form_size(client, demo_user):
    by_size = sorted(
        fileable_procedures(),
        key=lambda p: (len(p.online_form), len(p.required_documents)),
    )
    smallest, largest = by_size[0], by_size[-1]
    assert len(largest.online_form) > 2 * len(smallest.online_form)
    assert _queries(client, smallest.url)[0] == _queries(client, largest.url)[0]
    client.force_login(demo_user("ciudadano"))
    small_form = _queries(client, f"{smallest.url}radicar/")[0]
    large_form = _queries(client, f"{largest.url}radicar/")[0]
    assert small_form == large_form
    # One more fileable procedure changes neither.
    _clone(ProcedurePage.objects.get(pk=largest.pk), 1, title="Otro", with_form=True)
    assert _queries(client, f"{largest.url}radicar/")[0] == large_form


def test_search_queries_do_not_follow_the_catalog_size(client):
    """A search, a promoted query and a typo ("¿Quiso decir…?") issue as many queries
    with a dozen more matching procedures as before (caches warm, as in service)."""
    urls = [
        "/tramites/?q=licencia",
        "/tramites/?q=licencia+de+funcionamiento",
        "/tramites/?q=licensia+de+construccion",
    ]
    before = [_queries(client, url)[0] for url in urls]
    source = ProcedurePage.objects.get(code="CURADURIAS-002")
    for number in range(12):
        _clone(
            source, number, title="Licencia de construcción de prueba", with_form=False
        )
    after = [_queries(client, url)[0] for url in urls]
    assert before == after
    assert _queries(client, urls[2])[1].context["correction"]
