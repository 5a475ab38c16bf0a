"""The life of a case in a real browser: file, review, ask, answer, approve, download.

A citizen files "Certificación RIT" (SDH-002) online for their company, whose NIT
the applicant block checks; an officer of SDH works the
case in the Wagtail admin, in a browser context of their own, one action at a
time: a request for information and the approval each go through a confirmation
that shows what the citizen will receive (the approval with a preview of the
output document). The citizen answers the request with the document it asks for,
both follow the case's timeline and, once the case is approved, the citizen
downloads the output PDF.
axe runs on every page of the journey, the admin pages included.
"""

import hashlib
import io
import os
import re

import pytest

from tests.procedures.conftest import MINIMAL_PDF

pytestmark = pytest.mark.browser

PASSWORD = "Ventanilla-2026"
PROCEDURE = "Certificación RIT"
VALID_NIT = "900373913-4"
WRONG_NIT = "900373913-5"
NIT_ERROR = (
    "El NIT no es válido: escriba los números y el dígito de verificación, "
    "p. ej. 900123456-7."
)
RADICADO = re.compile(r"SDH-\d{4}-\d{6}")


@pytest.fixture
def officer_page(new_context):
    officer = new_context().new_page()
    officer.set_default_timeout(15000)
    return officer


def citizen_login(page):
    from playwright.sync_api import expect

    page.goto("/cuenta/ingresar/")
    # "Nombre de usuario", or "Correo electrónico o usuario" once e-mail login lands.
    page.get_by_label(re.compile("usuario")).fill("ciudadano")
    page.get_by_label(re.compile(r"^Contraseña")).fill(PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_role("button", name="Salir")).to_be_visible()


def officer_login(page):
    page.goto("/admin/login/")
    page.get_by_label("Nombre de usuario").fill("funcionario_shd")
    # Wagtail's login form leaves the password without a translatable label, so
    # Django names it "Password" from the field name; accept the Spanish one too.
    page.get_by_label(re.compile(r"Contraseña|Password")).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))


def officer_act(page, button, reason=None):
    """Press an action of the case page, writing the reason when it needs one."""
    from playwright.sync_api import expect

    action = page.get_by_role("button", name=button, exact=True)
    form = page.locator("form").filter(has=action)
    if reason is not None:
        form.get_by_label("Motivo (lo leerá el ciudadano)").fill(reason)
    action.click()
    expect(page.get_by_text(f"Acción registrada: {button}.")).to_be_visible()


def officer_decide(page, action, *, reason=None, documents=None, assert_accessible):
    """Choose an action that needs confirmation: its own form (if it has fields),
    then the confirmation with what the citizen will receive, then confirm."""
    from playwright.sync_api import expect

    page.get_by_role("link", name=action, exact=True).click()
    if reason is not None or documents is not None:
        expect(page.get_by_role("button", name="Continuar")).to_be_visible()
        # Only this action's form: no other action's fields.
        expect(page.get_by_label("Días hábiles adicionales")).to_have_count(0)
        if reason is not None:
            page.get_by_label("Motivo (lo leerá el ciudadano)").fill(reason)
        if documents is not None:
            page.get_by_label("Otros documentos que debe adjuntar").fill(documents)
        settle_admin(page)
        assert_accessible(page)
        shot(page, f"action-{action}")
        page.get_by_role("button", name="Continuar").click()
    received = page.get_by_role("region", name="Lo que recibirá el ciudadano")
    expect(received).to_be_visible()
    expect(page.get_by_role("button", name="Confirmar y enviar")).to_be_visible()
    settle_admin(page)
    assert_accessible(page)
    shot(page, f"confirm-{action}")
    page.get_by_role("button", name="Confirmar y enviar").click()
    expect(page.get_by_text(f"Acción registrada: {action}.")).to_be_visible()


def shot(page, name):
    """Screenshots at desktop and phone width, when E2E_SCREENSHOT_DIR asks for them."""
    folder = os.environ.get("E2E_SCREENSHOT_DIR")
    if not folder:
        return
    size = page.viewport_size
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/case13-{name}-{width}.png", full_page=True)
    page.set_viewport_size(size)


