"""Filing benchmark: case_file throughput and p95, filing across the catalog, and
the officers' queue at scale (bench/README.md says what each phase measures).

    .venv/bin/python bench/filing/run.py [--filings 500] [--cases 100000,1000000]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import targets
from bench.common import Runner, brief, grown, gunicorn, log, log_problems


def queries_of(urls: dict) -> str:
    counts = sorted({u["queries"] for u in urls.values()})
    return "/".join(str(x) for x in counts)


def filed(runs: dict, *, eager: bool) -> int:
    """Filings (warm-ups too) of the runs with tasks run eagerly / only enqueued."""
    return sum(
        r["filings"] + r["warmup_filings"]
        for r in runs.values()
        if r.get("eager_tasks") is eager
    )


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
                name, params = f"{phase}_{mode}", {"phase": phase, **params}
                filing[name] = self.phase(
                    name, "filing.filing", params, broker=mode == "broker"
                )
        if cfg.http_filings:
            log(f"http_broker: {cfg.http_filings} filings through gunicorn")
            with self.timing("http_broker"):
                filing["http_broker"] = self.http_filings()
        expected = 2 * filed(filing, eager=False)
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
        db = {"database": queue_db}
        for total in cfg.cases:
            params = {"total": total}
            bulk = self.phase(
                f"bulk_{total}", "filing.bulk", params, timeout=1200, **db
            )
            params = {"phase": "queue", "requests": cfg.queue_requests}
            current = self.phase(f"queue_{total}", "filing.filing", params, **db)
            queue[str(total)] = {"bulk": bulk, "current": current}

    def http_filings(self) -> dict:
        """Post the filing form through gunicorn in a logged-in citizen's session."""
        cfg, log_path = self.cfg, self.scratch / "gunicorn.log"
        with gunicorn(cfg.workers, self.env(broker=True), log_path, "/") as port:
            params = {"phase": "http", "port": port, "filings": cfg.http_filings}
            params.update(connections=cfg.http_connections, warmup=2 * cfg.workers)
            result = self.run_module("filing.filing", params)
        return {
            **result,
            "workers": cfg.workers,
            "log_problems": log_problems(log_path),
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
        eager = filed(filing, eager=True)
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
            problems = "; gunicorn logged errors" if http["log_problems"] else ""
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
