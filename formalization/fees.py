"""Fee estimator of the formalization bundle.

Pure functions: no database, no settings. The tariff tables (the Decreto 045 de
2024 schedule, flat chamber fees, the registration tax and the legal basis of
every procedure, under the fee key of its entry in ``registry.py``) are data in
``data/fees.yaml``. The yearly money (UVB, SMMLV) is read from
``catalog.parameters`` for the year of the estimate: a year without its values
raises ``ParameterMissing`` instead of silently using last year's.

Amounts are COP ``Decimal``s. A line's ``amount`` is ``Decimal("0")`` for a free
procedure and ``None`` when only the entity can liquidate it, when nobody could
verify its fee, or for social-security contributions (not a fee of the filing).

Every line has a kind, and the words of the free, unconfirmed and contribution kinds
are the catalog's (``catalog.fees``): the summary says "Gratuito" only where the
catalog does, and never for a fee we did not find.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from catalog import fees as catalog_fees
from catalog import parameters
from catalog.formatting import format_cop, format_number
from catalog.parameters import ParameterMissing

from . import registry

__all__ = ["ParameterMissing"]

DATA_FILE = Path(__file__).resolve().parent / "data" / "fees.yaml"

PER_UVB_OF_ASSETS = "per_uvb_of_assets"
PER_COP_MILLION = "per_cop_million"
RATE_UNITS = frozenset({PER_UVB_OF_ASSETS, PER_COP_MILLION})

COMPUTED = "computed"
FREE = "free"  # A norm or the official record makes it free (catalog FREE).
NOT_ESTIMABLE = "not_estimable"
UNCONFIRMED = "unconfirmed"  # No verified fee: ask the entity (catalog UNCONFIRMED).
CONTRIBUTION = "contribution"  # Social-security contributions, paid monthly via PILA.
# No fee of its own; the tax it causes is a line of another procedure (F20 → F07).
CHARGED_ELSEWHERE = "charged_elsewhere"
KINDS = frozenset(
    {COMPUTED, FREE, NOT_ESTIMABLE, UNCONFIRMED, CONTRIBUTION, CHARGED_ELSEWHERE}
)
# The kinds worded by the catalog's FeeQuote, so both pages say the same thing.
CATALOG_KIND = {
    FREE: catalog_fees.FREE,
    UNCONFIRMED: catalog_fees.UNCONFIRMED,
    CONTRIBUTION: catalog_fees.CONTRIBUTION,
}

LO_LIQUIDA_LA_ENTIDAD = "Lo liquida la entidad"
IMPUESTO_EN_F07 = "Se paga con el impuesto de registro"

MILLION = Decimal(1_000_000)
ONE_PESO = Decimal(1)


@dataclass(frozen=True)
class FeeLine:
    code: str
    concept: str
    amount: Decimal | None
    basis: str
    collected_online: bool
    note: str = ""
    kind: str = COMPUTED

    @property
    def display_amount(self) -> str:
        """Spanish label for the amount column."""
        if self.kind in CATALOG_KIND:
            return str(catalog_fees.FeeQuote(CATALOG_KIND[self.kind], 0, "").label)
        if self.kind == CHARGED_ELSEWHERE:
            return IMPUESTO_EN_F07
        if self.amount is None:
            return LO_LIQUIDA_LA_ENTIDAD
        return format_cop(self.amount)


@dataclass(frozen=True)
class FeeBreakdown:
    lines: tuple[FeeLine, ...]
    year: int
    uvb: Decimal
    smmlv: Decimal | None = None
    # Spanish, shown with the breakdown.
    notes: tuple[str, ...] = ()

    @property
    def total_online(self) -> Decimal:
        """What the citizen pays through the platform at submit."""
        return _sum_online(self.lines)

    @property
    def pending(self) -> tuple[FeeLine, ...]:
        """Lines only the entity can liquidate (amount ``None``)."""
        return tuple(line for line in self.lines if line.amount is None)

    def for_code(self, code: str) -> tuple[FeeLine, ...]:
        return tuple(line for line in self.lines if line.code == code)

    def amount_due(self, code: str) -> Decimal:
        return _sum_online(self.for_code(code))


def _sum_online(lines: Iterable[FeeLine]) -> Decimal:
    return sum(
        (line.amount for line in lines if line.collected_online and line.amount),
        Decimal(0),
    )


# --- tables -------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    breakpoint_uvb: Decimal
    base_uvb: Decimal
    rate: Decimal
    rate_unit: str


def _dec(value: Any) -> Decimal:
    if isinstance(value, float):
        value = str(value)
    return Decimal(value)


@cache
def tables() -> dict[str, Any]:
    """The parsed and checked contents of ``data/fees.yaml``."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    _check(data)
    return data


