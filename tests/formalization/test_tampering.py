"""The wizard against a tampering browser (W-1, W-3, W-5) and bad field values
(docs/reliability.md part (c), items 1–5, 9, 13–23): steps cannot be skipped or reordered,
a bad value is answered beside its field in Spanish and nothing is stored for it,
and nothing a citizen types reaches a 500."""

import copy
import datetime
import json
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

import pytest

from audit.models import AuditEvent
from formalization.forms import MoneyField
from formalization.models import Application, Draft
from procedures.models import Case
from tests.audit_bodies import opened
from tests.procedures.conftest import MINIMAL_PDF

from .conftest import STEP_URL, WizardRun
from .personas import AGENCIA, SAS_SIN_LOCAL, TIENDA, post_data

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime.now(tz=ZoneInfo("America/Bogota")).date()


def born_years_ago(years: int, *, days_later: int = 0) -> str:
    day = TODAY + datetime.timedelta(days=days_later)
    try:
        return day.replace(year=day.year - years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28).isoformat()


# -- helpers -------------------------------------------------------------------------


def at_step(wizard, persona, step, username="ciudadano") -> WizardRun:
    """A run with every step before ``step`` answered as ``persona`` answers it."""
    run = wizard(username)
    run.answer(persona, stop_before=step)
    assert run.step == step
    return run


def stored_steps(run) -> dict:
    return Draft.objects.get(run_id=run.run_id).data.get("step_data", {})


def with_answers(persona, step, **changes) -> dict:
    answers = dict(persona["steps"][step])
    answers.update(changes)
    return answers


def persona_named(persona, name, **applicant) -> dict:
    persona = copy.deepcopy(persona)
    persona["steps"]["empresa"]["razon_social"] = name
    persona["steps"]["solicitante"].update(applicant)
    return persona


def assert_bad_request(response):
    assert response.status_code == 400
    assert response.templates[0].name == "formalization/bad_request.html"


def step_events(run, action="formalization.step_saved", step=None) -> list[dict]:
    """The audit bodies of one action in the run's chain, in order."""
    bodies = [
        opened(json.loads(event.body))
        for event in AuditEvent.objects.filter(
            chain_key=f"formalizacion:{run.run_id}", action=action
        ).order_by("seq")
    ]
    if step is not None:
        bodies = [body for body in bodies if body["details"]["step"] == step]
    return bodies


# -- control flow (W-1) ----------------------------------------------------------------


def test_post_without_management_form_is_400(wizard):
    run = wizard()
    answers = TIENDA["steps"]["solicitante"]
    data = {f"solicitante-{key}": value for key, value in answers.items()}
    assert_bad_request(run.client.post(run.url("solicitante"), data))
    assert stored_steps(run) == {}


@pytest.mark.parametrize(
    "management",
    [
        {"current_step": ""},
        {"current_step": "x" * 5000},
        {"current_step": "../empresa"},
        {"current_step": "solicitante\x00"},
        {"wrong_prefix": "solicitante"},
    ],
    ids=["empty", "huge", "path", "nul", "other-prefix"],
)
def test_garbled_or_unknown_current_step_is_400_never_500(wizard, management):
    run = wizard()
    data = post_data(run.hex, "solicitante", TIENDA["steps"]["solicitante"])
    del data[f"formaliza_{run.hex}-current_step"]
    for key, value in management.items():
        if key == "wrong_prefix":
            data[f"formaliza_{'0' * 32}-current_step"] = value
        else:
            data[f"formaliza_{run.hex}-{key}"] = value
    assert_bad_request(run.client.post(run.url("solicitante"), data))
    assert stored_steps(run) == {}


def test_unknown_step_name_is_400(wizard):
    run = wizard()
    response = run.post("pago", {"nombre": "x"})
    assert_bad_request(response)


def test_step_skipped_by_the_answers_is_400(wizard):
    """'sociedad' is shown only to a SAS: a persona natural cannot post it."""
    run = at_step(wizard, TIENDA, "empresa")
    response = run.post("sociedad", SAS_SIN_LOCAL["steps"]["sociedad"])
    assert_bad_request(response)
    assert "sociedad" not in stored_steps(run)
    assert step_events(run, step="sociedad") == []


