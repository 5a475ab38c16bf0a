#!/usr/bin/env python3
"""Filing benchmark: case_file throughput and p95, and the officers' queue at scale.

Usage (from anywhere; needs PostgreSQL and Redis, and gunicorn in the venv)::

    .venv/bin/python bench/filing/run.py [--filings 500] [--cases 100000,1000000]

1. Filing (database ``ventanilla_bench_filing``: fresh, migrated, ``seed_demo``):
   (a) ``--filings`` sequential ``case_file`` calls in-process, with tasks run
   eagerly (acknowledgement PDF with WeasyPrint + e-mail to locmem) and with tasks
   only enqueued to a broker no worker reads (Redis database 13: production shape);
   (b) ``--processes`` forked processes filing ``--per-process`` each on the same
   entity (radicado counter contention), in both modes; (c) the filing form over
   HTTP: gunicorn (``--workers``) and ``--http-connections`` client threads posting
   ``/tramites/<slug>/radicar/`` with a logged-in session. Then radicados must be
   unique and gapless 1..N per entity and year.
2. Officer queue (database ``ventanilla_bench_filing_queue``, a copy of the seeded
   one): for each ``--cases`` size, a synthetic history (bulk.py), then
   /admin/casos/ for ``funcionario_shd`` in-process (officer_queue.py): latency,
   SQL queries, EXPLAIN ANALYZE; and the same with the fix of queue_fix.py.

Prints a table and PASS/FAIL lines, writes bench/results/filing-<timestamp>.json.
Exit status: 0 every target passes, 1 a target fails, 2 the benchmark could not run.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    PYTHON,
    VENV_BIN,
    BenchError,
    Gunicorn,
    bench_main,
    log,
    pg,
    recreate_database,
    run,
    summarize_ms,
)
from bench.filing.filing import ANSWERS, pdf_bytes  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
SCRATCH_DIR = Path(tempfile.gettempdir()) / "ventanilla-bench-filing"
SETTINGS_MODULE = "bench.filing.settings"
PROCEDURE_SLUG = "certificacion-rit"  # SDH-002
CITIZEN, DEMO_PASSWORD = "ciudadano", "Ventanilla-2026"  # cms/seed.py
# Keys Celery's Redis transport writes: the only ones the broker database may hold.
BROKER_KEYS = re.compile(r"^(celery|_kombu\..*|unacked.*)$")
QUEUE_TARGET_MS = 100.0
QUEUE_TARGET_CASES = 1_000_000


@dataclass
class Config:
    filings: int
    processes: int
    per_process: int
    modes: list[str]
    http_filings: int
    http_connections: int
    workers: int
    cases: list[int]
    queue_requests: int
    what_if: bool
    broker_url: str
    db_name: str
    pg: list[str]
    keep: bool

    @property
    def queue_db(self) -> str:
        return f"{self.db_name}_queue"

    def database_url(self, name: str) -> str:
        host, port, user = self.pg[1], self.pg[3], self.pg[5]
        return f"postgres://{user}@{host}:{port}/{name}"


# --- the machine ------------------------------------------------------------------


def _cpu_jiffies() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Load:
    """Load average and CPU use of the whole machine (others' work included) per phase."""

    def __init__(self):
        self.phases: dict[str, dict] = {}

    @contextlib.contextmanager
    def phase(self, name: str):
        busy0, total0 = _cpu_jiffies()
        load0 = os.getloadavg()[0]
        started = time.perf_counter()
        try:
            yield
        finally:
            busy1, total1 = _cpu_jiffies()
            self.phases[name] = {
                "seconds": round(time.perf_counter() - started, 1),
                "load1_start": round(load0, 2),
                "load1_end": round(os.getloadavg()[0], 2),
                "cpu_busy_pct": round(100 * (busy1 - busy0) / max(1, total1 - total0)),
            }


# --- processes ----------------------------------------------------------------------


def django_env(cfg: Config, database: str, *, broker: bool) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        DATABASE_URL=cfg.database_url(database),
        PYTHONPATH=str(ROOT),
    )
    env.pop("CELERY_BROKER_URL", None)  # Eager unless we say otherwise.
    if broker:
        env["CELERY_BROKER_URL"] = cfg.broker_url
    return env


