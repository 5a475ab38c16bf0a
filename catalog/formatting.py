"""How money and dates are written for a Colombian reader, the same on every page,
e-mail, PDF and message: ``$ 1.234.567``, ``$ 1.234.567,89``, ``04/12/2026``.

Written out by hand rather than with ``django.utils.formats`` so that a Celery task,
a management command or a test without an active language prints the same digits
as the page does.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

ONE_PESO = Decimal("1")
CENT = Decimal("0.01")


def _decimal(value) -> Decimal:
    # A float goes through its shortest repr: Decimal(0.1) is 0.1000000000000000055…
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def format_number(amount) -> str:
    """Colombian digits: ``1.234.567`` or ``1.234.567,89``; cents only when non-zero."""
    amount = _decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    pesos, cents = f"{abs(amount):,.2f}".split(".")
    text = pesos.replace(",", ".")
    if cents != "00":
        text = f"{text},{cents}"
    return f"{sign}{text}"


def format_cop(amount, *, whole_pesos: bool = False) -> str:
    """Pesos: ``$ 1.234.567``; cents only when non-zero, or never with ``whole_pesos``
    (a fee is charged in whole pesos, rounded half up)."""
    amount = _decimal(amount)
    if whole_pesos:
        amount = amount.quantize(ONE_PESO, rounding=ROUND_HALF_UP)
    text = format_number(amount)
    sign = "-" if text.startswith("-") else ""
    return f"{sign}$ {text.removeprefix('-')}"


def format_date(value: datetime.date) -> str:
    """``dd/mm/aaaa``, digits only, whatever the active locale."""
    return value.strftime("%d/%m/%Y")
