"""Day, month and year boxes (GOV.UK date input) with messages that say what to fix."""

import datetime

from django import forms

import pytest

from catalog.date_input import DayMonthYearField


class BirthForm(forms.Form):
    born = DayMonthYearField(label="Fecha de nacimiento")


def errors(data) -> list[str]:
    form = BirthForm(data)
    assert not form.is_valid()
    return form.errors["born"]


def test_three_boxes_make_a_date():
    form = BirthForm({"born_0": "7", "born_1": "03", "born_2": "1990"})
    assert form.is_valid() and form.cleaned_data["born"] == datetime.date(1990, 3, 7)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("7", "", "1990", "La fecha debe incluir el mes."),
        ("", "3", "1990", "La fecha debe incluir el día."),
        ("7", "3", "", "La fecha debe incluir el año."),
        ("31", "4", "2026", "Escriba una fecha real, p. ej. 27 3 2007."),
        ("29", "2", "2025", "Escriba una fecha real, p. ej. 27 3 2007."),
        ("x", "3", "1990", "Escriba una fecha real, p. ej. 27 3 2007."),
        ("١", "3", "1990", "Escriba una fecha real, p. ej. 27 3 2007."),
        ("7", "3", "90", "El año debe tener 4 cifras, p. ej. 2007."),
        ("1", "1", "0001", "Escriba una fecha real, p. ej. 27 3 2007."),
        ("", "", "", "Escriba la fecha: día, mes y año."),
    ],
)
def test_each_mistake_gets_its_own_message(day, month, year, message):
    assert errors({"born_0": day, "born_1": month, "born_2": year}) == [message]


def test_a_value_saved_from_the_old_single_box_still_reads():
    for value in ("1990-03-07", "07/03/1990"):
        form = BirthForm({"born": value})
        assert form.is_valid() and form.cleaned_data["born"] == datetime.date(
            1990, 3, 7
        )
    assert errors({"born": "2025-02-29"}) == [
        "Escriba una fecha real, p. ej. 27 3 2007."
    ]


def test_each_box_has_its_label_inside_one_fieldset():
    field = BirthForm(initial={"born": datetime.date(1990, 3, 7)})["born"]
    assert field.use_fieldset
    html = str(field)
    for label, name, value in (
        ("Día", "born_0", "7"),
        ("Mes", "born_1", "3"),
        ("Año", "born_2", "1990"),
    ):
        assert f'<label for="id_{name}">{label}</label>' in html
        assert f'name="{name}" value="{value}"' in html
    assert html.count('inputmode="numeric"') == 3
