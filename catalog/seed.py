"""Load the catalog from reviewable YAML (catalog/data/) into snippets and pages.

Reference data (service points, life events, audiences, entities) is always synced
from the YAML. Procedure pages are created when missing and, because editors own
their content after the first load, only updated with ``update=True``. Pages are
published through revisions so history, search and the API stay right.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

import yaml

from .models import (
    Audience,
    Entity,
    LifeEvent,
    ProcedureIndexPage,
    ProcedurePage,
    ServicePoint,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

PROCEDURE_KEYS = frozenset(
    [
        "code",
        "title",
        "slug",
        "kind",
        "standardized_name",
        "also_known_as",
        "purpose",
        "audiences",
        "life_events",
        "when_available",
        "digital_level",
        "online_url",
        "requirements",
        "documents",
        "forms",
        "steps",
        "fee",
        "response_time",
        "result",
        "channels",
        "service_points",
        "legal_basis",
        "last_reviewed",
        "status",
        "source_url",
        "certainty",
    ]
)
FEE_KEYS = frozenset(
    [
        "requires_payment",
        "rule",
        "amount",
        "unit",
        "formula",
        "legal_basis",
        "payment_channels",
    ]
)
TIME_KEYS = frozenset(
    ["value", "unit", "calendar", "legal_term_days", "notes", "extension_allowed"]
)
RESULT_KEYS = frozenset(["name", "type", "validity", "delivery"])


class CatalogDataError(ValueError):
    """The YAML does not have the expected shape; the message names the entry."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reference: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.created} creados, {self.updated} actualizados, {self.unchanged} sin cambios"


def _check_keys(
    where: str, row: dict, allowed: frozenset, required: frozenset | None = None
) -> None:
    unknown = set(row) - allowed
    missing = (required if required is not None else allowed) - set(row)
    if unknown or missing:
        raise CatalogDataError(
            f"{where}: claves desconocidas {sorted(unknown)}, faltantes {sorted(missing)}"
        )


def read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def read_procedures(data_dir: Path = DATA_DIR) -> list[dict]:
    """Every procedure row, with its online form (online_forms.yaml) when it has one."""
    online_path = data_dir / "online_forms.yaml"
    online = (read_yaml(online_path) or {}) if online_path.exists() else {}
    rows: list[dict] = []
    for path in sorted((data_dir / "procedures").glob("*.yaml")):
        for row in read_yaml(path) or []:
            _check_keys(f"{path.name}:{row.get('code')}", row, PROCEDURE_KEYS)
            _check_keys(f"{path.name}:{row['code']}.fee", row["fee"], FEE_KEYS)
            _check_keys(
                f"{path.name}:{row['code']}.response_time",
                row["response_time"],
                TIME_KEYS,
            )
            _check_keys(f"{path.name}:{row['code']}.result", row["result"], RESULT_KEYS)
            row["entity"] = path.stem
            row["online"] = online.get(row["code"])
            rows.append(row)
    unknown = set(online) - {row["code"] for row in rows}
    if unknown:
        raise CatalogDataError(
            f"online_forms.yaml: códigos desconocidos {sorted(unknown)}"
        )
    return rows


def _sync(model, rows: list[dict], key: str = "code", **extra) -> dict:
    objects = {}
    for row in rows:
        values = {k: v for k, v in row.items() if k != key and k != "service_points"}
        values.update({k: fn(row) for k, fn in extra.items()})
        objects[row[key]], _created = model.objects.update_or_create(
            **{key: row[key]}, defaults=values
        )
    return objects


@transaction.atomic
def load_reference_data(data_dir: Path = DATA_DIR) -> dict:
    data = read_yaml(data_dir / "entities.yaml")
    points = _sync(ServicePoint, data["service_points"])
    events = {}
    for order, row in enumerate(data["life_events"]):
        events[row["code"]], _ = LifeEvent.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "sort_order": order}
        )
    audiences = _sync(Audience, data["audiences"])
    entities = {}
    for row in data["entities"]:
        values = {
            k: (v or "")
            for k, v in row.items()
            if k not in ("code", "service_points", "nit_verified")
        }
        values["nit_verified"] = bool(row.get("nit_verified"))
        entity, _ = Entity.objects.update_or_create(code=row["code"], defaults=values)
        entity.service_points.set(
            [points[code] for code in row.get("service_points") or []]
        )
        entities[row["code"]] = entity
    return {
        "service_points": points,
        "life_events": events,
        "audiences": audiences,
        "entities": entities,
    }


