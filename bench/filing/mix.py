"""Filing drawn at random from ALL fileable procedures, in-process, on a seeded database.

    DJANGO_SETTINGS_MODULE=bench.filing.settings DATABASE_URL=postgres://.../<seeded db> \\
        .venv/bin/python -m bench.filing.mix --filings 400 [--tasks eager] --out r.json

Each filing is what the filing view does once the citizen posts: the procedure's own
``FilingForm`` validated (``procedures.sample_answers``), then ``case_file``; timed
(wall and CPU) and SQL-counted. ``--tasks broker`` (default) points CELERY_BROKER_URL
at ``--broker-url`` (no worker; emptied at the end) so tasks are only enqueued, as in
production: the p95 target is about that. Also checks that SQL queries depend only on
the number of documents and that catalog pages issue as many queries whatever the
number of forms they show. bench/README.md has the details.
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
from bench.common import BenchError, Broker, captured, summarize_ms

APPLICANT = "ciudadano"
WARMUP = 5


def _file_all(count: int, seed: int) -> dict:
    from django.contrib.auth import get_user_model

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
    samples, per_procedure, entities_filed = [], {}, set()
    for number in range(WARMUP + count):
        procedure = rng.choice(procedures)
        blank = FilingForm(procedure)
        data = {**valid_answers(blank), "submission_token": str(uuid.uuid4())}
        data["accept_privacy"] = "on"
        files = valid_files(blank)  # Built outside the timing, as a browser would.
        with captured() as capture:
            cpu_started = time.process_time()
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
            cpu = (time.process_time() - cpu_started) * 1000
        if not created:
            raise SystemExit(f"{procedure.code}: not filed")
        # An entity's first filing of the year creates its radicado counter row (3
        # queries more, once a year): reported, but not one of the per-filing counts.
        first_of_entity = procedure.entity_id not in entities_filed
        entities_filed.add(procedure.entity_id)
        if number < WARMUP:
            continue
        documents, queries = len(form.validated_documents), len(capture["queries"])
        sample = {
            "code": procedure.code,
            "ms": round(capture["ms"], 2),
            "cpu_ms": round(cpu, 2),
            "queries": queries,
            "documents": documents,
            "questions": len(procedure.online_form),
            "queries_beyond_documents": queries - documents,
            "first_of_entity": first_of_entity,
        }
        samples.append(sample)
        per_procedure.setdefault(procedure.code, sample)
    by_documents: dict[int, set] = {}
    by_questions: dict[int, set] = {}
    for s in samples:
        if s["first_of_entity"]:
            continue
        by_documents.setdefault(s["documents"], set()).add(s["queries"])
        by_questions.setdefault(s["questions"], set()).add(
            s["queries_beyond_documents"]
        )
    return {
        "fileable_procedures": len(procedures),
        "distinct_procedures_filed": len(per_procedure),
        "first_filings_of_an_entity": sum(s["first_of_entity"] for s in samples),
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


def _catalog_queries() -> dict:
    """Queries of the catalog's list pages and of procedure pages, against how many
    online forms each shows: the counts must not follow the forms."""
    from django.test import Client

    from procedures.sample_answers import fileable_procedures

    client, rows = Client(), []
    by_size = sorted(fileable_procedures(), key=lambda page: len(page.online_form))
    pages = [(f"/tramites/?pagina={n}", None) for n in (1, 2, 3, 4)]
    pages += [(p.url, p) for p in (by_size[0], by_size[len(by_size) // 2], by_size[-1])]
    for url, page in pages:
        client.get(url)  # Warm the per-process caches (site root, locale).
        with captured() as capture:
            response = client.get(url)
        row = {
            "url": url,
            "status": response.status_code,
            "queries": len(capture["queries"]),
        }
        if page is None:  # The "Radicación en línea aquí" badge of each listed form.
            row["online_forms_listed"] = response.content.decode().count(
                "badge badge-online"
            )
        else:
            row["questions"] = len(page.online_form)
        rows.append(row)
    return {"pages": rows}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--tasks",
        choices=("broker", "eager"),
        default="broker",
        help="broker: PDF and e-mail only enqueued (the target); eager: inside the call",
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
    lists = {r["queries"] for r in catalog["pages"] if "pagina=" in r["url"]}
    pages = {r["queries"] for r in catalog["pages"] if "pagina=" not in r["url"]}
    p95 = filing["latency_ms"]["p95"]
    verdicts = {
        "queries depend only on the documents, at most one more per document": (
            queries_verdict(filing["queries_by_documents"])
        ),
        "catalog list queries constant": len(lists) == 1,
        "procedure page queries constant": len(pages) == 1,
    }
    if args.tasks == "broker":
        limit = targets.limit("filing.mix_p95_ms")
        verdicts[targets.label("filing.mix_p95_ms")] = p95 < limit
    load = {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]}
    summary = {k: v for k, v in filing.items() if k != "samples"}
    print(json.dumps({"filing": summary, "catalog": catalog}, indent=1))
    print("load average (1, 5, 15 min):", load)
    for target, ok in verdicts.items():
        print(f"{'PASS' if ok else 'FAIL'}  {target}")
    if args.tasks == "eager":
        print(f"INFO  p95 {p95} ms with the PDF and e-mail inside the call (no target)")
    if args.out:
        results = {"filing": filing, "catalog": catalog, "verdicts": verdicts}
        results["load_average_1_5_15"] = load
        args.out.write_text(json.dumps(results, indent=1, default=str))
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
