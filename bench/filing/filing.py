"""Filing in-process: ``procedures.services.case_file`` timed call by call, and
(``mix``) filings drawn at random from ALL fileable procedures.

    python -m bench.filing.filing {sequential,concurrent,verify,form,mix} --out r.json

SDH-002 for ``ciudadano`` (``mix``: any procedure, the form validated inside the
timing, wall and CPU time, SQL counted), answers and documents built from the
procedure's own form by ``procedures.sample_answers``; tasks eager unless
CELERY_BROKER_URL is set; ``radicado_next`` wrapped (in this process) to time the
wait for the entity's counter row lock and how long it is held.
"""

import base64
import random
import time
import uuid

from bench.common import captured, forked, get_with_sql, module_main, summarize_ms

PROCEDURE_CODE = "SDH-002"
APPLICANT = "ciudadano"
WARMUP = 3  # Filings per process before timing: WeasyPrint's fonts, connections.
MIX_WARMUP, MIX_SEED = 5, 11


def blank_form():
    from catalog.models import ProcedurePage
    from procedures.forms import FilingForm

    procedure = ProcedurePage.objects.select_related("entity").get(code=PROCEDURE_CODE)
    return procedure, FilingForm(procedure)


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


def form_data() -> dict:
    """What the HTTP phase posts: the answers, and each document base64-encoded."""
    from procedures.sample_answers import valid_answers, valid_files

    procedure, blank = blank_form()
    files = {
        name: [f.name, f.content_type, base64.b64encode(f.read()).decode()]
        for name, f in valid_files(blank).items()
    }
    return {"url": procedure.url, "data": valid_answers(blank), "files": files}


class Filer:
    """Everything one process needs to file, warmed up, plus the lock timings."""

    def __init__(self, _index=0):
        from django.contrib.auth import get_user_model
        from django.db import transaction

        from procedures import services

        self.procedure = blank_form()[0]
        self.applicant = get_user_model().objects.get(username=APPLICANT)
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


def sequential(filings: int) -> dict:
    from django.core import mail

    filer = Filer()
    mail.outbox = []
    started = time.perf_counter()
    run = filer.file_many(filings)
    result = summary([run], time.perf_counter() - started)
    return {**result, "emails_sent": len(getattr(mail, "outbox", []))}


