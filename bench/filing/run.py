"""Filing benchmark: case_file throughput and p95, filing across the catalog, and
the officers' queue at scale (bench/README.md says what each phase measures).

    .venv/bin/python bench/filing/run.py [--filings 500] [--cases 100000,1000000]
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

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def queries_of(urls: dict) -> str:
    counts = sorted({u["queries"] for u in urls.values()})
    return "/".join(str(x) for x in counts)


class FilingBench(Runner):
    name, db_name = "filing", "ventanilla_bench_filing"
    broker_url, gunicorn = "redis://127.0.0.1:6379/13", True

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
        cfg.modes, cfg.cases = cfg.modes.split(","), cfg.cases.split(",")
        if not set(cfg.modes) <= {"eager", "broker"}:
            parser.error("--modes: eager and/or broker")
        cfg.cases = [int(c) for c in cfg.cases if c]

    def databases(self) -> list[str]:
        name = self.cfg.db_name
        return [f"{name}_queue", f"{name}_mix", name]

    def measure(self) -> None:
        cfg, queue_db, mix_db = self.cfg, *self.databases()[:2]
        with self.timing("setup"):
            self.results["setup"] = self.setup_database()
            # Copies of the seeded database: their filings do not mix with these.
            self.recreate(queue_db, template=cfg.db_name)
            self.recreate(mix_db, template=cfg.db_name)
        filing = self.results["filing"] = {}
        phases = {
            "sequential": {"filings": cfg.filings},
            "concurrent": {"processes": cfg.processes, "filings": cfg.per_process},
        }
        for mode in cfg.modes:
            for phase, params in phases.items():
                filing[f"{phase}_{mode}"] = self.phase(
                    f"{phase}_{mode}",
                    "filing.filing",
                    {"phase": phase, **params},
                    broker=mode == "broker",
                )
        if cfg.http_filings:
            log(f"http_broker: {cfg.http_filings} filings through gunicorn")
            with self.timing("http_broker"):
                filing["http_broker"] = self.http_filings()
        expected = sum(
            2 * (r["filings"] + r["warmup_filings"])
            for key, r in filing.items()
            if key.endswith("_broker")
        )
        filing["broker_tasks"] = {"expected": expected, "queued": self.broker.queued()}
        filing["verify"] = self.run_module("filing.filing", {"phase": "verify"})
        self.results["mix"] = {
            mode: self.phase(
                f"mix_{mode}", "filing.filing", {"phase": "mix", "filings": cfg.mix_filings},
                database=mix_db, broker=mode == "broker",
            )
            for mode in (cfg.modes if cfg.mix_filings else [])
        }  # fmt: skip
        queue = self.results["queue"] = {}
        for total in cfg.cases:
            db = {"database": queue_db}
            params = {"total": total}
            bulk = self.phase(
                f"bulk_{total}", "filing.bulk", params, timeout=1200, **db
            )
            params = {"phase": "queue", "requests": cfg.queue_requests}
            current = self.phase(f"queue_{total}", "filing.filing", params, **db)
            queue[str(total)] = {"bulk": bulk, "current": current}

    def http_filings(self) -> dict:
        """Post the filing form through gunicorn in a logged-in citizen's session."""
        import requests

        cfg, log_path = self.cfg, self.scratch / "gunicorn.log"
        spec = self.run_module("filing.filing", {"phase": "form"})
        files = {
            name: (filename, base64.b64decode(body), content_type)
            for name, (filename, content_type, body) in spec["files"].items()
        }
        with gunicorn(cfg.workers, self.env(broker=True), log_path, "/") as port:
            form_url = f"http://127.0.0.1:{port}{spec['url']}radicar/"
            form = requests.get(form_url, cookies=spec["cookies"], timeout=30)
            if not (found := TOKEN.search(form.text)):
                raise BenchError(f"GET {form_url} showed no form: {form.text[:200]}")
            cookies = {**spec["cookies"], **form.cookies}  # With the CSRF cookie.
            options = {"files": files, "cookies": cookies, "timeout": 60}
            options["allow_redirects"] = False  # The 302 to the case is the answer.

            def post(_number=0) -> tuple[float, str]:
                """One filing; its time and, if it failed, what it answered."""
                data = {**spec["data"], "csrfmiddlewaretoken": found.group(1)}
                data["submission_token"] = str(uuid.uuid4())
                started = time.perf_counter()
                response = requests.post(form_url, data, **options)
                elapsed = (time.perf_counter() - started) * 1000
                where = response.headers.get("Location", "")
                ok = response.status_code == 302 and "/mis-tramites/SDH-" in where
                return elapsed, "" if ok else f"{response.status_code} {where}"

            warmup = 2 * cfg.workers  # Each worker's first requests load code.
            for _ in range(warmup):
                if failure := post()[1]:
                    raise BenchError(f"filing over HTTP: {failure}; see {log_path}")
            started = time.perf_counter()
            with ThreadPoolExecutor(cfg.http_connections) as pool:
                posts = list(pool.map(post, range(cfg.http_filings)))
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
        check, tasks = filing["verify"], filing["broker_tasks"]
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
            urls = {size: v["current"]["urls"] for size, v in queue.items()}
            first = next(iter(urls.values()))
            listed = [u for u in first if all(v[u]["rows"] for v in urls.values())]
            more = grown(
                {k: {u: v[u]["queries"] for u in listed} for k, v in urls.items()}
            )
            sizes = ", ".join(f"{int(k):,}: {queries_of(v)}" for k, v in urls.items())
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
                "queries_per_request": queries_of(entry["current"]["urls"]),
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
    sys.exit(FilingBench.main())