def run_module(cfg, module, args, *, database, broker=False, timeout=1800) -> dict:
    """``python -m bench.filing.<module> ... --out X``; returns the JSON it wrote."""
    out = SCRATCH_DIR / f"{module}-{uuid.uuid4().hex[:8]}.json"
    env = django_env(cfg, database, broker=broker)
    run(
        [PYTHON, "-m", f"bench.filing.{module}", *args, f"--out={out}"],
        timeout=timeout,
        env=env,
        quiet=False,
    )
    try:
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)


# --- PostgreSQL and Redis -------------------------------------------------------------


class Broker:
    """The Redis database the broker runs publish to (no worker reads it)."""

    def __init__(self, url: str):
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url)

    def foreign_keys(self) -> list[str]:
        keys = [k.decode() for k in self.client.scan_iter(count=1000)]
        return [k for k in keys if not BROKER_KEYS.match(k)]

    def queued(self) -> int:
        return int(self.client.llen("celery"))

    def purge(self) -> None:
        """Delete what Celery wrote here; refuse if anyone else's keys are present."""
        foreign = self.foreign_keys()
        if foreign:
            raise BenchError(
                f"{self.url} holds keys that are not Celery's: {foreign[:5]}"
            )
        self.client.flushdb()


# --- phases -----------------------------------------------------------------------------


def setup(cfg: Config) -> dict:
    log(f"setup: fresh {cfg.db_name}, migrate, seed_demo")
    times = {}
    started = time.perf_counter()
    recreate_database(cfg, cfg.db_name)
    env = django_env(cfg, cfg.db_name, broker=False)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], timeout=900, env=env)
    times["migrate_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    run(
        [PYTHON, "manage.py", "seed_demo", "--allow-demo-users", "--history", "0"],
        timeout=900,
        env=env,
    )
    times["seed_demo_s"] = round(time.perf_counter() - started, 1)
    # Planner statistics, as autovacuum keeps them on a live site.
    pg(cfg, "vacuumdb", "--analyze-only", "--quiet", f"--dbname={cfg.db_name}")
    # The queue gets a copy of the seeded database: filings do not mix with it.
    recreate_database(cfg, cfg.queue_db, template=cfg.db_name)
    log(f"setup: migrate {times['migrate_s']} s, seed_demo {times['seed_demo_s']} s")
    return times


def filing_phases(cfg: Config, broker: Broker, load: Load) -> dict:
    results = {}
    enqueued_expected = 0
    for mode in cfg.modes:
        is_broker = mode == "broker"
        name = f"sequential_{mode}"
        log(f"filing (a): {cfg.filings} sequential case_file calls, {mode}")
        with load.phase(name):
            results[name] = run_module(
                cfg,
                "filing",
                ["sequential", f"--filings={cfg.filings}"],
                database=cfg.db_name,
                broker=is_broker,
            )
        log_filing(name, results[name])
        if is_broker:
            enqueued_expected += 2 * (
                results[name]["filings"] + results[name]["warmup_filings"]
            )
        name = f"concurrent_{mode}"
        log(
            f"filing (b): {cfg.processes} processes x {cfg.per_process} filings, {mode}"
        )
        with load.phase(name):
            results[name] = run_module(
                cfg,
                "filing",
                [
                    "concurrent",
                    f"--processes={cfg.processes}",
                    f"--filings={cfg.per_process}",
                ],
                database=cfg.db_name,
                broker=is_broker,
            )
        log_filing(name, results[name])
        if is_broker:
            enqueued_expected += 2 * (
                results[name]["filings"] + results[name]["warmup_filings"]
            )
    if cfg.http_filings:
        log(
            f"filing (c): HTTP, gunicorn {cfg.workers} workers, "
            f"{cfg.http_connections} connections, {cfg.http_filings} filings (broker)"
        )
        with load.phase("http_broker"):
            results["http_broker"] = http_filings(cfg)
        log_filing("http_broker", results["http_broker"])
        enqueued_expected += 2 * (
            results["http_broker"]["filings"] + results["http_broker"]["warmup_filings"]
        )
    results["broker_tasks"] = {
        "expected": enqueued_expected,
        "queued": broker.queued(),
    }
    log("filing: verify radicados, uploads, audit events and outbox rows")
    results["verify"] = run_module(cfg, "filing", ["verify"], database=cfg.db_name)
    return results


