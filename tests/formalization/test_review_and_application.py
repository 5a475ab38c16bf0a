"""The wizard's last steps in GOV.UK patterns: "Revise sus respuestas" with its
"Cambiar" links, the procedures by name in a task list, the fee card, the panel
after submit, and the identity the profile already holds."""

import json
import re

import pytest
from bs4 import BeautifulSoup

from accounts.models import ApplicantProfile
from audit.models import AuditEvent
from formalization.models import ApplicationItem

from .conftest import STEP_URL
from .helpers import (  # noqa: F401 (fixtures)
    paid_restaurante_fixture,
    restaurante_fixture,
)
from .personas import PERSONAS, post_data

pytestmark = pytest.mark.django_db

BARE_CODE = re.compile(r"\bF\d{2}\b")


def soup(response):
    assert response.status_code == 200, response
    return BeautifulSoup(response.content, "html.parser")


def main_text(page) -> str:
    return page.find("main").get_text(" ", strip=True)


def step_of(response) -> str:
    return STEP_URL.search(response["Location"].split("?")[0]).group(2)


def saves_of(run, step) -> int:
    events = AuditEvent.objects.filter(
        chain_key=f"formalizacion:{run.run_id}", action="formalization.step_saved"
    )
    return sum(json.loads(e.body)["details"]["step"] == step for e in events)


def test_review_lists_every_answer_and_cambiar_returns_to_it(wizard):
    run = wizard()
    persona = PERSONAS["sas_sin_local"]
    run.answer(persona, stop_before="revision")
    page = soup(run.client.get(run.url("revision")))
    assert page.find("h1").get_text(strip=True) == "Revise sus respuestas"
    text = main_text(page)
    for expected in (
        "Código Andino S.A.S.",
        "6201 — ",
        "Carrera 7 # 32-16",
        "Santa Fe",
    ):
        assert expected in text
    # Each answer has its own link, named for a screen reader by the answer.
    links = page.select(".summary-list-actions a")
    assert len(links) >= 15
    change_address = next(
        a for a in links if "dirección principal en bogotá" in a.get_text()
    )
    assert change_address.find(class_="visually-hidden")
    assert change_address["href"] == run.url("ubicacion") + "?volver=revision"

    form = soup(run.client.get(change_address["href"]))
    assert form.find("input", attrs={"name": "volver"})["value"] == "revision"
    answers = dict(persona["steps"]["ubicacion"], direccion="Calle 26 # 59-51")
    data = post_data(run.hex, "ubicacion", answers) | {"volver": "revision"}
    before = saves_of(run, "ubicacion")
    response = run.client.post(run.url("ubicacion"), data)
    assert step_of(response) == "revision"
    # The change is on the trail like any saved step.
    assert saves_of(run, "ubicacion") == before + 1
    assert "Calle 26 # 59-51" in main_text(soup(run.client.get(run.url("revision"))))


def test_a_change_that_makes_a_step_apply_goes_through_it_first(wizard):
    run = wizard()
    persona, shop = PERSONAS["sas_sin_local"], PERSONAS["tienda"]["steps"]
    run.answer(persona, stop_before="revision")
    answers = dict(persona["steps"]["ubicacion"], tiene_establecimiento="si")
    data = post_data(run.hex, "ubicacion", answers) | {"volver": "revision"}
    response = run.client.post(run.url("ubicacion"), data)
    assert response["Location"].endswith("/establecimiento/?volver=revision")
    visited = []
    while (step := step_of(response)) != "revision":
        visited.append(step)
        assert response["Location"].endswith("?volver=revision")
        page = run.client.get(response["Location"])
        assert page.status_code == 200
        step_answers = {**persona["steps"].get(step, {}), **shop.get(step, {})}
        data = post_data(run.hex, step, step_answers) | {"volver": "revision"}
        response = run.client.post(run.url(step), data)
        assert response.status_code == 302, page.context["form"].errors
    # The new step, then the one that now asks about music for the public.
    assert visited == ["establecimiento", "actividad"]


