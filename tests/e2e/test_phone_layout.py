"""Issue 13 point 3, phone first: at 320 and 375 px, and at 200 % and 400 % zoom of
a 1280 px window (a CSS viewport of 640 and 320 px, as the browser makes it), no
citizen page scrolls sideways and no value, amount or status is cut.

One journey per width: home, the catalog with a filter (folded behind its button),
a procedure page, then, signed in, Mis trámites, a case and a formalization
application of the demo citizen (seed_demo's history). axe runs at 375 px.
"""

import re

import pytest

from tests.e2e.test_case_journey import citizen_login

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "375px": {"viewport": {"width": 375, "height": 740}},
    "zoom-200": {"viewport": {"width": 640, "height": 360}, "device_scale_factor": 2},
    "zoom-400": {"viewport": {"width": 320, "height": 180}, "device_scale_factor": 4},
}

# Every displayed table cell and summary value whose box is cut off on either side
# of the viewport, or whose content overflows its own box.
_CUT_VALUES = """
() => {
  const width = document.documentElement.clientWidth;
  const cut = [];
  for (const el of document.querySelectorAll("main td, main th, main dd, main .tag")) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // not shown (or visually hidden)
    if (box.left < -0.5 || box.right > width + 0.5 || el.scrollWidth > el.clientWidth + 1) {
      cut.push(el.textContent.trim().replace(/\\s+/g, " ").slice(0, 80));
    }
  }
  return cut;
}
"""


def _assert_fits(page, what):
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{what} scrolls sideways: {widths}"
    assert page.evaluate(_CUT_VALUES) == [], f"{what}: values cut off"


@pytest.mark.parametrize("width", VIEWPORTS)
def test_citizen_pages_reflow_without_sideways_scrolling(
    new_context, assert_accessible, width
):
    from playwright.sync_api import expect

    page = new_context(**VIEWPORTS[width]).new_page()
    page.set_default_timeout(15000)
    check_axe = width == "375px"

    def visit(what):
        page.wait_for_load_state()
        _assert_fits(page, what)
        if check_axe:
            assert_accessible(page)

    page.goto("/")
    visit("home")

    page.goto("/tramites/?evento=crear-empresa")
    filters = page.locator("details.filters")
    toggle = filters.locator("summary")
    expect(toggle).to_contain_text("Filtrar resultados (1 aplicado)")
    facet = page.locator(".facet a").first
    expect(facet).to_be_hidden()
    visit("catalog, filters folded")
    toggle.click()
    expect(facet).to_be_visible()
    visit("catalog, filters open")

    page.goto("/tramites/?q=matricula")
    page.get_by_role(
        "link", name="Matrícula mercantil de persona natural"
    ).first.click()
    expect(page.locator("h1")).to_contain_text("Matrícula mercantil de persona natural")
    visit("procedure page")

    citizen_login(page)
    page.goto("/mis-tramites/")
    status = page.locator("td.status").first
    expect(status).to_be_visible()
    visit("Mis trámites")

    application = page.locator("a[href*='/mis-tramites/solicitudes/']").first
    case_link = page.locator("td a[href^='/mis-tramites/']").first
    application_url = application.get_attribute("href")
    case_link.click()
    expect(page).to_have_url(re.compile(r"/mis-tramites/[A-Z]+-\d{4}-\d{6}/$"))
    visit("case detail")

    page.goto(application_url)
    expect(page.locator(".task-list-status .tag").first).to_be_visible()
    expect(page.get_by_text("Pago en línea")).to_be_visible()
    visit("formalization application")
