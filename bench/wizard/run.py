#!/usr/bin/env python3
"""Wizard benchmark ("Formaliza tu empresa", issue #5): step POST p95 and submit p95.

    .venv/bin/python bench/wizard/run.py [--runs 32] [--other-runs 3] [--keep]

A fresh seeded database, then walk.py in-process with tasks only enqueued;
bench/README.md says what each step measures.
"""

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import targets
from bench.common import Runner, log, summarize_ms


def span(values) -> str:
    values = sorted(set(values))
    if not values:
        return "-"
    return str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}"


def figures(raw: dict) -> dict:
    samples = raw["samples"]

    def rows(kinds, persona=None, step=None):
        return [
            s
            for s in samples
            if s["kind"] in kinds.split()
            and persona in (None, s["persona"])
            and step in (None, s["step"])
        ]

    def stats(picked, *keys, times=("ms",)):
        out = {k: summarize_ms([s[k] for s in picked]) for k in times}
        out.update({k: span(s.get(k, 0) for s in picked) for k in ("queries", *keys)})
        return out

    def after_submit(kind, step=None):
        picked = rows(kind, "restaurante", step)
        if not picked:
            return None
        block = stats(picked, "filed", "enqueued")
        return {**block, "filed_codes": picked[0].get("filed_codes")}

    def per_persona(persona):
        picked = rows("submit", persona)
        first = picked[0]
        firsts = ("procedures", "awaiting_payment", "waiting", "total_due")
        return {
            **stats(picked, "catalog_queries", "enqueued"),
            **{k: first[k] for k in firsts},
            "filed_at_submit": first["filed_codes"],
        }

    def per_step(name):
        post = stats(rows("step documents submit", step=name))
        get = stats(rows("get", step=name))
        pairs = (("post", post), ("get", get))
        return {f"{w}_{k}": v for w, block in pairs for k, v in block.items()}

    steps, submits = rows("step"), rows("submit", "restaurante")
    timed = ("ms", "evaluate_ms")  # And how long the view spent in _evaluate.
    restaurante_steps = [s["step"] for s in rows("step", "restaurante")]
    personas = dict.fromkeys(s["persona"] for s in steps)
    return {
        "step_post": {
            **stats(steps, "catalog_queries", "evaluate_calls", times=timed),
            "by_persona": {
                p: {k: stats(rows("step", p))["ms"][k] for k in ("n", "p95")}
                for p in personas
            },
        },
        "documents_post": stats(rows("documents")),
        "step_get": stats(rows("get")),
        "start_post": {"ms": stats(rows("start"))["ms"]},
        "per_step": {
            name: per_step(name)
            for name in dict.fromkeys([*restaurante_steps, "documentos"])
        },
        "submit": stats(submits, "procedures", "evaluate_calls", times=timed),
        "submit_by_persona": {
            p: per_persona(p)
            for p in dict.fromkeys(s["persona"] for s in rows("submit"))
        },
        "payment": after_submit("payment"),
        "approve_f04": after_submit("approve", "aprobar F04"),
        "advance_f04": after_submit("advance", "tras aprobar F04"),
        "cascades": raw["cascades"],
        **{
            key: {
                f"{s['persona']} {s['kind']}:{s['step']}": read(s[key])
                for s in samples
                if s.get(key)
            }
            for key, read in (("repeated_sql", list), ("task_names", Counter))
        },
    }


class WizardBench(Runner):
    name, db_name = "wizard", "ventanilla_bench_wizard"
    broker_url = "redis://127.0.0.1:6379/13"

    @classmethod
    def add_arguments(cls, add) -> None:
        add("--runs", type=int, default=32, help="timed restaurante runs (submits)")
        add("--other-runs", type=int, default=3, help="runs of each other persona")
        add("--cascade-runs", type=int, default=3, help="runs approved to the end")
        add("--profile-top", type=int, default=18, help="profile lines; 0: no profile")
        add("--reuse", action="store_true", help="kept database: migrate, no seed")

    @classmethod
    def check_arguments(cls, cfg, parser) -> None:
        if cfg.runs < 1:
            parser.error("--runs must be at least 1")
        cfg.cascade_runs = min(cfg.cascade_runs, cfg.runs)

    def measure(self) -> None:
        cfg = self.cfg
        with self.load.phase("setup"):
            setup = {"reused": cfg.reuse and self.database_exists(cfg.db_name)}
            if setup["reused"]:  # A kept database: migrate only, no seed.
                setup["migrate_s"] = self.manage("migrate", "--noinput", "-v0")
            else:
                setup.update(self.setup_database())
            self.results["setup"] = setup
        log(f"walk: {cfg.runs} restaurante runs, {cfg.other_runs} of each other")
        options = ("runs", "other_runs", "cascade_runs", "profile_top")
        args = [f"--{o.replace('_', '-')}={getattr(cfg, o)}" for o in options]
        with self.load.phase("walk"):
            raw = self.run_module("wizard.walk", args, broker=True)
        self.results["walk"], self.results["figures"] = raw, figures(raw)

    def evaluate(self) -> None:
        raw, fig, verdict = self.results["walk"], self.results["figures"], self.verdict
        for key, block, what in (
            ("step_p95_ms", "step_post", "valid step POSTs (documents, submit apart)"),
            ("submit_p95_ms", "submit", "restaurante submits"),
        ):
            ms = fig[block]["ms"]
            verdict(
                targets.label(f"wizard.{key}"),
                ms["p95"] < targets.limit(f"wizard.{key}"),
                f"p95 {ms['p95']:.1f} ms over {ms['n']} {what}",
            )
        check = raw["async_check"]
        verdict(
            "nothing rendered or sent in the requests: every task left in the broker",
            not raw["eager_tasks"]
            and check["acknowledgement_pdfs"] == check["receipts"] == 0
            and check["emails_sent"] == 0 < check["queued_messages"],
            f"eager={raw['eager_tasks']}, {check}",
        )
        queries = max(s["queries"] for s in raw["samples"] if s["kind"] == "step")
        verdict(
            targets.label("wizard.step_queries"),
            queries <= targets.limit("wizard.step_queries")
            and fig["step_post"]["catalog_queries"] == "0",
            f"{fig['step_post']['queries']} queries per step POST, catalog "
            f"{fig['step_post']['catalog_queries']}",
        )
        cat = {p: v["catalog_queries"] for p, v in fig["submit_by_persona"].items()}
        verdict(
            "submit reads the catalog in a fixed number of queries, whatever its size",
            len(set(cat.values())) == 1 and "-" not in next(iter(cat.values())),
            f"catalog queries per submit {cat} with {raw['catalog_live_procedures']} "
            "live procedures",
        )

    def report(self) -> list[str]:
        shown = {
            k: v
            for k, v in self.results["figures"].items()
            if k not in ("repeated_sql", "task_names")  # In the results file.
        }
        return [json.dumps(shown, indent=1, ensure_ascii=False)]


if __name__ == "__main__":
    sys.exit(WizardBench.main(__file__))
