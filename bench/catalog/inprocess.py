"""In-process measurements with Django's test Client: SQL queries per page and
search latency, without network, gunicorn or the anonymous page cache.

Run by run.py with ``ANONYMOUS_PAGE_CACHE_SECONDS=0`` (the script refuses otherwise:
a cache hit would issue no query at all). Writes its results as JSON to ``--out``.
"""

import re
import time
from pathlib import Path

from bench.common import captured, module_main, summarize_ms

QUERIES_FILE = Path(__file__).resolve().parent / "queries.txt"
# The real procedure whose page is measured; the fixtures of tests/ use it too.
PROCEDURE_CODE = "F03"
SEARCH_WITH_FACET = "/tramites/?q=matricula&evento=crear-empresa"
RESULT_COUNT = re.compile(r"(\d+) trámites? encontrados?")


def read_queries(path: Path = QUERIES_FILE) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def procedure_url() -> str:
    from catalog.models import ProcedurePage

    page = (
        ProcedurePage.objects.live().filter(code=PROCEDURE_CODE).first()
        or ProcedurePage.objects.live().order_by("code").first()
    )
    return page.url


def count_queries(client, urls: list[tuple[str, str]]) -> dict:
    """Queries and time of one request per URL, after one warm-up request each.

    The warm-up fills per-process caches (content types, site root paths, templates)
    so the figure is what every later request costs.
    """
    pages = {}
    for label, url in urls:
        warm = client.get(url)
        if warm.status_code != 200:
            raise SystemExit(f"inprocess: GET {url} answered {warm.status_code}")
        with captured() as capture:
            response = client.get(url)
        if "X-Cache" in response:
            raise SystemExit("inprocess: the anonymous page cache answered; disable it")
        pages[label] = {
            "url": url,
            "queries": len(capture["queries"]),
            "ms": round(capture["ms"], 1),
            "bytes": len(response.content),
            # Kept so that a count that grows with the catalog can be diagnosed.
            "sql": [q["sql"][:300] for q in capture["queries"]],
        }
    return pages


def search_latency(client, queries: list[str], requests: int) -> dict:
    """Time of ``requests`` sequential searches, cycling through ``queries``."""
    results = {}
    for query in queries:  # Warm-up pass; also records how much each query finds.
        response = client.get("/tramites/", {"q": query})
        found = RESULT_COUNT.search(response.content.decode())
        results[query] = int(found.group(1)) if found else 0
    samples = []
    for number in range(requests):
        started = time.perf_counter()
        response = client.get("/tramites/", {"q": queries[number % len(queries)]})
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"inprocess: search answered {response.status_code}")
    return {"latency_ms": summarize_ms(samples), "results_per_query": results}


def measure(args) -> dict:
    from django.conf import settings
    from django.test import Client

    from catalog.models import ProcedurePage

    if settings.ANONYMOUS_PAGE_CACHE_SECONDS:
        raise SystemExit("inprocess: run with ANONYMOUS_PAGE_CACHE_SECONDS=0")
    client = Client()
    procedure = procedure_url()
    urls = [
        ("home", "/"),
        ("catalog", "/tramites/"),
        ("search_facet", SEARCH_WITH_FACET),
        ("procedure", procedure),
        ("open_data_json", "/datos/tramites.json"),
    ]
    return {
        "live_procedures": ProcedurePage.objects.live().count(),
        "procedure_url": procedure,
        "pages": count_queries(client, urls),
        "search": search_latency(client, read_queries(), args.search_requests),
    }


def main() -> None:
    module_main(
        "bench.catalog.settings",
        lambda add: add("--search-requests", type=int, default=240),
        measure,
    )


if __name__ == "__main__":
    main()