SERIES = """
SELECT e.code, split_part(c.radicado, '-', 2)::int AS year, count(*),
       count(DISTINCT c.radicado), min(split_part(c.radicado, '-', 3)::int),
       max(split_part(c.radicado, '-', 3)::int),
       count(DISTINCT split_part(c.radicado, '-', 3)::int), max(r.last)
FROM procedures_case c JOIN catalog_entity e ON e.id = c.entity_id
LEFT JOIN procedures_radicadocounter r
       ON r.entity_id = c.entity_id AND r.year = split_part(c.radicado, '-', 2)::int
GROUP BY 1, 2 ORDER BY 1, 2
"""
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
    """Radicados unique and gapless 1..N per entity and year, matching the counters;
    every filing with its upload, audit events and outbox row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SERIES)
        keys = ("entity", "year", "cases", "distinct", "min", "max", "numbers")
        series = [dict(zip((*keys, "counter"), row, strict=True)) for row in cursor]
        cursor.execute(COUNTS)
        cases, uploads, acks, notifications, sent, filed_events = cursor.fetchone()
    for s in series:
        n, distinct, numbers = s["cases"], s.pop("distinct"), s.pop("numbers")
        s["unique"] = distinct == n and numbers == n
        s["gapless"] = s["min"] == 1 and s["max"] == n and numbers == n
        s["counter_matches"] = s["counter"] == s["max"]
    documents = len(blank_form()[1].document_specs)
    bad = [
        s for s in series if not (s["unique"] and s["gapless"] and s["counter_matches"])
    ]
    ok = not bad and uploads == documents * cases and cases == notifications
    detail = ", ".join(f"{s['entity']}/{s['year']} 1..{s['max']}" for s in series)
    broken = ", ".join(f"{s['entity']}/{s['year']}" for s in bad)
    return {
        "ok": ok and cases == filed_events,
        "detail": f"{cases} cases: {detail}" + (f"; broken: {broken}" if bad else ""),
        "series": series,
        "cases": cases,
        "uploads": uploads,
        "documents_per_filing": documents,
        "acknowledgements": acks,
        "notifications": notifications,
        "notifications_sent": sent,
        "case_filed_audit_events": filed_events,
    }


def file_all(count: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from procedures import services
    from procedures.sample_answers import fileable_procedures

    applicant = get_user_model().objects.get(username=APPLICANT)
    procedures, rng = fileable_procedures(), random.Random(MIX_SEED)
    samples, entities_filed = [], set()
    for number in range(MIX_WARMUP + count):
        procedure = rng.choice(procedures)
        data, files = posted(procedure)  # Built outside the timing, as a browser.
        with captured() as capture:
            cpu_started = time.process_time()
            form = valid_form(procedure, data, files, applicant)
            case, created = services.case_file(
                procedure=procedure,
                applicant=applicant,
                answers=form.answers(),
                documents=form.validated_documents,
                submission_token=form.cleaned_data["submission_token"],
            )
            capture["cpu_ms"] = (time.process_time() - cpu_started) * 1000
        if not created:
            raise SystemExit(f"{procedure.code}: not filed")
        documents = len(form.validated_documents)
        # An entity's first filing of the year creates its radicado counter row (3
        # queries more, once a year): reported, but not one of the per-filing counts.
        first_of_entity = procedure.entity_id not in entities_filed
        entities_filed.add(procedure.entity_id)
        if number >= MIX_WARMUP:
            samples.append(
                {
                    "code": procedure.code,
                    "ms": round(capture["ms"], 2),
                    "cpu_ms": round(capture["cpu_ms"], 2),
                    "queries": len(capture["queries"]),
                    "documents": documents,
                    "questions": len(procedure.online_form),
                    "first_of_entity": first_of_entity,
                }
            )
    by_documents, by_questions = {}, {}
    for s in samples:
        if not s["first_of_entity"]:
            by_documents.setdefault(s["documents"], set()).add(s["queries"])
            beyond = s["queries"] - s["documents"]
            by_questions.setdefault(s["questions"], set()).add(beyond)
    return {
        "tasks": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "broker",
        "fileable_procedures": len(procedures),
        "distinct_procedures_filed": len({s["code"] for s in samples}),
        "first_filings_of_an_entity": sum(s["first_of_entity"] for s in samples),
        "latency_ms": summarize_ms([s["ms"] for s in samples]),
        "cpu_ms": summarize_ms([s["cpu_ms"] for s in samples]),
        "queries": summarize_ms([float(s["queries"]) for s in samples]),
        "queries_by_documents": {k: sorted(v) for k, v in sorted(by_documents.items())},
        "queries_beyond_documents_by_questions": {
            k: sorted(v) for k, v in sorted(by_questions.items())
        },
        "samples": samples,
    }


def queries_follow_documents(by_documents: dict) -> bool:
    """One count per number of documents, whatever the procedure and its questions;
    documents cost a constant (their rows' INSERT and the applicant's data key) and
    then at most one query each: q(1) <= q(0) + 2 and q(m) - q(n) <= m - n."""
    if any(len(counts) != 1 for counts in by_documents.values()):
        return False
    counts = {int(n): c[0] for n, c in by_documents.items()}
    with_documents = sorted(n for n in counts if n > 0)
    if 0 in counts and with_documents and counts[with_documents[0]] > counts[0] + 2:
        return False
    return all(
        counts[m] - counts[n] <= m - n
        for n in with_documents
        for m in with_documents
        if n < m
    )


def catalog_queries() -> list[dict]:
    """Queries of the catalog's list pages and of procedure pages, against how many
    online forms each shows: the counts must not follow the forms."""
    from django.test import Client

    from procedures.sample_answers import fileable_procedures

    client, rows = Client(), []
    by_size = sorted(fileable_procedures(), key=lambda page: len(page.online_form))
    pages = [(f"/tramites/?pagina={n}", None) for n in (1, 2, 3, 4)]
    pages += [(p.url, p) for p in (by_size[0], by_size[len(by_size) // 2], by_size[-1])]
    for url, page in pages:
        response, capture = get_with_sql(client, url)
        row = {"url": url, "queries": len(capture["queries"])}
        if page is None:  # The "Radicación en línea aquí" badge of each listed form.
            row["online_forms_listed"] = response.content.decode().count(
                "badge badge-online"
            )
        else:
            row["questions"] = len(page.online_form)
        rows.append(row)
    return rows


def mix(filings: int) -> dict:
    filing = file_all(filings)
    pages = catalog_queries()
    lists = {r["queries"] for r in pages if "pagina=" in r["url"]}
    procedures = {r["queries"] for r in pages if "pagina=" not in r["url"]}
    by_documents = filing["queries_by_documents"]
    checks = {  # what: (passes, detail)
        "queries depend only on the documents, at most one more per document": (
            queries_follow_documents(by_documents),
            f"queries by documents {by_documents}",
        ),
        "catalog list queries constant": (len(lists) == 1, f"{sorted(lists)}"),
        "procedure page queries constant": (
            len(procedures) == 1,
            f"{sorted(procedures)}",
        ),
    }
    return {"filing": filing, "catalog": pages, "checks": checks}


def measure(args) -> dict:
    if args.phase == "sequential":
        return sequential(args.filings)
    if args.phase == "concurrent":
        # Each forked process warms up its Filer, then all file at once.
        runs, seconds = forked(
            args.processes, Filer, lambda f: f.file_many(args.filings)
        )
        return summary(runs, seconds)
    if args.phase == "mix":
        return mix(args.filings)
    return form_data() if args.phase == "form" else verify()


def arguments(add) -> None:
    add("phase", choices=["sequential", "concurrent", "verify", "form", "mix"])
    add("--filings", type=int, default=500, help="per process")
    add("--processes", type=int, default=4)


if __name__ == "__main__":
    module_main("bench.settings", arguments, measure)
