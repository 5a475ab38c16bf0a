"""The online-form data contract (catalog/data/online_forms/*.yaml) and the field
types and "show if" rules the filing form builds from it."""

from types import SimpleNamespace

import pytest
import yaml

from catalog.seed import CatalogDataError, read_online_forms
from procedures.forms import FilingForm

FORM = {
    "four_eyes": False,
    "form": [
        {"name": "a", "label": "A", "field_type": "text", "required": True},
    ],
    "documents": [],
}


def write(folder, name, data):
    (folder / "online_forms").mkdir(exist_ok=True)
    (folder / "online_forms" / name).write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )


def test_a_code_of_another_entity_an_unknown_or_a_repeated_code_is_refused(tmp_path):
    write(tmp_path, "SDP.yaml", {"SDH-001": FORM})
    with pytest.raises(CatalogDataError, match="es de SDH, no de SDP"):
        read_online_forms(tmp_path, entity_of={"SDH-001": "SDH"})
    with pytest.raises(CatalogDataError, match="código desconocido"):
        read_online_forms(tmp_path, entity_of={})
    text = yaml.safe_dump({"SDP-001": FORM}, allow_unicode=True)
    (tmp_path / "online_forms" / "SDP.yaml").write_text(text + text, encoding="utf-8")
    with pytest.raises(CatalogDataError, match="SDP.yaml: línea .* repetido 'SDP-001'"):
        read_online_forms(tmp_path, entity_of={"SDP-001": "SDP"})


def test_examples_yield_to_the_entity_file_and_in_person_needs_a_reason(tmp_path):
    example = {**FORM, "form": [{**FORM["form"][0], "label": "Ejemplo"}]}
    write(tmp_path, "_examples.yaml", {"SDP-001": example, "SDP-002": example})
    write(tmp_path, "SDP.yaml", {"SDP-001": FORM})
    forms = read_online_forms(tmp_path, entity_of={"SDP-001": "SDP", "SDP-002": "SDP"})
    assert forms["SDP-001"]["form"][0]["label"] == "A"
    assert forms["SDP-002"]["form"][0]["label"] == "Ejemplo"
    write(tmp_path, "SDP.yaml", {"SDP-001": {"in_person": {"reason": " "}}})
    with pytest.raises(CatalogDataError, match="in_person necesita reason"):
        read_online_forms(tmp_path, entity_of={"SDP-001": "SDP", "SDP-002": "SDP"})


@pytest.mark.parametrize(
    "question, message",
    [
        ({"name": "solicitante_x"}, "nombre inválido"),
        ({"field_type": "color"}, "tipo desconocido"),
        ({"field_type": "choice", "choices": ["Solo una"]}, "de 2 a 12 opciones"),
        ({"show_if": {"field": "b", "equals": "Sí"}}, "pregunta anterior"),
        ({"show_if": {"field": "a"}}, "field y equals o in"),
    ],
)
def test_a_question_outside_the_contract_is_refused(tmp_path, question, message):
    spec = {
        **FORM,
        "form": [FORM["form"][0], {**FORM["form"][0], "name": "c", **question}],
    }
    write(tmp_path, "SDP.yaml", {"SDP-001": spec})
    with pytest.raises(CatalogDataError, match=message):
        read_online_forms(tmp_path, entity_of={"SDP-001": "SDP"})


APPLICANT = {
    "solicitante_actua": "propio",
    "solicitante_nombres": "Ana María",
    "solicitante_apellidos": "Rojas Pérez",
    "solicitante_tipo_documento": "CC",
    "solicitante_numero_documento": "1020304050",
    "solicitante_correo": "ana@example.com",
    "submission_token": "8f1c1d1e-0000-4000-8000-000000000000",
    "accept_privacy": "on",
}


def procedure(fields, documents=()):
    base = {
        "required": True,
        "help_text": "",
        "choices": [],
        "show_if_field": "",
        "show_if_values": "",
    }
    return SimpleNamespace(
        online_form=[SimpleNamespace(value={**base, **f}) for f in fields],
        required_documents=[SimpleNamespace(value=d) for d in documents],
    )


IDENTIFIERS = procedure(
    [
        {"name": "cc", "label": "Cédula", "field_type": "cedula"},
        {"name": "nit", "label": "NIT", "field_type": "nit"},
        {"name": "ce", "label": "CE", "field_type": "cedula_extranjeria"},
        {"name": "pp", "label": "Pasaporte", "field_type": "pasaporte"},
        {"name": "chip", "label": "CHIP", "field_type": "chip"},
        {"name": "mm", "label": "Matrícula", "field_type": "matricula_mercantil"},
        {"name": "placa", "label": "Placa", "field_type": "placa"},
    ]
)


