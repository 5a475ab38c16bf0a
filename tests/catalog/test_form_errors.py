"""Every form a citizen sees says how to fix each field (issue 13, point 4): submitted
empty and with bad values, no message is one of Django's generic ones ("Este campo
es obligatorio.", "Introduzca un valor válido."), and the pages show the error
summary, the messages beside the fields and "Error:" in the title."""

import inspect
import re
from types import SimpleNamespace

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

import pytest
from bs4 import BeautifulSoup

from accounts import forms as account_forms
from catalog.blocks import FIELD_TYPES
from catalog.form_errors import fix_messages, kind_messages
from formalization import forms as wizard_forms
from formalization.steps import STEPS
from procedures import forms as filing_forms

pytestmark = pytest.mark.django_db


class Every(dict):
    """Any placeholder a message asks for gets the same number."""

    def __init__(self, number: int):
        super().__init__()
        self.number = number

    def __missing__(self, key):
        return self.number


def django_messages() -> list[str]:
    """Django's own messages, as a citizen would read them (es-CO): every form field's
    defaults, every core validator's, and the password forms'; a plural message in
    its singular and its plural."""
    texts = []
    for _name, klass in inspect.getmembers(forms.fields, inspect.isclass):
        texts += getattr(klass, "default_error_messages", {}).values()
    for _name, value in inspect.getmembers(validators):
        message = getattr(value, "message", None)
        if message is not None and not inspect.ismodule(value):
            texts.append(message)
    texts += SetPasswordMixin.error_messages.values()
    rendered = set()
    with translation.override("es-co"):
        for text in texts:
            for number in (1, 7777):
                rendered.add(re.sub(rf"\b{number}\b", "%(n)s", text % Every(number)))
    return sorted(rendered)


def as_pattern(message: str) -> re.Pattern:
    parts = message.split("%(n)s")
    return re.compile(".+".join(re.escape(part) for part in parts), re.IGNORECASE)


GENERIC = [as_pattern(message) for message in django_messages()]


def generic(message: str) -> bool:
    return any(pattern.fullmatch(message) for pattern in GENERIC)


def test_the_generic_list_holds_the_messages_citizens_complained_about():
    assert generic("Este campo es necesario.")  # as the issue quotes it
    with translation.override("es-co"):
        assert generic(gettext("This field is required."))
        assert generic(gettext("Enter a valid value."))
        with pytest.raises(forms.ValidationError) as too_long:
            forms.CharField(max_length=5).clean("1234567")
        assert generic(too_long.value.messages[0])
    assert not generic("Escriba su número de documento, solo números.")


# --- The forms citizens see, each with its fields present -------------------------

ALL_ANSWERS = {
    "tipo": "sas",
    "tiene_establecimiento": True,
    "num_empleados": 3,
    "estatutos_modelo": False,
    "aviso_exterior": True,
    "interes_sanitario": True,
    "musica_publica": True,
    "impactos_ambientales": ["vertimientos", "respel", "aceites", "emisiones"],
    "servicio_turistico": "alojamiento",
    "ciiu": "5511",
    "capital_pagado": 1,
    "ingresos_estimados": 1,
}


def every_field_type_procedure():
    """A procedure page in memory whose online form has a question of every kind an
    editor may choose, and one required document."""
    question = [
        SimpleNamespace(
            value={
                "name": kind,
                "label": f"Pregunta {kind}",
                "field_type": kind,
                "required": True,
                "help_text": "",
                "choices": ["Uno", "Dos"] if kind == "choice" else [],
            }
        )
        for kind in sorted(FIELD_TYPES)
    ]
    document = SimpleNamespace(
        value={
            "name": "Certificado de tradición",
            "required": True,
            "formats": ["pdf"],
            "max_size_mb": 5,
        }
    )
    return SimpleNamespace(online_form=question, required_documents=[document])


def citizen_forms(data, files=None):
    """(name, bound form) for every form class a citizen fills in."""
    user = get_user_model()(username="x@example.com")
    yield "signup", account_forms.SignupForm(data)
    yield "profile", account_forms.IdentityForm(data, user=None)
    yield "login", account_forms.LoginForm(None, data=data)
    yield "email", account_forms.EmailForm(data)
    yield "password_reset", account_forms.PasswordResetRequestForm(data)
    yield "new_password", account_forms.NewPasswordForm(user, data)
    yield (
        "filing",
        filing_forms.FilingForm(every_field_type_procedure(), data, files),
    )
    yield "answer", filing_forms.AnswerForm(data, files)
    yield "extension", filing_forms.CitizenExtensionForm(data)
    for step in STEPS:
        yield (
            f"wizard:{step.slug}",
            step.form(data, files, answers=ALL_ANSWERS, draft=None),
        )


def bad_value(field: forms.Field, *, long: bool):
    """A value the field refuses: of the wrong kind, or too long / too small."""
    if isinstance(field, forms.BooleanField):
        return ""
    if isinstance(field, forms.FileField):
        return None  # sent as an empty file
    if isinstance(field, forms.MultipleChoiceField):
        return ["zzz"]
    if isinstance(field, forms.ChoiceField):
        return "zzz"
    if isinstance(field, (forms.IntegerField, forms.DecimalField)):
        return "-5" if long else "doce"
    if isinstance(field, forms.DateField):
        return "32/13/2020"
    if isinstance(field, forms.EmailField):
        return "a" * 300 + "@x.co" if long else "nombre@"
    if isinstance(field, forms.UUIDField):
        return "no-es-un-uuid"
    if long and getattr(field, "max_length", None):
        return "x" * (field.max_length + 1)
    return "x"  # below any min_length, and not a document, CHIP, NIT or address


