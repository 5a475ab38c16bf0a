"""A run lives in the database, not in the session (W-6, W-9): two tabs never mix,
another device or a new session finds every saved answer and upload."""

import datetime

from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

import pytest
import time_machine

from catalog.date_input import DayMonthYearField
from formalization.models import Draft, DraftDocument

from .conftest import WizardRun
from .personas import AGENCIA, TIENDA, post_data

pytestmark = pytest.mark.django_db


class ResumedRun(WizardRun):
    """An existing run picked up by another browser at ``step``."""

    def __init__(self, client, run_id, step):
        self.client, self.run_id, self.step, self.questions = client, run_id, step, 0


def answered_fields(persona, step) -> dict:
    return dict(persona["steps"][step])


def assert_form_shows(client, run, step, answers):
    page = client.get(run.url(step))
    assert page.status_code == 200, (step, page.status_code)
    form = page.context["form"]
    for field, value in answers.items():
        shown = form[field].value()
        if isinstance(form.fields[field], DayMonthYearField):
            # A date comes back as its day, month and year boxes.
            day, month, year = shown
            shown = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        assert shown == value, (step, field)
    return page


def test_two_tabs_of_the_same_user_never_mix(wizard):
    tab_a = wizard()
    tab_b = WizardRun(tab_a.client)  # same browser, same session
    assert tab_a.run_id != tab_b.run_id
    tab_a.answer(TIENDA, stop_before="ubicacion")
    tab_b.answer(AGENCIA, stop_before="ubicacion")

    for run, mine, theirs in ((tab_a, TIENDA, AGENCIA), (tab_b, AGENCIA, TIENDA)):
        for step in ("solicitante", "empresa"):
            page = assert_form_shows(run.client, run, step, answered_fields(mine, step))
            html = page.content.decode()
            for value in (
                theirs["steps"]["solicitante"]["nombre"],
                theirs["steps"]["solicitante"]["telefono"],
                theirs["steps"]["empresa"]["razon_social"],
                theirs["steps"]["empresa"]["activos"],
            ):
                assert escape(value) not in html, (run.run_id, step, value)
        stored = Draft.objects.get(run_id=run.run_id).data["step_data"]
        assert stored["empresa"]["empresa-razon_social"] == [
            mine["steps"]["empresa"]["razon_social"]
        ]
    # A POST carrying tab A's management prefix is refused by tab B's run.
    data = post_data(tab_a.hex, "ubicacion", AGENCIA["steps"]["ubicacion"])
    response = tab_b.client.post(tab_b.url("ubicacion"), data)
    assert response.status_code == 400
    assert "ubicacion" not in Draft.objects.get(run_id=tab_b.run_id).data["step_data"]
    assert "ubicacion" not in Draft.objects.get(run_id=tab_a.run_id).data["step_data"]


def test_the_same_run_on_another_device_shows_the_saved_answers(wizard, demo_user):
    run = wizard()
    run.answer(AGENCIA, stop_before="operacion")
    phone = Client()
    phone.force_login(demo_user("ciudadano"))
    # It opens where the first device left off.
    response = phone.get(f"/formaliza/{run.run_id}/")
    assert response["Location"] == run.url("operacion")
    for step in ("solicitante", "empresa", "ubicacion"):
        assert_form_shows(phone, run, step, answered_fields(AGENCIA, step))
    final = ResumedRun(phone, run.run_id, "operacion").answer(AGENCIA)
    assert "/mis-tramites/solicitudes/VUE-" in final["Location"]


def test_expired_session_loses_no_work(wizard, demo_user):
    """W-9: steps done and the upload survive the session; a new login restores them."""
    run = wizard()
    run.answer(AGENCIA, stop_before="resumen")
    completed = ["solicitante", "empresa", "ubicacion", "operacion", "empleados"]
    document = DraftDocument.objects.get(draft__run_id=run.run_id)
    assert document.requirement == "documento_identidad"

    later = timezone.now() + datetime.timedelta(
        seconds=settings.SESSION_COOKIE_AGE + 60
    )
    with time_machine.travel(later, tick=False):
        response = run.client.get(run.url("empleados"))
        assert response.status_code == 302
        assert "next=" in response["Location"]  # the session is gone
        run.client.force_login(demo_user("ciudadano"))
        # The wizard opens at the step that comes after the last one saved.
        assert run.client.get(f"/formaliza/{run.run_id}/")["Location"] == run.url(
            "resumen"
        )
        restored = 0
        for step in completed:
            assert_form_shows(run.client, run, step, answered_fields(AGENCIA, step))
            restored += 1
        assert restored == len(completed)
        page = run.client.get(run.url("documentos"))
        assert page.status_code == 200
        assert not page.context["form"].fields["documento_identidad"].required
        assert "Ya cargado" in page.content.decode()
        assert DraftDocument.objects.filter(pk=document.pk).exists()
        run.step = "resumen"
        final = run.answer(AGENCIA)
    assert "/mis-tramites/solicitudes/VUE-" in final["Location"]
    application = Draft.objects.get(run_id=run.run_id).application
    assert application.answers["razon_social"] == "Rutas del Páramo"


def test_landing_lists_the_unfinished_draft_with_a_link_to_resume(wizard):
    unfinished = wizard()
    unfinished.answer(AGENCIA, stop_before="ubicacion")
    finished = WizardRun(unfinished.client)
    finished.answer(TIENDA)
    page = unfinished.client.get("/formaliza/")
    assert page.status_code == 200
    drafts = list(page.context["drafts"])
    assert [draft.run_id for draft in drafts] == [
        Draft.objects.get(run_id=unfinished.run_id).run_id
    ]
    html = page.content.decode()
    link = f'href="/formaliza/{unfinished.run_id}/"'
    assert link in html
    assert "Rutas del Páramo" in html
    assert f'href="/formaliza/{finished.run_id}/"' not in html
    response = unfinished.client.get(f"/formaliza/{unfinished.run_id}/")
    assert response["Location"] == unfinished.url("ubicacion")
