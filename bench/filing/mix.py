"""Filing drawn at random from ALL fileable procedures, in-process (run by run.py on
a copy of the seeded database, tasks eager or only enqueued).

    python -m bench.filing.mix --filings 400 --out r.json

Each filing is what the filing view does once the citizen posts: the procedure's own
``FilingForm`` validated (``procedures.sample_answers``), then ``case_file``; timed
(wall and CPU) and SQL-counted. Also checks that SQL queries depend only on the
number of documents and that catalog pages issue as many queries whatever the number
of forms they show.
"""

import random
import time
import uuid

from bench.common import captured, get_with_sql, module_main, summarize_ms

APPLICANT = "ciudadano"
WARMUP = 5
SEED = 11


def file_one(procedure, applicant) -> tuple[dict, int]:
    """One filing, timed and SQL-counted; its number of documents."""
    from procedures import services
    from procedures.forms import FilingForm
    from procedures.sample_answers import valid_answers, valid_files

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
        capture["cpu_ms"] = (time.process_time() - cpu_started) * 1000
    if not created:
        raise SystemExit(f"{procedure.code}: not filed")
    return capture, len(form.validated_documents)


def file_all(count: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from procedures.sample_answers import fileable_procedures

    applicant = get_user_model().objects.get(username=APPLICANT)
    procedures, rng = fileable_procedures(), random.Random(SEED)
    samples, entities_filed = [], set()
    for number in range(WARMUP + count):
        procedure = rng.choice(procedures)
        capture, documents = file_one(procedure, applicant)
        # An entity's first filing of the year creates its radicado counter row (3
        # queries more, once a year): reported, but not one of the per-filing counts.
        first_of_entity = procedure.entity_id not in entities_filed
        entities_filed.add(procedure.entity_id)
        if number >= WARMUP:
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


def measure(args) -> dict:
    filing = file_all(args.filings)
    pages = catalog_queries()
    lists = {r["queries"] for r in pages if "pagina=" in r["url"]}
    procedures = {r["queries"] for r in pages if "pagina=" not in r["url"]}
    checks = {
        "queries depend only on the documents, at most one more per document": (
            queries_follow_documents(filing["queries_by_documents"])
        ),
        "catalog list queries constant": len(lists) == 1,
        "procedure page queries constant": len(procedures) == 1,
    }
    return {"filing": filing, "catalog": pages, "checks": checks}


if __name__ == "__main__":
    module_main(
        "bench.filing.settings",
        lambda add: add("--filings", type=int, default=400),
        measure,
    )