def _check(data: dict[str, Any]) -> None:
    if "parameters" in data:
        raise ValueError(
            "fees.yaml: yearly money belongs in catalog/data/parameters.yaml"
        )
    for entry in data["commercial_registry"]:
        if entry["default_reading"] not in entry["readings"]:
            raise ValueError("fees.yaml: unknown default_reading")
        for rows in entry["readings"].values():
            breakpoints = [_dec(row["breakpoint_uvb"]) for row in rows]
            if breakpoints[0] != 0 or breakpoints != sorted(set(breakpoints)):
                raise ValueError("fees.yaml: tiers must start at 0 and ascend")
            if any(row["rate_unit"] not in RATE_UNITS for row in rows):
                raise ValueError("fees.yaml: unknown rate_unit")
    for code, rule in data["procedures"].items():
        if rule["kind"] not in KINDS:
            raise ValueError(f"fees.yaml: {code} has an unknown kind")
        if rule["kind"] != COMPUTED and not rule.get("concept"):
            raise ValueError(f"fees.yaml: {code} needs a concept")
        # An unverified fee has no basis to show; every other stated fee has one.
        if rule["kind"] not in (COMPUTED, UNCONFIRMED) and not rule.get("basis"):
            raise ValueError(f"fees.yaml: {code} needs a basis")
        if rule["kind"] == UNCONFIRMED and rule.get("basis"):
            raise ValueError(f"fees.yaml: {code} is unconfirmed: its basis is a note")


def _versioned(section: str, year: int) -> dict[str, Any]:
    rows = [row for row in tables()[section] if row["valid_from"] <= year]
    if not rows:
        raise ValueError(f"No {section} table in force in {year}")
    return rows[-1]


def uvb_for(year: int) -> Decimal:
    """The UVB of ``year``; ``ParameterMissing`` if it is not in the data."""
    return parameters.uvb(year)


def smmlv_for(year: int) -> Decimal:
    """The SMMLV of ``year``; ``ParameterMissing`` if it is not in the data."""
    return parameters.smmlv(year)


# --- formulas -----------------------------------------------------------------


def registry_tiers(year: int, reading: str | None = None) -> tuple[Tier, ...]:
    entry = _versioned("commercial_registry", year)
    rows = entry["readings"][reading or entry["default_reading"]]
    return tuple(
        Tier(
            breakpoint_uvb=_dec(row["breakpoint_uvb"]),
            base_uvb=_dec(row["base_uvb"]),
            rate=_dec(row["rate"]),
            rate_unit=row["rate_unit"],
        )
        for row in rows
    )


def commercial_registry_fee_uvb(
    assets_cop: Decimal, *, year: int, reading: str | None = None
) -> Decimal:
    """Matrícula mercantil in UVB (unrounded) for ``assets_cop`` of assets.

    ``reading`` picks a tier table of ``fees.yaml`` (``"per_million"``, the
    default and the decree's reading, or ``"continuous"``, kept for comparison);
    each row says whether its rate applies per UVB of assets above the
    breakpoint or per COP million above it.
    """
    assets_cop = _dec(assets_cop)
    if assets_cop < 0:
        raise ValueError("assets_cop must not be negative")
    entry = _versioned("commercial_registry", year)
    uvb = uvb_for(year)
    assets_uvb = assets_cop / uvb
    tiers = registry_tiers(year, reading)
    tier = tiers[0]
    for candidate in tiers[1:]:
        if assets_uvb > candidate.breakpoint_uvb:
            tier = candidate
    if tier.rate_unit == PER_UVB_OF_ASSETS:
        marginal = tier.rate * (assets_uvb - tier.breakpoint_uvb)
    else:
        marginal = tier.rate * (assets_cop - tier.breakpoint_uvb * uvb) / MILLION
    fee = tier.base_uvb + marginal
    return min(max(fee, _dec(entry["min_uvb"])), _dec(entry["cap_uvb"]))


