"""IDOR matrix of the formalization URLs: every URL the walk of the URLconf classifies
as ApplicationScoped (tests/procedures/test_access.py) is built here and tried by
each persona; only the allowed ones get it, the others 404 or a login page."""

import pytest

from formalization import payments
from formalization.models import Application
from tests.procedures.test_access import (
    ANONYMOUS,
    PERSONAS,
    URLS,
    ApplicationScoped,
)

from .conftest import WizardRun
from .personas import PERSONAS as ENTREPRENEURS

BUILDERS = {
    "formalization:application": (
        "get",
        lambda o: f"/mis-tramites/solicitudes/{o['radicado']}/",
    ),
    "formalization:receipt": (
        "get",
        lambda o: f"/mis-tramites/solicitudes/{o['radicado']}/acuse.pdf",
    ),
    "formalization:payment_start": (
        "post",
        lambda o: f"/mis-tramites/solicitudes/{o['radicado']}/pagar/",
    ),
    "formalization:sandbox_bank": (
        "get",
        lambda o: f"/formaliza/pagos/sandbox/{o['payment']}/",
    ),
    "formalization:step": ("get", lambda o: f"/formaliza/{o['draft']}/solicitante/"),
}


@pytest.fixture
def owned(client, demo_user):
    """A submitted application with a pending payment, and an unfinished run."""
    client.force_login(demo_user("ciudadano"))
    submitted = WizardRun(client)
    submitted.answer(ENTREPRENEURS["sas_sin_local"])
    application = Application.objects.get(draft__run_id=submitted.run_id)
    payment = payments.payment_start(application)
    unfinished = WizardRun(client)
    unfinished.answer(ENTREPRENEURS["agencia"], stop_before="empresa")
    client.logout()
    return {
        "radicado": application.radicado,
        "payment": payment.reference,
        "draft": unfinished.run_id,
        "secrets": [application.radicado, "Andrés Felipe Gómez", "Valentina Rojas"],
    }


def test_every_application_scoped_url_has_a_builder():
    scoped = {name for name, e in URLS.items() if isinstance(e, ApplicationScoped)}
    assert scoped == set(BUILDERS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_application_idor_matrix(client, demo_user, owned, name):
    method, build = BUILDERS[name]
    url = build(owned)
    allowed = URLS[name].allowed
    # Refusals first: the owner's POST may change state.
    for persona in sorted(PERSONAS, key=lambda p: p in allowed):
        client.logout()
        if persona != ANONYMOUS:
            client.force_login(demo_user(persona))
        response = getattr(client, method)(url)
        where = f"{persona} {method.upper()} {url} → {response.status_code}"
        if persona in allowed:
            assert response.status_code in (200, 302), where
            if response.status_code == 302:
                assert "/cuenta/ingresar/" not in response["Location"], where
            continue
        if persona == ANONYMOUS:
            assert response.status_code == 302, where
            assert response["Location"].startswith("/cuenta/ingresar/"), where
        else:
            assert response.status_code == 404, where
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        body = body.replace(url.encode(), b"")
        for secret in owned["secrets"]:
            assert secret.encode() not in body, f"{where} shows {secret}"