def bad_submission(*, long: bool):
    data, files = {"solicitante_actua": "empresa"}, {}
    for _name, form in citizen_forms({}):
        for name, field in form.fields.items():
            if name == "solicitante_actua":
                continue
            value = bad_value(field, long=long)
            if value is None:
                files[name] = SimpleUploadedFile("vacio.pdf", b"")
            else:
                data[name] = value
    return data, files


def messages(form) -> list[str]:
    return [str(text) for errors in form.errors.values() for text in errors]


def test_submitted_empty_every_required_field_says_how_to_fix_it():
    with translation.override("es-co"):
        for name, form in citizen_forms({}):
            errors = form.errors
            for field_name, field in form.fields.items():
                # (A value not sent may be prefilled: the filing's applicant block.)
                if field.required and not form.data.get(field_name):
                    assert field_name in errors, (name, field_name)
            leftover = [text for text in messages(form) if generic(text)]
            assert not leftover, (name, leftover)


@pytest.mark.parametrize("long", [False, True], ids=["wrong-kind", "too-long"])
def test_submitted_with_bad_values_no_generic_message_remains(long):
    data, files = bad_submission(long=long)
    seen = 0
    with translation.override("es-co"):
        for name, form in citizen_forms(data, files):
            texts = messages(form)
            seen += len(texts)
            leftover = [text for text in texts if generic(text)]
            assert not leftover, (name, leftover)
    assert seen > 60  # the bad values really were refused


def test_a_message_names_the_field_it_is_about():
    field = forms.IntegerField(label="Área del local (m²)", min_value=1)
    with translation.override("es-co"):
        fixed = kind_messages(field)
    assert "«Área del local (m²)»" in fixed["required"]
    assert "«Área del local (m²)»" in fixed["min_value"]


def test_a_label_with_a_percent_sign_survives_the_validators_formatting():
    form = forms.Form()
    form.fields["tasa"] = forms.CharField(label="Tasa (%)", max_length=2)
    fix_messages(form)
    with pytest.raises(forms.ValidationError) as refused:
        form.fields["tasa"].clean("abc")
    assert "«Tasa (%)»" in refused.value.messages[0]
    assert "como máximo 2 caracteres" in refused.value.messages[0]


def test_a_message_a_form_chose_is_kept():
    form = wizard_forms.AffiliationsForm({}, answers={"num_empleados": 1})
    assert form.errors["arl"] == ["Elija la ARL a la que afiliará a sus trabajadores."]
    assert form.errors["fecha_primer_contrato"]  # the date's own message by kind


# --- What the pages show --------------------------------------------------------


def test_signup_with_errors_shows_the_summary_the_messages_and_the_title(client):
    response = client.post(
        reverse("cuenta:signup"),
        {"first_name": "Ana María", "document_type": "CC", "email": "ana@"},
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.title.string.startswith("Error: ")
    summary = soup.find(class_="error-summary")
    assert summary.h2.get_text() == "Hay un problema"
    assert summary["tabindex"] == "-1" and summary.has_attr("autofocus")
    assert soup.find("script", src=re.compile(r"forms/error_summary\.js"))
    links = summary.find_all("a")
    assert links
    for link in links:
        target = soup.find(id=link["href"].removeprefix("#"))
        assert target is not None and target.name in ("input", "select", "textarea")
        assert target["aria-invalid"] == "true"
        described = soup.find(id=f"{target['id']}_error")
        assert described["id"] in target["aria-describedby"].split()
        assert described.find(class_="visually-hidden").get_text() == "Error:"
    number = soup.find(id="id_document_number_error").get_text(" ", strip=True)
    assert (
        number
        == "Error: Escriba su número de documento: la cédula solo con números; el NIT con su dígito de verificación."
    )
    email = soup.find(id="id_email_error").get_text(" ", strip=True)
    assert "nombre@dominio.co" in email
    # The answers given are kept.
    assert soup.find(id="id_first_name")["value"] == "Ana María"


def test_a_page_without_errors_has_no_error_title(client):
    response = client.get(reverse("cuenta:signup"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert not soup.title.string.startswith("Error")
    assert soup.find(class_="error-summary") is None


def test_valid_answers_still_pass():
    # The messages change, the rules do not.
    form = wizard_forms.EmployeesForm({"num_empleados": "0"})
    assert form.is_valid(), form.errors


def test_the_summary_links_each_message_to_its_control_and_names_the_field_once():
    form = wizard_forms.OperationForm({}, answers=ALL_ANSWERS)
    form.add_error(None, "Revise el paso anterior.")
    with translation.override("es-co"):
        form.is_valid()
        soup = BeautifulSoup(
            render_to_string("forms/error_summary.html", {"form": form}),
            "html.parser",
        )
    items = [li.get_text() for li in soup.find_all("li")]
    assert items[0] == "Revise el paso anterior."  # not a field's: no link
    links = {a["href"]: a.get_text() for a in soup.find_all("a")}
    # A radio group links to its first radio; the message names the question once.
    assert links["#id_servicio_turistico_0"] == (
        "Elija una de las respuestas de «¿Prestará servicios turísticos?»."
    )
    assert len(links) == len(form.errors) - 1


def test_the_error_title_leaves_the_context_s_lazy_values_alone(client):
    # Evaluating the CSRF token would set its cookie: the page would not be cached.
    response = client.get("/tramites/")
    assert response.status_code == 200
    assert not response.cookies
