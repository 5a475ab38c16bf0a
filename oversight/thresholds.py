"""The detectors' reviewable data: what each looks for, why, and its thresholds.

``oversight/data/detectors.yaml`` is reviewed by Control Interno and the Veeduría
(docs/domain.md §4.4). A detector asks ``thresholds.value("D3", "min_history",
procedure=code)``; a procedure's override in ``procedures:`` wins over the default.
"""

from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "detectors.yaml"
LEGS = ("oportunidad", "presión", "responsabilidad")
SEVERITIES = ("alta", "media", "baja")


@cache
def catalogue() -> dict:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for code, spec in data["detectors"].items():
        assert spec["leg"] in LEGS, code
        assert spec["severity"] in SEVERITIES, code
    return data


def detector(code: str) -> dict:
    return catalogue()["detectors"][code]


def value(code: str, name: str, *, procedure: str = ""):
    override = (catalogue().get("procedures") or {}).get(procedure) or {}
    if name in override.get(code, {}):
        return override[code][name]
    return detector(code)["thresholds"][name]
