"""Dates typed as day, month and year boxes (the GOV.UK date input pattern).

A date picker is hard to use for a birth date and on a phone; three short boxes
with their own labels are not. Any app's form may use ``DayMonthYearField``: it
lives here, in the lowest layer that has forms, so the wizard and the online
filing forms share one widget and one set of messages."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)

PARTS = ("day", "month", "year")
MISSING = {
    "day": _("La fecha debe incluir el día."),
    "month": _("La fecha debe incluir el mes."),
    "year": _("La fecha debe incluir el año."),
}
NOT_REAL = _("Escriba una fecha real, p. ej. 27 3 2007.")
YEAR_DIGITS = _("El año debe tener 4 cifras, p. ej. 2007.")


class DayMonthYearWidget(forms.MultiWidget):
    """Three numeric boxes named ``<name>_0`` (day), ``_1`` (month), ``_2`` (year)."""

    template_name = "catalog/widgets/day_month_year.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        def box(size, autocomplete):
            return forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "maxlength": size,
                    "size": size,
                    "class": f"date-input-{'year' if size == 4 else 'part'}",
                    **({"autocomplete": autocomplete} if autocomplete else {}),
                }
            )

        super().__init__([box(2, ""), box(2, ""), box(4, "")], attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            return _split(value)
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        if not any(parts) and data.get(name):
            # One value under the field's own name: a draft saved when this was a
            # single date box (ISO or dd/mm/aaaa) still resumes.
            return _split(data.get(name))
        return parts

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = (_("Día"), _("Mes"), _("Año"))
        for subwidget, label in zip(
            context["widget"]["subwidgets"], labels, strict=True
        ):
            subwidget["label"] = label
        return context


def _split(text: str) -> list:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            date = datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
        return [str(date.day), str(date.month), str(date.year).zfill(4)]
    # Not a date: every part carries the text, so the message is "not a real date"
    # rather than "the month is missing".
    return [text, text, text]


class DayMonthYearField(forms.MultiValueField):
    """A date from three boxes, with a message that says which part is wrong."""

    widget = DayMonthYearWidget

    def __init__(self, *, earliest=EARLIEST, latest=LATEST, **kwargs):
        self.earliest, self.latest = earliest, latest
        parts = [forms.CharField(required=False) for _part in PARTS]
        kwargs.setdefault(
            "error_messages",
            {"required": _("Escriba la fecha: día, mes y año.")},
        )
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        return date_from_parts(
            *(data_list or ["", "", ""]), earliest=self.earliest, latest=self.latest
        )


def date_from_parts(day, month, year, *, earliest=EARLIEST, latest=LATEST):
    """The date the three boxes name, None if all are empty, or ValidationError."""
    values = {
        part: (value or "").strip()
        for part, value in zip(PARTS, (day, month, year), strict=True)
    }
    if not any(values.values()):
        return None
    for part in PARTS:
        if not values[part]:
            raise ValidationError(MISSING[part], code=f"missing_{part}")
    if not all(value.isascii() and value.isdigit() for value in values.values()):
        raise ValidationError(NOT_REAL, code="not_real")
    if len(values["year"]) != 4:
        raise ValidationError(YEAR_DIGITS, code="year_digits")
    try:
        date = datetime.date(
            int(values["year"]), int(values["month"]), int(values["day"])
        )
    except ValueError as error:
        raise ValidationError(NOT_REAL, code="not_real") from error
    if not earliest <= date <= latest:
        raise ValidationError(NOT_REAL, code="not_real")
    return date
