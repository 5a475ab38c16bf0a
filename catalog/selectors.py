"""Read-side queries of the public catalog: search, facets, pagination, export.

Every function issues a fixed number of queries, whatever the catalog's size.
"""

from collections import Counter
from collections.abc import Mapping
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import fees, search, spelling
from .models import Entity, LifeEvent, ProcedurePage

PAGE_SIZE = 20
COST_FREE, COST_PAID = fees.COST_FREE, fees.COST_PAID
COSTS = list(fees.COST_RULES)


def published_procedures() -> QuerySet:
    return ProcedurePage.objects.live().filter(
        catalog_status__in=[
            ProcedurePage.CatalogStatus.VIGENTE,
            ProcedurePage.CatalogStatus.RACIONALIZADO,
        ]
    )


def _apply_filters(queryset: QuerySet, selected: Mapping[str, str]) -> QuerySet:
    # Many-to-many filters as subqueries: no joins, so no duplicate rows to remove.
    if selected.get("entidad"):
        queryset = queryset.filter(entity__code=selected["entidad"])
    if selected.get("evento"):
        events = ProcedurePage.life_events.through.objects.filter(
            lifeevent__code=selected["evento"]
        )
        queryset = queryset.filter(pk__in=events.values("procedurepage_id"))
    if selected.get("publico"):
        audiences = ProcedurePage.audiences.through.objects.filter(
            audience__code=selected["publico"]
        )
        queryset = queryset.filter(pk__in=audiences.values("procedurepage_id"))
    if selected.get("nivel"):
        queryset = queryset.filter(digital_level=selected["nivel"])
    if selected.get("costo") in fees.COST_RULES:
        queryset = queryset.filter(fee_rule__in=fees.COST_RULES[selected["costo"]])
    return queryset


def _options(
    counts: Counter,
    labels: Mapping,
    param: str,
    selected: Mapping[str, str],
    order=None,
) -> list[dict]:
    keys = (
        order if order is not None else sorted(counts, key=lambda key: str(labels[key]))
    )
    return [
        {
            "value": key,
            "label": labels[key],
            "count": counts[key],
            "selected": selected.get(param) == key,
        }
        for key in keys
        if counts.get(key)
    ]


def _m2m_counts(through, target: str, ids: list[int]) -> tuple[Counter, dict, list]:
    counts, labels, order = Counter(), {}, {}
    sort_field = "sort_order" if target == "lifeevent" else "name"
    fields = (f"{target}__code", f"{target}__name", f"{target}__{sort_field}")
    # The matches are already known: look them up by id instead of searching again.
    for start in range(0, len(ids), 5000):
        rows = through.objects.filter(
            procedurepage_id__in=ids[start : start + 5000]
        ).values_list(*fields)
        for code, name, sort_key in rows:
            counts[code] += 1
            labels[code] = name
            order[code] = sort_key
    return counts, labels, sorted(order, key=lambda code: (order[code], labels[code]))


def facets(rows: list[tuple], selected: Mapping[str, str]) -> list[dict]:
    """Counts per facet value over the matched procedures.

    ``rows`` are the matches' (pk, entity_id, digital_level, fee_rule), already
    fetched; the many-to-many facets take one query each (per 5,000 matches).
    """
    ids = [row[0] for row in rows]
    entity_counts = Counter(row[1] for row in rows)
    entities = {e.pk: e for e in Entity.objects.filter(pk__in=list(entity_counts))}
    by_code = Counter({entities[pk].code: n for pk, n in entity_counts.items()})
    entity_labels = {e.code: e.name for e in entities.values()}
    events, event_labels, event_order = _m2m_counts(
        ProcedurePage.life_events.through, "lifeevent", ids
    )
    audiences, audience_labels, audience_order = _m2m_counts(
        ProcedurePage.audiences.through, "audience", ids
    )
    levels = Counter(row[2] for row in rows)
    costs = Counter(fees.cost_category(row[3]) for row in rows)
    level_labels = dict(ProcedurePage.DigitalLevel.choices)
    return [
        {
            "param": "entidad",
            "label": _("Entidad"),
            "options": _options(by_code, entity_labels, "entidad", selected),
        },
        {
            "param": "evento",
            "label": _("Situación de vida"),
            "options": _options(events, event_labels, "evento", selected, event_order),
        },
        {
            "param": "publico",
            "label": _("Dirigido a"),
            "options": _options(
                audiences, audience_labels, "publico", selected, audience_order
            ),
        },
        {
            "param": "nivel",
            "label": _("Nivel de virtualización"),
            "options": _options(
                levels, level_labels, "nivel", selected, list(level_labels)
            ),
        },
        {
            "param": "costo",
            "label": _("Costo"),
            "options": _options(
                costs,
                fees.cost_labels(),
                "costo",
                selected,
                COSTS,
            ),
        },
    ]


