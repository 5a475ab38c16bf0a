"""Synthetic case history for the queue benchmark, written by PostgreSQL itself
(``seed_demo --history`` goes through the services: far too slow at 1,000,000).

    python -m bench.filing.bulk --params '{"total": 1000000}' --out result.json

Replaces the queue database's cases by ``--total`` filed in order over three years:
SDH 3 %, the other entities by number of procedures ** 0.8; ~3 % open (mostly recent),
half of them overdue; radicado counters set as case_file keeps them; VACUUM ANALYZE.
"""

import json
import random
import time

from bench.common import module_main

OPEN = ("radicado", "en_revision", "requiere_informacion")
CLOSED = ("aprobado", "rechazado", "remitido", "desistido")
SLOTS = 10_000
OFFICERS_PER_ENTITY, CITIZENS = 3, 20_000
SDH_SHARE, SEED = 0.03, 0.42
CHUNK = 250_000
YEARS_OF_HISTORY = 3

INSERT_CASES = """
WITH entity AS (
    SELECT * FROM jsonb_to_recordset(%(entities)s::jsonb) AS e(
        i int, entity_id bigint, code text, procs int[], revs int[], terms int[],
        officers int[])
), base AS (
    SELECT g, e.entity_id, e.code, e.procs, e.revs, e.terms, e.officers,
           1 + floor(cardinality(e.procs) * power(random(), 2))::int AS j,
           now() - %(history_days)s * interval '1 day'
               + (g - random()) / %(total)s * %(history_days)s * interval '1 day'
               AS filed_at,
           random() AS r_open, random() AS r_status, random() AS r_extra,
           (%(citizens)s::int[])[1 + (g::bigint * 7919) %% %(n_citizens)s] AS applicant_id
    FROM generate_series(%(start)s, %(stop)s) AS g
    JOIN entity e ON e.i = (%(slots)s::int[])[1 + (g::bigint * 7901) %% %(n_slots)s]
), aged AS (
    SELECT b.*,
           (b.filed_at AT TIME ZONE 'America/Bogota')::date AS received_on,
           extract(year FROM b.filed_at AT TIME ZONE 'America/Bogota')::int AS yr,
           extract(epoch FROM now() - b.filed_at) / 86400 AS age_days
    FROM base b
), statused AS (
    SELECT a.*,
           CASE WHEN a.r_open < CASE WHEN a.age_days < 21 THEN 0.90
                                     WHEN a.age_days < 45 THEN 0.30
                                     WHEN a.age_days < 90 THEN 0.08
                                     ELSE 0.005 END
                THEN CASE WHEN a.r_status < 0.4 THEN 'radicado'
                          WHEN a.r_status < 0.8 THEN 'en_revision'
                          ELSE 'requiere_informacion' END
                ELSE CASE WHEN a.r_status < 0.70 THEN 'aprobado'
                          WHEN a.r_status < 0.85 THEN 'rechazado'
                          WHEN a.r_status < 0.90 THEN 'remitido'
                          ELSE 'desistido' END
           END AS status
    FROM aged a
), numbered AS (
    SELECT t.*,
           coalesce(c.last, 0) + row_number() OVER (
               PARTITION BY t.entity_id, t.yr ORDER BY t.filed_at, t.g
           ) AS num,
           t.terms[t.j] AS term,
           t.officers[1 + floor(cardinality(t.officers) * t.r_extra)::int] AS officer
    FROM statused t
    LEFT JOIN procedures_radicadocounter c
           ON c.entity_id = t.entity_id AND c.year = t.yr
)
INSERT INTO procedures_case (
    radicado, status, answers, filed_at, received_on, term_days, extension_days,
    due_date, clock_stopped_on, citizen_deadline, decided_at, decision_reason,
    version, submission_token, privacy_notice_version, applicant_id,
    assigned_to_id, entity_id, procedure_id, procedure_revision_id, reviewer_ids,
    information_request, calendar_days, extension_reason, requested_documents
)
SELECT
    n.code || '-' || n.yr || '-' || lpad(n.num::text, greatest(6, length(n.num::text)), '0'),
    n.status,
    jsonb_build_object('nombre', 'Solicitante de prueba ' || n.g,
        'identificacion', (10000000 + n.g)::text,
        'correo', 'solicitante' || n.g || '@correo.example', 'motivo', 'Trámite bancario'),
    n.filed_at, n.received_on, n.term, 0, n.received_on + round(n.term * 1.4)::int,
    CASE WHEN n.status = 'requiere_informacion'
         THEN n.received_on + 2 + floor(n.r_extra * 8)::int END,
    CASE WHEN n.status = 'requiere_informacion'
         THEN n.received_on + 2 + floor(n.r_extra * 8)::int + 30 END,
    CASE WHEN n.status = ANY(%(closed)s)
         THEN n.filed_at + (3 + n.r_extra * 40) * interval '1 day' END,
    CASE WHEN n.status = 'rechazado'
         THEN 'No cumple los requisitos del trámite.' ELSE '' END,
    CASE n.status WHEN 'radicado' THEN 1 WHEN 'en_revision' THEN 2 ELSE 3 END,
    gen_random_uuid(), '2026-11', n.applicant_id,
    CASE WHEN n.status <> 'radicado' THEN n.officer END,
    n.entity_id, n.procs[n.j], n.revs[n.j],
    CASE WHEN n.status <> 'radicado' THEN jsonb_build_array(n.officer)
         ELSE '[]'::jsonb END,
    CASE WHEN n.status = 'requiere_informacion'
         THEN 'Aporte el certificado de existencia y representación legal vigente.'
         ELSE '' END,
    false, '', '[]'::jsonb
FROM numbered n
ORDER BY n.g
"""

