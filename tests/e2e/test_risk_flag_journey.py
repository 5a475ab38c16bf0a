"""An auditor reviews a risk flag in a real browser: the flag's page and its
disposition form pass axe, with and without errors, and the disposition is shown."""

import re

import pytest

from .test_case_journey import PASSWORD, settle_admin

pytestmark = pytest.mark.browser

PLANT = """
import datetime
from audit import record
from oversight.models import RiskFlag
event = record(action="case.aprobar", subject_type="case", subject_id="E2E-1",
    chain_key="case:SDH-2026-E2E001", radicado="SDH-2026-E2E001",
    after={"status": "aprobado"})
flag = RiskFlag.objects.create(key="E2E:D3:1", detector="D3", severity="baja",
    summary="Se decidió en 0,4 días hábiles; la mediana del trámite es 6.",
    entity_code="SDH", procedure_code="SDH-002", radicados=["SDH-2026-E2E001"],
    evidence=[event.pk], pattern_at=datetime.datetime(2026, 3, 10, 14, tzinfo=datetime.UTC))
print(flag.pk)
"""


def test_auditor_disposes_of_a_flag(new_context, assert_accessible, live_shell):
    from playwright.sync_api import expect

    pk = live_shell(PLANT).splitlines()[-1]
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15000)
    page.goto("/admin/login/")
    page.get_by_label("Nombre de usuario").fill("auditor")
    page.get_by_label(re.compile(r"Contraseña|Password")).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto("/admin/riesgos/")
    page.get_by_role("link", name="D3 · Decisión inusualmente rápida").first.click()
    page.wait_for_url(re.compile(rf"/admin/riesgos/{pk}/$"))
    expect(page.get_by_text("Certificación", exact=False).first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Registrar la disposición").click()
    expect(page.get_by_role("alert").filter(has_text="Hay un problema")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Remitida a Control Interno").check()
    page.get_by_label("Motivo").fill(
        "El caso se decidió sin verificar el RUT; lo revisa Control Interno."
    )
    page.get_by_role("button", name="Registrar la disposición").click()
    expect(page.get_by_text("Disposición registrada.")).to_be_visible()
    settle_admin(page)
    expect(page.get_by_text("lo revisa Control Interno")).to_be_visible()
    assert_accessible(page)
