#!/usr/bin/env python3
"""Filing benchmark: case_file throughput and p95, and the officers' queue at scale.

Usage (from anywhere; needs PostgreSQL and Redis, and gunicorn in the venv)::

    .venv/bin/python bench/filing/run.py [--filings 500] [--cases 100000,1000000]

Filing SDH-002 (filing.py): (a) sequential, (b) concurrent processes on one entity,
each with tasks eager and enqueued only; (c) over HTTP through gunicorn; then the
radicados' integrity. The officers' queue (officer_queue.py) over a synthetic history
of each ``--cases`` size (bulk.py). bench/README.md says what each step measures.
"""

import base64
import re
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import targets
from bench.common import (
    BenchError,
    Gunicorn,
    Runner,
    log,
    log_problems,
    recreate_database,
    summarize_ms,
)

CITIZEN, DEMO_PASSWORD = "ciudadano", "Ventanilla-2026"  # cms/seed.py
FILING_ROWS = (
    ("sequential_eager", "(a) sequential, tasks eager (PDF+mail)"),
    ("sequential_broker", "(a) sequential, tasks enqueued only"),
    ("concurrent_eager", "(b) {p} processes, tasks eager"),
    ("concurrent_broker", "(b) {p} processes, tasks enqueued"),
    ("http_broker", "(c) HTTP, gunicorn {w}w, {c} conns"),
)


def log_filing(name: str, r: dict) -> None:
    lat = r["latency_ms"]
    log(
        f"  {name:<20} {r['filings']:>5} in {r['seconds']:>6.1f} s = "
        f"{r['per_s']:>6.1f}/s  p50 {lat['p50']:.1f}  p95 {lat['p95']:.1f}  "
        f"max {lat['max']:.1f} ms"
    )


def plan_summary(query: dict) -> str:
    scans = re.findall(
        r"((?:Parallel )?(?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan|"
        r"Bitmap Heap Scan)(?: Backward)?(?: using| on) \w+(?: on procedures_case)?)"
        r"[^\n]*\(actual time=[\d.]+\.\.[\d.]+ rows=(\d+)",
        query["plan"],
    )
    on_case = [f"{s} ({rows} rows)" for s, rows in scans if "case" in s]
    return f"{query['execution_ms']:.1f} ms: " + "; ".join(on_case)


def queries_of(entry: dict) -> str:
    return "/".join(
        str(x) for x in sorted({u["queries"] for u in entry["urls"].values()})
    )


