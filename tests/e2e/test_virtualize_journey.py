"""Issue 11 point 8: virtualizing a procedure in the real page editor, in a browser.

The SDH editor opens "Registro en la Oficina Virtual" (SDH-007) in Wagtail's page
editor, adds a question and a document to its online form with the StreamField's own
"+" buttons, and submits the page to moderation; the moderator approves it from the
page editor's "Aprobar", which publishes it; the citizen's filing form then asks the question and
for the document. axe runs on the public pages.
"""

import re

import pytest

from .test_case_journey import citizen_login
from .test_csp_journey import admin_login

pytestmark = pytest.mark.browser

PROCEDURE = "Registro en la Oficina Virtual de la Secretaría Distrital de Hacienda"
SLUG = "registro-en-la-oficina-virtual-de-la-secretaria-distrital-de-hacienda"
QUESTION = "Número de la última factura del impuesto que recibió"
DOCUMENT = "Copia de la última factura recibida"
MORE_ACTIONS = re.compile(r"Más acciones|More actions")


def _open_editor(page):
    from playwright.sync_api import expect

    page.goto(f"/admin/pages/search/?q={PROCEDURE[:30]}")
    page.get_by_role("link", name=PROCEDURE, exact=True).first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(page.locator("h1")).to_contain_text(PROCEDURE)
    page.get_by_role("tab", name=re.compile("Radicación en línea")).click()


def _add_block(page, field: str):
    """Press the last "+" of a StreamField; its only block type is inserted. Returns
    the new block's prefix, e.g. "online_form-3"."""
    count = page.locator(f"input[name='{field}-count']")
    index = int(count.input_value())
    stream = count.locator("xpath=..")
    stream.locator("button.c-sf-add-button").last.click()
    prefix = f"{field}-{index}"
    page.locator(f"[id='{prefix}-value-name']").wait_for()
    return prefix


def test_editor_virtualizes_and_moderator_publishes(new_context, assert_accessible):
    from playwright.sync_api import expect

    # --- Before: the public form does not ask the question ---------------------------
    citizen = new_context().new_page()
    citizen.set_default_timeout(15000)
    citizen_login(citizen)
    citizen.goto(f"/tramites/{SLUG}/radicar/")
    expect(citizen.get_by_text(QUESTION)).to_have_count(0)
    citizen.context.close()

    # --- The editor adds a question and a document in the page editor ------------------
    editor = new_context().new_page()
    editor.set_default_timeout(15000)
    admin_login(editor, "editor")
    _open_editor(editor)
    question = _add_block(editor, "online_form")
    editor.locator(f"[id='{question}-value-name']").fill("numero_factura")
    editor.locator(f"[id='{question}-value-label']").fill(QUESTION)
    editor.locator(f"[id='{question}-value-field_type']").select_option("text")
    document = _add_block(editor, "required_documents")
    editor.locator(f"[id='{document}-value-name']").fill(DOCUMENT)

    # ... and submits it to the catalogue's moderation workflow.
    editor.locator("footer").get_by_role("button", name=MORE_ACTIONS).click()
    editor.get_by_role("button", name=re.compile("^Enviar a")).click()
    editor.wait_for_url(re.compile(r"/admin/pages/\d+/(edit/)?$|/admin/pages/\d+/$"))
    expect(
        editor.get_by_text(re.compile("enviada|moderación", re.I)).first
    ).to_be_visible()
    editor.context.close()

    # --- The moderator approves it from the page editor: the page goes live ----------
    moderator = new_context().new_page()
    moderator.set_default_timeout(15000)
    admin_login(moderator, "moderador")
    row = moderator.get_by_role("row").filter(has_text=PROCEDURE)
    expect(row).to_be_visible()
    # "Aprobar" in the editor posts the whole edit form back; unedited, it must not
    # count as an edit, which would save a revision and restart the review.
    _open_editor(moderator)
    moderator.locator("footer").get_by_role("button", name=MORE_ACTIONS).click()
    moderator.get_by_role("button", name="Aprobar", exact=True).click()
    moderator.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    # The dashboard no longer lists the page as awaiting review.
    moderator.goto("/admin/")
    expect(moderator.get_by_role("row").filter(has_text=PROCEDURE)).to_have_count(0)
    moderator.context.close()

    # --- After: the public filing form asks the question and for the document ---------
    citizen = new_context().new_page()
    citizen.set_default_timeout(15000)
    citizen_login(citizen)
    citizen.goto(f"/tramites/{SLUG}/radicar/")
    expect(citizen.locator("h1")).to_have_text(f"Radicar en línea: {PROCEDURE}")
    expect(citizen.get_by_role("textbox", name=QUESTION)).to_be_visible()
    expect(citizen.get_by_label(DOCUMENT)).to_be_visible()
    assert_accessible(citizen)
