"""Filing in-process: ``procedures.services.case_file`` timed call by call.

    python -m bench.filing.filing {sequential,concurrent,verify,form} --out r.json

Files SDH-002 for ``ciudadano`` with answers and documents built from its own form
(``procedures.sample_answers``). Tasks run eagerly when CELERY_BROKER_URL is unset,
and are only enqueued otherwise. ``radicado_next`` is wrapped (in this process only)
to time the wait for the entity's counter row lock and how long it is held.
"""

import base64
import time
import uuid

from bench.common import forked, module_main, summarize_ms

PROCEDURE_CODE = "SDH-002"
APPLICANT = "ciudadano"
WARMUP = 3  # Filings per process before timing: WeasyPrint's fonts, connections.


def blank_form():
    from catalog.models import ProcedurePage
    from procedures.forms import FilingForm

    procedure = ProcedurePage.objects.select_related("entity").get(code=PROCEDURE_CODE)
    return procedure, FilingForm(procedure)


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
        from procedures.forms import FilingForm
        from procedures.sample_answers import valid_answers, valid_files

        self.procedure, blank = blank_form()
        self.applicant = get_user_model().objects.get(username=APPLICANT)
        # What the filing view hands case_file once the citizen posts the form.
        data = {**valid_answers(blank), "submission_token": str(uuid.uuid4())}
        data["accept_privacy"] = "on"
        form = FilingForm(
            self.procedure, data, valid_files(blank), applicant=self.applicant
        )
        if not form.is_valid():
            raise SystemExit(f"{PROCEDURE_CODE}: {form.errors.as_json()}")
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
    ok = all(s["unique"] and s["gapless"] and s["counter_matches"] for s in series)
    ok = ok and uploads == documents * cases and cases == notifications == filed_events
    return {
        "ok": ok,
        "series": series,
        "cases": cases,
        "uploads": uploads,
        "documents_per_filing": documents,
        "acknowledgements": acks,
        "notifications": notifications,
        "notifications_sent": sent,
        "case_filed_audit_events": filed_events,
    }


def measure(args) -> dict:
    if args.phase == "sequential":
        return sequential(args.filings)
    if args.phase == "concurrent":
        # Each forked process warms up its Filer, then all file at once.
        runs, seconds = forked(
            args.processes, Filer, lambda f: f.file_many(args.filings)
        )
        return summary(runs, seconds)
    return form_data() if args.phase == "form" else verify()


def arguments(add) -> None:
    add("phase", choices=["sequential", "concurrent", "verify", "form"])
    add("--filings", type=int, default=500, help="per process")
    add("--processes", type=int, default=4)


if __name__ == "__main__":
    module_main("bench.filing.settings", arguments, measure)