def log_filing(name: str, r: dict) -> None:
    lat = r["latency_ms"]
    log(
        f"  {name:<20} {r['filings']:>5} in {r['seconds']:>6.1f} s = "
        f"{r['per_s']:>6.1f}/s  p50 {lat['p50']:.1f}  p95 {lat['p95']:.1f}  "
        f"max {lat['max']:.1f} ms"
    )


def http_filings(cfg: Config) -> dict:
    """Post the filing form through gunicorn with a logged-in citizen's session."""
    import requests

    log_path = SCRATCH_DIR / "gunicorn.log"
    env = django_env(cfg, cfg.db_name, broker=True)
    token_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    pdf = pdf_bytes()
    with Gunicorn(cfg.workers, env, log_path, ready_path="/cuenta/ingresar/") as server:
        session = requests.Session()
        page = session.get(server.base + "/cuenta/ingresar/", timeout=30)
        login = session.post(
            server.base + "/cuenta/ingresar/",
            data={
                "username": CITIZEN,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": token_re.search(page.text).group(1),
            },
            allow_redirects=False,
            timeout=30,
        )
        if login.status_code != 302:
            raise BenchError(f"login as {CITIZEN} answered {login.status_code}")
        form_url = f"{server.base}/tramites/{PROCEDURE_SLUG}/radicar/"
        form = session.get(form_url, timeout=30)
        found = token_re.search(form.text)
        if form.status_code != 200 or not found:
            raise BenchError(f"GET {form_url} answered {form.status_code}")
        csrf = found.group(1)

        def post(client: requests.Session) -> tuple[float, bool, str]:
            data = {f"q_{k}": v for k, v in ANSWERS.items()}
            data.update(
                csrfmiddlewaretoken=csrf,
                submission_token=str(uuid.uuid4()),
                accept_privacy="on",
            )
            started = time.perf_counter()
            response = client.post(
                form_url,
                data=data,
                files={"doc_0": ("rut.pdf", pdf, "application/pdf")},
                allow_redirects=False,
                timeout=60,
            )
            elapsed = (time.perf_counter() - started) * 1000
            where = response.headers.get("Location", "")
            ok = response.status_code == 302 and where.startswith("/mis-tramites/SDH-")
            return elapsed, ok, f"{response.status_code} {where}"

        warmup = 2 * cfg.workers
        for _ in range(warmup):  # Each worker's first requests load code and templates.
            _ms, ok, what = post(session)
            if not ok:
                raise BenchError(f"filing over HTTP failed: {what}; see {log_path}")
        samples: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()
        share = [cfg.http_filings // cfg.http_connections] * cfg.http_connections
        for i in range(cfg.http_filings % cfg.http_connections):
            share[i] += 1

        def client_thread(count: int) -> None:
            client = requests.Session()
            client.cookies.update(session.cookies)
            for _ in range(count):
                elapsed, ok, what = post(client)
                with lock:
                    samples.append(elapsed)
                    if not ok:
                        failures.append(what)

        threads = [threading.Thread(target=client_thread, args=(n,)) for n in share]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        total = time.perf_counter() - started
    return {
        "eager_tasks": False,
        "workers": cfg.workers,
        "connections": cfg.http_connections,
        "filings": len(samples),
        "warmup_filings": warmup,
        "failures": failures[:10],
        "failed": len(failures),
        "seconds": round(total, 2),
        "per_s": round(len(samples) / total, 1),
        "latency_ms": summarize_ms(samples),
        "server_log_problems": log_problems(log_path),
    }


def log_problems(path: Path) -> list[str]:
    if not path.exists():
        return []
    markers = ("Traceback", "WORKER TIMEOUT", "[ERROR]", "[CRITICAL]")
    lines = path.read_text(errors="replace").splitlines()
    return [line for line in lines if any(m in line for m in markers)][:20]


def queue_phases(cfg: Config, load: Load) -> dict:
    results = {}
    for total in cfg.cases:
        key = str(total)
        log(f"queue: synthetic history of {total:,} cases in {cfg.queue_db}")
        with load.phase(f"bulk_{key}"):
            bulk = run_module(
                cfg, "bulk", [f"--total={total}"], database=cfg.queue_db, timeout=1200
            )
        dist = bulk["distribution"]
        log(
            f"  loaded in {bulk['insert_s']} s + VACUUM ANALYZE "
            f"{bulk['vacuum_analyze_s']} s; SDH {dist['sdh_cases']:,} cases, "
            f"{dist['sdh_open']:,} open; table {dist['table_mb']} MB"
        )
        entry = {"bulk": bulk}
        log(f"queue: /admin/casos/ x {cfg.queue_requests}, in-process (app as is)")
        with load.phase(f"queue_{key}"):
            entry["current"] = run_module(
                cfg,
                "officer_queue",
                [f"--requests={cfg.queue_requests}"],
                database=cfg.queue_db,
            )
        log_queue(entry["current"])
        if cfg.what_if:
            log("queue: the same with the proposed fix (queue_fix.py, bench only)")
            with load.phase(f"queue_{key}_what_if"):
                entry["what_if"] = run_module(
                    cfg,
                    "officer_queue",
                    [f"--requests={cfg.queue_requests}", "--what-if"],
                    database=cfg.queue_db,
                )
            log_queue(entry["what_if"])
            entry["same_rows"] = {
                label: entry["current"]["urls"][label]["radicados"]
                == entry["what_if"]["urls"][label]["radicados"]
                for label in entry["current"]["urls"]
            }
        results[key] = entry
    return results


def log_queue(r: dict) -> None:
    lat = r["latency_ms"]
    queries = sorted({u["queries"] for u in r["urls"].values()})
    log(
        f"  n={lat['n']}  p50 {lat['p50']:.1f}  p95 {lat['p95']:.1f}  "
        f"p99 {lat['p99']:.1f}  max {lat['max']:.1f} ms; queries/request {queries}"
    )


# --- targets and report -------------------------------------------------------------------


def evaluate(results: dict, cfg: Config) -> list[dict]:
    verdicts = []

    def verdict(target: str, ok: bool | None, detail: str) -> None:
        status = "INFO" if ok is None else ("PASS" if ok else "FAIL")
        verdicts.append({"target": target, "status": status, "detail": detail})

    filing = results.get("filing")
    if filing:
        check = filing["verify"]
        bad = [
            f"{s['entity']}/{s['year']}"
            for s in check["series"]
            if not (s["unique"] and s["gapless"] and s["counter_matches"])
        ]
        series = ", ".join(
            f"{s['entity']}/{s['year']} 1..{s['max']}" for s in check["series"]
        )
        verdict(
            "radicados unique and gapless 1..N per entity/year, = counter; every "
            "filing has its upload, case.filed event and outbox row",
            check["ok"],
            f"{check['cases']} cases: {series}" + (f"; broken: {bad}" if bad else ""),
        )
        eager_runs = [
            k
            for k, v in filing.items()
            if isinstance(v, dict) and v.get("eager_tasks") is True
        ]
        eager_filed = sum(
            filing[k]["filings"] + filing[k]["warmup_filings"] for k in eager_runs
        )
        acks = check["acknowledgements"]
        sent = check["notifications_sent"]
        verdict(
            "eager runs rendered every acknowledgement PDF and sent every e-mail",
            acks == eager_filed and sent == eager_filed,
            f"{eager_filed} eager filings: {acks} PDFs, {sent} e-mails sent",
        )
        tasks = filing["broker_tasks"]
        verdict(
            "broker runs enqueued 2 tasks per filing and executed none",
            tasks["queued"] == tasks["expected"],
            f"{tasks['queued']} messages queued, {tasks['expected']} expected",
        )
        http = filing.get("http_broker")
        if http:
            verdict(
                "every HTTP filing answered 302 to its case",
                http["failed"] == 0 and not http["server_log_problems"],
                f"{http['failed']} failed of {http['filings']}"
                + ("; gunicorn logged errors" if http["server_log_problems"] else ""),
            )
    queue = results.get("queue", {})
    big = queue.get(str(QUEUE_TARGET_CASES))
    label = f"queue p95 < {QUEUE_TARGET_MS:.0f} ms at {QUEUE_TARGET_CASES:,} cases"
    if big:
        p95 = big["current"]["latency_ms"]["p95"]
        verdict(label, p95 < QUEUE_TARGET_MS, f"p95 {p95:.1f} ms (in-process)")
    else:
        verdict(label, None, "not run (see --cases)")
    if len(queue) >= 2:
        # Per URL listing cases at every size (an empty page skips its query).
        sizes = list(queue)
        grown = []
        for label in queue[sizes[0]]["current"]["urls"]:
            urls = [queue[k]["current"]["urls"][label] for k in sizes]
            if all(u["rows"] for u in urls) and len({u["queries"] for u in urls}) > 1:
                grown.append(f"{label} {[u['queries'] for u in urls]}")
        counts = {
            k: sorted({u["queries"] for u in v["current"]["urls"].values()})
            for k, v in queue.items()
        }
        verdict(
            "queue SQL queries per request do not grow with the table",
            not grown,
            ", ".join(f"{int(k):,}: {c}" for k, c in counts.items())
            + (f"; grew: {grown}" if grown else " (fewer only where a page is empty)"),
        )
    for key, entry in queue.items():
        if "what_if" in entry:
            p95 = entry["what_if"]["latency_ms"]["p95"]
            same_rows = all(entry["same_rows"].values())
            verdict(
                f"what-if (queue_fix.py) at {int(key):,}: same cases listed on every URL",
                same_rows,
                f"p95 {p95:.1f} ms vs {entry['current']['latency_ms']['p95']:.1f} ms"
                + (
                    ""
                    if same_rows
                    else f"; differ: {[k for k, v in entry['same_rows'].items() if not v]}"
                ),
            )
    return verdicts


FILING_ROWS = (
    ("sequential_eager", "(a) sequential, tasks eager (PDF+mail)"),
    ("sequential_broker", "(a) sequential, tasks enqueued only"),
    ("concurrent_eager", "(b) {p} processes, tasks eager"),
    ("concurrent_broker", "(b) {p} processes, tasks enqueued"),
    ("http_broker", "(c) HTTP, gunicorn {w}w, {c} conns"),
)


def plan_summary(query: dict) -> str:
    plan = query["plan"]
    scans = re.findall(
        r"((?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan|"
        r"Bitmap Heap Scan)(?: Backward)?(?: using| on) \w+(?: on procedures_case)?)"
        r"[^\n]*\(actual time=[\d.]+\.\.[\d.]+ rows=(\d+)",
        plan,
    )
    on_case = [f"{s} ({rows} rows)" for s, rows in scans if "case" in s]
    return f"{query['execution_ms']:.1f} ms: " + "; ".join(on_case)


def report(results: dict, cfg: Config) -> str:
    lines = [""]
    filing = results.get("filing")
    if filing:
        lines.append(
            "Filing SDH-002 (one 20 kB PDF) as ciudadano; latency per call in ms"
        )
        lines.append(
            f"{'':<40}{'calls':>6}{'s':>7}{'calls/s':>9}{'p50':>8}{'p95':>8}"
            f"{'p99':>8}{'max':>8}  lock wait p95 / held p50"
        )
        for key, label in FILING_ROWS:
            r = filing.get(key)
            if not r:
                continue
            lat = r["latency_ms"]
            lock = (
                f"  {r['lock_wait_ms']['p95']:.1f} / {r['lock_held_ms']['p50']:.1f}"
                if "lock_wait_ms" in r
                else ""
            )
            name = label.format(p=cfg.processes, w=cfg.workers, c=cfg.http_connections)
            lines.append(
                f"{name:<40}{r['filings']:>6}{r['seconds']:>7.1f}{r['per_s']:>9.1f}"
                f"{lat['p50']:>8.1f}{lat['p95']:>8.1f}{lat['p99']:>8.1f}"
                f"{lat['max']:>8.1f}{lock}"
            )
        lines.append("")
    queue = results.get("queue", {})
    if queue:
        lines.append(
            f"Officer queue /admin/casos/ as funcionario_shd, in-process, "
            f"{cfg.queue_requests} requests over 12 URLs; ms"
        )
        lines.append(
            f"{'cases':>10} {'SDH':>7} {'open':>6} | {'app as is: p50':>14} {'p95':>7} "
            f"{'max':>7} {'q/req':>6} | {'with fix: p50':>13} {'p95':>7} {'q/req':>6}"
        )
        for key, entry in queue.items():
            dist = entry["bulk"]["distribution"]
            cur = entry["current"]
            lat = cur["latency_ms"]
            q = "/".join(
                str(x) for x in sorted({u["queries"] for u in cur["urls"].values()})
            )
            row = (
                f"{int(key):>10,} {dist['sdh_cases']:>7,} {dist['sdh_open']:>6,} | "
                f"{lat['p50']:>14.1f} {lat['p95']:>7.1f} {lat['max']:>7.1f} {q:>6} | "
            )
            if "what_if" in entry:
                fix = entry["what_if"]
                flat = fix["latency_ms"]
                fq = "/".join(
                    str(x) for x in sorted({u["queries"] for u in fix["urls"].values()})
                )
                row += f"{flat['p50']:>13.1f} {flat['p95']:>7.1f} {fq:>6}"
            lines.append(row)
        for key, entry in queue.items():
            lines.append("")
            lines.append(
                f"Per URL at {int(key):,} cases: p50 ms (SQL ms of the captured request) "
                "as is -> with fix; EXPLAIN ANALYZE of the case queries as is"
            )
            for label, url in entry["current"]["urls"].items():
                fix = entry.get("what_if", {}).get("urls", {}).get(label)
                fixed = (
                    f" -> {fix['latency_ms']['p50']:>6.1f} ({fix['captured_sql_ms']:>5.1f})"
                    if fix
                    else ""
                )
                lines.append(
                    f"  {label:<28} {url['rows']:>3} rows, page {url['page_of'][0]}/"
                    f"{url['page_of'][1]:<4} {url['latency_ms']['p50']:>6.1f} "
                    f"({url['captured_sql_ms']:>5.1f}){fixed}"
                )
                for query in url["case_queries"]:
                    kind = "count" if "COUNT(*)" in query["sql"] else "page "
                    lines.append(f"      {kind} {plan_summary(query)}")
    if queue:
        key = list(queue)[-1]
        page_query = queue[key]["current"]["urls"]["default"]["case_queries"][-1]
        lines.append("")
        lines.append(
            f"EXPLAIN (ANALYZE, BUFFERS) of the main queue query (/admin/casos/, "
            f"page 1) at {int(key):,} cases, app as is:"
        )
        lines.extend("    " + line for line in page_query["plan"].splitlines())
    lines.append("")
    lines.append("Machine load per phase (1-min load average start->end; CPU busy %)")
    for name, phase in results["load"].items():
        lines.append(
            f"  {name:<26} {phase['seconds']:>6.1f} s  load {phase['load1_start']:.1f}"
            f" -> {phase['load1_end']:.1f}  cpu {phase['cpu_busy_pct']} %"
        )
    lines.append("")
    for item in results["targets"]:
        lines.append(f"{item['status']}  {item['target']}: {item['detail']}")
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------


def preflight(cfg: Config) -> Broker:
    for tool in ("psql", "createdb", "dropdb", "vacuumdb"):
        if shutil.which(tool) is None:
            raise BenchError(f"{tool} not found")
    if not (VENV_BIN / "gunicorn").exists() and cfg.http_filings:
        raise BenchError(f"gunicorn not found in {VENV_BIN}")
    pg(cfg, "psql", "-d", "postgres", "-tAc", "SELECT 1")
    try:
        import redis

        broker = Broker(cfg.broker_url)
        broker.client.ping()
    except ImportError as error:
        raise BenchError("run with the project's .venv/bin/python") from error
    except redis.RedisError as error:
        raise BenchError(f"Redis at {cfg.broker_url}: {error}") from error
    foreign = broker.foreign_keys()
    if foreign:
        raise BenchError(
            f"{cfg.broker_url} is in use (keys {foreign[:5]}); pick --broker-url"
        )
    return broker


def parse_args() -> Config:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add("--filings", type=int, default=500, help="(a) sequential case_file calls")
    add("--processes", type=int, default=4, help="(b) concurrent processes")
    add("--per-process", type=int, default=200, help="(b) filings per process")
    add("--modes", default="eager,broker", help="task modes for (a) and (b)")
    add("--http-filings", type=int, default=200, help="(c) 0 to skip")
    add("--http-connections", type=int, default=4)
    add("--workers", type=int, default=2, help="gunicorn sync workers for (c)")
    add("--cases", default="100000,1000000", help="queue sizes; empty to skip")
    add("--queue-requests", type=int, default=200)
    add(
        "--what-if",
        action="store_true",
        help="also measure bench/filing/queue_fix.py (a proposed queue change)",
    )
    add("--broker-url", default="redis://127.0.0.1:6379/13")
    add("--db-name", default="ventanilla_bench_filing")
    add("--pg-host", default=os.environ.get("PGHOST", "127.0.0.1"))
    add("--pg-port", default=os.environ.get("PGPORT", "5432"))
    add("--pg-user", default=os.environ.get("PGUSER", "postgres"))
    add("--keep", action="store_true", help="keep both databases afterwards")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if any(m not in ("eager", "broker") for m in modes):
        parser.error("--modes: eager and/or broker")
    return Config(
        filings=args.filings,
        processes=args.processes,
        per_process=args.per_process,
        modes=modes,
        http_filings=args.http_filings,
        http_connections=args.http_connections,
        workers=args.workers,
        cases=[int(c) for c in args.cases.split(",") if c.strip()],
        queue_requests=args.queue_requests,
        what_if=args.what_if,
        broker_url=args.broker_url,
        db_name=args.db_name,
        pg=["-h", args.pg_host, "-p", str(args.pg_port), "-U", args.pg_user],
        keep=args.keep,
    )


@dataclass
class Run:
    cfg: Config
    results: dict = field(default_factory=dict)
    broker: Broker | None = None

    def execute(self) -> int:
        cfg = self.cfg
        started = time.perf_counter()
        self.broker = preflight(cfg)
        load = Load()
        self.results.update(
            started_at=datetime.datetime.now(datetime.UTC).isoformat(),
            host={
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "commit": commit(),
            },
            config={k: v for k, v in vars(cfg).items() if k != "pg"},
            load=load.phases,
        )
        shutil.rmtree(SCRATCH_DIR, ignore_errors=True)
        SCRATCH_DIR.mkdir(parents=True)
        with load.phase("setup"):
            self.results["setup"] = setup(cfg)
        self.results["filing"] = filing_phases(cfg, self.broker, load)
        if cfg.cases:
            self.results["queue"] = queue_phases(cfg, load)
        self.results["targets"] = evaluate(self.results, cfg)
        self.results["total_s"] = round(time.perf_counter() - started, 1)
        print(report(self.results, cfg))
        print(f"\ntotal {self.results['total_s']} s")
        failed = any(t["status"] == "FAIL" for t in self.results["targets"])
        return 1 if failed else 0

    def cleanup(self) -> None:
        Gunicorn.stop_all()
        if self.broker is not None:
            try:
                self.broker.purge()
            except Exception as error:  # noqa: BLE001 - reported, not fatal
                print(
                    f"could not purge {self.cfg.broker_url}: {error}", file=sys.stderr
                )
        if not self.cfg.keep:
            for name in (self.cfg.queue_db, self.cfg.db_name):
                with contextlib.suppress(BenchError):
                    pg(self.cfg, "dropdb", "--if-exists", "--force", name)
            shutil.rmtree(SCRATCH_DIR, ignore_errors=True)

    def save(self) -> Path | None:
        if not self.results:
            return None
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        path = RESULTS_DIR / f"filing-{stamp}.json"
        path.write_text(json.dumps(self.results, indent=2, ensure_ascii=False) + "\n")
        return path


def commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return head + ("+changes" if dirty else "")
    return "unknown"


def main() -> int:
    return bench_main(__file__, parse_args, Run)


if __name__ == "__main__":
    sys.exit(main())
