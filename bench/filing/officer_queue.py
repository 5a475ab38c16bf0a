"""The officers' queue (/admin/casos/) in-process, with Django's test Client.

    python -m bench.filing.officer_queue --out result.json [--requests 200]

As ``funcionario_shd`` (force_login), for every URL of ``URLS``: one warm-up request,
one with its SQL captured and ``EXPLAIN (ANALYZE, BUFFERS)`` of each query reading
``procedures_case``; then ``--requests`` timed requests cycling over the URLs. The
app's own view through its URL: nothing of it is copied or patched here.
"""

import re
import time

from bench.common import captured, module_main, summarize_ms

OFFICER = "funcionario_shd"
QUEUE = "/admin/casos/"
# The first pages, the searches (by radicado, document, a rare name and a name
# every bench citizen has), each sort, each filter and filters combined, as
# officers use them. SDH-2026-000100 and bench_ciudadano_123 exist in bulk.py's
# history; the name "Ciudadano" matches all its 20,000 citizens.
URLS = (
    ("default", QUEUE),
    ("page_2", QUEUE + "?p=2"),
    ("page_10", QUEUE + "?p=10"),
    ("search_radicado", QUEUE + "?q=SDH-2026-000100"),
    ("search_document", QUEUE + "?q=50000123"),
    ("search_name", QUEUE + "?q=Ciudadano+123"),
    ("search_common_name", QUEUE + "?q=Ciudadano"),
    ("sort_due_desc", QUEUE + "?ordering=-due_date"),
    ("sort_radicado", QUEUE + "?ordering=radicado"),
    ("sort_applicant", QUEUE + "?ordering=solicitante"),
    ("sort_procedure", QUEUE + "?ordering=tramite"),
    ("sort_status", QUEUE + "?ordering=estado"),
    ("sort_filed", QUEUE + "?ordering=-filed_at"),
    ("sort_assignee", QUEUE + "?ordering=asignado"),
    ("estado_en_revision", QUEUE + "?estado=en_revision"),
    ("estado_aprobado", QUEUE + "?estado=aprobado"),
    ("tramite", QUEUE + "?tramite=SDH-002"),
    ("plazo_vencidos", QUEUE + "?plazo=vencidos"),
    ("plazo_pronto", QUEUE + "?plazo=pronto"),
    ("plazo_a_tiempo", QUEUE + "?plazo=a_tiempo"),
    ("sin_asignar", QUEUE + "?asignado=null"),
    ("mios", QUEUE + "?mios=on"),
    ("combined", QUEUE + "?estado=en_revision&tramite=SDH-002&plazo=vencidos&mios=on"),
)
ROWS = re.compile(r'<a href="/admin/casos/([^"/]+)/">')
PAGES = re.compile(r"P\xe1gina (\d+) de (\d+)")


def explain(sql: str) -> dict:
    """EXPLAIN ANALYZE of one captured query (the SQL as executed, params inlined)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    plan = "\n".join(lines)
    found = re.search(r"Execution Time: ([\d.]+) ms", plan)
    indexes = re.findall(r"Index (?:Only )?Scan (?:Backward )?(?:using|on) (\w+)", plan)
    return {
        "sql": sql,
        "execution_ms": float(found.group(1)) if found else None,
        "indexes": sorted(set(indexes)),
        "seq_scan_on_case": bool(re.search(r"Seq Scan on procedures_case", plan)),
        "plan": plan,
    }


def measure(requests: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=OFFICER))
    urls = {}
    for label, url in URLS:
        client.get(url)  # Warm-up: templates, content types, the user's permissions.
        with captured() as capture:
            response = client.get(url)
        elapsed, queries = capture["ms"], capture["queries"]
        if response.status_code != 200:
            raise SystemExit(f"queue: GET {url} answered {response.status_code}")
        html = response.content.decode()
        pages = PAGES.search(html)
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        case_queries = [q["sql"] for q in queries if '"procedures_case"' in q["sql"]]
        radicados = ROWS.findall(html)
        urls[label] = {
            "url": url,
            "queries": len(queries),
            "captured_ms": round(elapsed, 1),
            "captured_sql_ms": round(sql_ms, 1),
            "rows": len(radicados),
            "radicados": radicados,
            "page_of": [int(pages.group(1)), int(pages.group(2))] if pages else [1, 1],
            "case_queries": [explain(sql) for sql in case_queries],
            "samples": [],
        }
    samples = []
    for number in range(requests):
        entry = urls[URLS[number % len(URLS)][0]]
        started = time.perf_counter()
        response = client.get(entry["url"])
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(
                f"queue: GET {entry['url']} answered {response.status_code}"
            )
        samples.append(elapsed)
        entry["samples"].append(round(elapsed, 2))
    for entry in urls.values():
        entry["latency_ms"] = summarize_ms(entry.pop("samples"))
    return {"latency_ms": summarize_ms(samples), "urls": urls}


if __name__ == "__main__":
    module_main(
        "bench.settings",
        lambda add: add("--requests", type=int, default=200),
        lambda args: measure(args.requests),
    )