def test_summary_names_procedures_and_shows_the_fees_once(wizard):
    run = wizard()
    run.answer(PERSONAS["restaurante"], stop_before="resumen")
    summary = soup(run.client.get(run.url("resumen")))
    names = [
        li.find(class_="task-list-name").get_text(strip=True)
        for li in summary.select("#tramites-aplican ~ .task-list li")
    ]
    assert (
        "Matrícula mercantil de persona jurídica (sociedad)" in " ".join(names) or names
    )
    assert len(names) == len(PERSONAS["restaurante"]["expected"])
    card = summary.find(class_="fee-card")
    assert card.find(class_="fee-card-total").strong.get_text().startswith("$")
    assert (
        card.find("details").summary.get_text(strip=True) == "Ver detalle de los costos"
    )
    assert not BARE_CODE.search(main_text(summary)), BARE_CODE.findall(
        main_text(summary)
    )

    run.client.post(run.url("resumen"), post_data(run.hex, "resumen", {}))
    confirm = soup(run.client.get(run.url("confirmacion")))
    # No fee table or card repeated: only the total on the way to the button.
    assert confirm.find(class_="fee-card") is None and confirm.find("table") is None
    assert "Pagará $" in main_text(confirm)


def test_application_page_has_the_panel_once_and_a_task_list_by_name(
    client, paid_restaurante
):
    url = f"/mis-tramites/solicitudes/{paid_restaurante.radicado}/"
    page = soup(client.get(url))
    panel = page.find(class_="panel-confirmation")
    assert panel.find("h1").get_text(strip=True) == "Solicitud enviada"
    assert panel.strong.get_text(strip=True) == paid_restaurante.radicado
    assert page.find(id="que-sigue")
    # The panel confirms the submit once; the page itself stays.
    again = soup(client.get(url))
    assert again.find(class_="panel-confirmation") is None
    assert again.find("h1").get_text(strip=True) == paid_restaurante.business_name

    waiting = paid_restaurante.items.filter(state=ApplicationItem.State.WAITING)
    assert waiting.exists()
    rows = again.select(".task-list-item")
    assert len(rows) == paid_restaurante.items.count()
    text = main_text(again)
    assert not BARE_CODE.search(text), BARE_CODE.findall(text)
    assert "En espera de" not in text
    # "Espera a:" names the procedure and its entity.
    f05 = paid_restaurante.items.get(code="F05").procedure
    assert f"Espera a: {f05.title} ({f05.entity.name})" in text
    tags = {tag.get_text(strip=True) for tag in again.select(".task-list-status .tag")}
    assert {"En espera", "Radicado"} <= tags


def test_receipt_and_e_mails_name_procedures_without_codes(paid_restaurante):
    from django.template.loader import render_to_string

    from formalization import receipts

    html = render_to_string(
        "formalization/pdf/receipt.html", receipts.receipt_context(paid_restaurante)
    )
    body = BeautifulSoup(html, "html.parser").get_text(" ", strip=True)
    assert not BARE_CODE.search(body), BARE_CODE.findall(body)


def test_identity_from_a_verified_profile_is_shown_not_asked(wizard, demo_user):
    from django.utils import timezone

    user = demo_user("ciudadano")
    profile = ApplicantProfile.objects.get(user=user)
    profile.phone = "3001234567"
    profile.email_verified_at = timezone.now()
    profile.save()
    run = wizard()
    page = run.client.get(run.url("solicitante"))
    form = page.context["form"]
    assert not {"doc_tipo", "doc_numero", "nombre", "telefono"} & set(form.fields)
    known = soup(page).find(id="datos-cuenta").parent.get_text(" ", strip=True)
    assert "79123456" in known and "Carlos Rodríguez" in known
    assert "Cambiar en su perfil" in known

    answers = {
        "tipo": "persona_natural",
        "fecha_nacimiento": PERSONAS["tienda"]["steps"]["solicitante"][
            "fecha_nacimiento"
        ],
        "nit": "",
    }
    response = run.post("solicitante", answers)
    assert response.status_code == 302 and step_of(response) == "empresa"
    # The answers carry what the profile holds: the cases receive it.
    cleaned = run.client.get(run.url("empresa")).context["form"].answers
    assert cleaned["doc_numero"] == "79123456"
    assert cleaned["nombre"] == "Carlos Rodríguez"
    assert cleaned["telefono"] == "3001234567"
