"""Filing in-process: ``procedures.services.case_file`` timed call by call.

    python -m bench.filing.filing sequential --filings 500 --out r.json
    python -m bench.filing.filing concurrent --processes 4 --filings 200 --out r.json
    python -m bench.filing.filing verify --out r.json
    python -m bench.filing.filing form --out r.json  # what the HTTP phase posts

Files SDH-002 (virtualized) for ``ciudadano``, with answers and documents built from
its own form. The tasks a
filing enqueues after commit run eagerly when CELERY_BROKER_URL is unset (the
acknowledgement PDF with WeasyPrint, the e-mail through the locmem backend), and
are only published to the broker otherwise (the runner points it at a Redis
database no worker reads: the production shape, where PDFs render asynchronously).

``radicado_next`` is wrapped (in this process only) to time the wait for the
entity's counter row lock and how long the lock is then held (until commit).
"""

import base64
import time
import uuid

from bench.common import module_main, summarize_ms

PROCEDURE_CODE = "SDH-002"
APPLICANT = "ciudadano"
WARMUP = 3  # Filings per process before timing: WeasyPrint's fonts, connections.


def pdf_bytes(size: int = 20_000) -> bytes:
    """A small PDF (~20 kB) that validate_upload accepts, like the tests' one."""
    head = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    tail = b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    line = b"% relleno del documento escaneado de prueba 0123456789\n"
    padding = line * max(0, (size - len(head) - len(tail)) // len(line))
    return head + padding + tail


def filing_form(procedure, applicant):
    """The procedure's own filing form, validated with answers and documents built
    from its fields (procedures.sample_answers): no answers of the bench's own."""
    from procedures.forms import FilingForm
    from procedures.sample_answers import valid_answers, valid_files

    blank = FilingForm(procedure)
    data = {
        **valid_answers(blank),
        "submission_token": str(uuid.uuid4()),
        "accept_privacy": "on",
    }
    form = FilingForm(procedure, data, valid_files(blank), applicant=applicant)
    if not form.is_valid():
        raise SystemExit(f"{procedure.code}: {form.errors.as_json()}")
    return form


def form_data() -> dict:
    """What the HTTP phase posts: the answers, and each document base64-encoded."""
    from catalog.models import ProcedurePage
    from procedures.forms import FilingForm
    from procedures.sample_answers import valid_answers, valid_files

    procedure = ProcedurePage.objects.get(code=PROCEDURE_CODE)
    blank = FilingForm(procedure)
    files = {
        name: [f.name, f.content_type, base64.b64encode(f.read()).decode()]
        for name, f in valid_files(blank).items()
    }
    return {"url": procedure.url, "data": valid_answers(blank), "files": files}


class Filer:
    """Everything one process needs to file, plus the lock timings."""

    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.db import transaction

        from catalog.models import ProcedurePage
        from procedures import services

        self.procedure = ProcedurePage.objects.select_related("entity").get(
            code=PROCEDURE_CODE
        )
        self.applicant = get_user_model().objects.get(username=APPLICANT)
        # What the filing view hands case_file once the citizen posts the form.
        form = filing_form(self.procedure, self.applicant)
        self.answers, self.documents = form.answers(), form.validated_documents
        self.services = services
        self.lock_wait_ms: list[float] = []
        self.lock_held_ms: list[float] = []
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

    def file(self) -> float:
        started = time.perf_counter()
        case, created = self.services.case_file(
            procedure=self.procedure,
            applicant=self.applicant,
            answers=self.answers,
            documents=self.documents,
            submission_token=uuid.uuid4(),
        )
        elapsed = (time.perf_counter() - started) * 1000
        if not created:
            raise RuntimeError(f"case_file did not file (returned {case})")
        return elapsed

    def reset_timings(self) -> None:
        self.lock_wait_ms.clear()
        self.lock_held_ms.clear()


def eager() -> bool:
    from django.conf import settings

    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def sequential(filings: int) -> dict:
    from django.core import mail

    filer = Filer()
    for _ in range(WARMUP):
        filer.file()
    filer.reset_timings()
    mail.outbox = []
    samples = []
    started = time.perf_counter()
    for _ in range(filings):
        samples.append(filer.file())
    total = time.perf_counter() - started
    return {
        "eager_tasks": eager(),
        "filings": filings,
        "warmup_filings": WARMUP,
        "seconds": round(total, 2),
        "per_s": round(filings / total, 1),
        "latency_ms": summarize_ms(samples),
        "lock_wait_ms": summarize_ms(filer.lock_wait_ms),
        "lock_held_ms": summarize_ms(filer.lock_held_ms),
        "emails_sent": len(getattr(mail, "outbox", [])),
    }


def _worker(index, filings, ready, go, results):
    from django.db import connections

    connections.close_all()  # A forked child opens its own connection.
    try:
        filer = Filer()
        for _ in range(WARMUP):
            filer.file()
        filer.reset_timings()
        ready.put(index)
        go.wait()
        samples = []
        for _ in range(filings):
            samples.append(filer.file())
        results.put(
            {
                "samples": samples,
                "lock_wait": filer.lock_wait_ms,
                "lock_held": filer.lock_held_ms,
                "finished": time.time(),
            }
        )
    except BaseException as error:  # Reported by the parent, then re-raised.
        results.put({"error": repr(error)})
        raise
    finally:
        connections.close_all()


def concurrent(processes: int, filings: int) -> dict:
    """``processes`` forked processes, each with its own connection, file at once."""
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    connections.close_all()
    procs = [
        context.Process(target=_worker, args=(i, filings, ready, go, results))
        for i in range(processes)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=300)  # Every child warmed up.
    started = time.time()
    go.set()
    outcomes = [results.get(timeout=1800) for _ in procs]
    for proc in procs:
        proc.join()
    errors = [o["error"] for o in outcomes if "error" in o]
    if errors:
        raise SystemExit(f"concurrent filing failed: {errors[:3]}")
    total = max(o["finished"] for o in outcomes) - started
    samples = [ms for o in outcomes for ms in o["samples"]]
    return {
        "eager_tasks": eager(),
        "processes": processes,
        "filings": len(samples),
        "warmup_filings": WARMUP * processes,
        "seconds": round(total, 2),
        "per_s": round(len(samples) / total, 1),
        "latency_ms": summarize_ms(samples),
        "lock_wait_ms": summarize_ms([ms for o in outcomes for ms in o["lock_wait"]]),
        "lock_held_ms": summarize_ms([ms for o in outcomes for ms in o["lock_held"]]),
    }


def verify() -> dict:
    """Radicados unique and gapless 1..N per entity and year, matching the counters;
    every filing with its upload, audit events and outbox row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT e.code, split_part(c.radicado, '-', 2)::int AS year,
                   count(*), count(DISTINCT c.radicado),
                   min(split_part(c.radicado, '-', 3)::int),
                   max(split_part(c.radicado, '-', 3)::int),
                   count(DISTINCT split_part(c.radicado, '-', 3)::int),
                   max(r.last)
            FROM procedures_case c
            JOIN catalog_entity e ON e.id = c.entity_id
            LEFT JOIN procedures_radicadocounter r
                   ON r.entity_id = c.entity_id
                  AND r.year = split_part(c.radicado, '-', 2)::int
            GROUP BY 1, 2 ORDER BY 1, 2
            """
        )
        series = []
        for code, year, count, distinct, low, high, numbers, last in cursor.fetchall():
            series.append(
                {
                    "entity": code,
                    "year": year,
                    "cases": count,
                    "min": low,
                    "max": high,
                    "counter": last,
                    "unique": distinct == count and numbers == count,
                    "gapless": low == 1 and high == count and numbers == count,
                    "counter_matches": last == high,
                }
            )
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM procedures_case),
                   (SELECT count(*) FROM procedures_casedocument WHERE kind = 'carga'),
                   (SELECT count(*) FROM procedures_casedocument WHERE kind = 'acuse'),
                   (SELECT count(*) FROM procedures_notification),
                   (SELECT count(*) FROM procedures_notification
                    WHERE state = 'enviada'),
                   (SELECT count(*) FROM audit_auditevent
                    WHERE body LIKE '{"action":"case.filed",%')
            """
        )
        cases, uploads, acks, notifications, sent, filed_events = cursor.fetchone()
    from catalog.models import ProcedurePage
    from procedures.forms import FilingForm

    procedure = ProcedurePage.objects.get(code=PROCEDURE_CODE)
    documents = len(FilingForm(procedure).document_specs)
    ok = all(s["unique"] and s["gapless"] and s["counter_matches"] for s in series)
    return {
        "ok": ok
        and uploads == documents * cases
        and cases == notifications == filed_events,
        "series": series,
        "cases": cases,
        "uploads": uploads,
        "documents_per_filing": documents,
        "acknowledgements": acks,
        "notifications": notifications,
        "notifications_sent": sent,
        "case_filed_audit_events": filed_events,
    }


def arguments(add) -> None:
    add("phase", choices=["sequential", "concurrent", "verify", "form"])
    add("--filings", type=int, default=500, help="per process")
    add("--processes", type=int, default=4)


def measure(args) -> dict:
    if args.phase == "sequential":
        return sequential(args.filings)
    if args.phase == "concurrent":
        return concurrent(args.processes, args.filings)
    if args.phase == "form":
        return form_data()
    return verify()


def main() -> None:
    module_main("bench.filing.settings", arguments, measure)


if __name__ == "__main__":
    main()