class FilingBench(Runner):
    name, db_name = "filing", "ventanilla_bench_filing"
    broker_url = "redis://127.0.0.1:6379/13"

    @classmethod
    def add_arguments(cls, add) -> None:
        add("--filings", type=int, default=500, help="(a) sequential case_file calls")
        add("--processes", type=int, default=4, help="(b) concurrent processes")
        add("--per-process", type=int, default=200, help="(b) filings per process")
        add("--modes", default="eager,broker", help="task modes for (a) and (b)")
        add("--http-filings", type=int, default=200, help="(c) 0 to skip")
        add("--http-connections", type=int, default=4)
        add("--workers", type=int, default=2, help="gunicorn sync workers for (c)")
        add("--cases", default="100000,1000000", help="queue sizes; empty to skip")
        add("--queue-requests", type=int, default=200)

    @classmethod
    def check_arguments(cls, cfg, parser) -> None:
        cfg.modes = [m.strip() for m in cfg.modes.split(",") if m.strip()]
        if any(m not in ("eager", "broker") for m in cfg.modes):
            parser.error("--modes: eager and/or broker")
        cfg.cases = [int(c) for c in cfg.cases.split(",") if c.strip()]

    def preflight(self) -> None:
        self.gunicorn = bool(self.cfg.http_filings)
        super().preflight()

    @property
    def queue_db(self) -> str:
        return f"{self.cfg.db_name}_queue"

    def databases(self) -> list[str]:
        return [self.queue_db, self.cfg.db_name]

    # -- measurements -----------------------------------------------------------------

    def measure(self) -> None:
        with self.load.phase("setup"):
            self.results["setup"] = self.setup_database()
            # The queue gets a copy of the seeded database: filings do not mix with it.
            recreate_database(self, self.queue_db, template=self.cfg.db_name)
        self.results["filing"] = self.filing_phases()
        if self.cfg.cases:
            self.results["queue"] = self.queue_phases()

    def filing_module(self, name: str, args: list[str], *, broker: bool) -> dict:
        with self.load.phase(name):
            result = self.run_module("filing.filing", args, broker=broker)
        log_filing(name, result)
        return result

    def filing_phases(self) -> dict:
        cfg, results, expected = self.cfg, {}, 0
        for mode in cfg.modes:
            broker = mode == "broker"
            log(f"filing (a): {cfg.filings} sequential case_file calls, {mode}")
            args = ["sequential", f"--filings={cfg.filings}"]
            results[f"sequential_{mode}"] = self.filing_module(
                f"sequential_{mode}", args, broker=broker
            )
            log(f"filing (b): {cfg.processes} processes x {cfg.per_process}, {mode}")
            args = ["concurrent", f"--processes={cfg.processes}"]
            results[f"concurrent_{mode}"] = self.filing_module(
                f"concurrent_{mode}",
                [*args, f"--filings={cfg.per_process}"],
                broker=broker,
            )
        if cfg.http_filings:
            log(
                f"filing (c): HTTP, gunicorn {cfg.workers} workers, "
                f"{cfg.http_connections} connections, {cfg.http_filings} filings (broker)"
            )
            with self.load.phase("http_broker"):
                results["http_broker"] = self.http_filings()
            log_filing("http_broker", results["http_broker"])
        for key, r in results.items():
            if key.endswith("_broker"):
                expected += 2 * (r["filings"] + r["warmup_filings"])
        results["broker_tasks"] = {"expected": expected, "queued": self.broker.queued()}
        log("filing: verify radicados, uploads, audit events and outbox rows")
        results["verify"] = self.run_module("filing.filing", ["verify"])
        return results

    def http_filings(self) -> dict:
        """Post the filing form through gunicorn with a logged-in citizen's session."""
        import requests

        cfg, log_path = self.cfg, self.scratch / "gunicorn.log"
        token_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
        form_spec = self.run_module("filing.filing", ["form"])
        files = {
            name: (filename, base64.b64decode(body), content_type)
            for name, (filename, content_type, body) in form_spec["files"].items()
        }
        env = self.env(broker=True)
        with Gunicorn(
            cfg.workers, env, log_path, ready_path="/cuenta/ingresar/"
        ) as server:
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
            form_url = f"{server.base}{form_spec['url']}radicar/"
            form = session.get(form_url, timeout=30)
            found = token_re.search(form.text)
            if form.status_code != 200 or not found:
                raise BenchError(f"GET {form_url} answered {form.status_code}")

            def post(client) -> tuple[float, bool, str]:
                data = dict(form_spec["data"])
                data.update(
                    csrfmiddlewaretoken=found.group(1),
                    submission_token=str(uuid.uuid4()),
                    accept_privacy="on",
                )
                started = time.perf_counter()
                response = client.post(
                    form_url,
                    data=data,
                    files=files,
                    allow_redirects=False,
                    timeout=60,
                )
                elapsed = (time.perf_counter() - started) * 1000
                where = response.headers.get("Location", "")
                ok = response.status_code == 302 and where.startswith(
                    "/mis-tramites/SDH-"
                )
                return elapsed, ok, f"{response.status_code} {where}"

            warmup = 2 * cfg.workers
            for _ in range(
                warmup
            ):  # Each worker's first requests load code, templates.
                _ms, ok, what = post(session)
                if not ok:
                    raise BenchError(f"filing over HTTP failed: {what}; see {log_path}")
            samples, failures, lock = [], [], threading.Lock()
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

    def queue_phases(self) -> dict:
        results = {}
        for total in self.cfg.cases:
            key = str(total)
            log(f"queue: synthetic history of {total:,} cases in {self.queue_db}")
            with self.load.phase(f"bulk_{key}"):
                bulk = self.run_module(
                    "filing.bulk",
                    [f"--total={total}"],
                    database=self.queue_db,
                    timeout=1200,
                )
            dist = bulk["distribution"]
            log(
                f"  loaded in {bulk['insert_s']} s + VACUUM ANALYZE "
                f"{bulk['vacuum_analyze_s']} s; SDH {dist['sdh_cases']:,} cases, "
                f"{dist['sdh_open']:,} open; table {dist['table_mb']} MB"
            )
            log(f"queue: {self.cfg.queue_requests} requests, in-process")
            with self.load.phase(f"queue_{key}"):
                current = self.run_module(
                    "filing.officer_queue",
                    [f"--requests={self.cfg.queue_requests}"],
                    database=self.queue_db,
                )
            lat = current["latency_ms"]
            log(
                f"  n={lat['n']}  p50 {lat['p50']:.1f}  p95 {lat['p95']:.1f}  "
                f"max {lat['max']:.1f} ms; queries/request {queries_of(current)}"
            )
            results[key] = {"bulk": bulk, "current": current}
        return results

    # -- targets and report -----------------------------------------------------------

    def evaluate(self) -> None:
        verdict = self.verdict
        filing = self.results.get("filing")
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
                "filing has its uploads, case.filed event and outbox row",
                check["ok"],
                f"{check['cases']} cases: {series}"
                + (f"; broken: {bad}" if bad else ""),
            )
            eager = sum(
                v["filings"] + v["warmup_filings"]
                for v in filing.values()
                if isinstance(v, dict) and v.get("eager_tasks") is True
            )
            acks, sent = check["acknowledgements"], check["notifications_sent"]
            verdict(
                "eager runs rendered every acknowledgement PDF and sent every e-mail",
                acks == eager and sent == eager,
                f"{eager} eager filings: {acks} PDFs, {sent} e-mails sent",
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
                    + (
                        "; gunicorn logged errors"
                        if http["server_log_problems"]
                        else ""
                    ),
                )
        queue = self.results.get("queue", {})
        big = queue.get(str(targets.limit("filing.queue_cases")))
        name = f"{targets.label('filing.queue_p95_ms')} at {targets.label('filing.queue_cases')}"
        if big:
            p95 = big["current"]["latency_ms"]["p95"]
            verdict(
                name,
                p95 < targets.limit("filing.queue_p95_ms"),
                f"p95 {p95:.1f} ms (in-process)",
            )
        else:
            verdict(name, None, "not run (see --cases)")
        if len(queue) >= 2:
            # Per URL listing cases at every size (an empty page skips its query).
            sizes, grown = list(queue), []
            for url in queue[sizes[0]]["current"]["urls"]:
                urls = [queue[k]["current"]["urls"][url] for k in sizes]
                if (
                    all(u["rows"] for u in urls)
                    and len({u["queries"] for u in urls}) > 1
                ):
                    grown.append(f"{url} {[u['queries'] for u in urls]}")
            counts = ", ".join(
                f"{int(k):,}: {queries_of(v['current'])}" for k, v in queue.items()
            )
            verdict(
                "queue SQL queries per request do not grow with the table",
                not grown,
                counts
                + (
                    f"; grew: {grown}"
                    if grown
                    else " (fewer only where a page is empty)"
                ),
            )

    def report(self) -> list[str]:
        cfg, lines = self.cfg, []
        filing = self.results.get("filing")
        if filing:
            lines.append("Filing SDH-002 as ciudadano; latency per call in ms")
            lines.append(
                f"{'':<40}{'calls':>6}{'s':>7}{'calls/s':>9}{'p50':>8}{'p95':>8}"
                f"{'p99':>8}{'max':>8}  lock wait p95 / held p50"
            )
            for key, text in FILING_ROWS:
                r = filing.get(key)
                if not r:
                    continue
                lat = r["latency_ms"]
                lock = (
                    f"  {r['lock_wait_ms']['p95']:.1f} / {r['lock_held_ms']['p50']:.1f}"
                    if "lock_wait_ms" in r
                    else ""
                )
                name = text.format(
                    p=cfg.processes, w=cfg.workers, c=cfg.http_connections
                )
                lines.append(
                    f"{name:<40}{r['filings']:>6}{r['seconds']:>7.1f}{r['per_s']:>9.1f}"
                    f"{lat['p50']:>8.1f}{lat['p95']:>8.1f}{lat['p99']:>8.1f}"
                    f"{lat['max']:>8.1f}{lock}"
                )
            lines.append("")
        queue = self.results.get("queue", {})
        if not queue:
            return lines
        lines.append(
            f"Officer queue as funcionario_shd, in-process, "
            f"{cfg.queue_requests} requests over 12 URLs; ms"
        )
        lines.append(
            f"{'cases':>10} {'SDH':>7} {'open':>6} | {'p50':>7} {'p95':>7} "
            f"{'max':>7} {'q/req':>6}"
        )
        for key, entry in queue.items():
            dist, lat = entry["bulk"]["distribution"], entry["current"]["latency_ms"]
            lines.append(
                f"{int(key):>10,} {dist['sdh_cases']:>7,} {dist['sdh_open']:>6,} | "
                f"{lat['p50']:>7.1f} {lat['p95']:>7.1f} {lat['max']:>7.1f} "
                f"{queries_of(entry['current']):>6}"
            )
        for key, entry in queue.items():
            lines.append("")
            lines.append(
                f"Per URL at {int(key):,} cases: p50 ms (SQL ms of the captured "
                "request); EXPLAIN ANALYZE of the case queries"
            )
            for name, url in entry["current"]["urls"].items():
                lines.append(
                    f"  {name:<28} {url['rows']:>3} rows, page {url['page_of'][0]}/"
                    f"{url['page_of'][1]:<4} {url['latency_ms']['p50']:>6.1f} "
                    f"({url['captured_sql_ms']:>5.1f})"
                )
                for query in url["case_queries"]:
                    kind = "count" if "COUNT(*)" in query["sql"] else "page "
                    lines.append(f"      {kind} {plan_summary(query)}")
        key = list(queue)[-1]
        page_query = queue[key]["current"]["urls"]["default"]["case_queries"][-1]
        lines.append("")
        lines.append(
            f"EXPLAIN (ANALYZE, BUFFERS) of the main queue query (page 1) at "
            f"{int(key):,} cases:"
        )
        lines.extend("    " + line for line in page_query["plan"].splitlines())
        return lines


if __name__ == "__main__":
    sys.exit(FilingBench.main(__file__))
