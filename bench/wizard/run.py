#!/usr/bin/env python3
"""Wizard benchmark ("Formaliza tu empresa", issue #5): step POST p95 and submit p95.

Usage (from anywhere; needs PostgreSQL and Redis)::

    .venv/bin/python bench/wizard/run.py [--runs 32] [--other-runs 3] [--keep]

A fresh seeded database, then walk.py in-process: ``--runs`` walks of the
"restaurante" persona (23 of the 25 procedures) and ``--other-runs`` of each other
persona, every request timed with its SQL, tasks only enqueued to a broker no worker
reads; after each restaurante submit the payment notice, the officer's approval of
F04 and the advance it enqueues. bench/README.md says what each step measures.
"""

import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import targets
from bench.common import Runner, log, summarize_ms

CATALOG_PROCEDURES = 25  # F01-F25.


# --- figures ------------------------------------------------------------------------


def ms(rows) -> dict:
    return summarize_ms([r["ms"] for r in rows])


def span(values) -> str:
    values = sorted(set(values))
    if not values:
        return "-"
    return str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}"


def figures(raw: dict) -> dict:
    samples = raw["samples"]

    def rows(kind, persona=None, step=None):
        return [
            s
            for s in samples
            if s["kind"] == kind
            and (persona is None or s["persona"] == persona)
            and (step is None or s["step"] == step)
        ]

    steps = rows("step")
    step_order = list(dict.fromkeys(s["step"] for s in rows("step", "restaurante")))
    per_step = {}
    for name in step_order + ["documentos"]:
        picked = [s for s in samples if s["step"] == name and s["kind"] != "get"]
        gets = [s for s in samples if s["step"] == name and s["kind"] == "get"]
        per_step[name] = {
            "post_ms": ms(picked),
            "post_queries": span(s["queries"] for s in picked),
            "get_ms": ms(gets),
            "get_queries": span(s["queries"] for s in gets),
        }
    submits = rows("submit", "restaurante")
    by_persona = {}
    for persona in dict.fromkeys(s["persona"] for s in rows("submit")):
        picked = rows("submit", persona)
        first = picked[0]
        by_persona[persona] = {
            "procedures": first["procedures"],
            "ms": ms(picked),
            "queries": span(s["queries"] for s in picked),
            "catalog_queries": span(s["catalog_queries"] for s in picked),
            "filed_at_submit": first["filed_codes"],
            "awaiting_payment": first["awaiting_payment"],
            "waiting": first["waiting"],
            "enqueued": span(s["enqueued"] for s in picked),
            "total_due": first["total_due"],
        }

    def block(kind, step=None):
        picked = rows(kind, "restaurante", step)
        if not picked:
            return None
        return {
            "ms": ms(picked),
            "queries": span(s["queries"] for s in picked),
            "filed": span(s.get("filed", 0) for s in picked),
            "filed_codes": picked[0].get("filed_codes"),
            "enqueued": span(s["enqueued"] for s in picked),
        }

    return {
        "step_post": {
            "ms": ms(steps),
            "evaluate_calls": span(s["evaluate_calls"] for s in steps),
            "evaluate_ms": summarize_ms([s["evaluate_ms"] for s in steps]),
            "queries": span(s["queries"] for s in steps),
            "catalog_queries": span(s["catalog_queries"] for s in steps),
            "by_persona": {
                p: {"n": len(rows("step", p)), "p95": ms(rows("step", p)).get("p95")}
                for p in dict.fromkeys(s["persona"] for s in steps)
            },
        },
        "documents_post": {
            "ms": ms(rows("documents")),
            "queries": span(s["queries"] for s in rows("documents")),
        },
        "step_get": {
            "ms": ms(rows("get")),
            "queries": span(s["queries"] for s in rows("get")),
        },
        "start_post": {"ms": ms(rows("start"))},
        "per_step": per_step,
        "submit": {
            "ms": ms(submits),
            "evaluate_calls": span(s["evaluate_calls"] for s in submits),
            "evaluate_ms": summarize_ms([s["evaluate_ms"] for s in submits]),
            "queries": span(s["queries"] for s in submits),
            "procedures": span(s["procedures"] for s in submits),
        },
        "submit_by_persona": by_persona,
        "payment": block("payment"),
        "approve_f04": block("approve", "aprobar F04"),
        "advance_f04": block("advance", "tras aprobar F04"),
        "cascades": raw["cascades"],
        "repeated_sql": {
            f"{s['persona']} {s['kind']}:{s['step']}": s["repeated_sql"]
            for s in samples
            if s.get("repeated_sql")
        },
        "task_names": {
            f"{s['persona']} {s['kind']}:{s['step']}": dict(
                collections.Counter(s["task_names"])
            )
            for s in samples
            if s.get("task_names")
        },
    }