def test_valid_later_step_before_earlier_ones_is_400_and_stores_nothing(wizard):
    run = wizard()
    response = run.post("ubicacion", TIENDA["steps"]["ubicacion"])
    assert_bad_request(response)
    # The final step with an empty draft (W-1's "direct POST of the final step").
    response = run.post("confirmacion", TIENDA["steps"]["confirmacion"])
    assert_bad_request(response)
    assert stored_steps(run) == {}
    assert not Application.objects.filter(draft__run_id=run.run_id).exists()


def test_goto_an_unreachable_step_is_400_and_the_final_post_still_fails(wizard):
    run = at_step(wizard, AGENCIA, "empresa")
    for goto in ("confirmacion", "sociedad", "enviar", "nada"):
        response = run.client.post(run.url("empresa"), {"wizard_goto_step": goto})
        assert_bad_request(response)
    response = run.post("confirmacion", AGENCIA["steps"]["confirmacion"])
    assert_bad_request(response)
    assert Application.objects.filter(draft__run_id=run.run_id).count() == 0


def test_goto_a_reachable_earlier_step_is_allowed(wizard):
    run = at_step(wizard, AGENCIA, "ubicacion")
    response = run.client.post(run.url("ubicacion"), {"wizard_goto_step": "empresa"})
    assert response.status_code == 302
    assert response["Location"] == run.url("empresa")


def test_get_of_a_later_unreachable_step_redirects_to_the_first_incomplete(wizard):
    run = at_step(wizard, AGENCIA, "ubicacion")
    for step in ("operacion", "documentos", "confirmacion"):
        response = run.client.get(run.url(step))
        assert response.status_code == 302, step
        assert response["Location"] == run.url("ubicacion")
    # An unknown or skipped step name goes back to the first step (formtools).
    response = run.client.get(run.url("sociedad"))
    assert response.status_code == 302
    assert STEP_URL.search(response["Location"]).group(2) == "solicitante"


def test_get_of_the_done_url_creates_nothing(wizard):
    run = at_step(wizard, AGENCIA, "confirmacion")
    response = run.client.get(run.url("enviar"))
    assert response.status_code == 302
    assert response["Location"] == run.url("confirmacion")
    assert not Application.objects.filter(draft__run_id=run.run_id).exists()
    assert Draft.objects.get(run_id=run.run_id).submitted_at is None


def test_refresh_of_an_earlier_step_after_moving_on_updates_it(wizard):
    """formtools issue #166: re-POST (F5) of step k once the browser is on k+1."""
    run = at_step(wizard, AGENCIA, "ubicacion")
    answers = with_answers(AGENCIA, "empresa", razon_social="Rutas del Páramo Andino")
    response = run.post("empresa", answers)
    assert response.status_code == 302
    assert response["Location"] == run.url("ubicacion")
    raw = stored_steps(run)["empresa"]
    assert raw["empresa-razon_social"] == ["Rutas del Páramo Andino"]
    saves = step_events(run, step="empresa")
    assert len(saves) == 2
    assert saves[-1]["before"]["razon_social"] == "Rutas del Páramo"
    assert saves[-1]["after"]["razon_social"] == "Rutas del Páramo Andino"
    # The same POST again changes nothing and records nothing more.
    count = len(step_events(run))
    assert run.post("empresa", answers).status_code == 302
    assert len(step_events(run)) == count


def test_changing_sas_to_persona_natural_drops_the_company_answers(wizard):
    """(c) item 9: an answer that hides a completed step takes its answers away."""
    run = at_step(wizard, SAS_SIN_LOCAL, "empresa")
    assert "sociedad" in stored_steps(run)
    response = run.post(
        "solicitante",
        with_answers(SAS_SIN_LOCAL, "solicitante", tipo="persona_natural"),
    )
    assert response.status_code == 302
    page = run.client.get(run.url("empresa"))
    assert page.status_code == 200
    steps = [item["slug"] for item in page.context["progress"]]
    assert "sociedad" not in steps
    natural = copy.deepcopy(SAS_SIN_LOCAL)
    natural["steps"]["solicitante"]["tipo"] = "persona_natural"
    run.step = "empresa"
    response = run.answer(natural)
    assert "/mis-tramites/solicitudes/VUE-" in response["Location"]
    application = Application.objects.get(draft__run_id=run.run_id)
    codes = set(application.items.values_list("code", flat=True))
    assert "F03" in codes
    assert not codes & {"F04", "F06", "F13"}
    company_fields = {
        "num_accionistas",
        "jovenes_mayoria",
        "capital_suscrito",
        "capital_pagado",
        "estatutos_modelo",
    }
    assert not company_fields & set(application.answers)
    for item in application.items.all():
        assert not company_fields & set(item.answers), item.code