def establishment_fee_uvb(
    owner_assets_cop: Decimal, *, year: int, same_jurisdiction: bool = True
) -> Decimal:
    """Flat establishment fee in UVB by the owner's assets tier."""
    entry = _versioned("establishment", year)
    assets_uvb = _dec(owner_assets_cop) / uvb_for(year)
    rows = entry["same_jurisdiction" if same_jurisdiction else "other_jurisdiction"]
    for row in rows:
        if row["up_to_uvb"] is None or assets_uvb <= _dec(row["up_to_uvb"]):
            return _dec(row["fee_uvb"])
    raise ValueError("fees.yaml: the last establishment tier must be open-ended")


def round_fee(amount_cop: Decimal, *, year: int) -> Decimal:
    """Chamber rounding: up to 3 % of the SMMLV to the nearest 100, else 1.000."""
    rule = _versioned("rounding", year)
    amount_cop = _dec(amount_cop)
    threshold = smmlv_for(year) * _dec(rule["threshold_smmlv_share"])
    step = _dec(
        rule["step_up_to_threshold"]
        if amount_cop <= threshold
        else rule["step_above_threshold"]
    )
    return (amount_cop / step).quantize(ONE_PESO, rounding=ROUND_HALF_UP) * step


def age_on(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def young_entrepreneur_exempt(
    answers: Mapping[str, Any], *, on: datetime.date
) -> tuple[bool, str]:
    """Ley 1780 de 2016 (pequeña empresa joven): eligibility and a Spanish reason."""
    rule = tables()["ley_1780"]
    failures: list[str] = []
    tipo = answers.get("tipo")
    if tipo == "persona_natural":
        birth = answers.get("fecha_nacimiento")
        if birth is None:
            failures.append("falta la fecha de nacimiento del solicitante")
        else:
            age = age_on(birth, on)
            if not rule["min_age"] <= age <= rule["max_age"]:
                failures.append(
                    f"el solicitante tiene {age} años y la exención es para "
                    f"personas de {rule['min_age']} a {rule['max_age']} años"
                )
    elif tipo == "sas":
        if not answers.get("jovenes_mayoria"):
            failures.append(
                f"las personas de {rule['min_age']} a {rule['max_age']} años no "
                "tienen al menos la mitad más uno del capital"
            )
    else:
        failures.append("la exención aplica a personas naturales y a sociedades")
    workers = answers.get("num_empleados") or 0
    if workers > rule["max_workers"]:
        failures.append(
            f"la empresa tiene {workers} trabajadores (máximo {rule['max_workers']})"
        )
    assets = answers.get("activos")
    cap = _dec(rule["max_assets_smmlv"])
    cap_text = f"{format_number(cap)} SMMLV"
    limit = cap * smmlv_for(on.year)
    if assets is None:
        failures.append(f"faltan los activos para verificar el límite de {cap_text}")
    elif _dec(assets) > limit:
        # "activos totales no superiores a 5.000 SMMLV": the cap itself qualifies.
        failures.append(
            f"los activos ({format_cop(_dec(assets))}) superan {cap_text} "
            f"de {on.year} ({format_cop(limit)})"
        )
    if failures:
        return False, "No aplica la exención de la Ley 1780 de 2016: " + "; ".join(
            failures
        ) + "."
    return True, (
        "Aplica la exención de la Ley 1780 de 2016 (pequeña empresa joven): "
        "no paga la matrícula mercantil ni su primera renovación, si renueva a "
        "tiempo (antes del 31 de marzo) y está al día en seguridad social y "
        "obligaciones tributarias."
    )


# --- breakdown ----------------------------------------------------------------


def fee_breakdown(
    answers: Mapping[str, Any],
    applicable_codes: Iterable[str],
    *,
    on: datetime.date,
) -> FeeBreakdown:
    """Every fee line of the procedures in ``applicable_codes``, in code order.

    Only listed codes get lines: the registration tax (F07) appears only when
    F07 is listed, with one line per taxed act (constitution, situación de
    control, RNT) among the listed procedures.
    """
    codes = sorted(set(applicable_codes))
    # Raises ParameterMissing before any line is made: no estimate in old money.
    uvb, smmlv = uvb_for(on.year), smmlv_for(on.year)
    ctx = _Context(answers=answers, codes=frozenset(codes), year=on.year, on=on)
    lines: list[FeeLine] = []
    procedures = tables()["procedures"]
    for code in codes:
        key = registry.fee_key(code)
        rule = procedures.get(key)
        if rule is None:
            lines.append(
                FeeLine(
                    code=code,
                    concept=code,
                    amount=None,
                    basis="",
                    collected_online=False,
                    note="Sin regla de tarifa para este trámite.",
                )
            )
        elif rule["kind"] == COMPUTED:
            lines.extend(_COMPUTED[key](ctx))
        else:
            lines.append(_stated_line(code, rule, on.year))
    return FeeBreakdown(lines=tuple(lines), year=on.year, uvb=uvb, smmlv=smmlv)


def _stated_line(code: str, rule: Mapping[str, Any], year: int) -> FeeLine:
    """The line of a procedure whose fee is stated in the data, not computed here."""
    kind = rule["kind"]
    note = rule.get("note", "")
    if kind == UNCONFIRMED:
        # The research stays in the data (``research``); the citizen reads the
        # catalog's own advice.
        note = str(catalog_fees.unconfirmed(year).explanation)
    return FeeLine(
        code=code,
        concept=rule["concept"],
        amount=Decimal(0) if kind in (FREE, CHARGED_ELSEWHERE) else None,
        basis=rule.get("basis", ""),
        collected_online=False,
        note=note,
        kind=kind,
    )


@dataclass(frozen=True)
class _Context:
    answers: Mapping[str, Any]
    codes: frozenset[str]
    year: int
    on: datetime.date

    @property
    def is_sas(self) -> bool:
        return self.answers.get("tipo") == "sas"

    @property
    def sole_shareholder(self) -> bool:
        return self.is_sas and self.answers.get("num_accionistas") == 1

    def assets(self) -> tuple[Decimal | None, str]:
        """Owner's assets and a note when they come from a fallback."""
        assets = self.answers.get("activos")
        if assets is not None:
            return _dec(assets), ""
        paid = self.answers.get("capital_pagado")
        if self.is_sas and paid is not None:
            return _dec(paid), "Activos estimados con el capital pagado."
        return None, "Faltan los activos para estimar el valor."


def _concept(key: str) -> str:
    return tables()["concepts"][key]


def _join(*notes: str) -> str:
    return " ".join(note for note in notes if note)


def _chamber_line(
    code: str,
    concept: str,
    fee_uvb: Decimal | None,
    basis: str,
    ctx: _Context,
    note: str = "",
) -> FeeLine:
    """A CCB-collected line: UVB → COP, chamber rounding. ``None`` = CCB liquidates."""
    if fee_uvb is None:
        return FeeLine(code, concept, None, basis, collected_online=False, note=note)
    amount = round_fee(fee_uvb * uvb_for(ctx.year), year=ctx.year)
    return FeeLine(code, concept, amount, basis, collected_online=True, note=note)


def _flat(key: str, ctx: _Context) -> dict[str, Any]:
    return _versioned("flat_fees", ctx.year)[key]


def _flat_line(code: str, concept: str, key: str, ctx: _Context) -> FeeLine:
    fee = _flat(key, ctx)
    uvb = None if fee["uvb"] is None else _dec(fee["uvb"])
    return _chamber_line(code, concept, uvb, fee["basis"], ctx, fee.get("note", ""))


def _matricula_line(code: str, concept_key: str, ctx: _Context) -> FeeLine:
    entry = _versioned("commercial_registry", ctx.year)
    assets, assets_note = ctx.assets()
    if assets is None:
        return _chamber_line(
            code, _concept(concept_key), None, entry["basis"], ctx, assets_note
        )
    exempt, _ = young_entrepreneur_exempt({**ctx.answers, "activos": assets}, on=ctx.on)
    if exempt:
        return FeeLine(
            code=code,
            concept=_concept(concept_key),
            amount=Decimal(0),
            basis=f"{entry['basis']}; {tables()['ley_1780']['basis']}",
            collected_online=True,
            note=tables()["ley_1780"]["exempt_note"],
        )
    fee = commercial_registry_fee_uvb(assets, year=ctx.year)
    return _chamber_line(
        code,
        _concept(concept_key),
        fee,
        entry["basis"],
        ctx,
        _join(assets_note, entry.get("note", "")),
    )


def _f03(ctx: _Context) -> list[FeeLine]:
    return [
        _matricula_line("F03", "matricula_pn", ctx),
        _flat_line("F03", _concept("formulario_rues"), "formulario_rues", ctx),
    ]


def _f04(ctx: _Context) -> list[FeeLine]:
    lines = [
        _matricula_line("F04", "matricula_pj", ctx),
        _flat_line(
            "F04", _concept("inscripcion_constitucion"), "inscripcion_documento", ctx
        ),
    ]
    if ctx.sole_shareholder:
        lines.append(
            _flat_line(
                "F04", _concept("inscripcion_control"), "inscripcion_documento", ctx
            )
        )
    lines.append(_flat_line("F04", _concept("formulario_rues"), "formulario_rues", ctx))
    return lines


def _f05(ctx: _Context) -> list[FeeLine]:
    entry = _versioned("establishment", ctx.year)
    assets, assets_note = ctx.assets()
    fee = None if assets is None else establishment_fee_uvb(assets, year=ctx.year)
    note = _join(assets_note, entry.get("note", ""))
    return [
        _chamber_line(
            "F05", _concept("establecimiento"), fee, entry["basis"], ctx, note
        )
    ]


def _f06(ctx: _Context) -> list[FeeLine]:
    return [
        _flat_line("F06", _concept(key), "libro", ctx)
        for key in ("libro_actas", "libro_accionistas")
    ]


def _f07(ctx: _Context) -> list[FeeLine]:
    tax = _versioned("registration_tax", ctx.year)
    basis, note = tax["basis"], tax.get("note", "")
    sin_cuantia = (
        _dec(tax["sin_cuantia_smdlv"]) * parameters.smdlv(ctx.year)
    ).quantize(ONE_PESO, rounding=ROUND_HALF_UP)
    lines = []
    if ctx.is_sas and "F04" in ctx.codes:
        capital = ctx.answers.get("capital_suscrito")
        if capital is None:
            amount, line_note = None, _join("Falta el capital suscrito.", note)
        else:
            amount = _dec(tax["con_cuantia_rate"]) * _dec(capital)
            amount, line_note = amount.quantize(ONE_PESO, ROUND_HALF_UP), note
        lines.append(
            FeeLine(
                "F07",
                _concept("impuesto_constitucion"),
                amount,
                basis,
                collected_online=amount is not None,
                note=line_note,
            )
        )
        if ctx.sole_shareholder:
            lines.append(
                FeeLine(
                    "F07", _concept("impuesto_control"), sin_cuantia, basis, True, note
                )
            )
    if "F20" in ctx.codes:
        lines.append(
            FeeLine("F07", _concept("impuesto_rnt"), sin_cuantia, basis, True, note)
        )
    return lines


_COMPUTED = {"F03": _f03, "F04": _f04, "F05": _f05, "F06": _f06, "F07": _f07}


@dataclass(frozen=True)
class FeeSummary:
    """The fee card: the total and which procedures cost what kind of money."""

    total_online: Decimal
    payable: tuple[str, ...]  # Paid online at submit.
    free: tuple[str, ...]  # No fee of their own (free, or charged in another line).
    unconfirmed: tuple[str, ...]  # The entity liquidates it, or nobody verified it.


def fee_summary(breakdown: FeeBreakdown, codes: Iterable[str]) -> FeeSummary:
    payable, free, unconfirmed = [], [], []
    for code in codes:
        lines = breakdown.for_code(code)
        if breakdown.amount_due(code) > 0:
            payable.append(code)
        elif any(
            line.amount is None and line.kind in (COMPUTED, NOT_ESTIMABLE, UNCONFIRMED)
            for line in lines
        ):
            unconfirmed.append(code)
        else:
            free.append(code)
    return FeeSummary(
        breakdown.total_online, tuple(payable), tuple(free), tuple(unconfirmed)
    )
