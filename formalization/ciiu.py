"""CIIU Rev. 4 A.C. activity classes shipped as data (data/ciiu.csv, see its notes)."""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "ciiu.csv"

# CIIU classes whose usual business touches a sanitary, tourism or environmental
# question; used only to pre-answer, the entrepreneur confirms (derived, not a rule).
FOOD_OR_HEALTH_PREFIXES = ("10", "11", "56", "86", "9602", "5511", "5512", "5513")
TOURISM_CLASSES = {
    "5511",
    "5512",
    "5513",
    "5514",
    "5519",
    "5520",
    "7911",
    "7912",
    "7990",
}


@dataclass(frozen=True)
class Activity:
    code: str
    description: str
    section: str
    ica_group: str
    ica_rate_per_mil: str

    @property
    def label(self) -> str:
        return f"{self.code} — {self.description}"

    @property
    def ica_taxed(self) -> bool:
        """Bogotá ICA: 'NG' marks the classes the SDH table lists as not taxed."""
        return self.ica_group != "NG"


@functools.cache
def activities() -> dict[str, Activity]:
    with DATA.open(encoding="utf-8") as handle:
        return {
            row["code"]: Activity(
                code=row["code"],
                description=row["description"],
                section=row["section"],
                ica_group=row["ica_group"],
                ica_rate_per_mil=row["ica_rate_per_mil"],
            )
            for row in csv.DictReader(handle)
        }


def lookup(text: str) -> Activity | None:
    """The class a typed value names: '5611', '5611 — Expendio…' or the exact description."""
    text = (text or "").strip()
    match = re.match(r"^(\d{4})\b", text)
    if match:
        return activities().get(match.group(1))
    lowered = text.casefold()
    for activity in activities().values():
        if activity.description.casefold() == lowered:
            return activity
    return None
