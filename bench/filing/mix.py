"""Filing drawn at random from ALL fileable procedures, in-process, on a seeded database.

    DJANGO_SETTINGS_MODULE=bench.filing.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<seeded db> \\
        .venv/bin/python -m bench.filing.mix --filings 400 --out r.json

Each filing is what the filing view does once the citizen posts: the procedure's own
``FilingForm`` validated (answers built from each question's type, real small
PDF/PNG/JPEG uploads checked by content; ``procedures.sample_answers``) and
``procedures.services.case_file``. Paid procedures are filed here as if already paid
(the payment step is the wizard bench's). Timed and SQL-counted per filing; tasks
follow CELERY_BROKER_URL (unset: eager PDFs and e-mail inside the call).

Targets: p95 < 60 ms; SQL queries per filing minus one per document constant across
procedures (independent of the form's size); the catalog list and procedure pages
issue as many queries whatever the number of forms they show.
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

from bench.common import summarize_ms

APPLICANT = "ciudadano"
WARMUP = 5


def _file_all(count: int, seed: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
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
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
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
        if not created:
            raise SystemExit(f"{procedure.code}: not filed")
        if number < WARMUP:
            continue
        documents = len(form.validated_documents)
        sample = {
            "code": procedure.code,
            "ms": round(elapsed, 2),
            "queries": len(queries),
            "documents": documents,
            "questions": len(procedure.online_form),
            "queries_beyond_documents": len(queries) - documents,
        }
        samples.append(sample)
        per_procedure.setdefault(procedure.code, sample)
    beyond = sorted({s["queries_beyond_documents"] for s in samples})
    by_questions = {}
    for sample in samples:
        by_questions.setdefault(sample["questions"], set()).add(
            sample["queries_beyond_documents"]
        )
    return {
        "fileable_procedures": len(procedures),
        "distinct_procedures_filed": len(per_procedure),
        "latency_ms": summarize_ms([s["ms"] for s in samples]),
        "queries": summarize_ms([float(s["queries"]) for s in samples]),
        "queries_beyond_documents": beyond,
        "queries_beyond_documents_by_questions": {
            str(k): sorted(v) for k, v in sorted(by_questions.items())
        },
        "samples": samples,
    }


def _catalog_queries() -> dict:
    """Queries of the catalog's list pages and of procedure pages, against how many
    online forms each shows: the counts must not follow the forms."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from procedures.sample_answers import fileable_procedures

    client = Client()
    fileable = fileable_procedures()
    fileable_ids = {page.pk for page in fileable}
    rows = []
    for page_number in (1, 2, 3, 4):
        url = f"/tramites/?pagina={page_number}"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        listed = response.context.get("results") if response.context else None
        forms = (
            sum(1 for item in listed if getattr(item, "pk", None) in fileable_ids)
            if listed is not None
            else None
        )
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
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.filing.settings")
    # The catalog's own queries, not the anonymous page cache's hit.
    os.environ.setdefault("ANONYMOUS_PAGE_CACHE_SECONDS", "0")
    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()
    filing = _file_all(args.filings, args.seed)
    catalog = _catalog_queries()
    list_counts = {r["queries"] for r in catalog["pages"] if "pagina=" in r["url"]}
    page_counts = {r["queries"] for r in catalog["pages"] if "pagina=" not in r["url"]}
    p95 = filing["latency_ms"]["p95"]
    verdicts = {
        "p95 < 60 ms": p95 < 60,
        "queries independent of form size beyond one per document": len(
            filing["queries_beyond_documents"]
        )
        == 1,
        "catalog list queries constant": len(list_counts) == 1,
        "procedure page queries constant": len(page_counts) == 1,
    }
    results = {"filing": filing, "catalog": catalog, "verdicts": verdicts}
    summary = {k: v for k, v in filing.items() if k != "samples"}
    print(json.dumps({"filing": summary, "catalog": catalog}, indent=1))
    for target, ok in verdicts.items():
        print(f"{'PASS' if ok else 'FAIL'}  {target}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, default=str))
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