DISTRIBUTION = """
SELECT count(*) AS sdh_cases, count(*) FILTER (WHERE status = ANY(%s)) AS sdh_open,
       count(*) FILTER (WHERE status = ANY(%s) AND due_date < current_date)
           AS sdh_open_overdue,
       round(pg_total_relation_size('procedures_case') / 1048576.0)::int AS table_mb,
       round(pg_relation_size('procedures_case') / 1048576.0)::int AS heap_mb,
       round(pg_relation_size('case_queue') / 1048576.0, 1)::float
           AS case_queue_index_mb
FROM procedures_case c JOIN catalog_entity e ON e.id = c.entity_id WHERE e.code = 'SDH'
"""
REAL_FILINGS = """
SELECT EXISTS (SELECT 1 FROM procedures_casedocument)
    OR EXISTS (SELECT 1 FROM procedures_notification)
    OR EXISTS (SELECT 1 FROM formalization_applicationitem)
    OR EXISTS (SELECT 1 FROM procedures_filingpayment)
"""
SET_COUNTERS = """
INSERT INTO procedures_radicadocounter (entity_id, year, last)
SELECT entity_id, split_part(radicado, '-', 2)::int,
       max(split_part(radicado, '-', 3)::int)
FROM procedures_case GROUP BY 1, 2
ON CONFLICT (entity_id, year) DO UPDATE SET last = EXCLUDED.last
"""


def entity_weights() -> list[dict]:
    """Entities with live procedures, their procedures (most filed first) and shares."""
    from catalog.models import ProcedurePage

    by_entity: dict = {}
    live = ProcedurePage.objects.live().select_related("entity")
    # The virtualized procedure first: it gets the biggest share of its entity.
    for page in sorted(live, key=lambda p: (not p.can_file_online, p.code)):
        by_entity.setdefault(page.entity, []).append(page)
    rows = [{"entity": entity, "pages": pages} for entity, pages in by_entity.items()]
    others = sum(len(r["pages"]) ** 0.8 for r in rows if r["entity"].code != "SDH")
    for row in rows:
        weight = (1 - SDH_SHARE) * len(row["pages"]) ** 0.8 / others
        row["share"] = SDH_SHARE if row["entity"].code == "SDH" else weight
    return sorted(rows, key=lambda r: -r["share"])


