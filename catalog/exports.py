"""The open-data shape of a published procedure, shared by the CSV and JSON exports."""

from collections import defaultdict
from collections.abc import Iterator

from .blocks import NORM_TYPE_CHOICES
from .models import ProcedurePage
from .selectors import published_procedures

NORM_TYPES = {key: str(label) for key, label in NORM_TYPE_CHOICES}

EXPORT_COLUMNS = [
    "code",
    "title",
    "url",
    "kind",
    "entity_code",
    "entity_name",
    "entity_nit",
    "entity_sector",
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
    "requires_payment",
    "fee_rule",
    "fee_amount",
    "fee_unit",
    "fee_formula",
    "fee_legal_basis",
    "payment_channels",
    "response_time_value",
    "response_time_unit",
    "calendar_type",
    "legal_term_days",
    "response_time_notes",
    "extension_allowed",
    "result_name",
    "result_type",
    "result_validity",
    "result_delivery",
    "channels",
    "service_points",
    "legal_basis",
    "last_reviewed",
    "catalog_status",
    "certainty",
    "source_url",
]


def _stream(value) -> list[dict]:
    # The stored JSON, not the blocks: decoding every block (choice labels, struct
    # values) cost about 1 ms per procedure, 5 s for a catalog of 5,000. Every field
    # read here is a required text field, stored as the editor typed it.
    return [item["value"] for item in value.raw_data]


def _text_list(items, fmt) -> list[str]:
    return [fmt(item) for item in items]


# Page fields the export never reads; skipping them saves decoding at 5,000 pages.
UNEXPORTED_FIELDS = ("online_form", "required_documents", "search_text")


def _codes_by_page(field_name: str, pages) -> dict[int, list[str]]:
    """The codes a many-to-many field holds, per page, in the target's own order.

    One query on the link table instead of prefetch_related: modelcluster builds a
    manager per page and relation, which cost ~2 s for 5,000 pages.
    """
    field = ProcedurePage._meta.get_field(field_name)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    ordering = [f"{target}__{key}" for key in field.related_model._meta.ordering]
    rows = (
        field.remote_field.through.objects.filter(
            **{f"{source}__in": pages.values("pk")}
        )
        .order_by(*ordering)
        .values_list(f"{source}_id", f"{target}__code")
    )
    codes: dict[int, list[str]] = defaultdict(list)
    for page_id, code in rows:
        codes[page_id].append(code)
    return codes


def export_rows(request=None) -> Iterator[dict]:
    pages = published_procedures()
    audiences = _codes_by_page("audiences", pages)
    life_events = _codes_by_page("life_events", pages)
    service_points = _codes_by_page("service_points", pages)
    procedures = (
        pages.select_related("entity").defer(*UNEXPORTED_FIELDS).order_by("code")
    )
    for page in procedures:
        norms = _stream(page.legal_basis)
        yield {
            "code": page.code,
            "title": page.title,
            "url": page.get_full_url(request),  # the request caches the site root
            "kind": page.kind,
            "entity_code": page.entity.code,
            "entity_name": page.entity.name,
            "entity_nit": page.entity.nit,
            "entity_sector": page.entity.sector,
            "standardized_name": page.standardized_name,
            "also_known_as": page.also_known_as,
            "purpose": page.purpose,
            "audiences": audiences[page.pk],
            "life_events": life_events[page.pk],
            "when_available": page.when_available,
            "digital_level": page.digital_level,
            "online_url": page.online_url,
            "requirements": _text_list(_stream(page.requirements), lambda r: r["text"]),
            "documents": _text_list(_stream(page.documents), lambda d: d["name"]),
            "forms": _text_list(_stream(page.forms), lambda f: f["name"]),
            "steps": _text_list(_stream(page.steps), lambda s: s["title"]),
            "requires_payment": page.requires_payment,
            "fee_rule": page.fee_rule,
            "fee_amount": str(page.fee_amount.normalize()),
            "fee_unit": page.fee_unit,
            "fee_formula": page.fee_formula,
            "fee_legal_basis": page.fee_legal_basis,
            "payment_channels": page.payment_channels,
            "response_time_value": page.response_time_value,
            "response_time_unit": page.response_time_unit,
            "calendar_type": page.calendar_type,
            "legal_term_days": page.legal_term_days,
            "response_time_notes": page.response_time_notes,
            "extension_allowed": page.extension_allowed,
            "result_name": page.result_name,
            "result_type": page.result_type,
            "result_validity": page.result_validity,
            "result_delivery": page.result_delivery,
            "channels": _text_list(_stream(page.channels), lambda c: c["name"]),
            "service_points": service_points[page.pk],
            "legal_basis": _text_list(
                norms, lambda n: f"{NORM_TYPES[n['type']]} {n['number']} de {n['year']}"
            ),
            "last_reviewed": page.last_reviewed.isoformat(),
            "catalog_status": page.catalog_status,
            "certainty": page.certainty,
            "source_url": page.source_url,
        }