def settle_admin(page):
    """Wait for Wagtail's messages to finish fading in (0.5 s opacity transition).

    Mid-fade, axe measures the white text over a half-transparent green and
    reports a contrast of about 1.8:1 that the message does not have at rest.
    """
    page.wait_for_function(
        "() => [...document.querySelectorAll('.messages > ul')]"
        ".every(list => getComputedStyle(list).opacity === '1')"
    )


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def test_citizen_files_officer_asks_citizen_answers_and_downloads_output(
    page, officer_page, assert_accessible, new_context
):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    # --- The citizen finds the procedure and opens its filing form ---------------
    citizen_login(page)
    page.get_by_label("¿Qué trámite necesita?").fill("certificacion rit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tramites/?q=**")
    page.get_by_role("link", name=PROCEDURE, exact=True).first.click()
    expect(page.locator("h1")).to_have_text(PROCEDURE)
    assert_accessible(page)
    start = page.get_by_role("link", name="Radicar en línea", exact=True)
    expect(start).to_have_attribute("href", re.compile(r"/tramites/[\w-]+/radicar/$"))
    start.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/tramites/*/radicar/")
    expect(page.locator("h1")).to_have_text(f"Radicar en línea: {PROCEDURE}")
    assert_accessible(page)

    # --- The applicant block comes from the account; the citizen acts for a company --
    first_name = page.get_by_role("textbox", name="Nombres", exact=True)
    document = page.get_by_role("textbox", name="Número de documento", exact=True)
    email = page.get_by_role("textbox", name="Correo electrónico", exact=True)
    expect(first_name).to_have_value("Carlos")
    expect(page.get_by_role("textbox", name="Apellidos", exact=True)).to_have_value(
        "Rodríguez"
    )
    expect(document).to_have_value("79123456")
    expect(email).to_have_value("ciudadano@demo.ventanilla.bogota.gov.co")
    company = page.get_by_label("Razón social de la empresa")
    nit = page.get_by_label("NIT de la empresa")
    # Only a company has a NIT: the block asks for it once the citizen says so.
    expect(nit).to_be_hidden()
    page.get_by_label("En representación de una empresa").check()
    expect(nit).to_be_visible()
    expect(nit).to_have_accessible_description(re.compile("dígito de verif"))

    # --- First attempt, with a wrong NIT check digit; the keyboard fills the text --
    purpose = page.get_by_label("¿Para qué necesita el certificado?")
    outdated = page.get_by_role("group", name=re.compile("desactualizado"))
    privacy = page.get_by_label("He leído y acepto el aviso de privacidad")
    company.focus()
    page.keyboard.type("Comercializadora Andina S.A.S.")
    page.keyboard.press("Tab")
    assert is_focused(nit)
    page.keyboard.type(WRONG_NIT)
    purpose.select_option(label="Contratación con una entidad")
    outdated.get_by_label("No", exact=True).check()
    privacy.focus()
    page.keyboard.press("Space")
    expect(privacy).to_be_checked()
    page.get_by_role("button", name="Radicar solicitud").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Hay un problema")
    summary_link = summary.get_by_role(
        "link", name=re.compile("NIT de la empresa: " + re.escape(NIT_ERROR))
    )
    expect(summary_link).to_be_visible()
    expect(page.locator(".field").filter(has=nit).locator(".error")).to_have_text(
        "Error: " + NIT_ERROR
    )
    expect(page.locator(".field .error")).to_have_count(1)
    expect(nit).to_have_attribute("aria-invalid", "true")
    expect(nit).to_have_accessible_description(re.compile(re.escape(NIT_ERROR)))
    expect(page.get_by_label("En representación de una empresa")).to_be_checked()
    expect(company).to_have_value("Comercializadora Andina S.A.S.")
    expect(nit).to_have_value(WRONG_NIT)
    expect(first_name).to_have_value("Carlos")
    expect(document).to_have_value("79123456")
    expect(purpose).to_have_value("Contratación con una entidad")
    expect(outdated.get_by_label("No", exact=True)).to_be_checked()
    expect(privacy).to_be_checked()
    assert_accessible(page)

    # --- Fix the NIT from the error summary and file ---------------------------------
    summary_link.click()
    assert is_focused(nit)
    nit.fill(VALID_NIT)
    page.get_by_role("button", name="Radicar solicitud").click()
    # The redirect keeps the "#id_solicitante_nit" fragment the summary link added
    # (browsers carry it over a Location without one), hence no "$" after the slash.
    page.wait_for_url(re.compile(r"/mis-tramites/SDH-\d{4}-\d{6}/(#.*)?$"))
    acknowledgement = page.get_by_role("status").filter(has_text="Acuse de recibo")
    expect(acknowledgement).to_contain_text("Su solicitud quedó radicada con el número")
    radicado = RADICADO.search(acknowledgement.inner_text()).group(0)
    assert f"/mis-tramites/{radicado}/" in page.url
    expect(page.locator(".summary")).to_contain_text("Radicado")
    answers = page.get_by_role("region", name="Sus respuestas")
    expect(answers).to_contain_text("Comercializadora Andina S.A.S.")
    expect(answers).to_contain_text("Contratación con una entidad")
    assert_accessible(page)

    # --- The officer finds it in the queue, takes it and asks for information ---------
    officer_login(officer_page)
    officer_page.get_by_role("link", name="Casos de mi entidad").first.click()
    officer_page.wait_for_url("**/admin/casos/")
    row = officer_page.get_by_role("row").filter(has_text=radicado)
    expect(row).to_contain_text(PROCEDURE)
    expect(row).to_contain_text("Radicado")
    settle_admin(officer_page)
    assert_accessible(officer_page)
    row.get_by_role("link", name=radicado).click()
    officer_page.wait_for_url(f"**/admin/casos/{radicado}/")
    settle_admin(officer_page)
    assert_accessible(officer_page)
    officer_act(officer_page, "Tomar")
    shot(officer_page, "officer-case")
    request = "Confirme la dirección de la empresa: el RIT registra otra."
    officer_decide(
        officer_page,
        "Solicitar información",
        reason=request,
        documents="Certificado de dirección",
        assert_accessible=assert_accessible,
    )
    expect(officer_page.get_by_text("Plazo del ciudadano")).to_be_visible()
    timeline = officer_page.get_by_role("region", name="Línea de tiempo")
    expect(timeline).to_contain_text("Término suspendido")
    settle_admin(officer_page)
    assert_accessible(officer_page)

    # --- The citizen sees the request in Mis trámites and answers it ------------------
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Mis trámites"
    ).click()
    page.wait_for_url("**/mis-tramites/")
    mine = page.get_by_role("row").filter(has_text=radicado)
    expect(mine).to_contain_text("Requiere información")
    assert_accessible(page)
    mine.get_by_role("link", name=radicado).click()
    page.wait_for_url(f"**/mis-tramites/{radicado}/")
    asked = page.get_by_role("region", name="La entidad le pide información")
    expect(asked).to_contain_text(request)
    assert_accessible(page)
    mine = page.get_by_role("region", name="Línea de tiempo de su trámite")
    expect(mine).to_contain_text("Información solicitada al ciudadano")
    expect(mine).to_contain_text(request)
    expect(mine).not_to_contain_text("Sergio")  # no officer's name for the citizen
    shot(page, "citizen-respond")
    answer = "La dirección es Calle 19 # 4-56, la misma del RUT de 2026."
    asked.get_by_label("Su respuesta").fill(answer)
    respond = asked.get_by_role("button", name="Responder", exact=True)
    # Every document asked for has its own upload, and it is required.
    respond.click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Adjunte «Certificado de dirección»: la entidad lo pidió."
    )
    assert_accessible(page)
    asked = page.get_by_role("region", name="La entidad le pide información")
    asked.get_by_label("Certificado de dirección").set_input_files(
        {"name": "direccion.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    asked.get_by_role("button", name="Responder", exact=True).click()
    expect(page.get_by_text("Recibimos su respuesta")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("En revisión")
    expect(page.get_by_role("button", name="Responder", exact=True)).to_have_count(0)

    # --- The officer approves -----------------------------------------------------------
    officer_page.reload()
    expect(officer_page.locator("dd").filter(has_text="En revisión")).to_be_visible()
    expect(officer_page.locator(".case-timeline").get_by_text(answer)).to_be_visible()
    documents = officer_page.get_by_role("region", name="Documentos")
    expect(documents).to_contain_text("Certificado de dirección")
    officer_page.get_by_role("link", name="Aprobar", exact=True).click()
    preview = officer_page.get_by_role("region", name=re.compile("Vista previa"))
    expect(preview).to_contain_text(radicado)
    expect(
        officer_page.get_by_role("region", name="Lo que recibirá el ciudadano")
    ).to_contain_text("Aprobado")
    # Nothing is recorded until confirmed: the case page still says "En revisión".
    officer_page.get_by_role("link", name="Cancelar y volver al caso").click()
    expect(officer_page.locator("dd").filter(has_text="En revisión")).to_be_visible()
    officer_decide(officer_page, "Aprobar", assert_accessible=assert_accessible)
    expect(officer_page.get_by_text("El trámite terminó")).to_be_visible()
    settle_admin(officer_page)
    assert_accessible(officer_page)

    # --- The citizen downloads the output document --------------------------------------
    page.reload()
    expect(page.locator(".summary")).to_contain_text("Aprobado")
    output = page.get_by_role("link", name=re.compile(r"^Documento de salida: "))
    expect(output).to_be_visible()
    assert_accessible(page)
    headers = page.request.get(output.get_attribute("href")).headers
    assert headers["content-disposition"].startswith("attachment")
    with page.expect_download() as download_info:
        output.click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"-{radicado}.pdf")
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert radicado in text

    # --- A third party verifies it, on a phone, by the code printed on it -----------
    code = re.search(r"[0-9A-Z]{5}(?:-[0-9A-Z]{5}){3}", text).group(0)
    assert (
        code in page.get_by_role("region", name="Códigos de verificación").inner_text()
    )
    verifier = new_context(viewport={"width": 375, "height": 800}).new_page()
    verifier.goto("/verificar/")
    verifier.get_by_label("Código de verificación").fill(code.lower())
    verifier.get_by_role("button", name="Verificar").click()
    expect(verifier.get_by_role("heading", name="Documento auténtico")).to_be_visible()
    expect(verifier.locator("body")).to_contain_text(hashlib.sha256(pdf).hexdigest())
    expect(verifier.locator("body")).to_contain_text(radicado)
    assert verifier.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
    ), "the verification page scrolls sideways at 375 px"
    assert_accessible(verifier)
