"""Hostile input through the real middleware stack never reaches a 500 (issue 10.5).

Each test replays what the scanners sent: NUL bytes in query parameters (52 Wapiti
findings), an API offset past PostgreSQL's bigint, a signed payment notice nested
thousands deep, bidirectional controls in filing answers, and amounts written the
Colombian way.
"""

import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from formalization.models import Payment, PaymentNotice
from procedures import payments
from procedures.models import Case
from tests.formalization.conftest import WizardRun
from tests.formalization.personas import TIENDA
from tests.procedures.conftest import MINIMAL_PDF, publish_support_procedure

pytestmark = pytest.mark.django_db

NUL = "%00"
CATALOG_PARAMS = ("evento", "entidad", "publico", "nivel", "costo", "q", "pagina")
BIDI = [
    "\u202a",  # LEFT-TO-RIGHT EMBEDDING
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",
]


def client() -> Client:
    """A client that gets the 500 page, as a browser would, instead of the error."""
    return Client(raise_request_exception=False)


# -- NUL bytes -------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("param", CATALOG_PARAMS)
def test_nul_in_a_catalog_parameter_is_a_400(prefix, param):
    response = client().get(f"{prefix}/tramites/?{param}=caja{NUL}")
    assert response.status_code == 400
    assert "No pudimos leer su solicitud" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        f"/tramites/?{NUL}=1",  # in a parameter's name
        f"/tramites/?evento=crear-empresa&entidad={NUL}",
        f"/?q={NUL}",
        f"/tramites/{NUL}/",
        f"/tramites/matricula-mercantil-de-persona-natural/?x={NUL}",
        f"/datos/tramites.csv?entidad={NUL}",
        f"/api/v2/pages/?search={NUL}",
        f"/api/v2/pages/find/?html_path=/tramites/{NUL}/",
        f"/mis-tramites/?estado={NUL}",
        f"/cuenta/ingresar/?next=/{NUL}",
        f"/admin/?q={NUL}",
    ],
)
def test_nul_anywhere_in_the_url_is_a_400(url):
    assert client().get(url).status_code == 400


def test_nul_in_a_logged_in_officers_queue_filter_is_a_400(demo_user):
    officer = client()
    officer.force_login(demo_user("funcionario_ccb"))
    assert officer.get(f"/admin/casos/?tramite=F03{NUL}").status_code == 400


def test_a_cookie_with_a_nul_is_ignored_not_a_500():
    visitor = client()
    visitor.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    visitor.cookies["django_language"] = "en\x00"
    response = visitor.get("/tramites/")
    assert response.status_code == 200
    assert "Trámites y servicios" in response.content.decode()


def test_nul_in_the_login_form_is_an_error_beside_the_field(demo_user):
    response = client().post(
        "/cuenta/ingresar/", {"username": "ciudadano\x00", "password": "x" * 12}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


# -- pages API pagination --------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "offset=9223372036854775808",  # 2**63
        "offset=99999999999999999999",
        "offset=9223372036854775800&limit=20",  # past 2**63 - 1 once the limit is added
        "offset=9223372036854775807",
    ],
)
def test_api_offset_beyond_a_bigint_is_a_400(query):
    response = client().get(f"/api/v2/pages/?{query}")
    assert response.status_code == 400
    assert "offset" in response.json()["message"]


def test_api_large_but_countable_offset_is_an_empty_page():
    response = client().get("/api/v2/pages/?offset=1000000000000&limit=5")
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == [] and body["meta"]["total_count"] > 200


def test_api_limit_beyond_a_bigint_is_a_400():
    response = client().get("/api/v2/pages/?limit=99999999999999999999")
    assert response.status_code == 400


# -- payment notice --------------------------------------------------------------------

NOTICE_URL = "/formaliza/pagos/aviso/sandbox-pse/"


def signed_post(body: bytes):
    signature = payments.provider("sandbox-pse").sign(body)
    return client().post(
        NOTICE_URL,
        body,
        content_type="application/json",
        HTTP_X_SANDBOX_SIGNATURE=signature,
    )


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"event_id": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'{"event_id": "e", "reference": {"a": {"b": {"c": 1}}}}',
        b'{"event_id": "' + b"x" * 10_000 + b'"}',
        b'["not", "an", "object"]',
        b'"just a string"',
    ],
    ids=["deep-array", "deep-value", "nested-object", "oversized", "array", "string"],
)
def test_signed_but_malformed_notice_is_a_400_and_changes_nothing(body):
    before = (PaymentNotice.objects.count(), Payment.objects.count())
    response = signed_post(body)
    assert response.status_code == 400
    assert response.content == b"aviso rechazado"
    assert (PaymentNotice.objects.count(), Payment.objects.count()) == before


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert payments._json_depth(b'{"event_id": "[[[[{{{{\\"]]]"}') == 1
    assert payments._json_depth(b'{"a": [1, {"b": 2}]}') == 3