# -- ownership and login --------------------------------------------------------------


def test_another_users_run_is_404_for_get_and_post(wizard, demo_user):
    run = at_step(wizard, AGENCIA, "empresa")
    other = Client()
    other.force_login(demo_user("ciudadana2"))
    for step in ("", "solicitante/", "empresa/", "enviar/"):
        assert other.get(f"/formaliza/{run.run_id}/{step}").status_code == 404
    data = post_data(run.hex, "empresa", AGENCIA["steps"]["empresa"])
    assert other.post(run.url("empresa"), data).status_code == 404
    assert (
        other.post(run.url("empresa"), {"wizard_goto_step": "solicitante"}).status_code
        == 404
    )
    assert "empresa" not in stored_steps(run)


def test_anonymous_is_sent_to_login(wizard):
    run = at_step(wizard, AGENCIA, "empresa")
    anonymous = Client()
    for response in (
        anonymous.get(run.url("empresa")),
        anonymous.post(
            run.url("empresa"),
            post_data(run.hex, "empresa", AGENCIA["steps"]["empresa"]),
        ),
        anonymous.post("/formaliza/"),
    ):
        assert response.status_code == 302
        assert "/cuenta/" in response["Location"] or "login" in response["Location"]
        assert "next=" in response["Location"]
    assert "empresa" not in stored_steps(run)
    assert Draft.objects.count() == 1


# -- replay (W-3) ---------------------------------------------------------------------


def test_replayed_final_post_files_nothing_new(wizard, demo_user):
    run = at_step(wizard, AGENCIA, "confirmacion")
    final = post_data(run.hex, "confirmacion", AGENCIA["steps"]["confirmacion"])
    first = run.client.post(run.url("confirmacion"), final)
    assert first.status_code == 302
    application = Application.objects.get(draft__run_id=run.run_id)
    cases = Case.objects.count()
    # Same session: Back button, then the last step again (issue #20).
    again = run.client.post(run.url("confirmacion"), final)
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    # Another citizen's session replaying the captured body.
    other = Client()
    other.force_login(demo_user("ciudadana2"))
    assert other.post(run.url("confirmacion"), final).status_code == 404
    # The same user without the CSRF token.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(demo_user("ciudadano"))
    assert strict.post(run.url("confirmacion"), final).status_code == 403
    assert Application.objects.filter(draft__run_id=run.run_id).count() == 1
    assert Application.objects.get().pk == application.pk
    assert Case.objects.count() == cases


def test_final_post_revalidates_every_step(wizard, client, demo_user):
    """A name registered by someone else while this run waited sends it back."""
    run = at_step(wizard, AGENCIA, "confirmacion")
    other = Client()
    other.force_login(demo_user("ciudadana2"))
    WizardRun(other).answer(
        persona_named(AGENCIA, "Rutas del Páramo", doc_numero="52123456")
    )
    response = run.post("confirmacion", AGENCIA["steps"]["confirmacion"])
    assert response.status_code == 302
    assert response["Location"] == run.url("empresa")
    assert not Application.objects.filter(draft__run_id=run.run_id).exists()
    page = run.client.get(run.url("empresa"))
    assert "Ya hay una empresa registrada" in page.content.decode()


# -- body and field limits (W-5, (c) 23) ----------------------------------------------


def test_1001_fields_is_400(wizard):
    run = wizard()
    data = post_data(run.hex, "solicitante", TIENDA["steps"]["solicitante"])
    for n in range(1001 - len(data)):
        data[f"relleno{n}"] = "x"
    assert len(data) == 1001
    response = run.client.post(run.url("solicitante"), data)
    assert response.status_code == 400
    assert stored_steps(run) == {}


