#!/usr/bin/env python3
"""Filing benchmark: case_file throughput and p95, filing across the catalog, and
the officers' queue at scale.

    .venv/bin/python bench/filing/run.py [--filings 500] [--cases 100000,1000000]

Needs PostgreSQL, Redis and gunicorn in the venv; bench/README.md says what each step
(filing.py: sequential, concurrent, HTTP, verify, mix; bulk.py + officer_queue.py)
measures.
"""

import base64
import re
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import targets
from bench.common import (
    BenchError,
    Runner,
    brief,
    grown,
    gunicorn,
    log,
    log_problems,
    summarize_ms,
)

CITIZEN, DEMO_PASSWORD = "ciudadano", "Ventanilla-2026"  # cms/seed.py
LOGIN = "/cuenta/ingresar/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def queries_of(entry: dict) -> str:
    counts = sorted({u["queries"] for u in entry["urls"].values()})
    return "/".join(str(x) for x in counts)


class FilingBench(Runner):
    name, db_name = "filing", "ventanilla_bench_filing"
    broker_url = "redis://127.0.0.1:6379/13"

    @classmethod
    def add_arguments(cls, add) -> None:
        add("--filings", type=int, default=500, help="(a) sequential case_file calls")
        add("--processes", type=int, default=4, help="(b) concurrent processes")
        add("--per-process", type=int, default=200, help="(b) filings per process")
        add("--modes", default="eager,broker", help="task modes for (a), (b) and mix")
        add("--http-filings", type=int, default=200, help="(c) 0 to skip")
        add("--http-connections", type=int, default=4)
        add("--workers", type=int, default=2, help="gunicorn sync workers for (c)")
        add("--mix-filings", type=int, default=400, help="across the catalog; 0: skip")
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

    def databases(self) -> list[str]:
        name = self.cfg.db_name
        return [f"{name}_queue", f"{name}_mix", name]

    def measure(self) -> None:
        cfg, queue_db, mix_db = self.cfg, *self.databases()[:2]
        with self.load.phase("setup"):
            self.results["setup"] = self.setup_database()
            # Copies of the seeded database: their filings do not mix with these.
            self.recreate(queue_db, template=cfg.db_name)
            self.recreate(mix_db, template=cfg.db_name)
        filing = self.results["filing"] = {}
        processes = [f"--processes={cfg.processes}", f"--filings={cfg.per_process}"]
        phases = {"sequential": [f"--filings={cfg.filings}"], "concurrent": processes}
        for mode in cfg.modes:
            for phase, args in phases.items():
                filing[f"{phase}_{mode}"] = self.phase(
                    f"{phase}_{mode}",
                    "filing.filing",
                    [phase, *args],
                    broker=mode == "broker",
                )
        if cfg.http_filings:
            log(f"http_broker: {cfg.http_filings} filings through gunicorn")
            with self.load.phase("http_broker"):
                filing["http_broker"] = self.http_filings()
        expected = sum(
            2 * (r["filings"] + r["warmup_filings"])
            for key, r in filing.items()
            if key.endswith("_broker")
        )
        filing["broker_tasks"] = {"expected": expected, "queued": self.broker.queued()}
        filing["verify"] = self.run_module("filing.filing", ["verify"])
        self.results["mix"] = {
            mode: self.phase(
                f"mix_{mode}", "filing.filing", ["mix", f"--filings={cfg.mix_filings}"],
                database=mix_db, broker=mode == "broker",
            )
            for mode in (cfg.modes if cfg.mix_filings else [])
        }  # fmt: skip
        queue = self.results["queue"] = {}
        for total in cfg.cases:
            args, db = [f"--total={total}"], {"database": queue_db}
            bulk = self.phase(f"bulk_{total}", "filing.bulk", args, timeout=1200, **db)
            args = [f"--requests={cfg.queue_requests}"]
            current = self.phase(f"queue_{total}", "filing.officer_queue", args, **db)
            queue[str(total)] = {"bulk": bulk, "current": current}

    def http_filings(self) -> dict:
        """Post the filing form through gunicorn with a logged-in citizen's session."""
        import requests

        cfg, log_path = self.cfg, self.scratch / "gunicorn.log"
        spec = self.run_module("filing.filing", ["form"])
        files = {
            name: (filename, base64.b64decode(body), content_type)
            for name, (filename, content_type, body) in spec["files"].items()
        }
        env = self.env(broker=True)
        with gunicorn(cfg.workers, env, log_path, LOGIN) as port:
            base, session = f"http://127.0.0.1:{port}", requests.Session()
            page = session.get(base + LOGIN, timeout=30)
            credentials = {"username": CITIZEN, "password": DEMO_PASSWORD}
            credentials["csrfmiddlewaretoken"] = TOKEN.search(page.text).group(1)
            login = session.post(
                base + LOGIN, data=credentials, allow_redirects=False, timeout=30
            )
            if login.status_code != 302:
                raise BenchError(f"login as {CITIZEN} answered {login.status_code}")
            form_url = f"{base}{spec['url']}radicar/"
            found = TOKEN.search(form := session.get(form_url, timeout=30).text)
            if not found:
                raise BenchError(f"GET {form_url} showed no form: {form[:200]}")

            def post(client) -> tuple[float, str]:
                """One filing; its time and, if it failed, what it answered."""
                data = {**spec["data"], "csrfmiddlewaretoken": found.group(1)}
                data.update(submission_token=str(uuid.uuid4()), accept_privacy="on")
                started = time.perf_counter()
                response = client.post(
                    form_url, data=data, files=files, allow_redirects=False, timeout=60
                )
                elapsed = (time.perf_counter() - started) * 1000
                where = response.headers.get("Location", "")
                ok = response.status_code == 302 and where.startswith(
                    "/mis-tramites/SDH-"
                )
                return elapsed, "" if ok else f"{response.status_code} {where}"

            def client_thread(count: int) -> list[tuple[float, str]]:
                client = requests.Session()
                client.cookies.update(session.cookies)
                return [post(client) for _ in range(count)]

            warmup = 2 * cfg.workers  # Each worker's first requests load code.
            for _ in range(warmup):
                if failure := post(session)[1]:
                    raise BenchError(f"filing over HTTP: {failure}; see {log_path}")
            n, extra = divmod(cfg.http_filings, cfg.http_connections)
            counts = [n + (i < extra) for i in range(cfg.http_connections)]
            started = time.perf_counter()
            with ThreadPoolExecutor(cfg.http_connections) as pool:
                posts = [p for run in pool.map(client_thread, counts) for p in run]
            total = time.perf_counter() - started
            failures = [what for _ms, what in posts if what]
        return {
            "eager_tasks": False,
            "workers": cfg.workers,
            "connections": cfg.http_connections,
            "filings": len(posts),
            "warmup_filings": warmup,
            "failures": failures[:10],
            "failed": len(failures),
            "seconds": round(total, 2),
            "per_s": round(len(posts) / total, 1),
            "latency_ms": summarize_ms([ms for ms, _what in posts]),
            "server_log_problems": log_problems(log_path),
        }

    def evaluate(self) -> None:
        verdict, filing = self.verdict, self.results["filing"]
        check = filing["verify"]
        verdict(
            "radicados unique and gapless 1..N per entity/year, = counter; every "
            "filing has its uploads, case.filed event and outbox row",
            check["ok"],
            check["detail"],
        )
        eager = sum(
            v["filings"] + v["warmup_filings"]
            for v in filing.values()
            if v.get("eager_tasks") is True
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
        if http := filing.get("http_broker"):
            problems = "; gunicorn logged errors" if http["server_log_problems"] else ""
            verdict(
                "every HTTP filing answered 302 to its case",
                http["failed"] == 0 and not problems,
                f"{http['failed']} failed of {http['filings']}{problems}",
            )
        for mode, mix in self.results["mix"].items():
            for what, (ok, detail) in mix["checks"].items():
                verdict(f"mix [{mode}]: {what}", ok, detail)
            latency = mix["filing"]["latency_ms"]
            if mode == "broker":
                self.verdict_p95("filing.mix_p95_ms", latency, " [mix]")
            else:
                what = "mix [eager]: PDF and e-mail inside the call, no target"
                verdict(what, None, f"p95 {latency['p95']:.1f} ms")
        queue = self.results["queue"]
        name = f" at {targets.label('filing.queue_cases')}"
        big = queue.get(str(targets.limit("filing.queue_cases")), {}).get("current")
        self.verdict_p95("filing.queue_p95_ms", big and big["latency_ms"], name)
        if len(queue) >= 2:
            # Per URL listing cases at every size (an empty page skips its query).
            listing = [
                url
                for url in next(iter(queue.values()))["current"]["urls"]
                if all(v["current"]["urls"][url]["rows"] for v in queue.values())
            ]
            more = grown(
                {
                    size: {url: v["current"]["urls"][url]["queries"] for url in listing}
                    for size, v in queue.items()
                }
            )
            sizes = ", ".join(
                f"{int(k):,}: {queries_of(v['current'])}" for k, v in queue.items()
            )
            tail = f"; grew: {more}" if more else " (fewer only where a page is empty)"
            verdict(
                "queue SQL queries per request do not grow with the table",
                not more,
                sizes + tail,
            )

    def shown(self) -> dict:
        """The figures (plans, radicados and samples only in the results file)."""
        keys = ("filings", "seconds", "per_s", "latency_ms", "lock_wait_ms")
        filing = {
            key: {k: r[k] for k in (*keys, "lock_held_ms") if k in r}
            for key, r in self.results["filing"].items()
            if "latency_ms" in r
        }
        queue = {
            size: {
                "distribution": entry["bulk"]["distribution"],
                "latency_ms": entry["current"]["latency_ms"],
                "queries_per_request": queries_of(entry["current"]),
                "per_url": {
                    name: f"p50 {url['latency_ms']['p50']:.1f} ms (SQL {url['captured_sql_ms']}"
                    f" ms), {url['rows']} rows, case queries (EXPLAIN ms) "
                    + "/".join(str(q["execution_ms"]) for q in url["case_queries"])
                    for name, url in entry["current"]["urls"].items()
                },
            }
            for size, entry in self.results["queue"].items()
        }  # fmt: skip
        mix = brief(self.results["mix"], {"samples"})
        return {"filing": filing, "mix": mix, "queue": queue}


if __name__ == "__main__":
    sys.exit(FilingBench.main(__file__))
