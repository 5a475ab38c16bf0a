"""Wizard paths of the rules that follow the activity or the year's money: a home
bakery gets the sanitary concept, the Régimen Simple refuses income above its
ceiling, and a year without money values is said, not estimated in old money."""

import copy
import datetime

import pytest
import time_machine

from catalog import parameters
from formalization import rules
from formalization.models import Application

from .personas import AGENCIA

pytestmark = pytest.mark.django_db

IN_2027 = datetime.datetime(2027, 1, 12, 10, 0, tzinfo=datetime.UTC)


def home_bakery(name="Panadería Casera La Miga"):
    persona = copy.deepcopy(AGENCIA)
    steps = persona["steps"]
    steps["empresa"].update(razon_social=name, ciiu="1081")
    steps["actividad"] = {"interes_sanitario": "si"}
    steps["operacion"]["servicio_turistico"] = "ninguno"
    return persona


def test_a_home_bakery_is_asked_its_activity_and_gets_the_sanitary_concept(wizard):
    persona = home_bakery()
    assert persona["steps"]["ubicacion"]["tiene_establecimiento"] == "no"
    run = wizard()
    run.answer(persona, stop_before="actividad")
    form = run.client.get(run.url()).context["form"]
    assert "interes_sanitario" in form.fields
    assert "impactos_ambientales" in form.fields
    assert "musica_publica" not in form.fields
    run.answer(persona, stop_before="resumen")
    verdicts = {v.code: v for v in run.client.get(run.url()).context["verdicts"]}
    assert verdicts["F16"].applies
    assert not verdicts["F05"].applies and not verdicts["F19"].applies


def test_a_home_bakery_must_answer_yes_to_the_food_question(wizard):
    run = wizard()
    persona = home_bakery()
    run.answer(persona, stop_before="actividad")
    response = run.post("actividad", {"interes_sanitario": "no"})
    assert response.status_code == 200
    assert "1081" in response.context["form"].errors["interes_sanitario"][0]


def test_regimen_simple_above_the_income_ceiling_is_refused_beside_the_field(wizard):
    ceiling = parameters.uvt(rules.current_year()) * 100_000
    persona = copy.deepcopy(AGENCIA)
    persona["steps"]["empresa"]["ingresos_estimados"] = f"{ceiling:.0f}"
    run = wizard()
    run.answer(persona, stop_before="operacion")
    answers = {**persona["steps"]["operacion"], "opta_simple": "si"}
    response = run.post("operacion", answers)
    assert response.status_code == 200
    [error] = response.context["form"].errors["opta_simple"]
    assert "100.000 UVT" in error and "no puede inscribirse" in error
    answers["opta_simple"] = "no"
    assert run.post("operacion", answers).status_code == 302


def test_a_year_without_money_values_is_said_and_nothing_is_filed(wizard):
    persona = copy.deepcopy(AGENCIA)
    persona["steps"]["empresa"]["razon_social"] = "Rutas Sin Tarifa"
    assert parameters.missing(2027)
    with time_machine.travel(IN_2027):
        run = wizard()
        run.answer(persona, stop_before="resumen")
        page = run.client.get(run.url())
        assert page.status_code == 200
        html = page.content.decode()
        assert "Aún no podemos estimar sus trámites y costos" in html
        assert "No usamos los del año anterior" in html
        assert run.post("resumen", {}).status_code == 302
        response = run.post("confirmacion", persona["steps"]["confirmacion"])
        assert response.status_code == 302
        assert response["Location"].endswith("/resumen/")
        after = run.client.get(response["Location"]).content.decode()
    assert "faltan los valores oficiales de ese año" in after
    assert not Application.objects.filter(draft__run_id=run.run_id).exists()