def test_21_files_is_400(wizard):
    run = at_step(wizard, AGENCIA, "documentos")
    data = post_data(run.hex, "documentos", {})
    for n in range(21):
        data[f"documentos-f{n}"] = SimpleUploadedFile(
            f"f{n}.pdf", MINIMAL_PDF, content_type="application/pdf"
        )
    response = run.client.post(run.url("documentos"), data)
    assert response.status_code == 400
    assert not Draft.objects.get(run_id=run.run_id).documents.exists()


def test_same_field_twice_takes_the_last_value(wizard):
    run = wizard()
    data = post_data(run.hex, "solicitante", TIENDA["steps"]["solicitante"])
    data["solicitante-nombre"] = ["Ana Primera", "Ana Segunda"]
    data["solicitante-tipo"] = ["sas", "persona_natural"]
    response = run.client.post(run.url("solicitante"), data)
    assert response.status_code == 302
    page = run.client.get(run.url("solicitante"))
    form = page.context["form"]
    assert form["nombre"].value() == "Ana Segunda"
    assert form["tipo"].value() == "persona_natural"
    # The answer used later is the same one: no 'sociedad' step for a persona natural.
    page = run.client.get(run.url("empresa"))
    assert "sociedad" not in [item["slug"] for item in page.context["progress"]]


def test_unknown_fields_are_not_kept_in_the_draft(wizard):
    run = wizard()
    data = post_data(run.hex, "solicitante", TIENDA["steps"]["solicitante"])
    data["solicitante-es_admin"] = "si"
    data["solicitante-extra\x00"] = "a\x00b"
    data["solicitante-tarifa"] = "0"
    response = run.client.post(run.url("solicitante"), data)
    assert response.status_code == 302
    keys = set(stored_steps(run)["solicitante"])
    assert keys == {f"solicitante-{key}" for key in TIENDA["steps"]["solicitante"]}


def test_nul_in_a_checkbox_value_is_never_a_500(wizard):
    run = at_step(wizard, AGENCIA, "confirmacion")
    response = run.post(
        "confirmacion", {"acepta_aviso": "\x00", "declara_veracidad": "on"}
    )
    assert response.status_code == 400
    assert "confirmacion" not in stored_steps(run)
    assert not Application.objects.filter(draft__run_id=run.run_id).exists()


# -- field values ((c) 13–22) -----------------------------------------------------------

FUTURE = (TODAY + datetime.timedelta(days=30)).isoformat()
SEVENTEEN = born_years_ago(18, days_later=1)  # turns 18 tomorrow

MSG_DOC = "Escriba solo los números del documento (entre 5 y 10 dígitos)."
MSG_MONEY = "Escriba un valor en pesos, p. ej. 1.500.000 o 1.500.000,50."
MSG_DATE = "Escriba una fecha real, p. ej. 27 3 2007."
MSG_ADULT = "Quien solicita debe ser mayor de edad (18 años o más)."
MSG_CHOICE = "la enviada no está en la lista"