def evaluate(raw: dict, fig: dict, verdict) -> None:
    step = fig["step_post"]["ms"]
    verdict(
        targets.label("wizard.step_p95_ms"),
        step["p95"] < targets.limit("wizard.step_p95_ms"),
        f"p95 {step['p95']:.1f} ms over {step['n']} valid step POSTs (documents "
        f"upload and submit excluded)",
    )
    sub = fig["submit"]["ms"]
    rest = fig["submit_by_persona"]["restaurante"]
    verdict(
        targets.label("wizard.submit_p95_ms"),
        sub["p95"] < targets.limit("wizard.submit_p95_ms"),
        f"p95 {sub['p95']:.1f} ms over {sub['n']} submits of {rest['procedures']} of "
        f"{CATALOG_PROCEDURES} procedures ({len(rest['filed_at_submit'])} filed at "
        "submit)",
    )
    check = raw["async_check"]
    verdict(
        "nothing rendered or sent in the requests: every task left in the broker",
        not raw["eager_tasks"]
        and check["acknowledgement_pdfs"] == 0
        and check["receipts"] == 0
        and check["emails_sent"] == 0
        and check["queued_messages"] > 0,
        f"eager={raw['eager_tasks']}, {check['acknowledgement_pdfs']} acknowledgement "
        f"PDFs, {check['receipts']} receipts, {check['emails_sent']} e-mails; "
        f"{check['queued_messages']} messages queued",
    )
    per_step = fig["per_step"]
    step_queries = {s["queries"] for s in raw["samples"] if s["kind"] == "step"}
    by_step = ", ".join(f"{k} {v['post_queries']}" for k, v in per_step.items())
    verdict(
        targets.label("wizard.step_queries"),
        max(step_queries) <= targets.limit("wizard.step_queries")
        and fig["step_post"]["catalog_queries"] == "0",
        f"{span(step_queries)} queries per step POST over every step and persona "
        f"(by step: {by_step}); "
        f"0 catalog queries",
    )
    cat = {p: v["catalog_queries"] for p, v in fig["submit_by_persona"].items()}
    verdict(
        "submit reads the catalog in a fixed number of queries, whatever its size",
        len(set(cat.values())) == 1 and "-" not in next(iter(cat.values())),
        f"catalog queries per submit {cat} with {raw['catalog_live_procedures']} live "
        "procedures (the pages by code__in, the items with their procedure); the "
        "other queries grow with the application (one INSERT and, when it waits, "
        "one UPDATE per item) and with the cases filed (~25 each), not with the "
        "catalog",
    )


# --- report -----------------------------------------------------------------------------


def _lat(lat: dict) -> str:
    if not lat.get("n"):
        return f"{0:>5}" + " " * 32
    return (
        f"{lat['n']:>5}{lat['p50']:>8.1f}{lat['p95']:>8.1f}"
        f"{lat['p99']:>8.1f}{lat['max']:>8.1f}"
    )


