"""What a procedure costs this year, in pesos, with its legal basis: the one place that
turns the catalog's fee data into an amount, for the page and for the payment.

Only fixed fees are charged online. Fees in UVB, UVT or SMMLV/SMDLV are converted with
the value of the year they are paid in (catalog/parameters.py); a year without its value
is never replaced by another year's. A fixed amount in pesos is the one the page was
last reviewed for: in a later year it must be reviewed again before it is charged.
Formulas and tables need the entity's own data, so the entity computes them.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import parameters

FREE = "free"
ONLINE = "online"  # A fixed amount, paid here before filing.
ENTITY = "entity"  # The entity computes it; nothing is charged online.
UNAVAILABLE = "unavailable"  # Fixed, but this year's value is not known yet.

ONE_PESO = Decimal("1")
# Registry fees of the chambers of commerce (Decreto 1074 de 2015, art. 2.2.2.46.1.10):
# up to 3 % of the SMMLV rounded to the nearest 100 pesos, above it to the nearest 1.000.
CHAMBER_ENTITIES = frozenset({"CCB"})
CHAMBER_THRESHOLD_SHARE = Decimal("0.03")

UNIT_PARAMETERS = {
    "UVB": parameters.UVB,
    "UVT": parameters.UVT,
    "SMMLV": parameters.SMMLV,
    "SMDLV": parameters.SMMLV,
}


@dataclass(frozen=True)
class FeeQuote:
    kind: str
    year: int
    legal_basis: str
    amount: Decimal | None = None  # Pesos, only when kind is ONLINE.
    explanation: str = ""  # How the amount follows from the unit, or why there is none.

    @property
    def payable_online(self) -> bool:
        return self.kind == ONLINE and bool(self.amount)

    @property
    def label(self) -> str:
        if self.kind == FREE:
            return _("Gratuito")
        if self.kind == ONLINE:
            return format_cop(self.amount)
        if self.kind == UNAVAILABLE:
            return _("Valor de %(year)s aún no disponible") % {"year": self.year}
        return _("La entidad calcula el valor")


def format_cop(amount: Decimal) -> str:
    return "$ " + number_format(
        amount.quantize(ONE_PESO, rounding=ROUND_HALF_UP), 0, force_grouping=True
    )


def current_year() -> int:
    return timezone.localdate().year


def _round(amount: Decimal, *, entity_code: str, year: int) -> Decimal:
    if entity_code not in CHAMBER_ENTITIES:
        return amount.quantize(ONE_PESO, rounding=ROUND_HALF_UP)
    threshold = parameters.smmlv(year) * CHAMBER_THRESHOLD_SHARE
    step = Decimal(100) if amount <= threshold else Decimal(1000)
    return (amount / step).quantize(ONE_PESO, rounding=ROUND_HALF_UP) * step


def quote(procedure, year: int | None = None) -> FeeQuote:
    """The fee of ``procedure`` in ``year`` (this year in Bogotá by default)."""
    year = year or current_year()
    basis = procedure.fee_legal_basis
    rule, unit = procedure.fee_rule, procedure.fee_unit
    units = Decimal(procedure.fee_amount or 0)
    if not procedure.requires_payment or rule == "FREE":
        return FeeQuote(FREE, year, basis)
    if rule != "FIXED" or units <= 0:
        # A formula, a table or an unknown amount: never "free", never charged here.
        how = procedure.fee_formula or _(
            "El valor depende de los datos de su solicitud."
        )
        return FeeQuote(
            ENTITY,
            year,
            basis,
            explanation=_(
                "%(how)s La entidad le informa el valor y cómo pagarlo; en línea no se cobra."
            )
            % {"how": how.rstrip(".") + "."},
        )
    if unit == "COP":
        reviewed = procedure.last_reviewed
        reviewed_year = reviewed.year if isinstance(reviewed, datetime.date) else None
        if reviewed_year != year:
            return FeeQuote(
                UNAVAILABLE,
                year,
                basis,
                explanation=_(
                    "El valor publicado es de %(old)s; la entidad aún no ha confirmado el de %(year)s. No se cobra en línea."
                )
                % {"old": reviewed_year or "—", "year": year},
            )
        return FeeQuote(
            ONLINE,
            year,
            basis,
            amount=units.quantize(ONE_PESO, rounding=ROUND_HALF_UP),
            explanation=_("Valor en pesos de %(year)s.") % {"year": year},
        )
    name = UNIT_PARAMETERS.get(unit)
    if name is None:
        return FeeQuote(ENTITY, year, basis, explanation=procedure.fee_formula)
    try:
        parameter = parameters.parameter(name, year)
        per_unit = parameter.value / 30 if unit == "SMDLV" else parameter.value
        amount = _round(units * per_unit, entity_code=procedure.entity.code, year=year)
    except parameters.ParameterMissing:
        return FeeQuote(
            UNAVAILABLE,
            year,
            basis,
            explanation=_(
                "Aún no se ha publicado el valor de %(unit)s para %(year)s; no se cobra en línea."
            )
            % {"unit": unit, "year": year},
        )
    return FeeQuote(
        ONLINE,
        year,
        basis,
        amount=amount,
        explanation=_(
            "%(units)s %(unit)s × %(value)s (%(unit)s %(year)s, %(source)s) = %(amount)s."
        )
        % {
            "units": number_format(units.normalize()),
            "unit": unit,
            "value": format_cop(per_unit),
            "year": year,
            "source": parameter.basis,
            "amount": format_cop(amount),
        },
    )
