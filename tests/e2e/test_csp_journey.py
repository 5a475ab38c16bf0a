"""No page of the site breaks its Content-Security-Policy (issue 10.6).

Every browser context of the suite fails its test on a CSP violation (conftest's
``CSPWatch``); this journey makes sure the main pages of each role are among them:
public pages, the citizen's, the wizard, the filing form, and the Wagtail admin of
editors, officers and auditors.
"""

import re

import pytest

from .test_case_journey import PASSWORD, VALID_NIT, citizen_login

pytestmark = pytest.mark.browser

PUBLIC = [
    "/",
    "/tramites/",
    "/tramites/?q=matricula",
    "/en/tramites/",
    "/cuenta/ingresar/",
]


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy, url
    return response


def admin_login(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label(re.compile(r"Contraseña|Password")).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_the_watch_reports_an_inline_script_without_a_nonce(new_context):
    context = new_context()
    page = context.new_page()
    visit(page, "/tramites/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = 1'; document.body.append(s); }"
    )
    page.wait_for_function("() => true")
    assert page.evaluate("() => window.injected") is None
    watch = context.csp_watch
    assert [v["directive"] for v in watch.violations] == ["script-src-elem"]
    watch.violations.clear()
    watch.console.clear()


def test_public_citizen_and_officer_pages_keep_their_policy(new_context):
    from playwright.sync_api import expect

    context = new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    for url in PUBLIC:
        visit(page, url)
    visit(page, "/tramites/?q=certificacion+rit")
    page.get_by_role("link", name="Certificación RIT", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Certificación RIT")

    citizen_login(page)
    visit(page, "/mis-tramites/")
    visit(page, "/formaliza/")
    page.get_by_role("button", name="Comenzar una solicitud nueva").click()
    expect(page.get_by_text(re.compile(r"Paso 1 de \d+"))).to_be_visible()

    visit(page, "/tramites/?q=certificacion+rit")
    page.get_by_role("link", name="Certificación RIT", exact=True).first.click()
    page.get_by_role("link", name="Radicar en línea", exact=True).click()
    page.wait_for_url("**/radicar/")
    # Acting for a company: the show-if script reveals the company's name and NIT.
    page.get_by_label("En representación de una empresa").check()
    page.get_by_label("Razón social de la empresa").fill("Andina S.A.S.")
    page.get_by_label("NIT de la empresa").fill(VALID_NIT)
    page.get_by_label("¿Para qué necesita el certificado?").select_option(
        label="Contratación con una entidad"
    )
    page.get_by_role("group", name=re.compile("desactualizado")).get_by_label(
        "No", exact=True
    ).check()
    page.get_by_label("He leído y acepto el aviso de privacidad").check()
    page.get_by_role("button", name="Radicar solicitud").click()
    page.wait_for_url(re.compile(r"/mis-tramites/SDH-\d{4}-\d{6}/$"))
    radicado = page.url.rstrip("/").rsplit("/", 1)[1]
    assert context.csp_watch.violations == []
    # One connection at a time (runserver --nothreading): close before the next.
    context.close()

    officer = new_context().new_page()
    officer.set_default_timeout(15000)
    admin_login(officer, "funcionario_shd")
    visit(officer, "/admin/casos/")
    officer.get_by_role("link", name=radicado).click()
    officer.wait_for_url(f"**/admin/casos/{radicado}/")
    expect(officer.locator("h1")).to_contain_text(radicado)


def test_admin_pages_of_editors_and_auditors_keep_their_policy(new_context):
    from playwright.sync_api import expect

    editor = new_context().new_page()
    editor.set_default_timeout(15000)
    admin_login(editor, "editor")
    visit(editor, "/admin/")
    visit(editor, "/admin/pages/search/?q=Certificación+RIT")
    editor.get_by_role("link", name="Certificación RIT", exact=True).first.click()
    editor.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(editor.locator("h1")).to_contain_text("Certificación RIT")
    editor.get_by_role("tab", name=re.compile("Radicación en línea")).click()
    editor.get_by_role("button", name=re.compile("vista previa|preview", re.I)).click()
    preview = editor.frame_locator("iframe[title]").first
    expect(preview.locator("h1")).to_contain_text("Certificación RIT")
    editor.context.close()

    auditor = new_context().new_page()
    auditor.set_default_timeout(15000)
    admin_login(auditor, "auditor")
    visit(auditor, "/admin/auditoria/")
    visit(auditor, "/admin/auditoria/integridad/")
