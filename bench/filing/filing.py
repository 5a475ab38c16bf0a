"""Filing in-process: ``procedures.services.case_file`` call by call, filings drawn
at random from all fileable procedures (``mix``) and the officers' queue (``queue``).

    python -m bench.filing.filing --params '{"phase": "mix", "filings": 9}' --out r.json

``phase``: sequential, concurrent (``processes`` x ``filings``), http, verify, mix or
queue. Answers and documents come from the procedure's own form; tasks run eagerly
unless CELERY_BROKER_URL is set. ``radicado_next`` is wrapped (in this process) to
time the wait for the entity's counter row lock and its hold.
"""

import random
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

from bench.common import (
    captured,
    forked,
    get_with_sql,
    module_main,
    summarize_ms,
    timed_gets,
)

PROCEDURE_CODE, APPLICANT = "SDH-002", "ciudadano"
WARMUP = 3  # Filings per process before timing: WeasyPrint's fonts, connections.
MIX_WARMUP, MIX_SEED = 5, 11
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def posted(procedure) -> tuple[dict, dict]:
    """What the citizen posts: answers and documents built from the form itself."""
    from procedures.forms import FilingForm
    from procedures.sample_answers import valid_answers, valid_files

    blank = FilingForm(procedure)
    data = {**valid_answers(blank), "submission_token": str(uuid.uuid4())}
    return {**data, "accept_privacy": "on"}, valid_files(blank)


def valid_form(procedure, data, files, applicant):
    """The form as the filing view validates it before handing it to case_file."""
    from procedures.forms import FilingForm

    form = FilingForm(procedure, data, files, applicant=applicant)
    if not form.is_valid():
        raise SystemExit(f"{procedure.code}: {form.errors.as_json()}")
    return form


def sdh_002():
    from catalog.models import ProcedurePage

    return ProcedurePage.objects.select_related("entity").get(code=PROCEDURE_CODE)


def user(username=APPLICANT):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def http(port: int, filings: int, connections: int, warmup: int) -> dict:
    """``filings`` posts of the form to gunicorn from ``connections`` threads, in the
    citizen's session (force_login: a real session row, as a login leaves it)."""
    from django.test import Client

    import requests

    procedure, client = sdh_002(), Client()
    client.force_login(user())
    form_url = f"http://127.0.0.1:{port}{procedure.url}radicar/"
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    form = requests.get(form_url, cookies=cookies, timeout=30)
    if not (token := TOKEN.search(form.text)):
        raise SystemExit(f"GET {form_url} showed no form: {form.text[:200]}")
    cookies.update(form.cookies)  # The CSRF cookie.
    data, uploads = posted(procedure)
    data["csrfmiddlewaretoken"] = token.group(1)
    files = {name: (f.name, f.read(), f.content_type) for name, f in uploads.items()}
    # The 302 to the case is the answer: not followed.
    options = {"files": files, "cookies": cookies, "allow_redirects": False}

    def post(_number=0) -> tuple[float, str]:
        """One filing; its time and, if it failed, what it answered."""
        fresh = {"submission_token": str(uuid.uuid4())}
        started = time.perf_counter()
        response = requests.post(form_url, {**data, **fresh}, timeout=60, **options)
        elapsed = (time.perf_counter() - started) * 1000
        where = response.headers.get("Location", "")
        ok = response.status_code == 302 and "/mis-tramites/SDH-" in where
        return elapsed, "" if ok else f"{response.status_code} {where}"

    for _ in range(warmup):  # Each worker's first requests load code.
        if failure := post()[1]:
            raise SystemExit(f"filing over HTTP: {failure}")
    started = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        posts = list(pool.map(post, range(filings)))
    seconds = time.perf_counter() - started
    failures = [what for _ms, what in posts if what]
    return {
        "eager_tasks": False,
        "connections": connections,
        "filings": len(posts),
        "warmup_filings": warmup,
        "failures": failures[:10],
        "failed": len(failures),
        "seconds": round(seconds, 2),
        "per_s": round(len(posts) / seconds, 1),
        "latency_ms": summarize_ms([ms for ms, _what in posts]),
    }


class Filer:
    """Everything one process needs to file, warmed up, plus the lock timings."""

    def __init__(self, _index=0):
        from django.db import transaction

        from procedures import services

        self.procedure, self.applicant = sdh_002(), user()
        form = valid_form(self.procedure, *posted(self.procedure), self.applicant)
        self.answers, self.documents = form.answers(), form.validated_documents
        self.services, self.lock_wait_ms, self.lock_held_ms = services, [], []
        original = services.radicado_next

        def timed_radicado_next(entity, year):
            started = time.perf_counter()
            radicado = original(entity, year)
            locked = time.perf_counter()
            self.lock_wait_ms.append((locked - started) * 1000)
            # Registered first after the lock is taken, so it runs first after commit.
            transaction.on_commit(
                lambda: self.lock_held_ms.append((time.perf_counter() - locked) * 1000)
            )
            return radicado

        services.radicado_next = timed_radicado_next
        for _ in range(WARMUP):
            self.file()
        self.lock_wait_ms.clear()
        self.lock_held_ms.clear()

    def file(self) -> float:
        started = time.perf_counter()
        case, created = self.services.case_file(
            procedure=self.procedure,
            applicant=self.applicant,
            answers=self.answers,
            documents=self.documents,
            submission_token=uuid.uuid4(),
        )
        if not created:
            raise RuntimeError(f"case_file did not file (returned {case})")
        return (time.perf_counter() - started) * 1000

    def file_many(self, filings: int) -> tuple[list, list, list]:
        samples = [self.file() for _ in range(filings)]
        return samples, self.lock_wait_ms, self.lock_held_ms


