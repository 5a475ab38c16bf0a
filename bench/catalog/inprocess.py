"""SQL queries per page and search latency with Django's test Client: no network, no
gunicorn, no anonymous page cache (a hit would issue no query at all).

    python -m bench.catalog.inprocess --params '{"search_requests": 240}' --out X.json
"""

from pathlib import Path
from urllib.parse import urlencode

from bench.common import get_with_sql, module_main, summarize_ms, timed_gets


def search_urls() -> list[str]:
    lines = (Path(__file__).parent / "queries.txt").read_text("utf-8").splitlines()
    queries = [q.strip() for q in lines if q.strip() and not q.startswith("#")]
    return ["/tramites/?" + urlencode({"q": q}) for q in queries]


def measure(search_requests=240) -> dict:
    from django.test import Client

    from catalog.models import ProcedurePage

    live = ProcedurePage.objects.live()
    # F03 is a real procedure, the one the fixtures of tests/ use too.
    procedure = live.get(code="F03").url
    urls = {
        "home": "/",
        "catalog": "/tramites/",
        "search_facet": "/tramites/?q=matricula&evento=crear-empresa",
        "procedure": procedure,
        "open_data_json": "/datos/tramites.json",
    }
    client, pages = Client(), {}
    for name, url in urls.items():
        capture = get_with_sql(client, url)[1]
        pages[name] = {
            "url": url,
            "queries": len(capture["queries"]),
            "ms": round(capture["ms"], 1),
            # So that a count that grows with the catalog can be diagnosed.
            "sql": [q["sql"][:300] for q in capture["queries"]],
        }
    timed_gets(client, search_urls(), len(search_urls()))  # Warm-up.
    samples = timed_gets(client, search_urls(), search_requests)
    return {
        "live_procedures": live.count(),
        "procedure_url": procedure,
        "pages": pages,
        "queries": {name: page["queries"] for name, page in pages.items()},
        "search": {"latency_ms": summarize_ms(samples)},
    }


if __name__ == "__main__":
    module_main(measure)
