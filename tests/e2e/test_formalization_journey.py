"""Formaliza tu empresa in a real browser: every persona from the landing page to the
application page, with axe on every page; payment in the sandbox bank and the
consolidated receipt; the whole wizard by keyboard; a phone-width step page; and
the first steps with JavaScript disabled. The last steps follow GOV.UK patterns:
"Revise sus respuestas" (with a "Cambiar" that comes back to it), procedures by name
in a task list, the fee card, and the panel with the radicado after submit.

The citizen logs in once per module; each test opens a context of its own from that
session (so a phone viewport or JavaScript off is just an option of the context).
"""

import io
import re
import uuid
from functools import cache
from pathlib import Path

import pytest
import yaml

from tests.formalization.personas import PERSONAS
from tests.procedures.conftest import MINIMAL_PDF

from .test_case_journey import citizen_login

pytestmark = pytest.mark.browser

STEP_URL = re.compile(r"/formaliza/[0-9a-f-]{36}/([a-z]+)/$")
APPLICATION_URL = re.compile(r"/mis-tramites/solicitudes/(VUE-[\w-]+)/$")
STEP_COUNT = re.compile(r"Paso (\d+) de (\d+)")
CASE_RADICADO = re.compile(r"^[A-Z]+-\d{4}-\d{6}$")
RECEIPT = "Descargar acuse de recibo (PDF)"
NEXT = re.compile(r"^(Guardar y continuar|Continuar|Enviar solicitud|Enviar y pagar)$")
BARE_CODE = re.compile(r"\bF\d{2}\b")
CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "data" / "procedures"


@cache
def procedure_titles() -> dict[str, str]:
    """Each formalization code's catalog title, from the data the site is seeded with."""
    titles = {}
    for path in CATALOG.glob("*.yaml"):
        for entry in yaml.safe_load(path.read_text()) or []:
            if isinstance(entry, dict) and re.fullmatch(
                r"F\d\d", entry.get("code", "")
            ):
                titles[entry["code"]] = entry["title"]
    return titles


@pytest.fixture(scope="module")
def citizen_state(browser, live_site):
    """The citizen's session, logged in once for the module."""
    context = browser.new_context(base_url=live_site, locale="es-CO")
    citizen_login(context.new_page())
    state = context.storage_state()
    # The server serves one connection at a time (runserver --nothreading): a context
    # left open keeps an idle socket that would stall the next context's requests.
    context.close()
    return state