# (persona, step, field, bad value, message beside the field, a field kept as typed)
BAD_VALUES = [
    ("cedula-0", TIENDA, "solicitante", "doc_numero", "0", MSG_DOC, "telefono"),
    ("cedula-2-digits", TIENDA, "solicitante", "doc_numero", "12", MSG_DOC, "telefono"),
    (
        "cedula-11-digits",
        TIENDA,
        "solicitante",
        "doc_numero",
        "12345678901",
        MSG_DOC,
        "telefono",
    ),
    ("cedula-exponent", TIENDA, "solicitante", "doc_numero", "1e10", MSG_DOC, "nombre"),
    ("cedula-negative", TIENDA, "solicitante", "doc_numero", "-123", MSG_DOC, "nombre"),
    (
        "cedula-arabic-indic",
        TIENDA,
        "solicitante",
        "doc_numero",
        "١٢٣٤٥٦٧٨",
        MSG_DOC,
        "telefono",
    ),
    (
        "nit-check-digit",
        TIENDA,
        "solicitante",
        "nit",
        "1.020.304.050-9",
        "El NIT no es válido: revise el dígito de verificación.",
        "telefono",
    ),
    (
        "name-nul",
        TIENDA,
        "solicitante",
        "nombre",
        "María\x00José",
        "Quite los caracteres no permitidos de «Nombre completo»",
        "telefono",
    ),
    (
        "name-10000",
        TIENDA,
        "solicitante",
        "nombre",
        "a" * 10_000,
        "como máximo 120",
        "telefono",
    ),
    (
        "name-rtl-override",
        TIENDA,
        "solicitante",
        "nombre",
        "María \u202eZenúñ",
        "Escriba el nombre solo con letras, espacios, puntos o guiones.",
        "telefono",
    ),
    (
        "birth-feb-29",
        TIENDA,
        "solicitante",
        "fecha_nacimiento",
        "2025-02-29",
        MSG_DATE,
        "nombre",
    ),
    (
        "birth-april-31",
        TIENDA,
        "solicitante",
        "fecha_nacimiento",
        "31/04/2026",
        MSG_DATE,
        "nombre",
    ),
    (
        "birth-year-1",
        TIENDA,
        "solicitante",
        "fecha_nacimiento",
        "0001-01-01",
        MSG_DATE,
        "nombre",
    ),
    (
        "birth-future",
        TIENDA,
        "solicitante",
        "fecha_nacimiento",
        FUTURE,
        MSG_ADULT,
        "nombre",
    ),
    (
        "age-17",
        TIENDA,
        "solicitante",
        "fecha_nacimiento",
        SEVENTEEN,
        MSG_ADULT,
        "nombre",
    ),
    (
        "tipo-not-an-option",
        TIENDA,
        "solicitante",
        "tipo",
        "cooperativa",
        MSG_CHOICE,
        "nombre",
    ),
    (
        "doc-tipo-not-an-option",
        TIENDA,
        "solicitante",
        "doc_tipo",
        "NIT",
        MSG_CHOICE,
        "nombre",
    ),
    ("money-nan", TIENDA, "empresa", "activos", "NaN", MSG_MONEY, "razon_social"),
    ("money-1e309", TIENDA, "empresa", "activos", "1e309", MSG_MONEY, "razon_social"),
    ("money-negative", TIENDA, "empresa", "activos", "-5", MSG_MONEY, "razon_social"),
    (
        "money-30-digits",
        TIENDA,
        "empresa",
        "ingresos_estimados",
        "9" * 30,
        "El valor es demasiado grande.",
        "razon_social",
    ),
    (
        "money-31-digits",
        TIENDA,
        "empresa",
        "ingresos_estimados",
        "9" * 31,
        MSG_MONEY,
        "razon_social",
    ),
    (
        "ciiu-unknown",
        TIENDA,
        "empresa",
        "ciiu",
        "9999",
        "Elija una actividad de la lista CIIU",
        "razon_social",
    ),
    (
        "sas-name-without-suffix",
        SAS_SIN_LOCAL,
        "empresa",
        "razon_social",
        "Código Andino",
        "El nombre de una SAS debe terminar en «S.A.S.»",
        "ciiu",
    ),
    (
        "capital-paid-over-subscribed",
        SAS_SIN_LOCAL,
        "sociedad",
        "capital_pagado",
        "20.000.000",
        "El capital pagado no puede ser mayor que el capital suscrito.",
        "capital_suscrito",
    ),
    (
        "address-without-hash",
        TIENDA,
        "ubicacion",
        "direccion",
        "Calle 45 13-20",
        "Escriba la dirección con la nomenclatura de Bogotá",
        "localidad",
    ),
    (
        "localidad-not-an-option",
        TIENDA,
        "ubicacion",
        "localidad",
        "soacha",
        MSG_CHOICE,
        "direccion",
    ),
    (
        "chip-format",
        TIENDA,
        "establecimiento",
        "chip",
        "AAB0123ABCD",
        "El CHIP tiene 11 caracteres y empieza por AAA",
        "horario",
    ),
    (
        "chip-short",
        TIENDA,
        "establecimiento",
        "chip",
        "AAA123",
        "El CHIP tiene 11 caracteres y empieza por AAA",
        "horario",
    ),
    (
        "risk-class-not-an-option",
        TIENDA,
        "afiliaciones",
        "clase_riesgo",
        "9",
        MSG_CHOICE,
        "nomina_mensual",
    ),
]


def _errors_beside(html: str, step: str, field: str) -> str:
    match = re.search(
        rf'<div id="id_{step}-{field}_error">(.*?)</div>', html, flags=re.DOTALL
    )
    assert match, f"no error block beside {step}-{field}"
    return match.group(1)


