"""Yearly money parameters of Colombian law: UVB, UVT and SMMLV (SMDLV derives).

Fees, exemptions and thresholds are written in these units and converted to pesos
with the value of the year they apply to. The values are data in
``data/parameters.yaml``, one entry per year. A year without a value raises
``ParameterMissing``: using last year's money silently gives citizens wrong
amounts, so callers decide what to show and the deploy check reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "parameters.yaml"

UVB = "uvb"
UVT = "uvt"
SMMLV = "smmlv"
NAMES = (UVB, UVT, SMMLV)
LABELS = {
    UVB: "Unidad de Valor Básico (UVB)",
    UVT: "Unidad de Valor Tributario (UVT)",
    SMMLV: "salario mínimo mensual legal vigente (SMMLV)",
}


class ParameterMissing(LookupError):
    """No value of ``name`` for ``year``; the message is Spanish, for staff."""

    def __init__(self, name: str, year: int) -> None:
        self.name = name
        self.year = year
        super().__init__(
            f"Falta el valor de {LABELS.get(name, name)} para {year} en "
            "catalog/data/parameters.yaml."
        )


@dataclass(frozen=True)
class Parameter:
    name: str
    year: int
    value: Decimal
    basis: str


@cache
def _table() -> dict[str, dict[int, Parameter]]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    table: dict[str, dict[int, Parameter]] = {}
    for name in NAMES:
        table[name] = {
            int(year): Parameter(
                name, int(year), Decimal(str(row["value"])), row["basis"]
            )
            for year, row in (data.get(name) or {}).items()
        }
    return table


def parameter(name: str, year: int) -> Parameter:
    """The value of ``name`` in force in ``year``, with its legal basis."""
    try:
        return _table()[name][year]
    except KeyError:
        raise ParameterMissing(name, year) from None


def value(name: str, year: int) -> Decimal:
    return parameter(name, year).value


def uvb(year: int) -> Decimal:
    return value(UVB, year)


def uvt(year: int) -> Decimal:
    return value(UVT, year)


def smmlv(year: int) -> Decimal:
    return value(SMMLV, year)


def smdlv(year: int) -> Decimal:
    """Salario mínimo diario: the monthly one divided by 30 (not rounded)."""
    return smmlv(year) / 30


def missing(year: int) -> list[str]:
    """The parameters that have no value for ``year`` (empty when all are there)."""
    return [name for name in NAMES if year not in _table()[name]]
