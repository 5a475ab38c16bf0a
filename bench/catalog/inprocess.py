"""SQL queries per page and search latency with Django's test Client: no network, no
gunicorn, no anonymous page cache (a hit would issue no query at all).

    python -m bench.catalog.inprocess --out X.json   # run by run.py, cache off
"""

import re
import time
from pathlib import Path

from bench.common import captured, module_main, summarize_ms

RESULT_COUNT = re.compile(r"(\d+) trámites? encontrados?")


def read_queries() -> list[str]:
    lines = (Path(__file__).parent / "queries.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def count_queries(client, urls: dict) -> dict:
    """One request per URL after a warm-up one, which fills the per-process caches
    (content types, site root paths, templates): what every later request costs."""
    pages = {}
    for name, url in urls.items():
        if client.get(url).status_code != 200:
            raise SystemExit(f"inprocess: GET {url} did not answer 200")
        with captured() as capture:
            response = client.get(url)
        if "X-Cache" in response:
            raise SystemExit("inprocess: the anonymous page cache answered; disable it")
        pages[name] = {
            "url": url,
            "queries": len(capture["queries"]),
            "ms": round(capture["ms"], 1),
            "bytes": len(response.content),
            # So that a count that grows with the catalog can be diagnosed.
            "sql": [q["sql"][:300] for q in capture["queries"]],
        }
    return pages


def search_latency(client, queries: list[str], requests: int) -> dict:
    found = {}  # The warm-up pass records how much each query finds.
    for query in queries:
        count = RESULT_COUNT.search(
            client.get("/tramites/", {"q": query}).content.decode()
        )
        found[query] = int(count.group(1)) if count else 0
    samples = []
    for number in range(requests):
        started = time.perf_counter()
        response = client.get("/tramites/", {"q": queries[number % len(queries)]})
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"inprocess: search answered {response.status_code}")
    return {"latency_ms": summarize_ms(samples), "results_per_query": found}


def measure(args) -> dict:
    from django.conf import settings
    from django.test import Client

    from catalog.models import ProcedurePage

    if settings.ANONYMOUS_PAGE_CACHE_SECONDS:
        raise SystemExit("inprocess: run with ANONYMOUS_PAGE_CACHE_SECONDS=0")
    live = ProcedurePage.objects.live()
    # F03 is a real procedure, the one the fixtures of tests/ use too.
    procedure = (live.filter(code="F03").first() or live.order_by("code").first()).url
    urls = {
        "home": "/",
        "catalog": "/tramites/",
        "search_facet": "/tramites/?q=matricula&evento=crear-empresa",
        "procedure": procedure,
        "open_data_json": "/datos/tramites.json",
    }
    client = Client()
    return {
        "live_procedures": live.count(),
        "procedure_url": procedure,
        "pages": count_queries(client, urls),
        "search": search_latency(client, read_queries(), args.search_requests),
    }


if __name__ == "__main__":
    module_main(
        "bench.catalog.settings",
        lambda add: add("--search-requests", type=int, default=240),
        measure,
    )