def people(rows: list[dict]) -> tuple[list[int], list[dict]]:
    """Synthetic citizens and officers (created once, unusable passwords, officers in
    their entity's group): the applicants' ids, and each entity as the query reads it."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    users = get_user_model().objects
    fresh = not users.filter(username__startswith="bench_").exists()
    if fresh:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO auth_user (password, is_superuser, username, first_name,"
                " last_name, email, is_staff, is_active, date_joined)"
                " SELECT '!bench', false, 'bench_ciudadano_' || g, 'Ciudadano', g::text,"
                " 'bench_ciudadano_' || g || '@correo.example', false, true, now()"
                " FROM generate_series(1, %s) AS g",
                [CITIZENS],
            )
            # Their identity on file, as sign-up leaves it: the queue searches by it.
            cursor.execute(
                "INSERT INTO procedures_applicantprofile (user_id, document_type,"
                " document_number, phone, address, acts_for_company, company_name,"
                " company_nit, updated_at)"
                " SELECT id, 'CC', (50000000 + split_part(username, '_', 3)::int)::text,"
                " '', '', false, '', '', now()"
                " FROM auth_user WHERE username LIKE 'bench\\_ciudadano\\_%'"
            )
    entities = []
    for index, row in enumerate(rows, 1):
        entity, pages = row["entity"], row["pages"]
        group = entity.officer_group_id
        prefix = f"bench_funcionario_{entity.code.lower()}_"
        fields = {"password": "!bench", "is_staff": True, "first_name": "Funcionario"}
        for k in range(1, OFFICERS_PER_ENTITY + 1) if fresh else ():
            name, email = f"{prefix}{k}", f"{prefix}{k}@entidad.example"
            officer = users.create(
                username=name, email=email, last_name=entity.code, **fields
            )
            officer.groups.add(*([group] if group else []))
        # The entity's officer group (with any real officer), else the bench's own.
        mine = {"groups": group} if group else {"username__startswith": prefix}
        officers = users.filter(**mine).order_by("id").values_list("id", flat=True)
        entities.append(
            {
                "i": index,
                "entity_id": entity.pk,
                "code": entity.code,
                "procs": [p.pk for p in pages],
                "revs": [p.live_revision_id for p in pages],
                "terms": [p.legal_term_days for p in pages],
                "officers": list(officers),
            }
        )
    applicants = users.filter(username__startswith="bench_ciudadano_")
    applicants |= users.filter(username__in=["ciudadano", "ciudadana2"])
    return list(applicants.order_by("id").values_list("id", flat=True)), entities


def load(total: int) -> dict:
    """Replace the cases by a synthetic history of ``total`` cases, filed in order."""
    from django.db import connection, transaction

    rows = entity_weights()
    started = time.perf_counter()
    with connection.cursor() as cursor, transaction.atomic():
        # Each scale is a history of its own; never clear a database of real filings.
        cursor.execute(REAL_FILINGS)
        if cursor.fetchone()[0]:
            raise SystemExit("bulk: real filings in this database; not clearing it")
        # CASCADE: and whatever points at cases; none of it holds a real filing here.
        cursor.execute(
            "TRUNCATE procedures_notification, procedures_casedocument,"
            " procedures_case, procedures_radicadocounter CASCADE"
        )
        citizens, entities = people(rows)
    # Each slot is the number of an entity, in proportion to the shares.
    slots = [
        i for i, row in enumerate(rows, 1) for _ in range(round(row["share"] * SLOTS))
    ]
    params = {
        "entities": json.dumps(entities),
        "slots": slots,
        "n_slots": len(slots),
        "citizens": citizens,
        "n_citizens": len(citizens),
        "total": total,
        "history_days": YEARS_OF_HISTORY * 365,
        "closed": list(CLOSED),
    }
    done = 0
    while done < total:
        size, t0 = min(CHUNK, total - done), time.perf_counter()
        with connection.cursor() as cursor, transaction.atomic():
            cursor.execute("SET LOCAL work_mem = '256MB'")
            # A different (reproducible) random stream per chunk.
            stream = random.Random(f"{SEED}:{total}:{done}").random()
            cursor.execute("SELECT setseed(%s)", [stream])
            cursor.execute(
                INSERT_CASES, {**params, "start": done + 1, "stop": done + size}
            )
            cursor.execute(SET_COUNTERS)
        done += size
        print(f"bulk: {done:,} of {total:,} cases ({time.perf_counter() - t0:.1f} s)")
    inserted_s, t0 = time.perf_counter() - started, time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE procedures_case")
        # Every other table too: without statistics the planner guesses the queue
        # query's joins (seen: wagtailcore_page at 28 rows, 237 in fact: +60 ms).
        cursor.execute("ANALYZE")
        analyzed_s = time.perf_counter() - t0
        cursor.execute(DISTRIBUTION, [list(OPEN)] * 2)
        names = [column.name for column in cursor.description]
        distribution = dict(zip(names, cursor.fetchone(), strict=True))
        cursor.execute("SELECT status, count(*) FROM procedures_case GROUP BY 1")
        statuses = dict(cursor.fetchall())
    return {
        "total": total,
        "insert_s": round(inserted_s, 1),
        "vacuum_analyze_s": round(analyzed_s, 1),
        "distribution": {
            "cases": sum(statuses.values()),
            "by_status": statuses,
            **distribution,
        },
    }


if __name__ == "__main__":
    module_main(load)
