"""Issue 13 point 1: the GOV.CO shell. The top bar and the Alcaldía's header on every
page, the footer that Res. MinTIC 1519 de 2020 prescribes, read from settings that
editors change in the admin, its policy pages as real pages, and a favicon."""

import re

from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page

import pytest

from cms import seed
from cms.models import ContentPage, SiteIdentity, SiteMapPage
from cms.shell import footer

pytestmark = pytest.mark.django_db

POLICY_LINKS = {
    "Transparencia y acceso a la información pública": "/transparencia-y-acceso-a-la-informacion/",
    "Política de privacidad y tratamiento de datos personales": "/politica-de-privacidad/",
    "Términos y condiciones": "/terminos-y-condiciones/",
    "Declaración de accesibilidad": "/declaracion-de-accesibilidad/",
    "Mapa del sitio": "/mapa-del-sitio/",
}


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


def test_every_page_opens_with_the_govco_bar_then_the_alcaldia_header(client):
    html = client.get("/tramites/").content.decode()
    bar = html.index('class="govco-bar"')
    assert bar < html.index('class="brand"') < html.index('id="contenido"')
    assert re.search(r'<a class="govco-logo" href="https://www.gov.co/"', html)
    assert "Alcaldía Mayor de Bogotá D.C." in html[bar : html.index("</header>")]


def test_the_footer_carries_what_the_resolution_asks(client):
    text = _footer(client.get("/").content.decode())
    for expected in (
        "Carrera 8 No. 10-65, Bogotá D.C.",
        "Horario de atención",
        "Línea 195",
        "Línea anticorrupción",
        "mailto:notificacionesjudiciales@secretariageneral.gov.co",
        'href="https://bogota.gov.co/sdqs/"',
        "Bogotá Te Escucha",
        'href="https://www.gov.co/"',
    ):
        assert expected in text, expected
    for label, url in POLICY_LINKS.items():
        assert f'<a href="{url}">{label}</a>' in text


def test_the_footer_does_not_send_citizens_to_the_developers_api(client):
    text = _footer(client.get("/").content.decode())
    assert "/api/" not in text
    assert "API" not in text
    assert 'href="/datos/tramites.csv"' in text  # Open data stays.


@pytest.mark.parametrize("url", POLICY_LINKS.values())
def test_each_footer_page_is_a_real_spanish_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es-co">' in html
    assert "<h1>" in html


def test_the_accessibility_statement_says_its_standard_status_issues_contact_and_date(
    client,
):
    page = ContentPage.objects.get(slug="declaracion-de-accesibilidad")
    html = client.get(page.url).content.decode()
    for expected in (
        "WCAG) 2.1, nivel AA",
        "NTC 5854",
        "parcialmente conforme",
        "Contenido que aún no es accesible",
        "Bogotá Te Escucha",
        "Última revisión: 4 de diciembre de 2026.",
    ):
        assert expected in html, expected


def test_the_privacy_policy_states_the_rights_of_ley_1581(client):
    html = client.get("/politica-de-privacidad/").content.decode()
    for expected in (
        "Ley 1581 de 2012",
        "artículo 8",
        "diez días hábiles",
        "Superintendencia de Industria y Comercio",
    ):
        assert expected in html, expected


def test_the_transparency_page_links_only_what_exists(client):
    html = client.get("/transparencia-y-acceso-a-la-informacion/").content.decode()
    body = html[html.index('<article class="prose">') : html.index("</article>")]
    assert "Ley 1712 de 2014" in body
    for href in re.findall(r'href="(/[^"]*)"', body):
        assert client.get(href).status_code == 200, href


def test_the_site_map_is_written_from_the_page_tree(client, catalog_index):
    extra = ContentPage(
        title="Página nueva de prueba", slug="pagina-nueva", body="<p>x</p>"
    )
    catalog_index.get_parent().add_child(instance=extra)
    extra.save_revision().publish()
    html = client.get("/mapa-del-sitio/").content.decode()
    main = html[html.index('id="contenido"') : html.index("</main>")]
    assert 'href="/pagina-nueva/">Página nueva de prueba</a>' in main
    assert 'href="/tramites/">Trámites y servicios</a>' in main
    assert 'href="/tramites/?evento=crear-empresa"' in main
    assert 'href="/formaliza/"' in main
    for url in POLICY_LINKS.values():
        if url != "/mapa-del-sitio/":
            assert f'href="{url}"' in main


def test_editors_change_the_contact_data_without_a_deploy(client):
    client.get("/")  # The footer and the page are in their caches now.
    identity = SiteIdentity.load()
    identity.address = "Calle 11 No. 8-17, Bogotá D.C."
    identity.contact_email = "contactenos@bogota.gov.co"
    identity.save()
    text = _footer(client.get("/").content.decode())
    assert "Calle 11 No. 8-17, Bogotá D.C." in text
    assert 'href="mailto:contactenos@bogota.gov.co"' in text


def test_an_unpublished_policy_page_is_not_linked(client):
    page = ContentPage.objects.get(slug="terminos-y-condiciones")
    page.unpublish()
    text = _footer(client.get("/").content.decode())
    assert "/terminos-y-condiciones/" not in text
    assert "/politica-de-privacidad/" in text


def test_the_footer_costs_no_query_once_read(client, settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        data = footer()
        client.get("/")
    assert data["links"]["privacy"] == "/politica-de-privacidad/"
    assert not [q for q in queries.captured_queries if "siteidentity" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        footer()
    assert len(queries.captured_queries) == 0


def test_seeding_again_keeps_the_editors_text():
    page = ContentPage.objects.get(slug="politica-de-privacidad")
    page.intro = "Texto revisado por la oficina jurídica."
    page.save_revision().publish()
    before = Page.objects.count()
    seed.ensure_content_pages()
    assert Page.objects.count() == before
    assert (
        ContentPage.objects.get(pk=page.pk).intro
        == "Texto revisado por la oficina jurídica."
    )
    assert SiteMapPage.objects.count() == 1


def test_the_favicon_is_linked_and_served(client):
    html = client.get("/").content.decode()
    assert re.search(
        r'<link rel="icon" href="[^"]*favicon\.svg" type="image/svg\+xml">', html
    )
    assert re.search(r'<link rel="icon" href="[^"]*favicon-32\.png"', html)
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    for name in ("img/favicon.svg", "img/favicon-32.png", "img/favicon.ico"):
        assert finders.find(name), name


def test_moderators_revise_the_policy_pages_and_the_footer(demo_user):
    moderator = demo_user("moderador")
    for page in ContentPage.objects.all():
        assert page.permissions_for_user(moderator).can_publish(), page.slug
    assert moderator.has_perm("cms.change_siteidentity")