@pytest.fixture
def new_page(new_context, citizen_state):
    """A page in a context of its own, logged in unless ``anonymous``; one at a time."""
    contexts = []

    def make(*, anonymous=False, **options):
        assert not contexts, "one context at a time"
        context = new_context(
            storage_state=None if anonymous else citizen_state, **options
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    return make


@pytest.fixture
def citizen_page(new_page):
    return new_page()


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / "documento.pdf"
    path.write_bytes(MINIMAL_PDF)
    return path


def answers_of(persona, tag) -> dict:
    """The persona's answers with a business name of its own.

    Names are unique on the platform: the same persona filed twice on one server (here
    by the keyboard test, or in an earlier run against a kept server) would be refused.
    """
    steps = {step: dict(answers) for step, answers in persona["steps"].items()}
    name = steps["empresa"]["razon_social"]
    base, suffix = re.match(r"^(.*?)( S\.?A\.?S\.?)?$", name).groups()
    steps["empresa"]["razon_social"] = (
        f"{base} {tag}-{uuid.uuid4().hex[:6]}{suffix or ''}"
    )
    return steps


def start_run(page) -> str:
    page.goto("/formaliza/")
    page.get_by_role("button", name="Comenzar una solicitud nueva").click()
    page.wait_for_url(STEP_URL)
    return current_step(page)


def current_step(page) -> str | None:
    match = STEP_URL.search(page.url.split("?")[0])
    return match.group(1) if match else None


def step_count(page) -> tuple[int, int]:
    number, total = STEP_COUNT.search(page.locator(".step-count").inner_text()).groups()
    return int(number), int(total)


def fill_step(page, step, answers, pdf_file):
    """Fill a step by field names, whatever the widget is."""
    kinds = page.locator(f'form [name^="{step}-"]').evaluate_all(
        "els => Object.fromEntries(els.map(el =>"
        " [el.name, el.tagName === 'SELECT' ? 'select' : el.type]))"
    )
    for name, value in answers.items():
        field = f'[name="{step}-{name}"]'
        if f"{step}-{name}_0" in kinds:
            # A date: day, month and year boxes.
            year, month, day = value.split("-")
            for index, part in enumerate((day, month, year)):
                page.fill(f'[name="{step}-{name}_{index}"]', part)
            continue
        kind = kinds[f"{step}-{name}"]
        if isinstance(value, list):
            for choice in value:
                page.check(f'{field}[value="{choice}"]')
        elif kind == "radio":
            page.check(f'{field}[value="{value}"]')
        elif kind == "checkbox":
            page.check(field)
        elif kind == "select":
            page.select_option(field, value)
        else:
            page.fill(field, value)
    if step == "documentos":
        inputs = page.locator('input[type="file"]')
        assert inputs.count() >= 1
        for file_input in inputs.all():
            file_input.set_input_files(pdf_file)


def press_next(page):
    """Save the step; the page must move on (a re-rendered step shows its errors)."""
    before = page.url
    with page.expect_navigation():
        page.get_by_role("button", name=NEXT).click()
    if page.url == before:
        errors = page.locator(".error-summary")
        raise AssertionError(
            errors.inner_text() if errors.count() else f"stayed on {before}"
        )


def change_an_answer(page, assert_accessible):
    """On "Revise sus respuestas": one "Cambiar", a new phone, and back to the review."""
    from playwright.sync_api import expect

    change = page.get_by_role("link", name="Cambiar teléfono de contacto")
    expect(change).to_have_count(1)
    with page.expect_navigation():
        change.click()
    assert current_step(page) == "solicitante"
    assert "?volver=revision" in page.url
    page.fill('[name="solicitante-telefono"]', "3157654321")
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar y continuar").click()
    assert current_step(page) == "revision", page.url
    expect(page.locator("main")).to_contain_text("3157654321")
    assert_accessible(page)


def walk_wizard(
    page, persona, steps, pdf_file, assert_accessible, *, change=False
) -> str:
    """Answer every step of the persona (using one "Cambiar" if ``change``); the
    application's radicado."""
    from playwright.sync_api import expect

    step = start_run(page)
    visited, last_number = [], 0
    while step is not None:
        visited.append(step)
        number, total = step_count(page)
        assert number == last_number + 1, (step, number, last_number)
        assert number <= total
        last_number = number
        expect(page.locator(".wizard-progress [aria-current='step']")).to_have_count(1)
        if step == "revision":
            expect(page.locator("h1")).to_have_text("Revise sus respuestas")
            expect(page.locator("main")).to_contain_text(
                steps["empresa"]["razon_social"]
            )
            if change:
                assert_accessible(page)
                change_an_answer(page, assert_accessible)
        if step == "resumen":
            expect(page.locator("h1")).to_have_text("Trámites y costos")
            tasks = page.locator("#tramites-aplican ~ .task-list .task-list-name")
            expect(tasks).to_have_count(len(persona["expected"]))
            names = tasks.all_inner_texts()
            for code in persona["expected"]:
                assert procedure_titles()[code] in names, code
            card = page.locator(".fee-card")
            expect(card.locator(".fee-card-total")).to_contain_text("$")
            detail = card.locator("details")
            expect(detail.locator("table, dl")).not_to_be_visible()
            detail.locator("summary", has_text="Ver detalle de los costos").click()
            expect(detail.locator("dl")).to_be_visible()
            assert not BARE_CODE.search(page.locator("main").inner_text())
        if step == "confirmacion":
            # The fees are not repeated: only the total, in a sentence.
            expect(page.locator(".fee-card")).to_have_count(0)
        assert_accessible(page)
        fill_step(page, step, steps[step], pdf_file)
        press_next(page)
        step = current_step(page)
    assert visited == list(steps), visited
    assert last_number == total == len(steps)
    match = APPLICATION_URL.search(page.url)
    assert match, page.url
    return match.group(1)


def procedure_rows(page):
    return page.locator("#sus-tramites + .task-list > li")


def listed_titles(page) -> list[str]:
    return procedure_rows(page).locator(".task-list-name").all_inner_texts()


def expected_titles(persona) -> list[str]:
    return sorted(procedure_titles()[code] for code in persona["expected"])


def row_of(page, code):
    return procedure_rows(page).filter(
        has=page.locator(".task-list-name", has_text=procedure_titles()[code])
    )


def download_receipt(page, radicado):
    """The consolidated receipt's text; a second click if it was still being made."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect
    from pypdf import PdfReader

    link = page.get_by_role("link", name=RECEIPT)
    try:
        with page.expect_download(timeout=5000) as download_info:
            link.click()
    except PlaywrightTimeout:
        expect(page.get_by_text("El acuse de recibo se está generando")).to_be_visible()
        with page.expect_download() as download_info:
            page.get_by_role("link", name=RECEIPT).click()
    download = download_info.value
    assert download.suggested_filename == f"acuse-{radicado}.pdf"
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("key", ["agencia", "tienda", "sas_sin_local", "restaurante"])
def test_persona_completes_the_wizard(
    key, citizen_page, pdf_file, assert_accessible, tmp_path
):
    from playwright.sync_api import expect

    page, persona = citizen_page, PERSONAS[key]
    steps = answers_of(persona, "navegador")
    radicado = walk_wizard(
        page, persona, steps, pdf_file, assert_accessible, change=key == "tienda"
    )

    # The GOV.UK panel confirms the submit with the application's radicado.
    panel = page.locator(".panel-confirmation")
    expect(panel.locator("h1")).to_have_text("Solicitud enviada")
    expect(panel.locator("strong")).to_have_text(radicado)
    expect(page.locator("#que-sigue")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(radicado)
    expect(page.locator("main h2").first).to_have_text(steps["empresa"]["razon_social"])
    assert sorted(listed_titles(page)) == expected_titles(persona)
    assert not BARE_CODE.search(page.locator("main").inner_text())
    assert_accessible(page)
    if key == "tienda":
        # At phone width nothing scrolls sideways and no status tag is cut.
        page.set_viewport_size({"width": 375, "height": 740})
        fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
        assert page.evaluate(fits)
        for tag in page.locator(".task-list .tag").all():
            box = tag.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        shot = page.screenshot(path=tmp_path / "application-375.png", full_page=True)
        assert shot.startswith(b"\x89PNG")
        assert_accessible(page)
        page.set_viewport_size({"width": 1280, "height": 720})

    # Every persona owes something (a matrícula, a registration fee); the one with
    # the most procedures pays (each payment files cases and renders the receipt anew).
    pay = page.get_by_role("button", name=re.compile(r"^Pagar con PSE"))
    expect(pay).to_be_visible()
    if key == "restaurante":
        awaiting = [
            code
            for code in persona["expected"]
            if "Pendiente de pago" in row_of(page, code).inner_text()
        ]
        assert awaiting, "a persona with fees has procedures waiting for payment"
        pay.click()
        page.wait_for_url("**/formaliza/pagos/sandbox/*/")
        expect(page.locator(".summary")).to_contain_text(radicado)
        assert_accessible(page)
        page.get_by_role("button", name="Aprobar el pago").click()
        page.wait_for_url(APPLICATION_URL)
        expect(page.get_by_text("Pago aprobado")).to_be_visible()
        expect(pay).to_have_count(0)
        # A paid procedure is filed at once, or once the procedure it needs is
        # approved (the matrícula of an establishment waits for the merchant's).
        filed = 0
        for code in awaiting:
            row = row_of(page, code)
            if row.locator(".task-list-name a").count():
                expect(row.locator(".case-radicado")).to_have_text(CASE_RADICADO)
                expect(row.locator(".tag")).to_have_text("Radicado")
                filed += 1
            else:
                # What it waits for, by name and entity, never a code.
                expect(row.locator(".tag")).to_have_text("En espera")
                expect(row).to_contain_text(re.compile(r"Espera a: .+ \(.+\)"))
        assert filed, awaiting
        assert_accessible(page)
    assert radicado in download_receipt(page, radicado)


def tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches the selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focused_value(page):
    return page.evaluate("() => document.activeElement.value")


def keyboard_fill_step(page, step, answers, pdf_file):
    """Answer a step in the order of the form, with Tab, arrows, Space and typing."""
    fields = page.locator(f'form [name^="{step}-"]')
    order = []
    for name in fields.evaluate_all("els => els.map(el => el.name)"):
        if name not in order:
            order.append(name)
    for full_name in order:
        name = full_name.split("-", 1)[1]
        value = answers.get(name)
        date = re.fullmatch(r"(.+)_([012])", name)
        if value is None and date and date.group(1) in answers:
            # A date's day, month or year box.
            year, month, day = answers[date.group(1)].split("-")
            value = (day, month, year)[int(date.group(2))]
        if value is None:
            continue
        field = f'[name="{full_name}"]'
        tab_to(page, field)
        kind = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el.tagName === 'SELECT' ? 'select' : el.type; }"
        )
        if kind == "radio":
            for _ in range(10):
                if focused_value(page) == value:
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
            assert page.is_checked(f'{field}[value="{value}"]'), (full_name, value)
        elif kind == "checkbox":
            page.keyboard.press("Space")
            assert page.is_checked(field)
        elif kind == "select":
            for _ in range(30):
                if focused_value(page) == value:
                    break
                page.keyboard.press("ArrowDown")
            assert page.input_value(field) == value, (full_name, value)
        else:
            page.keyboard.type(value)
            assert page.input_value(field) == value, (full_name, value)
    if step == "documentos":
        for file_input in page.locator('input[type="file"]').all():
            tab_to(page, f'[name="{file_input.get_attribute("name")}"]')
            file_input.set_input_files(pdf_file)


def test_agencia_by_keyboard_only(citizen_page, pdf_file):
    from playwright.sync_api import expect

    page, persona = citizen_page, PERSONAS["agencia"]
    steps = answers_of(persona, "teclado")

    page.goto("/formaliza/")
    tab_to(page, "button.button-primary")
    expect(page.locator(":focus")).to_have_text("Comenzar una solicitud nueva")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    step, last_number = current_step(page), 0
    while step is not None:
        number, _total = step_count(page)
        assert number == last_number + 1
        last_number = number
        keyboard_fill_step(page, step, steps[step], pdf_file)
        if step == "empresa":
            # Enter in a text box saves and continues: the default button is not "Anterior".
            tab_to(page, '[name="empresa-razon_social"]')
            press = "Enter"
        else:
            tab_to(page, "form .button-primary")
            press = "Enter" if step != "confirmacion" else "Space"
        with page.expect_navigation():
            page.keyboard.press(press)
        next_step = current_step(page)
        assert next_step != step, page.locator(".error-summary").inner_text()
        step = next_step
    radicado = APPLICATION_URL.search(page.url).group(1)
    expect(page.locator(".panel-confirmation")).to_contain_text(radicado)
    assert sorted(listed_titles(page)) == expected_titles(persona)


def test_step_page_fits_a_phone(new_page, assert_accessible):
    from playwright.sync_api import expect

    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True)
    fits = "() => document.documentElement.scrollWidth <= window.innerWidth"
    assert start_run(page) == "solicitante"
    assert page.evaluate(fits), page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert_accessible(page)
    # The same page with its errors: the summary and the messages fit as well.
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar y continuar").click()
    expect(page.get_by_role("alert")).to_contain_text("Hay un problema")
    assert page.evaluate(fits)
    assert_accessible(page)


def test_first_steps_without_javascript(new_page, pdf_file):
    from playwright.sync_api import expect

    page = new_page(java_script_enabled=False)
    steps = answers_of(PERSONAS["tienda"], "sin-js")
    step = start_run(page)
    for expected_step, number in (("solicitante", 1), ("empresa", 2), ("ubicacion", 3)):
        assert step == expected_step
        assert step_count(page)[0] == number
        fill_step(page, step, steps[step], pdf_file)
        press_next(page)
        step = current_step(page)
    assert step == "establecimiento"
    assert step_count(page)[0] == 4
    expect(page.get_by_label("CHIP del predio")).to_be_visible()


def test_landing_page_invites_visitors_to_log_in(new_page, assert_accessible):
    from playwright.sync_api import expect

    page = new_page(anonymous=True)
    page.goto("/formaliza/")
    expect(page.locator("h1")).to_have_text("Formaliza tu empresa")
    invitation = page.locator(".cta-card")
    expect(invitation.get_by_role("link", name="Ingresar")).to_have_attribute(
        "href", "/cuenta/ingresar/?next=/formaliza/"
    )
    expect(invitation.get_by_role("link", name="Crear una cuenta")).to_be_visible()
    assert_accessible(page)