# -- filing answers: bidi controls and money -------------------------------------------


@pytest.fixture
def support_procedure():
    return publish_support_procedure()


def filing_answers(**changes) -> dict:
    answers = {
        "q_nombre_negocio": "Panadería La Espiga",
        "q_etapa": "Idea",
        "q_formalizado": "No",
        "q_ventas_mensuales": "",
        "q_telefono": "3001234567",
        "q_direccion": "Calle 26 # 13-19",
        "q_descripcion": "Necesito apoyo para formalizarme.\nGracias.",
        "accept_privacy": "on",
    }
    answers.update(changes)
    return answers


def file_case(citizen: Client, procedure, answers, prefix=""):
    document = SimpleUploadedFile("cedula.pdf", MINIMAL_PDF, "application/pdf")
    return citizen.post(
        f"{prefix}/tramites/{procedure.slug}/radicar/",
        {**answers, "submission_token": str(uuid.uuid4()), "doc_0": document},
    )


@pytest.fixture
def citizen(demo_user):
    browser = client()
    browser.force_login(demo_user("ciudadano"))
    return browser


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
@pytest.mark.parametrize("field", ["q_nombre_negocio", "q_descripcion", "q_direccion"])
def test_bidi_controls_in_a_filing_answer_are_refused_beside_the_field(
    citizen, support_procedure, char, field
):
    value = filing_answers()[field]
    spoofed = value[:5] + char + value[5:]
    response = file_case(citizen, support_procedure, filing_answers(**{field: spoofed}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "caracteres invisibles" in " ".join(errors[field])
    assert set(errors) == {field, "doc_0"} or set(errors) == {field}
    # The other answers are kept for the citizen to correct only this one.
    assert response.context["form"]["q_telefono"].value() == "3001234567"
    assert not Case.objects.filter(applicant__username="ciudadano").exists()


def test_bidi_controls_in_an_answer_to_an_officer_are_refused():
    from procedures.forms import AnswerForm

    form = AnswerForm({"version": 1, "answer": "Adjunto \u202efdp.exe el recibo"})
    assert not form.is_valid()
    assert "caracteres invisibles" in " ".join(form.errors["answer"])
    assert AnswerForm({"version": 1, "answer": "Línea uno\r\nLínea dos"}).is_valid()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1.000.000,50", "1000000.50"),
        ("$ 1.000.000", "1000000"),
        ("$\u00a01.000.000", "1000000"),  # as es-CO formatting prints it
        ("1000000", "1000000"),
        ("2.500,5", "2500.5"),
    ],
)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_filing_money_is_read_the_colombian_way(
    citizen, support_procedure, typed, stored, prefix
):
    response = file_case(
        citizen,
        support_procedure,
        filing_answers(q_ventas_mensuales=typed),
        prefix=prefix,
    )
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get(applicant__username="ciudadano")
    assert case.answers["ventas_mensuales"] == stored


@pytest.mark.parametrize("typed", ["1.5", "1000000.50", "1,000,000", "-5", "1e9"])
def test_filing_money_that_could_be_misread_is_refused(
    citizen, support_procedure, typed
):
    response = file_case(
        citizen, support_procedure, filing_answers(q_ventas_mensuales=typed)
    )
    assert response.status_code == 200
    assert "1.500.000,50" in " ".join(
        response.context["form"].errors["q_ventas_mensuales"]
    )
    assert not Case.objects.filter(applicant__username="ciudadano").exists()


def test_wizard_and_filing_share_one_money_field():
    from formalization import forms as wizard_forms
    from procedures.forms import MoneyField

    assert wizard_forms.MoneyField is MoneyField
    assert MoneyField().clean("$ 1.000.000") == Decimal("1000000")


def test_wizard_takes_a_money_amount_with_a_peso_sign(client, demo_user):
    client.force_login(demo_user("ciudadano"))
    run = WizardRun(client)
    run.answer(TIENDA, stop_before="empresa")
    answers = {**TIENDA["steps"]["empresa"], "activos": "$ 2.000.000"}
    assert run.post("empresa", answers).status_code == 302
    page = client.get(run.url("ubicacion"))
    assert page.context["form"].answers["activos"] == Decimal("2000000")


def test_wizard_refuses_bidi_controls_in_the_business_name(client, demo_user):
    client.force_login(demo_user("ciudadano"))
    run = WizardRun(client)
    run.answer(TIENDA, stop_before="empresa")
    answers = {**TIENDA["steps"]["empresa"], "razon_social": "Tienda \u2066Don Pepe"}
    response = run.post("empresa", answers)
    assert response.status_code == 200
    assert response.context["form"].errors["razon_social"]
