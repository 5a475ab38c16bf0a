"""Anonymous counts of what people search in the catalog, for its editors.

Only the normalized text of a query and the day are kept, with how many times it was
searched and how many of those found nothing: no user, no IP, no time of day. Digit
runs of five or more (a cédula, a NIT, a radicado typed into the box) are blanked.

The catalog page says how many procedures it found in a response header; the
middleware, placed outside the anonymous page cache, counts the search from it (so a
search served from the cache is counted too) and removes the header.
"""

import datetime
import logging
import re

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .search import normalize

RESULTS_HEADER = "X-Catalog-Search-Results"
MAX_LENGTH = 100
_DIGIT_RUN = re.compile(r"\d{5,}")
# A new search is the query alone: a facet or a later page refines the same search.
_REFINEMENTS = ("entidad", "evento", "publico", "nivel", "costo", "pagina")

logger = logging.getLogger(__name__)


def log_text(query: str) -> str:
    return _DIGIT_RUN.sub("#", normalize(query))[:MAX_LENGTH].strip()


def record_search(query: str, results: int, day: datetime.date | None = None) -> None:
    """Count one search of ``query`` that found ``results`` procedures (one UPDATE,
    or an INSERT the first time in the day)."""
    from .models import SearchQueryDay

    text = log_text(query)
    if not text:
        return
    day = day or timezone.localdate()
    zero = 1 if results == 0 else 0
    counts = {"searches": F("searches") + 1, "zero_results": F("zero_results") + zero}
    rows = SearchQueryDay.objects.filter(day=day, query=text)
    if rows.update(**counts):
        return
    try:
        with transaction.atomic():
            SearchQueryDay.objects.create(
                day=day, query=text, searches=1, zero_results=zero
            )
    except IntegrityError:  # Another request created the row first.
        rows.update(**counts)


def report(days: int = 30, limit: int = 50) -> dict:
    """The most searched queries and those that found nothing, over ``days``."""
    from .models import SearchQueryDay

    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    totals = (
        SearchQueryDay.objects.filter(day__gte=since)
        .values("query")
        .annotate(total=Sum("searches"), empty=Sum("zero_results"))
    )
    return {
        "days": days,
        "since": since,
        "top": list(totals.order_by("-total", "query")[:limit]),
        "zero": list(totals.filter(empty__gt=0).order_by("-empty", "query")[:limit]),
    }


class SearchLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        found = response.get(RESULTS_HEADER)
        if found is None:
            return response
        del response[RESULTS_HEADER]
        query = request.GET.get("q", "")
        if (
            request.method == "GET"
            and query
            and not any(request.GET.get(name) for name in _REFINEMENTS)
        ):
            try:
                record_search(query, int(found))
            except (DatabaseError, ValueError):
                # Counting must never cost a citizen their results.
                logger.exception("catalog search not counted")
        return response
