"""The one way money and dates are written (catalog/formatting.py); no database."""

import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format

import pytest

from catalog.formatting import format_cop, format_date, format_number


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal(1_234_567), "$ 1.234.567"),
        (Decimal("1234567.89"), "$ 1.234.567,89"),
        (Decimal("1234567.00"), "$ 1.234.567"),
        (Decimal("0.5"), "$ 0,50"),
        (Decimal(0), "$ 0"),
        (Decimal(999), "$ 999"),
        (Decimal(1000), "$ 1.000"),
        (Decimal(-8100), "-$ 8.100"),
    ],
)
def test_format_cop(amount, text):
    assert format_cop(amount) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1234567.49"), "$ 1.234.567"),
        (Decimal("1234567.5"), "$ 1.234.568"),
        (Decimal("0.5"), "$ 1"),
        (Decimal(8100), "$ 8.100"),
    ],
)
def test_a_fee_is_written_in_whole_pesos_rounded_half_up(amount, text):
    assert format_cop(amount, whole_pesos=True) == text


@pytest.mark.parametrize("amount", ["0", "999", "1000", "1234567", "98765432100"])
def test_whole_pesos_read_as_the_es_co_locale_writes_them(amount):
    """The catalog used Django's number_format; the digits are the same without it."""
    with translation.override("es-co"):
        localized = number_format(Decimal(amount), 0, force_grouping=True)
    with translation.override("en"):
        assert format_cop(Decimal(amount), whole_pesos=True) == f"$ {localized}"


def test_a_float_is_read_by_its_shortest_repr():
    assert format_number(0.1) == "0,10"
    assert format_number(1234.5) == "1.234,50"


def test_dates_are_day_month_year_digits_in_any_locale():
    with translation.override("en"):
        assert format_date(datetime.date(2026, 3, 4)) == "04/03/2026"
    assert format_date(datetime.date(2026, 12, 31)) == "31/12/2026"
