"""The social-security step: nothing pre-selected, and the application (summary,
F21–F24, receipt) shows exactly what the applicant chose."""

import copy
import io
import re

import pytest
from pypdf import PdfReader

from catalog.models import ProcedurePage
from formalization import receipts
from formalization.models import Application

from .personas import TIENDA

pytestmark = pytest.mark.django_db

CHOICES = ("clase_riesgo", "arl", "caja", "eps", "fondo_pensiones")


def select_html(html: str, name: str) -> str:
    match = re.search(
        rf'<select name="afiliaciones-{name}"[^>]*>(.*?)</select>', html, re.DOTALL
    )
    assert match, name
    return match.group(1)


def test_the_step_starts_with_nothing_chosen(wizard):
    run = wizard()
    run.answer(TIENDA, stop_before="afiliaciones")
    page = run.client.get(run.url())
    html = page.content.decode()
    for name in CHOICES:
        options = select_html(html, name)
        first = re.search(r"<option[^>]*>", options).group(0)
        assert 'value=""' in first, (name, first)
        assert "selected" not in options.replace(first, ""), name
        assert page.context["form"][name].value() in (None, "")


def test_every_choice_is_required_with_its_spanish_message(wizard):
    run = wizard()
    run.answer(TIENDA, stop_before="afiliaciones")
    answers = {**TIENDA["steps"]["afiliaciones"], **dict.fromkeys(CHOICES, "")}
    response = run.post("afiliaciones", answers)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(CHOICES) <= set(errors)
    assert "Elija la ARL" in errors["arl"][0]
    assert "fondo de pensiones" in errors["fondo_pensiones"][0]
    assert "clase de riesgo" in errors["clase_riesgo"][0]


def test_payroll_check_uses_one_minimum_wage_of_the_current_year(wizard):
    from catalog import parameters
    from formalization import rules

    run = wizard()
    run.answer(TIENDA, stop_before="afiliaciones")
    year = rules.current_year()
    short = 2 * parameters.smmlv(year) - 1
    answers = {**TIENDA["steps"]["afiliaciones"], "nomina_mensual": f"{short:.0f}"}
    response = run.post("afiliaciones", answers)
    assert response.status_code == 200
    [error] = response.context["form"].errors["nomina_mensual"]
    assert "un salario mínimo por trabajador" in error
    assert f"{parameters.smmlv(year):,.0f}".replace(",", ".") in error


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def f23_row(html: str) -> str:
    """The task-list row of the pension fund's procedure (F23), found by its name."""
    title = ProcedurePage.objects.get(code="F23").title
    rows = re.findall(r'<li class="task-list-item">.*?</li>', html, re.DOTALL)
    [row] = [row for row in rows if re.search(f">{re.escape(title)}<", row)]
    return row


def test_application_shows_the_fund_that_was_chosen_not_colpensiones(wizard):
    persona = copy.deepcopy(TIENDA)
    persona["steps"]["empresa"]["razon_social"] = "Tienda Fondo Elegido"
    chosen = persona["steps"]["afiliaciones"]
    assert chosen["fondo_pensiones"] == "porvenir"
    run = wizard()
    run.answer(persona, stop_before="resumen")
    summary = run.client.get(run.url()).content.decode()
    assert "Sus elecciones de seguridad social" in summary
    for label in ("Porvenir", "Positiva", "Compensar", "Sanitas", "Clase I"):
        assert label in summary, label
    response = run.answer(persona)
    application = Application.objects.get(draft__run_id=run.run_id)

    page = run.client.get(response["Location"]).content.decode()
    row = f23_row(page)
    assert "Porvenir" in row
    assert "Colpensiones" not in row

    f23 = application.items.get(code="F23")
    assert f23.answers["Fondo de pensiones principal"] == "Porvenir"
    f22 = application.items.get(code="F22")
    assert f22.answers["EPS principal de sus trabajadores"] == "Sanitas"

    receipts.render(application.pk)
    application.refresh_from_db()
    with application.receipt.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Porvenir" in text
    assert "Sanitas" in text
    assert "Colpensiones" not in text
