"""Load the catalog from reviewable YAML (catalog/data/) into snippets and pages.

Reference data (service points, life events, audiences, entities) is always synced
from the YAML. Procedure pages are created when missing and, because editors own
their content after the first load, only updated with ``update=True``. Pages are
published through revisions so history, search and the API stay right.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

import yaml

from . import blocks
from .document_formats import DocumentFormat
from .models import (
    Audience,
    Entity,
    LifeEvent,
    ProcedureIndexPage,
    ProcedurePage,
    SearchSynonym,
    ServicePoint,
)
from .quality import scrub
from .search import normalize

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
# A fee's research note ("no se encontró tarifa...") is for editors, never public.
FEE_OPTIONAL_KEYS = frozenset(["note"])
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


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping key written twice (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise CatalogDataError(
                    f"línea {key_node.start_mark.line + 1}: código o clave repetido {key!r}"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml_unique(path: Path):
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_UniqueKeyLoader)  # a SafeLoader
    except CatalogDataError as error:
        raise CatalogDataError(f"{path.name}: {error}") from None


def read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


ONLINE_KEYS = frozenset(["four_eyes", "form", "documents"])
FIELD_KEYS = frozenset(
    ["name", "label", "field_type", "required", "help_text", "choices", "show_if"]
)
FIELD_REQUIRED = frozenset(["name", "label", "field_type", "required"])
DOCUMENT_KEYS = frozenset(["name", "formats", "max_size_mb", "required", "validity"])
DOCUMENT_REQUIRED = frozenset(["name", "formats", "max_size_mb", "required"])
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _check_form(where: str, spec: dict) -> None:
    """The online form follows the data contract (the same rules the admin enforces)."""
    _check_keys(where, spec, ONLINE_KEYS, frozenset(["form", "documents"]))
    seen: list[str] = []
    for position, item in enumerate(spec["form"] or []):
        at = f"{where}.form[{position}]"
        _check_keys(at, item, FIELD_KEYS, FIELD_REQUIRED)
        name = item["name"]
        if not FIELD_NAME.match(str(name)) or name.startswith("solicitante_"):
            raise CatalogDataError(f"{at}: nombre inválido {name!r}")
        if name in seen:
            raise CatalogDataError(f"{at}: nombre repetido {name!r}")
        if item["field_type"] not in blocks.FIELD_TYPES:
            raise CatalogDataError(f"{at}: tipo desconocido {item['field_type']!r}")
        if len(str(item["label"])) > 150 or len(item.get("help_text") or "") > 300:
            raise CatalogDataError(f"{at}: pregunta o ayuda demasiado larga")
        choices = item.get("choices") or []
        if item["field_type"] == "choice" and not 2 <= len(choices) <= 12:
            raise CatalogDataError(f"{at}: una selección necesita de 2 a 12 opciones")
        condition = item.get("show_if")
        if condition:
            keys = set(condition)
            if (
                "field" not in keys
                or len(keys & {"equals", "in"}) != 1
                or keys
                - {
                    "field",
                    "equals",
                    "in",
                }
            ):
                raise CatalogDataError(f"{at}: show_if necesita field y equals o in")
            if condition["field"] not in seen:
                raise CatalogDataError(
                    f"{at}: show_if debe nombrar una pregunta anterior, no "
                    f"{condition['field']!r}"
                )
        seen.append(name)
    for position, item in enumerate(spec["documents"] or []):
        at = f"{where}.documents[{position}]"
        _check_keys(at, item, DOCUMENT_KEYS, DOCUMENT_REQUIRED)
        formats = item["formats"] or []
        if not formats or set(formats) - set(DocumentFormat.values):
            raise CatalogDataError(f"{at}: formatos inválidos {formats!r}")
        if not 1 <= int(item["max_size_mb"]) <= 20:
            raise CatalogDataError(f"{at}: tamaño máximo fuera de 1..20 MB")


def read_online_forms(data_dir: Path = DATA_DIR, entity_of: dict | None = None) -> dict:
    """Every entry of ``online_forms/*.yaml`` keyed by procedure code.

    An entity file may only define codes of that entity; a code may appear once.
    Files whose name starts with "_" (examples kept while content lands) yield to
    a real entity file that defines the same code.
    """
    folder = data_dir / "online_forms"
    entries: dict[str, tuple[str, dict]] = {}
    examples: dict[str, tuple[str, dict]] = {}
    paths = sorted(folder.glob("*.yaml")) if folder.exists() else []
    for path in paths:
        data = read_yaml_unique(path) or {}
        if not isinstance(data, dict):
            raise CatalogDataError(
                f"{path.name}: se esperaba un mapa código → formulario"
            )
        is_example = path.stem.startswith("_")
        for code, spec in data.items():
            where = f"online_forms/{path.name}:{code}"
            if entity_of is not None:
                if code not in entity_of:
                    raise CatalogDataError(f"{where}: código desconocido")
                if not is_example and entity_of[code] != path.stem:
                    raise CatalogDataError(
                        f"{where}: el trámite es de {entity_of[code]}, no de {path.stem}"
                    )
            if not isinstance(spec, dict):
                raise CatalogDataError(f"{where}: se esperaba un mapa")
            if "in_person" in spec:
                _check_keys(where, spec, frozenset(["in_person"]))
                reason = (spec["in_person"] or {}).get("reason", "")
                if not str(reason).strip() or set(spec["in_person"]) != {"reason"}:
                    raise CatalogDataError(f"{where}: in_person necesita reason")
            else:
                _check_form(where, spec)
            target = examples if is_example else entries
            if code in target:
                raise CatalogDataError(
                    f"{where}: código repetido (ya está en {target[code][0]})"
                )
            target[code] = (path.name, spec)
    for code, found in examples.items():
        entries.setdefault(code, found)
    return {code: spec for code, (_name, spec) in entries.items()}


def _check_fee(where: str, fee: dict) -> None:
    """The data side of catalog.fees' rule: "Gratuito" needs its source, and a fee
    nobody could confirm says so (rule UNKNOWN) and keeps its research note."""
    from .fees import supports_gratuity

    basis = " ".join(str(fee["legal_basis"] or "").split())
    if fee["rule"] == "FREE" and not supports_gratuity(basis):
        raise CatalogDataError(
            f"{where}: «gratuito» sin norma ni registro oficial ({basis!r}); "
            "use rule: UNKNOWN y deje la nota en note"
        )
    if fee["rule"] == "UNKNOWN" and (basis or not fee.get("note")):
        raise CatalogDataError(f"{where}: UNKNOWN lleva note y legal_basis vacío")
    if fee["rule"] not in ("FREE", "UNKNOWN") and not basis:
        raise CatalogDataError(f"{where}: falta legal_basis")


def read_procedures(data_dir: Path = DATA_DIR) -> list[dict]:
    """Every procedure row, with its online form or in-person reason when it has one."""
    rows: list[dict] = []
    for path in sorted((data_dir / "procedures").glob("*.yaml")):
        for row in read_yaml(path) or []:
            _check_keys(f"{path.name}:{row.get('code')}", row, PROCEDURE_KEYS)
            _check_keys(
                f"{path.name}:{row['code']}.fee",
                row["fee"],
                FEE_KEYS | FEE_OPTIONAL_KEYS,
                required=FEE_KEYS,
            )
            _check_fee(f"{path.name}:{row['code']}.fee", row["fee"])
            _check_keys(
                f"{path.name}:{row['code']}.response_time",
                row["response_time"],
                TIME_KEYS,
            )
            _check_keys(f"{path.name}:{row['code']}.result", row["result"], RESULT_KEYS)
            row["entity"] = path.stem
            rows.append(row)
    online = read_online_forms(
        data_dir, entity_of={row["code"]: row["entity"] for row in rows}
    )
    for row in rows:
        spec = online.get(row["code"]) or {}
        row["online"] = None if "in_person" in spec else (spec or None)
        row["in_person_reason"] = (
            str(spec["in_person"]["reason"]).strip() if "in_person" in spec else ""
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
    discarded: list[str] = []  # snippets keep their own "verified" flags
    data = scrub(data, "entities.yaml", discarded)
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


def _online_field(item: dict) -> dict:
    """A YAML question as the OnlineFieldBlock value (show_if as two plain fields)."""
    value = {k: v for k, v in item.items() if k != "show_if"}
    value["help_text"] = value.get("help_text") or ""
    value["choices"] = list(value.get("choices") or [])
    condition = item.get("show_if") or {}
    value["show_if_field"] = condition.get("field", "")
    values = condition["in"] if "in" in condition else [condition.get("equals", "")]
    value["show_if_values"] = "\n".join(str(v) for v in values) if condition else ""
    return value


def _online_document(item: dict) -> dict:
    value = dict(item)
    value["validity"] = value.get("validity") or ""
    return value


def page_values(row: dict, reference: dict) -> dict:
    """The field values of a ProcedurePage for one YAML row."""
    fee, time, result = row["fee"], row["response_time"], row["result"]
    last_reviewed = row["last_reviewed"]
    if isinstance(last_reviewed, str):
        last_reviewed = datetime.date.fromisoformat(last_reviewed)
    online = row.get("online") or {}
    values = {
        "online_form": _stream(
            [_online_field(item) for item in online.get("form") or []], "field"
        ),
        "required_documents": _stream(
            [_online_document(item) for item in online.get("documents") or []],
            "document",
        ),
        "in_person_reason": row.get("in_person_reason", ""),
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
        "fee_legal_basis": fee["legal_basis"] or "",
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
    # Research markers stay with editors: public fields lose them, the admin shows them.
    notes: list[str] = []
    for name in PUBLIC_TEXT_FIELDS:
        values[name] = scrub(values[name], name, notes)
    if fee.get("note"):
        notes.insert(0, f"fee.note: {' '.join(str(fee['note']).split())}")
    if row["certainty"] != ProcedurePage.Certainty.VERIFICADO:
        notes.insert(0, f"certainty: {row['certainty']}")
    values["data_quality_notes"] = "\n".join(notes)
    return values


PUBLIC_TEXT_FIELDS = (
    "title",
    "standardized_name",
    "also_known_as",
    "purpose",
    "when_available",
    "requirements",
    "documents",
    "forms",
    "steps",
    "fee_formula",
    "fee_legal_basis",
    "payment_channels",
    "response_time_notes",
    "result_name",
    "result_validity",
    "result_delivery",
    "channels",
    "legal_basis",
    "in_person_reason",
    "online_form",
    "required_documents",
)


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
    if only is None:
        counts.reference["search"] = load_search_data(data_dir)
    return counts


def load_search_data(data_dir: Path = DATA_DIR) -> int:
    """The first synonyms and promoted results (search.yaml); editors own them after
    that, so what is already there stays as they left it. Returns what was created."""
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    path = data_dir / "search.yaml"
    if not path.exists():
        return 0
    data = read_yaml_unique(path)
    created = 0
    taken = {
        normalize(term)
        for synonym in SearchSynonym.objects.all()
        for term in synonym.term_list()
    }
    for terms in data.get("synonyms", []):
        if not any(normalize(term) in taken for term in terms):
            SearchSynonym.objects.create(terms="\n".join(terms))
            taken.update(normalize(term) for term in terms)
            created += 1
    pages = {page.code: page for page in ProcedurePage.objects.all()}
    for promotion in data.get("promotions", []):
        query = Query.get(promotion["query"])
        if query.editors_picks.exists():
            continue
        for order, item in enumerate(promotion["procedures"]):
            if item["code"] not in pages:
                raise CatalogDataError(f"search.yaml: trámite {item['code']} no existe")
            SearchPromotion.objects.create(
                query=query,
                page=pages[item["code"]],
                sort_order=order,
                description=item.get("description") or "",
            )
            created += 1
    return created
