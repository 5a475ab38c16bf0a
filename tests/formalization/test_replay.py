"""The auditor replays a wizard run step by step from its audit chain."""

import pytest

from .personas import PERSONAS


@pytest.mark.django_db
def test_auditor_replays_the_wizard_step_by_step(wizard, client, demo_user):
    run = wizard()
    run.answer(PERSONAS["agencia"])
    chain = f"formalizacion:{run.run_id}"
    client.force_login(demo_user("auditor"))

    first = client.get(f"/admin/auditoria/cadena/{chain}/")
    assert first.status_code == 200
    replay = first.context["replay"]
    assert replay["number"] == 1 and replay["previous"] is None
    steps = [step for step, _values in replay["state"]]
    assert steps == ["solicitante"]
    assert ("nombre", "Valentina Rojas") in replay["state"][0][1]

    last = client.get(
        f"/admin/auditoria/cadena/{chain}/", {"paso": replay["total"] * 100}
    ).context["replay"]
    assert last["next"] is None and last["number"] == replay["total"]
    shown = [step for step, _values in last["state"]]
    assert shown[0] == "solicitante" and "confirmacion" in shown
    assert "Reproducción del formulario" in first.content.decode()


@pytest.mark.django_db
def test_a_citizen_cannot_open_the_replay(wizard, client):
    run = wizard()
    run.answer(PERSONAS["agencia"], stop_before="empresa")
    response = run.client.get(f"/admin/auditoria/cadena/formalizacion:{run.run_id}/")
    assert response.status_code in (302, 403, 404)
