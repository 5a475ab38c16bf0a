"""Issue 9 point 6: English at /en/ (and English visitors stay in English); the
Wagtail admin in Spanish for every staff user by default, Wagtail's own strings too."""

import gettext
import re
from pathlib import Path

from django.conf import settings

import pytest

from audit.presentation import changes
from catalog.models import ProcedurePage
from tests.catalog.admin_forms import edit_form_data

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
EN_PO = ROOT / "locale/en/LC_MESSAGES/django.po"
EN_MO = ROOT / "locale/en/LC_MESSAGES/django.mo"
BROWSER_IN_ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _nav(html: str) -> str:
    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)


def _po_entries(path: Path):
    """(msgid, msgstrs, fuzzy) of every entry but the header."""
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        fuzzy = "#, fuzzy" in block
        strings = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                strings[key] = match.group(2)
            elif line.startswith('"') and key:
                strings[key] += line[1:-1]
        yield strings, fuzzy


def test_english_catalogue_is_complete_and_compiled():
    entries = list(_po_entries(EN_PO))
    assert len(entries) > 800
    untranslated = [
        s["msgid"]
        for s, fuzzy in entries
        if fuzzy or not all(v for k, v in s.items() if k.startswith("msgstr"))
    ]
    # Strings added since the last translation pass show in Spanish until translated;
    # most of the interface must be English all the same.
    assert len(untranslated) <= len(entries) // 10, untranslated
    with EN_MO.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        s["msgid"]
        for s, _ in entries
        if "msgid_plural" not in s
        and catalogue.gettext(s["msgid"].encode().decode("unicode_escape"))
        == s["msgid"]
        and s["msgid"] != s["msgstr"]
    ]
    assert stale == [], "the committed .mo is older than the .po: run make messages"


def test_home_in_english_under_en_and_header_links_stay_in_english(client):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="en">' in html
    nav = _nav(html)
    assert "Procedures and services" in nav and "Start your business" in nav
    assert "Trámites y servicios" not in nav and "Formaliza tu empresa" not in nav
    assert "Skip to main content" in html
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs and all(href.startswith("/en/") for href in hrefs), hrefs

    catalog = client.get(re.search(r'href="(/en/tramites/)"', nav).group(1))
    assert catalog.status_code == 200
    assert "Search procedures and services" in catalog.content.decode()
    assert 'href="/en/"' in catalog.content.decode()


def test_spanish_stays_at_the_unprefixed_urls(client):
    html = client.get("/").content.decode()
    nav = _nav(html)
    assert "Trámites y servicios" in nav and 'href="/tramites/"' in nav
    assert 'href="/en/' not in nav


def test_english_procedure_page_reads_in_english(client):
    page = ProcedurePage.objects.live().filter(response_time_unit="INMEDIATO").first()
    html = client.get("/en" + page.url).content.decode()
    assert "Immediate response." in html and "Legal term:" in html
    assert "Response time and result" in html
    assert 'href="/en/"' in html  # breadcrumb home


def test_admin_login_is_spanish_whatever_the_browser_says(client):
    html = client.get("/admin/login/", **BROWSER_IN_ENGLISH).content.decode()
    assert "Contraseña" in html and "Iniciar sesión" in html
    assert not re.search(r">\s*Password\s*<", html)


def test_admin_dashboard_and_search_placeholder_are_spanish(client, demo_user):
    client.force_login(demo_user("editor"))
    response = client.get("/admin/", **BROWSER_IN_ENGLISH)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "es-co"
    assert "Buscar en todas las páginas…" in html
    assert "Search all pages…" not in html
    assert "Privacy and access" not in html


def test_page_edit_validation_error_is_spanish(client, demo_user):
    page = ProcedurePage.objects.get(code="SDH-002")
    client.force_login(demo_user("moderador"))
    url = f"/admin/pages/{page.pk}/edit/"
    data = edit_form_data(
        ProcedurePage, client.get(url, **BROWSER_IN_ENGLISH).content.decode()
    )
    data["title"] = [""]
    data["action-publish"] = ["action-publish"]
    html = client.post(url, data, **BROWSER_IN_ENGLISH).content.decode()
    assert "No se pudo guardar la página porque hay errores de validación." in html
    assert "could not be saved" not in html
    assert "Este campo es necesario." in html


def test_a_staff_user_who_chose_english_gets_english(client, demo_user):
    from wagtail.users.models import UserProfile

    editor = demo_user("editor")
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "Search all pages…" in html


def test_audit_labels_every_recorded_field_in_spanish():
    labels = {
        c.field: c.label
        for c in changes(None, {"received_on": "2026-03-02", "digest": "sha256:ab"})
    }
    assert labels == {
        "received_on": "Fecha de recibo",
        "digest": "Huella del documento (SHA-256)",
    }
