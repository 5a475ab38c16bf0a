#!/usr/bin/env python3
"""Wizard benchmark ("Formaliza tu empresa", issue #5): step POST p95 and submit p95.

Usage (from anywhere; needs PostgreSQL and Redis)::

    .venv/bin/python bench/wizard/run.py [--runs 32] [--other-runs 3] [--keep]

1. Set-up: database ``ventanilla_bench_wizard`` dropped and created, ``migrate``,
   ``seed_demo --allow-demo-users``, ``ANALYZE``.
2. In-process (walk.py, Django test Client with a real session, CSRF checks off as
   the Client's default): ``--runs`` walks of the "restaurante" persona (23 of the
   25 procedures: the most one answer set reaches, as F03 and F04 exclude each other
   and F12 needs ``opta_simple``, which a restaurant with this income does not take)
   plus ``--other-runs`` of each other persona; each step POST timed with its SQL
   queries, the documents POST (uploads) apart, the submit (final POST of
   ``confirmacion``) with Celery publishing to Redis database 13 that no worker
   reads (PDFs are rendered asynchronously: nothing is rendered in the request).
   After each restaurante submit: the approved payment notice on the webhook, an
   officer's approval of F04 and the advance task it enqueues (run and timed here).

Prints a table and PASS/FAIL lines, writes bench/results/wizard-<timestamp>.json.
Exit status: 0 every target passes, 1 a target fails, 2 the benchmark could not run.
"""

import argparse
import collections
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    PYTHON,
    BenchError,
    bench_main,
    log,
    pg,
    recreate_database,
    run,
    summarize_ms,
)
from bench.filing.run import Broker, Load, commit  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
SCRATCH_DIR = Path(__import__("tempfile").gettempdir()) / "ventanilla-bench-wizard"
SETTINGS_MODULE = "bench.wizard.settings"
STEP_TARGET_MS = 60.0
SUBMIT_TARGET_MS = 300.0
CATALOG_PROCEDURES = 25  # F01-F25.


@dataclass
class Config:
    runs: int
    other_runs: int
    cascade_runs: int
    profile_top: int
    broker_url: str
    db_name: str
    pg: list[str]
    keep: bool
    reuse: bool

    def database_url(self) -> str:
        host, port, user = self.pg[1], self.pg[3], self.pg[5]
        return f"postgres://{user}@{host}:{port}/{self.db_name}"


def django_env(cfg: Config, *, broker: bool) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        DATABASE_URL=cfg.database_url(),
        PYTHONPATH=str(ROOT),
    )
    env.pop("CELERY_BROKER_URL", None)
    if broker:
        # Base settings: CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL.
        env["CELERY_BROKER_URL"] = cfg.broker_url
    return env


def database_exists(cfg: Config) -> bool:
    out = pg(
        cfg,
        "psql",
        "-d",
        "postgres",
        "-tAc",
        f"SELECT 1 FROM pg_database WHERE datname = '{cfg.db_name}'",
    )
    return out.strip() == "1"


def setup(cfg: Config) -> dict:
    env = django_env(cfg, broker=False)
    if cfg.reuse and database_exists(cfg):
        log(f"setup: reusing {cfg.db_name} (--reuse): migrate only")
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], timeout=900, env=env)
        return {"reused": True}
    log(f"setup: fresh {cfg.db_name}, migrate, seed_demo")
    times = {"reused": False}
    started = time.perf_counter()
    recreate_database(cfg, cfg.db_name)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], timeout=900, env=env)
    times["migrate_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    run(
        [PYTHON, "manage.py", "seed_demo", "--allow-demo-users", "--history", "0"],
        timeout=900,
        env=env,
    )
    times["seed_demo_s"] = round(time.perf_counter() - started, 1)
    pg(cfg, "vacuumdb", "--analyze-only", "--quiet", f"--dbname={cfg.db_name}")
    log(f"setup: migrate {times['migrate_s']} s, seed_demo {times['seed_demo_s']} s")
    return times


def walk(cfg: Config) -> dict:
    out = SCRATCH_DIR / f"walk-{uuid.uuid4().hex[:8]}.json"
    log(
        f"walk: {cfg.runs} restaurante runs (+2 warm-up) with payment, F04 approval "
        f"and advance ({cfg.cascade_runs} to the end), {cfg.other_runs} runs of each "
        "other persona; tasks only enqueued"
    )
    run(
        [
            PYTHON,
            "-m",
            "bench.wizard.walk",
            f"--runs={cfg.runs}",
            f"--other-runs={cfg.other_runs}",
            f"--cascade-runs={cfg.cascade_runs}",
            f"--profile-top={cfg.profile_top}",
            f"--out={out}",
        ],
        timeout=1800,
        env=django_env(cfg, broker=True),
        quiet=False,
    )
    try:
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)


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


