"""Per-procedure threshold overrides for detector tests, without editing the YAML."""

import copy

from oversight import thresholds


def override(monkeypatch, procedure: str, code: str, **values) -> None:
    """Make ``thresholds.value(code, ..., procedure=procedure)`` see ``values``."""
    data = copy.deepcopy(thresholds.catalogue())
    data["procedures"] = dict(data.get("procedures") or {})
    data["procedures"].setdefault(procedure, {}).setdefault(code, {}).update(values)
    monkeypatch.setattr(thresholds, "catalogue", lambda: data)
