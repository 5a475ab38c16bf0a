"""Errors that are seen (issue 13.4), in a real browser: on sign-up, login, a filing
and a wizard step, bad input brings back the page with "Error: " in its title and
the error summary focused at the top; each of its links leads to its field, the
other answers are kept, the focus indicator is GOV.UK's yellow and black, and axe
finds nothing. Screenshots at 1280 and 375 px go to $E2E_SCREENSHOTS when set."""

import os
import re
from pathlib import Path

import pytest

from .test_case_journey import PROCEDURE, citizen_login
from .test_formalization_journey import start_run

pytestmark = pytest.mark.browser

YELLOW, BLACK = "rgb(255, 221, 0)", "rgb(11, 12, 12)"
SUMMARY_FOCUSED = (
    "() => document.activeElement !== null"
    " && document.activeElement.matches('[data-error-summary]')"
)


def screenshots(page, name):
    folder = os.environ.get("E2E_SCREENSHOTS")
    if not folder:
        return
    width = page.viewport_size["width"]
    for size in (1280, 375):
        page.set_viewport_size({"width": size, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{size}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})


def assert_summary(page, assert_accessible, field_id: str):
    """The summary took the focus, every link has its target, and the one to
    ``field_id`` moves the focus there."""
    from playwright.sync_api import expect

    page.wait_for_function(SUMMARY_FOCUSED)
    assert page.title().startswith("Error: "), page.title()
    summary = page.locator("[data-error-summary]")
    expect(summary.get_by_role("heading")).to_have_text("Hay un problema")
    # Before anything else on the page, after the heading of the page.
    assert page.evaluate(
        "() => { const s = document.querySelector('[data-error-summary]');"
        " const form = document.querySelector('main form[method=post]');"
        " return !!(s.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING); }"
    )
    missing = summary.locator("a").evaluate_all(
        "links => links.filter(a => !document.getElementById(a.hash.slice(1)))"
        ".map(a => a.hash)"
    )
    assert missing == []
    assert_accessible(page)
    link = summary.locator(f'a[href="#{field_id}"]').first
    message = link.inner_text()
    link.click()
    assert page.evaluate("() => document.activeElement.id") == field_id
    # The message beside the field says the same, after a hidden "Error:".
    field = page.locator(f"#{field_id}")
    # (A group's description is on its own fieldset, the innermost around it.)
    described = field.get_attribute("aria-describedby") or page.locator(
        f"fieldset:has(#{field_id})"
    ).last.get_attribute("aria-describedby")
    error_id = next(token for token in described.split() if token.endswith("_error"))
    beside = page.locator(f"#{error_id}")
    expect(beside).to_contain_text(message.split(": ", 1)[-1])
    expect(beside.locator(".visually-hidden").first).to_have_text("Error:")
    return field


def focus_style(locator) -> dict:
    return locator.evaluate(
        "el => { const s = getComputedStyle(el); return {outline: s.outlineColor,"
        " shadow: s.boxShadow, background: s.backgroundColor}; }"
    )


def test_errors_are_seen_on_sign_up_login_filing_and_the_wizard(
    new_context, assert_accessible
):
    from playwright.sync_api import expect

    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20000)

    # --- Sign-up: a bad e-mail, the name kept -----------------------------------------
    page.goto("/cuenta/registro/")
    assert not page.title().startswith("Error")
    page.locator("#id_first_name").fill("Ana María")
    page.locator("#id_document_type").select_option("CC")
    page.locator("#id_email").fill("ana@")
    page.get_by_role("button", name="Crear cuenta").click()
    email = assert_summary(page, assert_accessible, "id_email")
    expect(page.locator("#id_email_error")).to_contain_text("nombre@dominio.co")
    expect(page.locator("#id_first_name")).to_have_value("Ana María")
    expect(page.locator("#id_document_type")).to_have_value("CC")
    # An input's focus: a yellow ring outside, black inside.
    style = focus_style(email)
    assert style["outline"] == YELLOW and BLACK in style["shadow"], style
    # A link's focus, reached with the keyboard: yellow background, black underline.
    page.locator("[data-error-summary]").focus()
    page.keyboard.press("Tab")
    style = focus_style(page.locator("[data-error-summary] a").first)
    assert style["background"] == YELLOW and BLACK in style["shadow"], style
    screenshots(page, "errors13-signup")

    # --- Login: the password left empty, the user kept --------------------------------
    page.goto("/cuenta/ingresar/")
    page.locator("#id_username").fill("ciudadano")
    page.get_by_role("button", name="Ingresar").click()
    assert_summary(page, assert_accessible, "id_password")
    expect(page.locator("#id_username")).to_have_value("ciudadano")
    expect(page.locator("#id_password_error")).to_contain_text("Escriba su contraseña")
    screenshots(page, "errors13-login")

    # --- Filing: a question answered, the rest and the notice left out ---------------
    citizen_login(page)
    page.goto(f"/tramites/?q={PROCEDURE}")
    page.get_by_role("link", name=PROCEDURE, exact=True).first.click()
    page.get_by_role("link", name="Radicar en línea", exact=True).click()
    page.wait_for_url("**/tramites/*/radicar/")
    purpose = page.get_by_label("¿Para qué necesita el certificado?")
    purpose.select_option(label="Contratación con una entidad")
    page.get_by_role("button", name="Radicar solicitud").click()
    page.wait_for_function(SUMMARY_FOCUSED)
    outdated = page.get_by_role("group", name=re.compile("desactualizado"))
    radio_id = outdated.locator("input").first.get_attribute("id")
    assert_summary(page, assert_accessible, radio_id)
    expect(purpose).to_have_value("Contratación con una entidad")
    expect(page.get_by_role("textbox", name="Nombres", exact=True)).to_have_value(
        "Carlos"
    )
    privacy = page.locator("[data-error-summary] a[href='#id_accept_privacy']")
    expect(privacy).to_have_text(re.compile("aviso de privacidad"))
    screenshots(page, "errors13-filing")

    # --- A wizard step: a document number with letters ---------------------------------
    step = start_run(page)
    page.locator(f"#id_{step}-nombre").fill("Carlos Rodríguez")
    page.locator(f"#id_{step}-doc_numero").fill("79A12")
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar y continuar").click()
    assert_summary(page, assert_accessible, f"id_{step}-doc_numero")
    expect(page.locator(f"#id_{step}-nombre")).to_have_value("Carlos Rodríguez")
    expect(page.locator(f"#id_{step}-doc_numero")).to_have_value("79A12")
    screenshots(page, "errors13-wizard")