def report(results: dict, cfg) -> list[str]:
    fig, raw = results["figures"], results["walk"]
    head = f"{'':<44}{'n':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  queries"
    lines = ["Wizard through Django's test Client (real session), in-process; ms"]
    lines.append(head)
    rows = (
        ("step POST, every valid step (the figure)", fig["step_post"]),
        ("documents POST (2-3 PDFs of 20 kB)", fig["documents_post"]),
        ("step GET after each redirect (info)", fig["step_get"]),
    )
    for label, r in rows:
        lines.append(f"{label:<44}{_lat(r['ms'])}  {r['queries']}")
    ev, sev = fig["step_post"]["evaluate_ms"], fig["submit"]["evaluate_ms"]
    lines.append(
        f"  of which the view re-validating every stored step (_evaluate): "
        f"{fig['step_post']['evaluate_calls']} calls per step POST, p50 "
        f"{ev['p50']:.1f} ms, p95 {ev['p95']:.1f} ms; per submit "
        f"{fig['submit']['evaluate_calls']} calls, p50 {sev['p50']:.1f} ms"
    )
    lines.append("")
    lines.append("Per step (every persona): POST ms / queries | GET ms / queries")
    for name, r in fig["per_step"].items():
        p, g = r["post_ms"], r["get_ms"]
        lines.append(
            f"  {name:<16} n {p['n']:>3}  p50 {p['p50']:>6.1f}  p95 {p['p95']:>6.1f}"
            f"  q {r['post_queries']:>5} | p50 {g['p50']:>6.1f}  p95 {g['p95']:>6.1f}"
            f"  q {r['get_queries']:>3}"
        )
    lines.append("")
    rest = fig["submit_by_persona"]["restaurante"]
    lines.append(
        f"Submit (final POST of confirmacion), restaurante: {rest['procedures']} of "
        f"{CATALOG_PROCEDURES} procedures, total due {rest['total_due']} COP"
    )
    lines.append(head)
    lines.append(
        f"{'submit, tasks enqueued only':<44}{_lat(fig['submit']['ms'])}  "
        f"{fig['submit']['queries']}"
    )
    for label, key in (
        ("payment notice approved (webhook POST)", "payment"),
        ("officer approves F04 (case_act)", "approve_f04"),
        ("application_advance after F04 (the task)", "advance_f04"),
    ):
        r = fig[key]
        lines.append(f"{label:<44}{_lat(r['ms'])}  {r['queries']}")
    lines.append("")
    lines.append("What each step files (restaurante):")
    lines.append(
        f"  submit   files {len(rest['filed_at_submit'])} at once "
        f"({', '.join(rest['filed_at_submit'])}); {rest['awaiting_payment']} await "
        f"payment, {rest['waiting']} wait for a prerequisite; "
        f"{rest['enqueued']} messages enqueued"
    )
    for label, key in (
        ("payment", "payment"),
        ("F04 ok ", "approve_f04"),
        ("advance", "advance_f04"),
    ):
        r = fig[key]
        codes = ", ".join(r["filed_codes"] or []) or "-"
        lines.append(
            f"  {label}  files {r['filed']} ({codes}); {r['enqueued']} messages "
            "enqueued"
        )
    for i, cascade in enumerate(fig["cascades"], 1):
        waves = "; ".join(
            f"wave {w['wave']}: approve {len(w['approved'])} -> advance "
            f"{w['advance_ms']:.0f} ms, {w['advance_queries']} q, files "
            f"{len(w['filed'])}"
            for w in cascade["waves"]
        )
        filed = sum(1 for s in cascade["final_states"].values() if s == "radicado")
        lines.append(
            f"  cascade {i}: {waves}; at the end {filed} of "
            f"{len(cascade['final_states'])} filed"
        )
    lines.append("")
    lines.append(
        "Submit by persona (queries grow with the application, not the catalog)"
    )
    lines.append(
        f"  {'persona':<14}{'procs':>6}{'filed':>6}{'n':>4}{'p50':>8}{'p95':>8}"
        f"{'queries':>9}{'catalog q':>10}{'enqueued':>9}"
    )
    for persona, r in fig["submit_by_persona"].items():
        lines.append(
            f"  {persona:<14}{r['procedures']:>6}{len(r['filed_at_submit']):>6}"
            f"{r['ms']['n']:>4}{r['ms']['p50']:>8.1f}{r['ms']['p95']:>8.1f}"
            f"{r['queries']:>9}{r['catalog_queries']:>10}{r['enqueued']:>9}"
        )
    lines.append("")
    lines.append("Same query repeated within one request (first restaurante run):")
    for key, repeated in fig["repeated_sql"].items():
        if not key.startswith("restaurante"):
            continue
        top = "; ".join(f"{r['times']}x {_short_sql(r['sql'])}" for r in repeated[:4])
        lines.append(f"  {key.split(' ', 1)[1]:<34} {top}")
    profile = raw.get("profile")
    if profile:
        lines.append("")
        lines.append(
            "cProfile of one restaurante run (all its requests), project code by "
            "cumulative time:"
        )
        lines.extend(
            "  " + line
            for line in _profile_lines(profile["project_cumulative"], cfg.profile_top)
        )
    return lines


