"""The officers' queue in a real browser (issue 13.7): at phone width the page never
scrolls sideways (the table scrolls in its own region, with a hint), and cases
ticked in the list are assigned in one go through Wagtail's bulk actions."""

import re

import pytest

from .test_case_journey import officer_login, settle_admin

pytestmark = pytest.mark.browser


def test_queue_fits_a_phone_and_assigns_ticked_cases(new_context, assert_accessible):
    from playwright.sync_api import expect

    phone = new_context(viewport={"width": 375, "height": 812}).new_page()
    phone.set_default_timeout(15000)
    officer_login(phone)
    phone.goto("/admin/casos/")
    settle_admin(phone)
    sideways = phone.evaluate(
        "() => document.documentElement.scrollWidth"
        " - document.documentElement.clientWidth"
    )
    assert sideways <= 0, f"the page scrolls {sideways} px sideways at 375 px"
    table = phone.get_by_role("region", name="Casos")
    assert table.evaluate("region => region.scrollWidth > region.clientWidth")
    expect(phone.get_by_text("Deslice la tabla hacia los lados")).to_be_visible()
    assert_accessible(phone)

    desk = new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.set_default_timeout(15000)
    officer_login(desk)
    desk.goto("/admin/casos/?ordering=radicado")
    settle_admin(desk)
    assert_accessible(desk)
    rows = desk.locator("tbody tr")
    ticked = [rows.nth(i).get_by_role("link").first.inner_text() for i in range(2)]
    for i in range(2):
        rows.nth(i).locator("input[data-bulk-action-checkbox]").check()
    desk.get_by_role(
        "link", name="Asignar los casos seleccionados a un funcionario"
    ).click()
    desk.wait_for_url(re.compile(r"/admin/bulk/procedures/case/asignar/"))
    for radicado in ticked:
        expect(desk.get_by_role("link", name=radicado)).to_be_visible()
    assert_accessible(desk)
    desk.get_by_label("Asignar a").select_option(label="Sergio Hernández")
    desk.get_by_role("button", name="Asignar", exact=True).click()
    desk.wait_for_url(re.compile(r"/admin/casos/"))
    expect(desk.get_by_text("2 casos asignados a")).to_be_visible()
    desk.goto("/admin/casos/?mios=on&ordering=radicado")
    for radicado in ticked:
        expect(desk.get_by_role("link", name=radicado, exact=True)).to_be_visible()
