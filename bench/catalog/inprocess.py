"""SQL queries per page and search latency with Django's test Client: no network, no
gunicorn, no anonymous page cache (a hit would issue no query at all).

    python -m bench.catalog.inprocess --out X.json   # run by run.py, cache off
"""

import re
from pathlib import Path
from urllib.parse import urlencode

from bench.common import get_with_sql, module_main, summarize_ms, timed_gets

RESULT_COUNT = re.compile(r"(\d+) trámites? encontrados?")


def search_urls() -> list[str]:
    lines = (Path(__file__).parent / "queries.txt").read_text("utf-8").splitlines()
    queries = [q.strip() for q in lines if q.strip() and not q.startswith("#")]
    return ["/tramites/?" + urlencode({"q": q}) for q in queries]


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
    client, pages, found = Client(), {}, {}
    for name, url in urls.items():
        response, capture = get_with_sql(client, url)
        pages[name] = {
            "url": url,
            "queries": len(capture["queries"]),
            "ms": round(capture["ms"], 1),
            "bytes": len(response.content),
            # So that a count that grows with the catalog can be diagnosed.
            "sql": [q["sql"][:300] for q in capture["queries"]],
        }
    for url in search_urls():  # The warm-up pass records how much each query finds.
        count = RESULT_COUNT.search(client.get(url).content.decode())
        found[url] = int(count.group(1)) if count else 0
    samples = timed_gets(client, search_urls(), args.search_requests)
    return {
        "live_procedures": live.count(),
        "procedure_url": procedure,
        "pages": pages,
        "queries": {name: page["queries"] for name, page in pages.items()},
        "search": {"latency_ms": summarize_ms(samples), "results_per_query": found},
    }


if __name__ == "__main__":
    module_main(
        "bench.settings",
        lambda add: add("--search-requests", type=int, default=240),
        measure,
    )
