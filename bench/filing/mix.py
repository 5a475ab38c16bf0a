"""Filing drawn at random from ALL fileable procedures, in-process, on a seeded database.

    DJANGO_SETTINGS_MODULE=bench.filing.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<seeded db> \\
        .venv/bin/python -m bench.filing.mix --filings 400 --out r.json

Each filing is what the filing view does once the citizen posts: the procedure's own
``FilingForm`` validated (answers built from each question's type, real small
PDF/PNG/JPEG uploads checked by content; ``procedures.sample_answers``) and
``procedures.services.case_file``. Paid procedures are filed here as if already paid
(the payment step is the wizard bench's). Not measured: the HTTP request around it
(session, CSRF, loading the page: the gunicorn phase of ``run.py`` measures that).
Timed (wall and CPU) and SQL-counted per filing.

Tasks: ``bench.filing.settings`` runs them eagerly exactly when CELERY_BROKER_URL is
empty. By default (``--tasks broker``) this sets it to ``--broker-url`` (Redis database
13, which no worker reads; refused if it holds anything but Celery's keys, emptied at
the end), so a filing only enqueues its acknowledgement PDF and e-mail after commit,
as in production: that is what the p95 target is about. ``--tasks eager`` renders the
PDF with WeasyPrint and sends the e-mail inside the call; it is reported, without a
target.

Targets: p95 < 60 ms (broker); SQL queries per filing depend only on the number of
documents (not on the procedure or its questions), beyond a constant at most one more
per document (``queries_verdict``); the catalog list and procedure pages issue as many queries whatever the
number of forms they show. The machine's load average is recorded with the figures:
on 2 shared cores, others' work moves the latencies several-fold (compare the CPU
time per filing, which it moves much less).
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

from bench import targets
from bench.common import BenchError, Broker, summarize_ms

APPLICANT = "ciudadano"
WARMUP = 5


def _file_all(count: int, seed: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from procedures import services
    from procedures.forms import FilingForm
    from procedures.sample_answers import (
        fileable_procedures,
        valid_answers,
        valid_files,
    )

    applicant = get_user_model().objects.get(username=APPLICANT)
    procedures = fileable_procedures()
    rng = random.Random(seed)
    samples, per_procedure = [], {}
    for number in range(WARMUP + count):
        procedure = rng.choice(procedures)
        blank = FilingForm(procedure)
        data = {
            **valid_answers(blank),
            "submission_token": str(uuid.uuid4()),
            "accept_privacy": "on",
        }
        files = valid_files(blank)  # Built outside the timing, as a browser would.
        # The connection keeps at most 9,000 queries: past that, a capture that only
        # compares lengths counts 0 (the first runs of this bench reported 0 here).
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            form = FilingForm(procedure, data, files, applicant=applicant)
            if not form.is_valid():
                raise SystemExit(f"{procedure.code}: {form.errors.as_json()}")
            case, created = services.case_file(
                procedure=procedure,
                applicant=applicant,
                answers=form.answers(),
                documents=form.validated_documents,
                submission_token=form.cleaned_data["submission_token"],
            )
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
        if not created:
            raise SystemExit(f"{procedure.code}: not filed")
        if number < WARMUP:
            continue
        documents = len(form.validated_documents)
        sample = {
            "code": procedure.code,
            "ms": round(elapsed, 2),
            "cpu_ms": round(cpu, 2),
            "queries": len(queries),
            "documents": documents,
            "questions": len(procedure.online_form),
            "queries_beyond_documents": len(queries) - documents,
        }
        samples.append(sample)
        per_procedure.setdefault(procedure.code, sample)
    by_documents: dict[int, set] = {}
    for sample in samples:
        by_documents.setdefault(sample["documents"], set()).add(sample["queries"])
    by_questions: dict[int, set] = {}
    for sample in samples:
        by_questions.setdefault(sample["questions"], set()).add(
            sample["queries_beyond_documents"]
        )
    return {
        "fileable_procedures": len(procedures),
        "distinct_procedures_filed": len(per_procedure),
        "latency_ms": summarize_ms([s["ms"] for s in samples]),
        "cpu_ms": summarize_ms([s["cpu_ms"] for s in samples]),
        "queries": summarize_ms([float(s["queries"]) for s in samples]),
        "queries_by_documents": {
            str(k): sorted(v) for k, v in sorted(by_documents.items())
        },
        "queries_beyond_documents_by_questions": {
            str(k): sorted(v) for k, v in sorted(by_questions.items())
        },
        "samples": samples,
    }


def queries_verdict(by_documents: dict[str, list[int]]) -> bool:
    """Queries depend on nothing but the number of documents (one count per number
    of documents, whatever the procedure and its questions); documents cost a
    constant (their rows' INSERT and the applicant's data key) and then at most one
    query each: q(1) <= q(0) + 2 and q(m) - q(n) <= m - n for 1 <= n < m."""
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


def _catalog_queries() -> dict:
    """Queries of the catalog's list pages and of procedure pages, against how many
    online forms each shows: the counts must not follow the forms."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from procedures.sample_answers import fileable_procedures

    client = Client()
    fileable = fileable_procedures()
    rows = []
    client.get("/tramites/")  # Warm the per-process caches (site root, locale).
    for page_number in (1, 2, 3, 4):
        url = f"/tramites/?pagina={page_number}"
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        # The "Radicación en línea aquí" badge of each listed procedure with a form.
        forms = response.content.decode().count("badge badge-online")
        rows.append(
            {
                "url": url,
                "status": response.status_code,
                "queries": len(queries),
                "online_forms_listed": forms,
            }
        )
    by_size = sorted(fileable, key=lambda page: len(page.online_form))
    for page in (by_size[0], by_size[len(by_size) // 2], by_size[-1]):
        url = page.url
        client.get(url)  # Warm the per-process caches (site root, locale).
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        rows.append(
            {
                "url": url,
                "status": response.status_code,
                "queries": len(queries),
                "questions": len(page.online_form),
            }
        )
    return {"pages": rows}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--tasks",
        choices=("broker", "eager"),
        default="broker",
        help="broker: the acknowledgement PDF and the e-mail are only enqueued, as "
        "in production (the target); eager: both run inside the call",
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.filing.settings")
    # The catalog's own queries, not the anonymous page cache's hit.
    os.environ.setdefault("ANONYMOUS_PAGE_CACHE_SECONDS", "0")
    # bench.filing.settings runs tasks eagerly exactly when this is empty.
    os.environ["CELERY_BROKER_URL"] = args.broker_url if args.tasks == "broker" else ""
    try:
        broker = Broker(args.broker_url) if args.tasks == "broker" else None
    except BenchError as error:
        raise SystemExit(str(error)) from error
    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()
    load_start = [round(x, 2) for x in os.getloadavg()]
    try:
        filing = _file_all(args.filings, args.seed)
    finally:
        if broker is not None:
            broker.purge()
    filing["tasks"] = args.tasks
    catalog = _catalog_queries()
    list_counts = {r["queries"] for r in catalog["pages"] if "pagina=" in r["url"]}
    page_counts = {r["queries"] for r in catalog["pages"] if "pagina=" not in r["url"]}
    p95 = filing["latency_ms"]["p95"]
    verdicts = {
        "queries depend only on the documents, at most one more per document": (
            queries_verdict(filing["queries_by_documents"])
        ),
        "catalog list queries constant": len(list_counts) == 1,
        "procedure page queries constant": len(page_counts) == 1,
    }
    if args.tasks == "broker":
        verdicts[targets.label("filing.mix_p95_ms")] = p95 < targets.limit(
            "filing.mix_p95_ms"
        )
    results = {
        "filing": filing,
        "catalog": catalog,
        "verdicts": verdicts,
        "load_average_1_5_15": {
            "start": load_start,
            "end": [round(x, 2) for x in os.getloadavg()],
        },
    }
    summary = {k: v for k, v in filing.items() if k != "samples"}
    print(json.dumps({"filing": summary, "catalog": catalog}, indent=1))
    print("load average (1, 5, 15 min):", results["load_average_1_5_15"])
    for target, ok in verdicts.items():
        print(f"{'PASS' if ok else 'FAIL'}  {target}")
    if args.tasks == "eager":
        print(f"INFO  p95 {p95} ms with the PDF and e-mail inside the call (no target)")
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, default=str))
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
