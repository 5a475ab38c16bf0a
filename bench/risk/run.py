"""Risk scan benchmark (issue 14): a full recompute of 1,000,000 events over 100,000
cases, incremental passes of 1,000 new events, and the risk queue with 10,000 flags;
each scan with the registered detectors and with stand-ins of the same scopes.

    .venv/bin/python bench/risk/run.py [--cases 100000] [--repetitions 20] [--keep]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import targets
from bench.common import Runner

SETS = ("registered", "standins")


class RiskBench(Runner):
    name, db_name = "risk", "ventanilla_bench_risk"

    @classmethod
    def add_arguments(cls, add) -> None:
        add("--cases", type=int, default=100_000, help="synthetic cases")
        add("--per-case", type=int, default=10, help="events per case")
        add("--repetitions", type=int, default=20, help="incremental passes")
        add("--standin-repetitions", type=int, default=20, help="with the stand-ins")
        add("--events", type=int, default=1000, help="new events per pass")
        add("--flags", type=int, default=10_000, help="flags behind the queue page")
        add("--sets", default=",".join(SETS), help="detector sets to measure")

    def measure(self) -> None:
        cfg, results = self.cfg, self.results
        with self.timing("setup"):
            results["setup"] = self.setup_database()
        trail = {"cases": cfg.cases, "per_case": cfg.per_case}
        results["trail"] = self.phase("trail", "risk.trail", trail, timeout=1800)
        self.analyze()
        for detectors_set in cfg.sets.split(","):
            results[f"full_{detectors_set}"] = self.phase(
                f"full_{detectors_set}",
                "risk.scanning",
                {"phase": "full", "detectors_set": detectors_set},
            )
            results[f"incremental_{detectors_set}"] = self.phase(
                f"incremental_{detectors_set}",
                "risk.scanning",
                {
                    "phase": "incremental",
                    "detectors_set": detectors_set,
                    "repetitions": cfg.standin_repetitions
                    if detectors_set == "standins"
                    else cfg.repetitions,
                    "events": cfg.events,
                },
            )
        results["queue"] = self.phase(
            "queue", "risk.scanning", {"phase": "queue", "flags": cfg.flags}
        )

    def evaluate(self) -> None:
        for detectors_set in self.cfg.sets.split(","):
            what = f" [{detectors_set}]"
            full = self.results[f"full_{detectors_set}"]
            ok = full["seconds"] < targets.limit("risk.full_scan_s")
            self.verdict(
                targets.label("risk.full_scan_s") + what,
                ok,
                f"{full['seconds']:.1f} s for {full['events']:,} events",
            )
            incremental = self.results[f"incremental_{detectors_set}"]
            self.verdict_p95("risk.incremental_p95_ms", incremental["latency_ms"], what)
        queue = self.results["queue"]
        if "skipped" in queue:
            self.verdict(targets.label("risk.queue_p95_ms"), None, queue["skipped"])
        else:
            self.verdict_p95("risk.queue_p95_ms", queue["latency_ms"])

    def shown(self) -> dict:
        return {k: v for k, v in self.results.items() if k not in ("targets", "load")}


if __name__ == "__main__":
    sys.exit(RiskBench.main())