def _stream(items: list[dict], block_type: str) -> list[tuple[str, dict]]:
    return [(block_type, dict(item)) for item in items or []]


def page_values(row: dict, reference: dict) -> dict:
    """The field values of a ProcedurePage for one YAML row."""
    fee, time, result = row["fee"], row["response_time"], row["result"]
    last_reviewed = row["last_reviewed"]
    if isinstance(last_reviewed, str):
        last_reviewed = datetime.date.fromisoformat(last_reviewed)
    online = row.get("online") or {}
    return {
        "online_form": _stream(online.get("form"), "field"),
        "required_documents": _stream(online.get("documents"), "document"),
        "four_eyes": bool(online.get("four_eyes", False)),
        "code": row["code"],
        "title": row["title"],
        "slug": row["slug"],
        "kind": row["kind"],
        "standardized_name": row["standardized_name"],
        "also_known_as": row["also_known_as"] or "",
        "purpose": row["purpose"].strip(),
        "entity": reference["entities"][row["entity"]],
        "when_available": row["when_available"],
        "digital_level": row["digital_level"],
        "online_url": row["online_url"] or "",
        "requirements": _stream(row["requirements"], "requirement"),
        "documents": _stream(row["documents"], "document"),
        "forms": _stream(row["forms"], "form"),
        "steps": _stream(row["steps"], "step"),
        "requires_payment": bool(fee["requires_payment"]),
        "fee_rule": fee["rule"],
        "fee_amount": Decimal(str(fee["amount"] or 0)),
        "fee_unit": fee["unit"],
        "fee_formula": fee["formula"] or "",
        "fee_legal_basis": fee["legal_basis"],
        "payment_channels": list(fee["payment_channels"] or []),
        "response_time_value": int(time["value"]),
        "response_time_unit": time["unit"],
        "calendar_type": time["calendar"],
        "legal_term_days": int(time["legal_term_days"]),
        "response_time_notes": time["notes"] or "",
        "extension_allowed": bool(time["extension_allowed"]),
        "result_name": result["name"],
        "result_type": result["type"],
        "result_validity": result["validity"] or "",
        "result_delivery": list(result["delivery"] or []),
        "channels": _stream(row["channels"], "channel"),
        "legal_basis": _stream(row["legal_basis"], "norm"),
        "last_reviewed": last_reviewed,
        "catalog_status": row["status"],
        "source_url": row["source_url"] or "",
        "certainty": row["certainty"],
    }


def _assign(page: ProcedurePage, row: dict, reference: dict) -> None:
    for name, value in page_values(row, reference).items():
        setattr(page, name, value)
    page.audiences = [reference["audiences"][code] for code in row["audiences"]]
    page.life_events = [reference["life_events"][code] for code in row["life_events"]]
    page.service_points = [
        reference["service_points"][code] for code in row["service_points"] or []
    ]


def load_catalog(
    index: ProcedureIndexPage,
    *,
    data_dir: Path = DATA_DIR,
    update: bool = False,
    only: set[str] | None = None,
) -> Counts:
    """Create (and with ``update``, revise) the procedure pages under ``index``;
    ``only`` limits it to those codes (tests that must re-seed an emptied database)."""
    reference = load_reference_data(data_dir)
    counts = Counts(reference={name: len(items) for name, items in reference.items()})
    existing = {page.code: page for page in ProcedurePage.objects.child_of(index)}
    for row in read_procedures(data_dir):
        if only is not None and row["code"] not in only:
            continue
        page = existing.get(row["code"])
        with transaction.atomic():
            if page is None:
                page = ProcedurePage()
                _assign(page, row, reference)
                index.add_child(instance=page)
                page.save_revision().publish()
                counts.created += 1
            elif update:
                page = page.get_latest_revision_as_object()
                _assign(page, row, reference)
                page.save_revision().publish()
                counts.updated += 1
            else:
                counts.unchanged += 1
    return counts
