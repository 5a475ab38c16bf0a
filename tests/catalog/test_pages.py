from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from wagtail.models import Page

import pytest

from catalog.models import ProcedureIndexPage, ProcedurePage
from cms.models import HomePage

pytestmark = pytest.mark.django_db


def test_page_tree_rules():
    assert ProcedureIndexPage.parent_page_types == ["cms.HomePage"]
    assert ProcedurePage.parent_page_types == ["catalog.ProcedureIndexPage"]
    assert ProcedurePage.subpage_types == []
    index = ProcedureIndexPage.objects.get()
    assert index.url == "/tramites/"
    assert isinstance(index.get_parent().specific, HomePage)
    assert ProcedurePage.objects.child_of(index).live().count() >= 200


def test_home_page_renders_search_formalization_and_life_events(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html and 'name="q"' in html
    assert 'href="/formaliza/"' in html
    assert "?evento=crear-empresa" in html
    assert '<html lang="es-co">' in html


def test_catalog_index_renders_results_facets_and_pagination(client):
    response = client.get("/tramites/", {"q": "matricula"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Matrícula mercantil de persona natural" in html
    assert "Filtrar resultados" in html
    assert "entidad=CCB" in html


def test_query_is_escaped_in_the_page(client):
    response = client.get("/tramites/", {"q": "<script>alert(1)</script>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_procedure_page_shows_every_section(client, procedure):
    response = client.get(procedure.url)
    html = response.content.decode()
    assert response.status_code == 200
    for heading in (
        "¿Qué es y para qué sirve?",
        "¿Quién puede hacerlo?",
        "Requisitos",
        "Documentos",
        "Pasos",
        "Costo",
        "Tiempo de respuesta y resultado",
        "Canales de atención",
        "Fundamento legal",
    ):
        assert heading in html, heading
    assert procedure.entity.name in html
    assert procedure.result_name in html
    assert procedure.can_file_online
    assert "Radicar en línea" in html
    assert f'href="/tramites/{procedure.slug}/radicar/"' in html
    assert "@media print" in Path("cms/static/css/site.css").read_text()


def test_presential_procedure_has_no_online_button(client):
    # Issue 11 gave every "PRESENCIAL" catalog entry with a form online filing here;
    # in person now means no form (the page says why).
    page = next(
        page
        for page in ProcedurePage.objects.live().order_by("code")
        if page.filing_mode == "presencial"
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Radicar en línea" not in html
    assert "/radicar/" not in html


def test_english_is_available_under_en(client, procedure):
    response = client.get("/en" + procedure.url)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@translation.override("es-co")
def test_fee_summary_uses_colombian_number_format():
    page = ProcedurePage(
        requires_payment=True, fee_rule="FIXED", fee_amount=1234567, fee_unit="COP"
    )
    assert page.fee_summary == "$ 1.234.567"
    free = ProcedurePage(
        requires_payment=False,
        fee_rule="FREE",
        fee_legal_basis="Resolución 113 de 2020",
    )
    assert free.fee_summary == "Gratuito"
    # "Free" without a source is not free: it is a fee nobody confirmed.
    unsourced = ProcedurePage(requires_payment=False, fee_rule="FREE")
    assert unsourced.fee_summary == "Valor sin confirmar: consúltelo con la entidad"
    percent = ProcedurePage(
        requires_payment=True, fee_rule="FORMULA", fee_amount="0.7", fee_unit="PERCENT"
    )
    assert percent.fee_summary == "0,7 % de la base"


def _clone(source: ProcedurePage, index, number: int) -> None:
    page = ProcedurePage(
        **{
            f.name: getattr(source, f.name)
            for f in ProcedurePage._meta.concrete_fields
            if f.name not in Page._meta.fields_map
            and not f.primary_key
            and f.name not in ("page_ptr",)
            and f.model is ProcedurePage
        }
    )
    page.title = f"{source.title} copia {number}"
    page.slug = f"{source.slug}-copia-{number}"
    page.code = f"X{number:04d}"
    page.entity = source.entity
    page.audiences = list(source.audiences.all())
    page.life_events = list(source.life_events.all())
    index.add_child(instance=page)
    page.save_revision().publish()


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/", None),
        ("/tramites/", None),
        ("/tramites/", {"q": "matricula", "evento": "crear-empresa"}),
    ],
)
def test_queries_per_page_do_not_grow_with_the_catalog(
    client, settings, catalog_index, procedure, url, params
):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    _queries(client, url, params)  # warm Wagtail's per-process site cache
    _queries(client, procedure.url)
    before = _queries(client, url, params)
    procedure_before = _queries(client, procedure.url)
    for number in range(25):
        _clone(procedure, catalog_index, number)
    assert _queries(client, url, params) == before
    assert _queries(client, procedure.url) == procedure_before
    assert before <= 20 and procedure_before <= 15


def test_a_one_day_term_reads_in_the_singular(client):
    page = ProcedurePage.objects.get(code="F24")
    assert page.response_time_summary == "1 día calendario"
    html = client.get(page.url).content.decode()
    assert "Término legal: 1 día calendario." in html and "1 días" not in html
    page.response_time_value, page.calendar_type = 15, "HABILES"
    assert page.response_time_summary == "15 días hábiles"