def summary(runs: list[tuple], seconds: float) -> dict:
    from django.conf import settings

    samples, waits, helds = ([x for run in runs for x in run[i]] for i in range(3))
    return {
        "eager_tasks": bool(settings.CELERY_TASK_ALWAYS_EAGER),
        "processes": len(runs),
        "filings": len(samples),
        "warmup_filings": WARMUP * len(runs),
        "seconds": round(seconds, 2),
        "per_s": round(len(samples) / seconds, 1),
        "latency_ms": summarize_ms(samples),
        "lock_wait_ms": summarize_ms(waits),
        "lock_held_ms": summarize_ms(helds),
    }


# Per entity and year: cases, last number, and whether the radicados are unique,
# numbered 1..N without gaps and end at the counter's value.
SERIES = """
SELECT code, year, count(*), max(num),
       count(DISTINCT radicado) = count(*) AND count(DISTINCT num) = count(*)
       AND min(num) = 1 AND max(num) = count(*) AND max(last) = max(num)
FROM (SELECT e.code, c.radicado, r.last,
             split_part(c.radicado, '-', 2)::int AS year,
             split_part(c.radicado, '-', 3)::int AS num
      FROM procedures_case c JOIN catalog_entity e ON e.id = c.entity_id
      LEFT JOIN procedures_radicadocounter r ON r.entity_id = c.entity_id
           AND r.year = split_part(c.radicado, '-', 2)::int) AS numbered
GROUP BY 1, 2 ORDER BY 1, 2
"""
COUNTED = ("cases", "uploads", "acknowledgements", "notifications")
COUNTED += ("notifications_sent", "case_filed_events")
COUNTS = """
SELECT (SELECT count(*) FROM procedures_case),
       (SELECT count(*) FROM procedures_casedocument WHERE kind = 'carga'),
       (SELECT count(*) FROM procedures_casedocument WHERE kind = 'acuse'),
       (SELECT count(*) FROM procedures_notification),
       (SELECT count(*) FROM procedures_notification WHERE state = 'enviada'),
       (SELECT count(*) FROM audit_auditevent
        WHERE body LIKE '{"action":"case.filed",%')
"""


def verify() -> dict:
    """Radicados 1..N per entity/year = counter; uploads, audit event, outbox row."""
    from django.db import connection

    from procedures.forms import FilingForm

    with connection.cursor() as cursor:
        cursor.execute(SERIES)
        keys = ("entity", "year", "cases", "max", "ok")
        series = [dict(zip(keys, row, strict=True)) for row in cursor]
        cursor.execute(COUNTS)
        counts = dict(zip(COUNTED, cursor.fetchone(), strict=True))
    documents = len(FilingForm(sdh_002()).document_specs)
    cases, bad = counts["cases"], [s for s in series if not s["ok"]]
    detail = ", ".join(f"{s['entity']}/{s['year']} 1..{s['max']}" for s in series)
    broken = ", ".join(f"{s['entity']}/{s['year']}" for s in bad)
    return {
        "ok": not bad
        and counts["uploads"] == documents * cases
        and cases == counts["notifications"] == counts["case_filed_events"],
        "detail": f"{cases} cases: {detail}" + (f"; broken: {broken}" if bad else ""),
        "series": series,
        "documents_per_filing": documents,
        **counts,
    }


def queries_follow_documents(by_documents: dict) -> bool:
    """One count per number of documents, whatever the procedure and its questions;
    documents cost a constant (their rows' INSERT and the applicant's data key) and
    then at most one query each: q(1) <= q(0) + 2 and q(m) - q(n) <= m - n."""
    if any(len(counts) != 1 for counts in by_documents.values()):
        return False
    q = {int(n): counts[0] for n, counts in by_documents.items()}
    # Consecutive pairs suffice: the bound of any pair is the sum of theirs.
    return all(q[m] - q[n] <= (2 if n == 0 else m - n) for n, m in pairwise(sorted(q)))


