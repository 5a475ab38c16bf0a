"""Catalog pages say honestly how a procedure is done: the online badge and the
"Radicar en línea" button only where filing here works, the legal reason where it
must be in person, /formaliza/ for the formalization steps, and no research markers."""

import re

import pytest

from catalog.models import ProcedurePage
from catalog.quality import MARKERS, split_markers
from catalog.selectors import published_procedures

pytestmark = pytest.mark.django_db

# Besides the markers: research notes about what was (not) found, and the unconfirmed.
RESEARCH_NOTES = re.compile(r"no se encontr[oó]|por confirmar|\[I\]|\[S\]", re.I)


def test_markers_are_removed_but_their_information_kept():
    assert split_markers("Término de referencia (no verificado).") == (
        "Término de referencia.",
        True,
    )
    assert split_markers("Valor (valor de referencia 2026, no verificado)")[0] == (
        "Valor (valor de referencia 2026)"
    )
    assert split_markers("El RUT no tiene costo [I]")[0] == "El RUT no tiene costo"
    assert split_markers("Sin marcas.") == ("Sin marcas.", False)


def test_no_public_page_shows_research_markers_and_badges_are_honest(client):
    pages = list(published_procedures().select_related("entity").order_by("code"))
    marked = []
    for page in pages:
        html = client.get(page.url).content.decode()
        if MARKERS.search(html) or RESEARCH_NOTES.search(html):
            marked.append(page.code)
        button = f'href="/tramites/{page.slug}/radicar/"' in html
        assert button == page.can_file_online, page.code
        assert ("Radicar en línea" in html) == page.can_file_online, page.code
    assert not marked, marked
    index = client.get(pages[0].get_parent().url + "?page=1").content.decode()
    assert not MARKERS.search(index) and not RESEARCH_NOTES.search(index)
    assert "Totalmente en línea</li>" not in index
    assert "Parcialmente en línea</li>" not in index
    # The notes are kept, for editors.
    assert ProcedurePage.objects.exclude(data_quality_notes="").count() >= 20


def test_in_person_procedures_say_why_and_show_their_channels(client):
    in_person = list(published_procedures().exclude(in_person_reason=""))
    assert len(in_person) >= 5
    for page in in_person:
        html = client.get(page.url).content.decode()
        assert "Por qué se hace en persona" in html, page.code
        assert page.in_person_reason.split("\n")[0][:60] in html.replace("&quot;", '"')
        assert 'id="canales"' in html and 'href="#canales"' in html
        assert page.filing_mode == "presencial"
        assert "/radicar/" not in html


def test_formalization_steps_link_to_the_wizard_not_to_external_sites(client):
    for code in ("F03", "F09"):
        page = ProcedurePage.objects.get(code=code)
        html = client.get(page.url).content.decode()
        actions = re.search(r'<div class="actions no-print">(.*?)</div>', html, re.S)
        assert 'href="/formaliza/"' in actions.group(1), code
        if page.online_url:
            assert page.online_url not in actions.group(1), code


def test_editors_see_the_data_quality_notes_in_the_admin(client, demo_user):
    page = ProcedurePage.objects.exclude(data_quality_notes="").order_by("code")[0]
    client.force_login(demo_user("moderador"))
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Notas de calidad de datos" in html or "notas de calidad de datos" in html
    first_line = page.data_quality_notes.splitlines()[0]
    assert first_line.split(": ", 1)[1][:40] in html.replace("&quot;", '"')
