"""Issue 11 point 8: a paid single procedure in a real browser.

The citizen opens "Certificado de matrícula mercantil" (CCB-006, 0,5 UVB per
certificate): the form starts with their data from the profile; they answer, pay the
fee through the sandbox PSE (the bank's page, then back to the form with the answers
kept), file, and read the acknowledgement. axe runs on every page.
"""

import re

import pytest

from .test_case_journey import citizen_login

pytestmark = pytest.mark.browser

PROCEDURE = (
    "Certificado de matrícula mercantil (persona natural y establecimiento de comercio)"
)
SLUG = (
    "certificado-de-matricula-mercantil-persona-natural-y-establecimiento-de-comercio"
)
RADICADO = re.compile(r"CCB-\d{4}-\d{6}")


def test_citizen_pays_with_pse_then_files_a_paid_procedure(page, assert_accessible):
    from playwright.sync_api import expect

    citizen_login(page)
    page.goto(f"/tramites/{SLUG}/")
    expect(page.locator("h1")).to_have_text(PROCEDURE)
    page.get_by_role("link", name="Radicar en línea", exact=True).click()
    page.wait_for_url(f"**/tramites/{SLUG}/radicar/")
    assert_accessible(page)

    # --- Prefilled from the profile: a fact already given is not asked again ---------
    expect(page.get_by_role("textbox", name="Nombres", exact=True)).to_have_value(
        "Carlos"
    )
    expect(page.get_by_role("textbox", name="Apellidos", exact=True)).to_have_value(
        "Rodríguez"
    )
    expect(
        page.get_by_role("textbox", name="Número de documento", exact=True)
    ).to_have_value("79123456")
    expect(
        page.get_by_role("textbox", name="Correo electrónico", exact=True)
    ).to_have_value("ciudadano@demo.ventanilla.bogota.gov.co")
    expect(page.get_by_label("En nombre propio")).to_be_checked()

    # --- The procedure's own questions; a show-if question appears when called for ---
    page.get_by_label("¿De quién es el certificado?").select_option(
        label="De una persona natural comerciante"
    )
    cedula = page.get_by_label("Cédula del comerciante")
    expect(cedula).to_be_hidden()
    page.get_by_label("¿Cómo lo identifica?").select_option(
        label="Por cédula del comerciante"
    )
    expect(cedula).to_be_visible()
    cedula.fill("79123456")
    page.get_by_label("Número de certificados").fill("1")
    page.get_by_label("He leído y acepto el aviso de privacidad").check()

    # --- Filing before paying is not possible: the amount is quoted by the server ----
    pay = page.get_by_role("button", name=re.compile(r"^Pagar .+ con PSE$"))
    amount = re.search(r"Pagar (.+) con PSE", pay.inner_text()).group(1)
    assert re.fullmatch(r"\$\s?[\d.]+", amount), amount
    assert_accessible(page)
    pay.click()

    # --- The sandbox bank's page: the same amount, approved by the citizen -----------
    page.wait_for_url("**/tramites/pagos/sandbox/*/")
    expect(page.locator("h1")).to_have_text("Pago PSE")
    expect(page.locator(".summary")).to_contain_text(amount)
    expect(page.locator(".summary")).to_contain_text(PROCEDURE)
    assert_accessible(page)
    page.get_by_role("button", name="Aprobar el pago").click()

    # --- Back on the form: payment approved, answers kept ------------------------------
    page.wait_for_url(f"**/tramites/{SLUG}/radicar/")
    expect(
        page.get_by_text("Pago aprobado. Revise sus respuestas y radique.")
    ).to_be_visible()
    expect(
        page.get_by_role("status").filter(has_text="Pago aprobado por")
    ).to_contain_text(amount)
    expect(page.get_by_role("button", name=re.compile("con PSE"))).to_have_count(0)
    expect(page.get_by_label("Cédula del comerciante")).to_have_value("79123456")
    expect(page.get_by_label("Número de certificados")).to_have_value("1")
    privacy = page.get_by_label("He leído y acepto el aviso de privacidad")
    if not privacy.is_checked():
        privacy.check()
    assert_accessible(page)
    page.get_by_role("button", name="Radicar solicitud").click()

    # --- The acknowledgement --------------------------------------------------------
    page.wait_for_url(re.compile(r"/mis-tramites/CCB-\d{4}-\d{6}/$"))
    acknowledgement = page.get_by_role("status").filter(has_text="Acuse de recibo")
    expect(acknowledgement).to_contain_text("Su solicitud quedó radicada con el número")
    expect(acknowledgement).to_contain_text(
        "Con la solicitud no se adjuntaron documentos."
    )
    radicado = RADICADO.search(acknowledgement.inner_text()).group(0)
    assert f"/mis-tramites/{radicado}/" in page.url
    answers = page.get_by_role("region", name="Sus respuestas")
    expect(answers).to_contain_text("De una persona natural comerciante")
    assert_accessible(page)
