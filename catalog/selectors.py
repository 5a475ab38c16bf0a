"""Read-side queries of the public catalog: search, facets, pagination, export.

Every function issues a fixed number of queries, whatever the catalog's size.
"""

from collections.abc import Mapping

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from . import search
from .models import Audience, LifeEvent, ProcedurePage

PAGE_SIZE = 20
COST_FREE, COST_PAID = "gratuito", "pago"


def published_procedures() -> QuerySet:
    return ProcedurePage.objects.live().filter(
        catalog_status__in=[
            ProcedurePage.CatalogStatus.VIGENTE,
            ProcedurePage.CatalogStatus.RACIONALIZADO,
        ]
    )


def _apply_filters(queryset: QuerySet, selected: Mapping[str, str]) -> QuerySet:
    if selected.get("entidad"):
        queryset = queryset.filter(entity__code=selected["entidad"])
    if selected.get("evento"):
        queryset = queryset.filter(life_events__code=selected["evento"])
    if selected.get("publico"):
        queryset = queryset.filter(audiences__code=selected["publico"])
    if selected.get("nivel"):
        queryset = queryset.filter(digital_level=selected["nivel"])
    if selected.get("costo") in (COST_FREE, COST_PAID):
        queryset = queryset.filter(requires_payment=selected["costo"] == COST_PAID)
    return queryset


def _facet(rows, value_key, label_key, param, selected, labels=None):
    options = []
    for row in rows:
        value = row[value_key]
        if value is None:
            continue
        label = labels[value] if labels else row[label_key]
        options.append(
            {
                "value": value,
                "label": label,
                "count": row["n"],
                "selected": selected.get(param) == value,
            }
        )
    return options


def facets_for(queryset: QuerySet, selected: Mapping[str, str]) -> list[dict]:
    """Counts per facet value over ``queryset`` (one query per facet)."""
    ids = queryset.order_by().values("pk")
    base = ProcedurePage.objects.filter(pk__in=ids).order_by()
    entity_rows = (
        base.values("entity__code", "entity__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("entity__name")
    )
    event_rows = (
        LifeEvent.objects.filter(procedures__in=ids)
        .values("code", "name", "sort_order")
        .annotate(n=Count("procedures", distinct=True))
        .order_by("sort_order", "name")
    )
    audience_rows = (
        Audience.objects.filter(procedures__in=ids)
        .values("code", "name")
        .annotate(n=Count("procedures", distinct=True))
        .order_by("name")
    )
    level_rows = (
        base.values("digital_level").annotate(n=Count("pk")).order_by("digital_level")
    )
    cost_rows = [
        {"value": COST_PAID if row["requires_payment"] else COST_FREE, "n": row["n"]}
        for row in base.values("requires_payment")
        .annotate(n=Count("pk"))
        .order_by("requires_payment")
    ]
    return [
        {
            "param": "entidad",
            "label": _("Entidad"),
            "options": _facet(
                entity_rows, "entity__code", "entity__name", "entidad", selected
            ),
        },
        {
            "param": "evento",
            "label": _("Situación de vida"),
            "options": _facet(event_rows, "code", "name", "evento", selected),
        },
        {
            "param": "publico",
            "label": _("Dirigido a"),
            "options": _facet(audience_rows, "code", "name", "publico", selected),
        },
        {
            "param": "nivel",
            "label": _("Nivel de virtualización"),
            "options": _facet(
                level_rows,
                "digital_level",
                None,
                "nivel",
                selected,
                dict(ProcedurePage.DigitalLevel.choices),
            ),
        },
        {
            "param": "costo",
            "label": _("Costo"),
            "options": _facet(
                cost_rows,
                "value",
                None,
                "costo",
                selected,
                {COST_FREE: _("Gratuito"), COST_PAID: _("Con pago")},
            ),
        },
    ]


def catalog_search(params: Mapping[str, str]) -> dict:
    """Everything the catalog index shows for the query string ``params``."""
    query = (params.get("q") or "").strip()[:200]
    selected = {
        key: (params.get(key) or "").strip()[:60]
        for key in ("entidad", "evento", "publico", "nivel", "costo")
    }
    queryset = _apply_filters(published_procedures(), selected)
    if any(selected[key] for key in ("evento", "publico")):
        queryset = queryset.distinct()
    queryset = search.search(queryset, query) if query else queryset.order_by("title")
    paginator = Paginator(queryset.select_related("entity"), PAGE_SIZE)
    page = paginator.get_page(params.get("pagina"))
    suggestions = []
    if query and paginator.count == 0:
        suggestions = list(
            search.search(
                published_procedures(), query, match_all=False
            ).select_related("entity")[:5]
        )
    return {
        "query": query,
        "selected": selected,
        "active_filters": any(selected.values()),
        "results": page,
        "paginator": paginator,
        "facets": facets_for(queryset, selected),
        "suggestions": suggestions,
        "life_events": list(LifeEvent.objects.all()) if paginator.count == 0 else [],
    }