def evaluate(raw: dict, fig: dict) -> list[dict]:
    verdicts = []

    def verdict(target, ok, detail):
        status = "INFO" if ok is None else ("PASS" if ok else "FAIL")
        verdicts.append({"target": target, "status": status, "detail": detail})

    step = fig["step_post"]["ms"]
    verdict(
        f"step POST p95 < {STEP_TARGET_MS:.0f} ms",
        step["p95"] < STEP_TARGET_MS,
        f"p95 {step['p95']:.1f} ms over {step['n']} valid step POSTs (documents "
        f"upload and submit excluded)",
    )
    sub = fig["submit"]["ms"]
    rest = fig["submit_by_persona"]["restaurante"]
    verdict(
        f"submit of the largest application p95 < {SUBMIT_TARGET_MS:.0f} ms "
        "(PDFs asynchronous)",
        sub["p95"] < SUBMIT_TARGET_MS,
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
        "SQL queries per step POST bounded and independent of the catalog",
        max(step_queries) <= 15 and fig["step_post"]["catalog_queries"] == "0",
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
    if raw.get("shim_mapping_forms"):
        verdict(
            "filing after the submit works without the bench's shim",
            False,
            "formalization/services.py _documents_for reads mapping.forms.DOCUMENTS "
            "but formalization/mapping.py never imports forms: the payment notice "
            "and application_advance raise AttributeError for any procedure that "
            "receives an upload (F03, F04, F17); the bench sets mapping.forms in its "
            "own process to measure those paths",
        )
    return verdicts


# --- report -----------------------------------------------------------------------------


def _lat(lat: dict) -> str:
    if not lat.get("n"):
        return f"{0:>5}" + " " * 32
    return (
        f"{lat['n']:>5}{lat['p50']:>8.1f}{lat['p95']:>8.1f}"
        f"{lat['p99']:>8.1f}{lat['max']:>8.1f}"
    )


def report(results: dict, cfg: Config) -> str:
    fig, raw = results["figures"], results["walk"]
    head = f"{'':<44}{'n':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  queries"
    lines = ["", "Wizard through Django's test Client (real session), in-process; ms"]
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
    lines.append("")
    lines.append("Machine load per phase (1-min load average start->end; CPU busy %)")
    for name, phase in results["load"].items():
        lines.append(
            f"  {name:<10} {phase['seconds']:>6.1f} s  load {phase['load1_start']:.1f}"
            f" -> {phase['load1_end']:.1f}  cpu {phase['cpu_busy_pct']} %"
        )
    lines.append("")
    for item in results["targets"]:
        lines.append(f"{item['status']}  {item['target']}: {item['detail']}")
    return "\n".join(lines)


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


# --- main --------------------------------------------------------------------------------


def preflight(cfg: Config) -> Broker:
    for tool in ("psql", "createdb", "dropdb", "vacuumdb"):
        if shutil.which(tool) is None:
            raise BenchError(f"{tool} not found")
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
    if broker.queued():
        raise BenchError(f"{cfg.broker_url} already holds queued tasks; purge it")
    return broker


def parse_args() -> Config:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add("--runs", type=int, default=32, help="timed restaurante runs (submits)")
    add("--other-runs", type=int, default=3, help="runs of each other persona")
    add(
        "--cascade-runs",
        type=int,
        default=3,
        help="restaurante runs approved wave after wave until all is filed",
    )
    add("--profile-top", type=int, default=18, help="profile lines; 0: no profile")
    add("--broker-url", default="redis://127.0.0.1:6379/13")
    add("--db-name", default="ventanilla_bench_wizard")
    add("--pg-host", default=os.environ.get("PGHOST", "127.0.0.1"))
    add("--pg-port", default=os.environ.get("PGPORT", "5432"))
    add("--pg-user", default=os.environ.get("PGUSER", "postgres"))
    add("--keep", action="store_true", help="keep the database afterwards")
    add(
        "--reuse",
        action="store_true",
        help="use the database if it exists (kept with --keep): migrate, no seed",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return Config(
        runs=args.runs,
        other_runs=args.other_runs,
        cascade_runs=min(args.cascade_runs, args.runs),
        profile_top=args.profile_top,
        broker_url=args.broker_url,
        db_name=args.db_name,
        pg=["-h", args.pg_host, "-p", str(args.pg_port), "-U", args.pg_user],
        keep=args.keep,
        reuse=args.reuse,
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
        with load.phase("walk"):
            raw = walk(cfg)
        self.results["walk"] = raw
        self.results["figures"] = figures(raw)
        self.results["targets"] = evaluate(raw, self.results["figures"])
        self.results["total_s"] = round(time.perf_counter() - started, 1)
        print(report(self.results, cfg))
        print(f"\ntotal {self.results['total_s']} s")
        failed = any(t["status"] == "FAIL" for t in self.results["targets"])
        return 1 if failed else 0

    def cleanup(self) -> None:
        if self.broker is not None:
            try:
                self.broker.purge()
            except Exception as error:  # noqa: BLE001 - reported, not fatal
                print(
                    f"could not purge {self.cfg.broker_url}: {error}", file=sys.stderr
                )
        if not self.cfg.keep:
            with contextlib.suppress(BenchError):
                pg(self.cfg, "dropdb", "--if-exists", "--force", self.cfg.db_name)
        shutil.rmtree(SCRATCH_DIR, ignore_errors=True)

    def save(self) -> Path | None:
        if not self.results:
            return None
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        path = RESULTS_DIR / f"wizard-{stamp}.json"
        path.write_text(
            json.dumps(self.results, indent=2, ensure_ascii=False, default=str) + "\n"
        )
        return path


def main() -> int:
    return bench_main(__file__, parse_args, Run)


if __name__ == "__main__":
    sys.exit(main())
