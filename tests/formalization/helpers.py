"""Shared steps of the payment, dependency and receipt tests: submit a persona through
the wizard, pay through the sandbox provider, decide a case as its officer."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from formalization import payments
from formalization.models import Application, ApplicationItem
from formalization.registry import needed_documents
from procedures import services as case_services
from procedures.models import Case
from tests.procedures.conftest import MINIMAL_PDF

from .conftest import STEP_URL
from .personas import PERSONAS

NOTICE_URL = "/formaliza/pagos/aviso/sandbox-pse/"


def distinct_pdf(name: str) -> bytes:
    """A valid minimal PDF whose bytes (and so sha256) differ per document."""
    header, rest = MINIMAL_PDF.split(b"\n", 1)
    return header + b"\n%" + name.encode() + b"\n" + rest


def submit(run, persona_key: str = "restaurante") -> Application:
    """Walk the wizard with one distinct PDF per needed document; the application."""
    persona = PERSONAS[persona_key]
    run.answer(persona, stop_before="documentos")
    form = run.client.get(run.url()).context["form"]
    files = {
        f"documentos-{name}": SimpleUploadedFile(
            f"{name}.pdf", distinct_pdf(name), content_type="application/pdf"
        )
        for name in needed_documents(form.answers)
    }
    response = run.post("documentos", persona["steps"]["documentos"], files)
    assert response.status_code == 302, response
    run.step = STEP_URL.search(response["Location"]).group(2)
    response = run.answer(persona)
    assert "/mis-tramites/solicitudes/VUE-" in response["Location"]
    return Application.objects.get(draft__run_id=run.run_id)


def notice(payment, *, approved=True, **overrides) -> tuple[bytes, str]:
    """A notice body as the provider sends it (fields overridable) and its signature."""
    provider = payments.provider(payment.provider)
    data = json.loads(provider.notice_body(payment, approved=approved))
    data.update(overrides)
    body = json.dumps(data).encode()
    return body, provider.sign(body)


def pay(application: Application, *, approved=True):
    payment = payments.payment_start(application)
    body, signature = notice(payment, approved=approved)
    return payments.payment_notice("sandbox-pse", body, signature)


def item(application: Application, code: str) -> ApplicationItem:
    return application.items.select_related("case").get(code=code)


def act(case: Case, user, action: str, **kwargs) -> Case:
    """One officer action on the current version of the case."""
    case.refresh_from_db()
    return case_services.case_act(
        case.pk, actor=user, action=action, expected_version=case.version, **kwargs
    )


def decide(case: Case, user, action: str = "aprobar", **kwargs) -> Case:
    """Take the case and then approve or reject it (four eyes is off for F03/F04)."""
    act(case, user, "tomar")
    if action == "rechazar":
        kwargs.setdefault("reason", "Los estatutos no cumplen la Ley 1258 de 2008.")
    return act(case, user, action, **kwargs)


# Imported by the test modules as ``restaurante_fixture`` / ``paid_restaurante_fixture``.
@pytest.fixture(name="restaurante")
def restaurante_fixture(wizard):
    """The restaurant SAS submitted by 'ciudadano', still awaiting payment."""
    return submit(wizard(), "restaurante")


@pytest.fixture(name="paid_restaurante")
def paid_restaurante_fixture(restaurante):
    payment = pay(restaurante)
    assert payment.status == "aprobado"
    restaurante.refresh_from_db()
    return restaurante