def mix(count: int) -> dict:
    """``count`` filings of random procedures, each validated and filed, timed and
    SQL-counted; then the SQL queries of catalog pages listing forms of every size."""
    from django.conf import settings
    from django.test import Client

    from procedures import services
    from procedures.sample_answers import fileable_procedures

    citizen, procedures = user(), fileable_procedures()
    rng, samples, by_documents, filed = random.Random(MIX_SEED), [], {}, set()
    for number in range(MIX_WARMUP + count):
        procedure = rng.choice(procedures)
        data, files = posted(procedure)  # Built outside the timing, as a browser.
        with captured() as capture:
            cpu_started = time.process_time()
            form = valid_form(procedure, data, files, citizen)
            case, created = services.case_file(
                procedure=procedure,
                applicant=citizen,
                answers=form.answers(),
                documents=form.validated_documents,
                submission_token=form.cleaned_data["submission_token"],
            )
            cpu_ms = (time.process_time() - cpu_started) * 1000
        if not created:
            raise SystemExit(f"{procedure.code}: not filed")
        queries, documents = len(capture["queries"]), len(form.validated_documents)
        # An entity's first filing of the year creates its radicado counter row (3
        # queries more, once a year): timed, but not one of the per-filing counts.
        if number >= MIX_WARMUP and procedure.entity_id in filed:
            by_documents.setdefault(documents, set()).add(queries)
        filed.add(procedure.entity_id)
        if number >= MIX_WARMUP:
            samples.append(
                {
                    "code": procedure.code,
                    "ms": round(capture["ms"], 2),
                    "cpu_ms": round(cpu_ms, 2),
                    "queries": queries,
                    "documents": documents,
                }
            )
    by_documents = {k: sorted(v) for k, v in sorted(by_documents.items())}
    filing = {
        "tasks": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "broker",
        "fileable_procedures": len(procedures),
        "latency_ms": summarize_ms([s["ms"] for s in samples]),
        "cpu_ms": summarize_ms([s["cpu_ms"] for s in samples]),
        "queries": summarize_ms([float(s["queries"]) for s in samples]),
        "queries_by_documents": by_documents,
        "samples": samples,
    }
    client = Client()
    by_size = sorted(procedures, key=lambda page: len(page.online_form))
    lists = [f"/tramites/?pagina={n}" for n in (1, 2, 3, 4)]
    pages = [p.url for p in (by_size[0], by_size[len(by_size) // 2], by_size[-1])]
    catalog = {
        url: len(get_with_sql(client, url)[1]["queries"]) for url in lists + pages
    }
    list_counts = sorted({catalog[url] for url in lists})
    page_counts = sorted({catalog[url] for url in pages})
    checks = {  # what: (passes, detail)
        "queries depend only on the documents, at most one more per document": (
            queries_follow_documents(by_documents),
            f"queries by documents {by_documents}",
        ),
        "catalog list queries constant": (len(list_counts) == 1, f"{list_counts}"),
        "procedure page queries constant": (len(page_counts) == 1, f"{page_counts}"),
    }
    return {"filing": filing, "catalog": catalog, "checks": checks}


OFFICER, QUEUE = "funcionario_shd", "/admin/casos/"
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


def explain(sql: str) -> dict:
    """EXPLAIN ANALYZE of one captured query (the SQL as executed, params inlined)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    found = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return {"sql": sql, "execution_ms": float(found.group(1)), "plan": plan}


def officer_queue(requests: int) -> dict:
    """The officers' queue as ``funcionario_shd``: per URL its SQL, with ``EXPLAIN
    (ANALYZE, BUFFERS)`` of each case query, then ``requests`` timed GETs. The app's
    own view through its URL: nothing of it is copied or patched here."""
    from django.test import Client

    client, urls = Client(), {}
    client.force_login(user(OFFICER))
    for name, url in URLS:
        response, capture = get_with_sql(client, url)
        queries = capture["queries"]
        case_queries = [q["sql"] for q in queries if '"procedures_case"' in q["sql"]]
        radicados = ROWS.findall(response.content.decode())
        urls[name] = {
            "url": url,
            "queries": len(queries),
            "captured_sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
            "rows": len(radicados),
            "radicados": radicados,
            "case_queries": [explain(sql) for sql in case_queries],
        }
    samples = timed_gets(client, [url for _name, url in URLS], requests)
    for number, entry in enumerate(urls.values()):
        entry["latency_ms"] = summarize_ms(samples[number :: len(URLS)])
    return {"latency_ms": summarize_ms(samples), "urls": urls}


def measure(phase, filings=500, processes=4, requests=200, **http_options) -> dict:
    if phase == "sequential":
        from django.core import mail

        filer, mail.outbox = Filer(), []
        started = time.perf_counter()
        run = filer.file_many(filings)
        result = summary([run], time.perf_counter() - started)
        return {**result, "emails_sent": len(mail.outbox)}
    if phase == "concurrent":
        # Each forked process warms up its Filer, then all file at once.
        runs, seconds = forked(processes, Filer, lambda f: f.file_many(filings))
        return summary(runs, seconds)
    if phase == "mix":
        return mix(filings)
    if phase == "queue":
        return officer_queue(requests)
    return http(filings=filings, **http_options) if phase == "http" else verify()


if __name__ == "__main__":
    module_main(measure)
