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


# The live server's database is what `make run` seeds: a year of realistic history,
# the formalization applications, and the four patterns planted on purpose.
DEMO_FLAGS = """
from oversight import scan
from oversight.models import RiskFlag
from procedures.models import Case
for flag in RiskFlag.objects.filter(active=True).exclude(key__startswith="E2E:"):
    people = Case.objects.filter(radicado__in=flag.radicados).values_list(
        "applicant__username", flat=True)
    print(flag.detector, ",".join(sorted(set(people))))
# Other browser tests have acted since the seed's scan: read their events as the
# beat would, then a full recompute must agree with what the passes stored.
scan.incremental_until_done()
for line in scan.compare().differences:
    print("DIFF", line)
"""


def test_the_demo_history_raises_only_the_flags_it_plants(
    new_context, assert_accessible, live_shell
):
    from playwright.sync_api import expect

    lines = live_shell(DEMO_FLAGS).splitlines()
    flags = sorted(line for line in lines if not line.startswith("DIFF"))
    assert flags == [
        "D1 " + ",".join(f"gestionado_{n}" for n in range(1, 7)),
        "D15 denunciante_demo",
        "D6 pariente_funcionario",
        "D9 requerido_extra",
    ]
    # Incremental passes and a full recompute agree (the other test's flag is
    # planted by hand, so only it is not reproduced from the trail).
    differences = [line for line in lines if line.startswith("DIFF")]
    assert all("E2E:" in line for line in differences), differences

    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(15000)
    page.goto("/admin/login/")
    page.get_by_label("Nombre de usuario").fill("auditor")
    page.get_by_label(re.compile(r"Contraseña|Password")).fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto("/admin/riesgos/?detector=D1")
    expect(
        page.get_by_role("link", name="D1 · Tramitador o intermediario")
    ).to_be_visible()
    expect(page.get_by_text("detrás de 6 solicitantes distintos")).to_be_visible()
    assert_accessible(page)