@pytest.mark.parametrize(
    ("persona", "step", "field", "value", "message", "kept"),
    [case[1:] for case in BAD_VALUES],
    ids=[case[0] for case in BAD_VALUES],
)
def test_bad_value_is_answered_beside_its_field(
    wizard, persona, step, field, value, message, kept
):
    run = at_step(wizard, persona, step)
    before = stored_steps(run)
    events = len(step_events(run))
    answers = with_answers(persona, step, **{field: value})
    response = run.post(step, answers)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert any(message in error for error in form.errors[field]), form.errors[field]
    html = response.content.decode()
    assert escape(message) in _errors_beside(html, step, field)
    # The other answers come back as typed.
    typed = answers[kept]
    assert form[kept].value() == typed
    if not isinstance(typed, list) and form.fields[kept].widget.input_type == "text":
        assert f'value="{escape(typed)}"' in html
    # Nothing saved for that step.
    assert stored_steps(run) == before
    assert step not in stored_steps(run)
    assert len(step_events(run)) == events


def test_full_width_digits_are_accepted_as_ascii(wizard):
    run = wizard()
    answers = with_answers(TIENDA, "solicitante", doc_numero="１２３４５６７８", nit="")
    response = run.post("solicitante", answers)
    assert response.status_code == 302
    page = run.client.get(run.url("empresa"))
    assert page.context["form"].answers["doc_numero"] == "12345678"


def test_homonymy_with_a_submitted_application_is_an_error(wizard, client, demo_user):
    rival = Client()
    rival.force_login(demo_user("ciudadana2"))
    WizardRun(rival).answer(
        persona_named(AGENCIA, "Panadería La Espiga", doc_numero="52123456")
    )
    run = at_step(wizard, AGENCIA, "empresa")
    for name in (
        "Panadería La Espiga",
        "PANADERIA LA ESPIGA",
        "Panaderia la espiga SAS",
    ):
        response = run.post(
            "empresa", with_answers(AGENCIA, "empresa", razon_social=name)
        )
        assert response.status_code == 200, name
        errors = response.context["form"].errors["razon_social"]
        assert "Ya hay una empresa registrada" in errors[0]
    assert "empresa" not in stored_steps(run)


def test_money_is_read_the_colombian_way():
    field = MoneyField()
    assert field.clean("1,5") == Decimal("1.5")
    assert field.clean("1.500.000,50") == Decimal("1500000.50")
    assert field.clean("$ 1.500.000") == Decimal("1500000")
    assert field.clean("１．５００") == Decimal("1500")
    for bad in ("NaN", "Infinity", "1e309", "-5", "1,555", "1.500,000", "0x10"):
        with pytest.raises(ValidationError):
            field.clean(bad)


def test_colombian_amount_with_cents_through_the_wizard(wizard):
    run = at_step(wizard, TIENDA, "empresa")
    answers = with_answers(TIENDA, "empresa", activos="1.500.000,50")
    assert run.post("empresa", answers).status_code == 302
    page = run.client.get(run.url("ubicacion"))
    assert page.context["form"].answers["activos"] == Decimal("1500000.50")


def test_script_in_a_text_field_is_stored_and_rendered_escaped(wizard, demo_user):
    name = "<script>alert(1)</script> Tienda"
    persona = persona_named(AGENCIA, name)
    run = wizard()
    response = run.answer(persona)
    application = Application.objects.get(draft__run_id=run.run_id)
    assert application.business_name == name
    pages = [
        run.client.get(response["Location"]),
        run.client.get("/formaliza/"),
    ]
    auditor = Client()
    auditor.force_login(demo_user("auditor"))
    pages.append(auditor.get(f"/admin/auditoria/cadena/formalizacion:{run.run_id}/"))
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html


def test_script_in_a_text_field_is_escaped_in_the_step_form(wizard):
    run = at_step(wizard, TIENDA, "establecimiento")
    answers = with_answers(
        TIENDA, "establecimiento", horario='"><img src=x onerror=alert(1)>'
    )
    assert run.post("establecimiento", answers).status_code == 302
    html = run.client.get(run.url("establecimiento")).content.decode()
    assert "<img src=x" not in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