def _short_sql(sql: str) -> str:
    sql = re.sub(r'"(\w+)"\."(\w+)"', r"\2", sql)
    sql = re.sub(r"SELECT .*? FROM", "SELECT … FROM", sql, count=1)
    return sql.replace('"', "")[:90]


def _profile_lines(text: str, top: int) -> list[str]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), None)
    if start is None:
        return []
    keep = [lines[start]]
    for line in lines[start + 1 : start + 1 + top]:
        if line.strip():
            keep.append(re.sub(r"/\S*/(site-packages|main)/", "", line))
    return keep


class WizardBench(Runner):
    name, db_name = "wizard", "ventanilla_bench_wizard"
    broker_url = "redis://127.0.0.1:6379/13"

    @classmethod
    def add_arguments(cls, add) -> None:
        add("--runs", type=int, default=32, help="timed restaurante runs (submits)")
        add("--other-runs", type=int, default=3, help="runs of each other persona")
        add(
            "--cascade-runs",
            type=int,
            default=3,
            help="restaurante runs approved wave after wave until all is filed",
        )
        add("--profile-top", type=int, default=18, help="profile lines; 0: no profile")
        add(
            "--reuse",
            action="store_true",
            help="use the database if it exists (kept with --keep): migrate, no seed",
        )

    @classmethod
    def check_arguments(cls, cfg, parser) -> None:
        if cfg.runs < 1:
            parser.error("--runs must be at least 1")
        cfg.cascade_runs = min(cfg.cascade_runs, cfg.runs)

    def measure(self) -> None:
        cfg = self.cfg
        with self.load.phase("setup"):
            if cfg.reuse and self.database_exists(cfg.db_name):
                log(f"setup: reusing {cfg.db_name} (--reuse): migrate only")
                self.manage("migrate", "--noinput", "-v0")
                self.results["setup"] = {"reused": True}
            else:
                self.results["setup"] = {"reused": False, **self.setup_database()}
        log(
            f"walk: {cfg.runs} restaurante runs (+2 warm-up) with payment, F04 "
            f"approval and advance ({cfg.cascade_runs} to the end), {cfg.other_runs} "
            "runs of each other persona; tasks only enqueued"
        )
        with self.load.phase("walk"):
            raw = self.run_module(
                "wizard.walk",
                [
                    f"--runs={cfg.runs}",
                    f"--other-runs={cfg.other_runs}",
                    f"--cascade-runs={cfg.cascade_runs}",
                    f"--profile-top={cfg.profile_top}",
                ],
                broker=True,
            )
        self.results["walk"] = raw
        self.results["figures"] = figures(raw)

    def evaluate(self) -> None:
        evaluate(self.results["walk"], self.results["figures"], self.verdict)

    def report(self) -> list[str]:
        return report(self.results, self.cfg)


if __name__ == "__main__":
    sys.exit(WizardBench.main(__file__))