def catalog_search(params: Mapping[str, str]) -> dict:
    """Everything the catalog index shows for the query string ``params``.

    The text search runs once: the matches' ids, in relevance order, with the columns
    the facets need; the page's procedures are then fetched by id.
    """
    query = (params.get("q") or "").strip()[:200]
    selected = {
        key: (params.get(key) or "").strip()[:60]
        for key in ("entidad", "evento", "publico", "nivel", "costo")
    }
    matched = _apply_filters(published_procedures(), selected)
    facet_fields = ("pk", "entity_id", "digital_level", "fee_rule")
    config = search.search_config() if query else None
    if query:
        rows = search.ranked_rows(matched, query, facet_fields, config)
    else:
        rows = list(matched.order_by("title").values_list(*facet_fields))
    paginator = Paginator([row[0] for row in rows], PAGE_SIZE)
    page = paginator.get_page(params.get("pagina"))
    by_pk = (
        ProcedurePage.objects.filter(pk__in=list(page.object_list))
        .select_related("entity")
        .in_bulk()
    )
    page.object_list = [by_pk[pk] for pk in page.object_list]
    promoted = set(config.promotions.get(search.query_key(query), ())) if query else ()
    for procedure in page.object_list:
        procedure.promoted = procedure.pk in promoted
        procedure.promotion_note = (
            config.promotion_notes.get(procedure.pk, "") if procedure.promoted else ""
        )
    suggestions, correction = [], None
    if query and not rows:
        suggestions, correction = _suggestions(query, config)
    _add_links(query, selected, page)
    facet_list = facets(rows, selected)
    for facet in facet_list:
        for option in facet["options"]:
            value = "" if option["selected"] else option["value"]
            option["href"] = _href(query, {**selected, facet["param"]: value})
    return {
        "query": query,
        "selected": selected,
        "clear_filters_href": _href(query, {}),
        "active_filters": sum(1 for value in selected.values() if value),
        "results": page,
        "paginator": paginator,
        "facets": facet_list,
        "suggestions": suggestions,
        "correction": correction,
        "correction_href": _href(correction, selected) if correction else "",
        "search_count": paginator.count if query else None,
        "life_events": list(LifeEvent.objects.all()) if not rows else [],
    }


def _suggestions(query: str, config) -> tuple[list, str | None]:
    """Nothing matched: "¿Quiso decir…?" with what the correction finds, or else the
    procedures that hold some of the words (rarer words first). At most four queries
    and the vocabulary from the cache, whatever the catalog's size."""
    correction = spelling.did_you_mean(query)
    rows = []
    if correction:
        rows = search.ranked_rows(published_procedures(), correction, config=config)
        if not rows:
            rows = search.ranked_any_rows(
                published_procedures(), correction, config=config
            )
    if not rows:
        rows = search.ranked_any_rows(published_procedures(), query, config=config)
    ids = [row[0] for row in rows[:5]]
    by_pk = ProcedurePage.objects.filter(pk__in=ids).select_related("entity").in_bulk()
    return [by_pk[pk] for pk in ids], correction


def _href(
    query: str, selected: Mapping[str, str], page_number: int | None = None
) -> str:
    """The query string of a catalog link (built here once, not in the template)."""
    params = {key: value for key, value in selected.items() if value}
    if query:
        params["q"] = query
    if page_number:
        params["pagina"] = page_number
    return "?" + urlencode(params)


def _add_links(query: str, selected: Mapping[str, str], page) -> None:
    page.previous_href = (
        _href(query, selected, page.previous_page_number())
        if page.has_previous()
        else ""
    )
    page.next_href = (
        _href(query, selected, page.next_page_number()) if page.has_next() else ""
    )
