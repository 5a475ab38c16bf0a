"""Every published procedure with an online form can be filed here, end to end:
its form renders, an empty POST answers Spanish errors beside each field, and a
valid POST (answers by the form's own field types, real small PDF/PNG/JPEG files)
files a case with a radicado in the owning entity's queue."""

import re
import time
import uuid

import pytest

from catalog import fees
from procedures.forms import FilingForm
from procedures.models import Case, FilingPayment

from .fileable import fileable_procedures, valid_answers, valid_files

pytestmark = pytest.mark.django_db

# Django's generic message: every field says how to fix it instead (issue 13.4).
GENERIC_REQUIRED = "Este campo es necesario."


def _check_one(client, citizen, procedure) -> list[str]:
    problems = []
    url = f"/tramites/{procedure.slug}/radicar/"
    page = client.get(url)
    html = page.content.decode()
    if page.status_code != 200 or "Radicar solicitud" not in html:
        return [f"GET {page.status_code}"]

    # Empty POST: every required question and document says so beside the field.
    empty = client.post(url, {"submission_token": str(uuid.uuid4())})
    html = empty.content.decode()
    form = FilingForm(
        procedure, {"submission_token": str(uuid.uuid4())}, applicant=citizen
    )
    form.is_valid()
    expected = [name for name in form.errors if name != "accept_privacy"]
    expected.append("accept_privacy")
    for name in expected:
        beside = re.search(
            rf'<div id="id_{name}_error"><p class="error">'
            rf'<span class="visually-hidden">Error:</span> ([^<]+)</p>',
            html,
        )
        if not beside:
            problems.append(f"no error beside {name}")
    if GENERIC_REQUIRED in html:
        problems.append("a generic required message")
    if "This field is required" in html:
        problems.append("English error")

    # A fee payable online is paid (sandbox PSE) before filing, as a citizen must.
    payment = None
    if fees.quote(procedure).payable_online:
        started = client.post(url, {"pagar": "1"})
        bank = started.get("Location", "")
        if not bank.startswith("/tramites/pagos/sandbox/"):
            return problems + [f"payment did not start: {started.status_code}"]
        back = client.post(bank, {"decision": "aprobar"})
        if back.get("Location") != url:
            return problems + ["bank did not return to the filing form"]
        payment = FilingPayment.objects.get(
            reference=bank.rstrip("/").rsplit("/", 1)[1]
        )
        if payment.status != "aprobado":
            return problems + [f"payment {payment.status}"]

    # Valid POST: a case with a radicado, in the owning entity's queue.
    form = FilingForm(procedure)
    data = {
        **valid_answers(form),
        **valid_files(form),
        "submission_token": str(uuid.uuid4()),
        "accept_privacy": "on",
    }
    filed = client.post(url, data)
    if filed.status_code != 302:
        errors = re.findall(
            r'<div id="id_(\w+)_error"><p class="error">'
            r'<span class="visually-hidden">Error:</span> ([^<]+)',
            filed.content.decode(),
        )
        return problems + [f"valid POST answered {filed.status_code}: {errors}"]
    case = Case.objects.get(submission_token=data["submission_token"])
    if filed["Location"] != f"/mis-tramites/{case.radicado}/":
        problems.append(f"redirect {filed['Location']}")
    if case.entity_id != procedure.entity_id or not case.radicado.startswith(
        f"{procedure.entity.code}-"
    ):
        problems.append(f"case {case.radicado} not in {procedure.entity.code}'s queue")
    if case.documents.filter(kind="carga").count() != len(form.document_specs):
        problems.append("documents not stored")
    if case.answers.get("solicitante_numero_documento") != (
        citizen.applicant_profile.document_number
    ):
        problems.append("applicant block not prefilled from the profile")
    if payment is not None:
        payment.refresh_from_db()
        if payment.case_id != case.pk:
            problems.append("approved payment not attached to the case")
    return problems


def test_every_fileable_procedure_files_end_to_end(client, demo_user, record_property):
    procedures = fileable_procedures()
    assert procedures, "no fileable procedures published"
    citizen = demo_user("ciudadano")
    client.force_login(citizen)
    started = time.perf_counter()
    failures = {}
    for procedure in procedures:
        problems = _check_one(client, citizen, procedure)
        if problems:
            failures[procedure.code] = problems
    elapsed = time.perf_counter() - started
    record_property("fileable_procedures", len(procedures))
    record_property("seconds", round(elapsed, 1))
    assert not failures, failures
    assert Case.objects.filter(applicant__username="ciudadano").count() >= len(
        procedures
    )
