"""What a procedure costs this year, in pesos, with its legal basis: the one place that
turns the catalog's fee data into an amount, for the page and for the payment.

Only fixed fees are charged online. Fees in UVB, UVT or SMMLV/SMDLV are converted with
the value of the year they are paid in (catalog/parameters.py); a year without its value
is never replaced by another year's. A fixed amount in pesos is the one the page was
last reviewed for: in a later year it must be reviewed again before it is charged.
Formulas and tables need the entity's own data, so the entity computes them.

"Gratuito" is a statement of law: it is shown only when the basis names where the
gratuity comes from (a norm, or the entity's official record: its SUIT ficha, its
official form). "We found no fee" is a research note, not a basis: such procedures
say the value must be asked to the entity, and the note stays with editors
(``data_quality_notes``). Social-security contributions are not a fee for the
filing: they are shown as contributions paid monthly through the PILA.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import parameters, quality
from .formatting import format_cop

FREE = "free"
ONLINE = "online"  # A fixed amount, paid here before filing.
ENTITY = "entity"  # The entity computes it; nothing is charged online.
UNAVAILABLE = "unavailable"  # Fixed, but this year's value is not known yet.
UNCONFIRMED = "unconfirmed"  # No verified fee information: ask the entity.
CONTRIBUTION = "contribution"  # Social-security contributions, not a filing fee.

# Where a gratuity may come from: a norm with its number, or the entity's official
# record of the procedure. Anything else ("no se encontró tarifa", "según la
# información disponible") is a research note.
_SOURCE = re.compile(
    r"\b(?:Ley|Decreto(?:-Ley)?|Resoluci[oó]n|Acuerdo|Circular|Ordenanza)"
    r"(?:\s+(?:Distrital|Nacional|DIAN|Externa))?\s+\d+"
    r"|\bSUIT\b|\bformulario oficial\b",
    re.IGNORECASE,
)
_NOTE = re.compile(
    r"no\s+se\s+(?:encontr|hall)|según\s+la\s+información\s+disponible|inferid[oa]"
    r"|\bconfirmar\b|\bverificar\b",
    re.IGNORECASE,
)

# The catalog's cost facet, by fee rule: the index badge, the facet counts and the
# facet filter all read this one table.
COST_FREE, COST_PAID, COST_CONTRIBUTION, COST_ASK = (
    "gratuito",
    "pago",
    "aportes",
    "consultar",
)
COST_RULES = {
    COST_FREE: ("FREE",),
    COST_PAID: ("FIXED", "FORMULA", "TABLE"),
    COST_CONTRIBUTION: ("APORTE",),
    COST_ASK: ("UNKNOWN",),
}
_COST_OF_RULE = {rule: cost for cost, rules in COST_RULES.items() for rule in rules}


def cost_category(fee_rule: str) -> str:
    return _COST_OF_RULE.get(fee_rule, COST_ASK)


def cost_labels() -> dict:
    return {
        COST_FREE: _("Gratuito"),
        COST_PAID: _("Con pago"),
        COST_CONTRIBUTION: _("Aportes a la seguridad social"),
        COST_ASK: _("Costo: consulte a la entidad"),
    }


def is_research_note(basis: str) -> bool:
    return bool(_NOTE.search(basis or "")) or quality.has_markers(basis)


def supports_gratuity(basis: str) -> bool:
    """Whether ``basis`` can stand behind the word "Gratuito": it names a norm or
    the official record, and it is not a research note."""
    basis = (basis or "").strip()
    return bool(basis) and bool(_SOURCE.search(basis)) and not is_research_note(basis)


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
            return format_cop(self.amount, whole_pesos=True)
        if self.kind == UNAVAILABLE:
            return _("Valor de %(year)s aún no disponible") % {"year": self.year}
        if self.kind == UNCONFIRMED:
            return _("Valor sin confirmar: consúltelo con la entidad")
        if self.kind == CONTRIBUTION:
            return _("Aportes a la seguridad social, aparte del trámite")
        return _("La entidad calcula el valor")


def current_year() -> int:
    return timezone.localdate().year


def _round(amount: Decimal, *, entity_code: str, year: int) -> Decimal:
    if entity_code not in CHAMBER_ENTITIES:
        return amount.quantize(ONE_PESO, rounding=ROUND_HALF_UP)
    threshold = parameters.smmlv(year) * CHAMBER_THRESHOLD_SHARE
    step = Decimal(100) if amount <= threshold else Decimal(1000)
    return (amount / step).quantize(ONE_PESO, rounding=ROUND_HALF_UP) * step


def unconfirmed(year: int) -> FeeQuote:
    """The quote of a fee nobody could verify; the wizard states it in the same words."""
    return FeeQuote(
        UNCONFIRMED,
        year,
        "",
        explanation=_(
            "No tenemos información verificada sobre el costo de este trámite. Pregunte a la entidad antes de hacerlo; en este portal no se cobra nada."
        ),
    )


def quote(procedure, year: int | None = None) -> FeeQuote:
    """The fee of ``procedure`` in ``year`` (this year in Bogotá by default)."""
    year = year or current_year()
    return _QUOTE_BY_RULE.get(_rule_of(procedure), _quote_entity)(procedure, year)


def _rule_of(procedure) -> str:
    """The fee rule that decides the quote: a procedure that requires no payment is
    quoted as free, whatever its rule, except an unverified fee or a contribution."""
    rule = procedure.fee_rule
    if rule not in ("UNKNOWN", "APORTE") and not procedure.requires_payment:
        return "FREE"
    return rule


def _quote_unknown(procedure, year: int) -> FeeQuote:
    return unconfirmed(year)


def _quote_contribution(procedure, year: int) -> FeeQuote:
    return FeeQuote(
        CONTRIBUTION,
        year,
        procedure.fee_legal_basis,
        explanation=_(
            "%(how)s No son una tarifa de este trámite: se liquidan y pagan cada mes por la Planilla Integrada de Liquidación de Aportes (PILA). En este portal no se cobra nada."
        )
        % {"how": (procedure.fee_formula or "").strip().rstrip(".") + "."},
    )


def _quote_free(procedure, year: int) -> FeeQuote:
    basis = procedure.fee_legal_basis
    if not supports_gratuity(basis):
        # A "free" without its source is what we did not find, not what the law says.
        return unconfirmed(year)
    return FeeQuote(FREE, year, basis)


def _quote_entity(procedure, year: int) -> FeeQuote:
    """A formula, a table or an unknown amount: never "free", never charged here."""
    how = procedure.fee_formula or _("El valor depende de los datos de su solicitud.")
    return FeeQuote(
        ENTITY,
        year,
        procedure.fee_legal_basis,
        explanation=_(
            "%(how)s La entidad le informa el valor y cómo pagarlo; en línea no se cobra."
        )
        % {"how": how.rstrip(".") + "."},
    )


def _quote_fixed(procedure, year: int) -> FeeQuote:
    units = Decimal(procedure.fee_amount or 0)
    if units <= 0:
        return _quote_entity(procedure, year)
    if procedure.fee_unit == "COP":
        return _quote_pesos(procedure, year, units)
    return _quote_in_units(procedure, year, units)


def _quote_pesos(procedure, year: int, units: Decimal) -> FeeQuote:
    """A fixed amount in pesos holds only for the year the page was last reviewed."""
    basis = procedure.fee_legal_basis
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


def _quote_in_units(procedure, year: int, units: Decimal) -> FeeQuote:
    """A fixed number of UVB, UVT or SMMLV/SMDLV, at the value of ``year``."""
    basis, unit = procedure.fee_legal_basis, procedure.fee_unit
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
            "value": format_cop(per_unit, whole_pesos=True),
            "year": year,
            "source": parameter.basis,
            "amount": format_cop(amount, whole_pesos=True),
        },
    )


# One quote function per fee rule; any other rule (a formula, a table) is the entity's.
_QUOTE_BY_RULE = {
    "UNKNOWN": _quote_unknown,
    "APORTE": _quote_contribution,
    "FREE": _quote_free,
    "FIXED": _quote_fixed,
}


def problems(procedure, quote_: FeeQuote) -> list[str]:
    """What is wrong with a procedure's fee data, in words an editor can act on."""
    found = []
    basis = (procedure.fee_legal_basis or "").strip()
    rule, units = procedure.fee_rule, Decimal(procedure.fee_amount or 0)
    if rule == "FREE" and quote_.kind != FREE:
        found.append("gratuito sin norma ni registro oficial")
    if rule != "UNKNOWN" and not basis:
        found.append("sin fundamento")
    if basis and is_research_note(basis):
        found.append("el fundamento es una nota de investigación")
    if rule == "FIXED" and units <= 0:
        found.append(f"valor fijo sin monto ({procedure.fee_unit})")
    if rule in ("FREE", "UNKNOWN") and procedure.requires_payment:
        found.append("marcado con pago pero sin valor")
    if rule not in ("FREE", "UNKNOWN") and not procedure.requires_payment:
        found.append("tiene regla de cobro pero no requiere pago")
    return found