def test_identifiers_are_checked_and_kept_compact():
    good = {
        "q_cc": "1.020.304.050",
        "q_nit": "900373913-4",
        "q_ce": "345678",
        "q_pp": "ab 123456",
        "q_chip": "aaa0012abcd",
        "q_mm": "01234567",
        "q_placa": "abc-12d",
    }
    form = FilingForm(
        IDENTIFIERS,
        {**good, **APPLICANT},
    )
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers.pop("solicitante_numero_documento") == "1020304050"
    assert answers == {
        "solicitante_actua": "propio",
        "solicitante_nombres": "Ana María",
        "solicitante_apellidos": "Rojas Pérez",
        "solicitante_tipo_documento": "CC",
        "solicitante_correo": "ana@example.com",
        "cc": "1020304050",
        "nit": "900373913-4",
        "ce": "345678",
        "pp": "AB123456",
        "chip": "AAA0012ABCD",
        "mm": "01234567",
        "placa": "ABC12D",
    }
    bad = {
        "q_cc": "12a",
        "q_nit": "900373913-5",
        "q_ce": "x",
        "q_pp": "ab",
        "q_chip": "AAA12ABCD",
        "q_mm": "12",
        "q_placa": "AB1234",
    }
    form = FilingForm(IDENTIFIERS, bad)
    assert not form.is_valid()
    assert "dígito de verificación" in form.errors["q_nit"][0]
    assert "AAA0012ABCD" in form.errors["q_chip"][0]
    assert "ABC123" in form.errors["q_placa"][0]
    assert all(form.errors[name] for name in bad)


CHAINED = procedure(
    [
        {"name": "tiene", "label": "¿Tiene vehículo?", "field_type": "yes_no"},
        {
            "name": "placa",
            "label": "Placa",
            "field_type": "placa",
            "show_if_field": "tiene",
            "show_if_values": "Sí",
        },
        {
            "name": "tipo",
            "label": "Tipo",
            "field_type": "choice",
            "choices": ["Carro", "Moto"],
            "show_if_field": "tiene",
            "show_if_values": "Sí",
        },
        {
            "name": "cilindraje",
            "label": "Cilindraje",
            "field_type": "number",
            "show_if_field": "tipo",
            "show_if_values": "Moto\nCarro",
        },
    ]
)


def test_show_if_hides_questions_server_side_and_drops_their_answers():
    token = APPLICANT
    # "No": the placa is not asked (not required, its stale invalid answer dropped),
    # and the cilindraje under the hidden "tipo" is hidden too.
    form = FilingForm(
        CHAINED, {**token, "q_tiene": "No", "q_placa": "???", "q_tipo": "Moto"}
    )
    assert form.is_valid(), form.errors
    assert {
        k: v for k, v in form.answers().items() if not k.startswith("solicitante_")
    } == {"tiene": "No"}
    # "Sí": the children are required and answered in Spanish beside each field.
    form = FilingForm(CHAINED, {**token, "q_tiene": "Sí"})
    assert not form.is_valid()
    assert set(form.errors) == {"q_placa", "q_tipo"}
    assert form.errors["q_placa"] == ["Escriba la placa sin espacios, p. ej. ABC123."]
    # The company's name and NIT are asked only of who acts for a company.
    form = FilingForm(
        CHAINED,
        {
            **token,
            "q_tiene": "No",
            "solicitante_actua": "empresa",
            "solicitante_nit": "900373913-5",
        },
    )
    assert not form.is_valid()
    assert set(form.errors) == {"solicitante_empresa", "solicitante_nit"}
    assert "dígito de verificación" in form.errors["solicitante_nit"][0]
    rows = {row.name: row for row in FilingForm(CHAINED).question_rows()}
    assert rows["q_cilindraje"].show_if["field"] == "q_tipo"
    assert "respondió: Moto / Carro" in rows["q_cilindraje"].show_if["hint"]
    html = str(FilingForm(CHAINED)["q_placa"])
    assert 'name="q_placa"' in html


def test_document_validity_is_stated_beside_the_field():
    spec = {
        "name": "Certificado de tradición",
        "formats": ["pdf"],
        "max_size_mb": 5,
        "required": True,
        "validity": "Expedido hace no más de 30 días",
    }
    form = FilingForm(procedure([], [spec]))
    assert (
        form["doc_0"].help_text
        == "Formatos: PDF. Máximo 5 MB. Vigencia: Expedido hace no más de 30 días."
    )
