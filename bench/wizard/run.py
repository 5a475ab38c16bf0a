"""Wizard benchmark ("Formaliza tu empresa"): step POST and submit latency and SQL,
walk.py in-process on a fresh seeded database, tasks only enqueued.

    .venv/bin/python bench/wizard/run.py [--runs 32] [--other-runs 3] [--keep]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import targets
from bench.common import Runner, log, summarize_ms

COUNTED = ("queries", "catalog_queries", "enqueued", "filed", "evaluate_calls")
OUTCOME = ("procedures", "filed_codes", "awaiting_payment", "waiting", "total_due")


def span(values) -> str:
    values = sorted(values) or ["-"]
    return str(values[0]) if values[0] == values[-1] else f"{values[0]}-{values[-1]}"


def figures(raw: dict) -> dict:
    """Latency, time in _evaluate and range of each count per kind, persona, step."""

    def group(*keys) -> dict:
        rows: dict[str, list] = {}
        for s in raw["samples"]:
            rows.setdefault(" ".join(s[k] for k in keys), []).append(s)
        return {
            name: {
                "ms": summarize_ms([s["ms"] for s in picked]),
                "evaluate_ms": summarize_ms([s["evaluate_ms"] for s in picked]),
                **{k: span(s.get(k, 0) for s in picked) for k in COUNTED},
                "filed_codes": picked[0].get("filed_codes"),
            }
            for name, picked in rows.items()
        }

    submits = [s for s in raw["samples"] if s["kind"] == "submit"]
    return {
        "by_kind": group("kind"),
        "by_kind_persona": group("kind", "persona"),
        "by_kind_step": group("kind", "step"),
        "submit_outcome": {s["persona"]: {k: s[k] for k in OUTCOME} for s in submits},
        "cascades": raw["cascades"],
    }


class WizardBench(Runner):
    name, db_name = "wizard", "ventanilla_bench_wizard"
    broker_url = "redis://127.0.0.1:6379/13"

    @classmethod
    def add_arguments(cls, add) -> None:
        add("--runs", type=int, default=32, help="timed restaurante runs (submits)")
        add("--other-runs", type=int, default=3, help="runs of each other persona")
        add("--cascade-runs", type=int, default=3, help="runs approved to the end")
        add("--reuse", action="store_true", help="kept database: migrate, no seed")

    @classmethod
    def check_arguments(cls, cfg, parser) -> None:
        if cfg.runs < 1:
            parser.error("--runs must be at least 1")

    def measure(self) -> None:
        cfg = self.cfg
        with self.timing("setup"):
            exists = f"SELECT 1 FROM pg_database WHERE datname = '{cfg.db_name}'"
            if cfg.reuse and self.psql(exists) == "1":  # Kept: migrate only, no seed.
                migrated = self.manage("migrate", "--noinput", "-v0")
                setup = {"reused": True, "migrate_s": migrated}
            else:
                setup = {"reused": False, **self.setup_database()}
            self.results["setup"] = setup
        log(f"walk: {cfg.runs} restaurante runs, {cfg.other_runs} of each other")
        keys = ("runs", "other_runs", "cascade_runs")
        params = {key: getattr(cfg, key) for key in keys}
        raw = self.phase("walk", "wizard.walk", params, broker=True)
        self.results["walk"], self.results["figures"] = raw, figures(raw)

    def evaluate(self) -> None:
        raw, fig = self.results["walk"], self.results["figures"]
        step = fig["by_kind"]["step"]
        submit = fig["by_kind_persona"]["submit restaurante"]
        what = f" (over {step['ms']['n']} valid step POSTs, documents and submit apart)"
        self.verdict_p95("wizard.step_p95_ms", step["ms"], what)
        what = f" (over {submit['ms']['n']} restaurante submits)"
        self.verdict_p95("wizard.submit_p95_ms", submit["ms"], what)
        check = raw["async_check"]
        self.verdict(
            "nothing rendered or sent in the requests: every task left in the broker",
            check["acknowledgement_pdfs"] == check["receipts"] == 0
            and check["emails_sent"] == 0 < check["queued_messages"],
            f"{check}",
        )
        queries = max(s["queries"] for s in raw["samples"] if s["kind"] == "step")
        self.verdict(
            targets.label("wizard.step_queries"),
            queries <= targets.limit("wizard.step_queries")
            and step["catalog_queries"] == "0",
            f"{step['queries']} queries per step POST, catalog {step['catalog_queries']}",
        )
        cat = {
            name.removeprefix("submit "): v["catalog_queries"]
            for name, v in fig["by_kind_persona"].items()
            if name.startswith("submit ")
        }
        self.verdict(
            "submit reads the catalog in a fixed number of queries, whatever its size",
            len(set(cat.values())) == 1 and "-" not in next(iter(cat.values())),
            f"catalog queries per submit {cat} with {raw['catalog_live_procedures']} "
            "live procedures",
        )

    def shown(self) -> dict:
        return self.results["figures"]


if __name__ == "__main__":
    sys.exit(WizardBench.main())
