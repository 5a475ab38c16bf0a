#!/usr/bin/env python3
"""Catalog benchmark: throughput, latency and SQL queries at ~250 and 5,000 procedures.

Usage (from anywhere; needs PostgreSQL, Redis and wrk)::

    .venv/bin/python bench/catalog/run.py [--rebuild] [--scenarios seed,5000]

For each scenario it builds the database ``ventanilla_bench`` (the seeded one from
scratch; the 5,000 one copied from a cached template database), counts SQL queries
and times searches in-process, then serves the site with gunicorn and measures it
with wrk. It prints a table and one PASS/FAIL line per target, and writes everything
to bench/results/catalog-<timestamp>.json. Exit status: 0 when every target passes,
1 when one fails, 2 when the benchmark itself could not run.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import urllib.parse
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
    http_get,
    log,
    pg,
    recreate_database,
    run,
)

RESULTS_DIR = ROOT / "bench" / "results"
LUA_SCRIPT = HERE / "wrk_report.lua"
QUERIES_FILE = HERE / "queries.txt"
SCRATCH_DIR = Path(tempfile.gettempdir()) / "ventanilla-bench-catalog"
SETTINGS_MODULE = "bench.catalog.settings"
CACHE_KEY_PREFIX = "ventanilla-bench"  # Same as CACHES KEY_PREFIX in settings.py.
CACHED_SEARCH = "/tramites/?q=matricula"
HELLO = "/bench/hello/"
# Files whose change makes a cached 5,000-procedure template database stale.
FINGERPRINT_GLOBS = (
    "catalog/data/**/*.yaml",
    "catalog/models.py",
    "catalog/seed.py",
    "catalog/search.py",
    "cms/seed.py",
    "*/migrations/*.py",
    "requirements.lock",
    "bench/catalog/synth.py",
)
# Targets.
MAX_SEARCH_P95_MS = 50.0
MIN_CACHED_TO_HELLO = 1 / 3


@dataclass
class Config:
    scenarios: list[str]
    target: int
    rebuild: bool
    duration: int
    warmup: int
    connections: int
    wrk_threads: int
    workers: int
    gunicorn_threads: int
    search_requests: int
    synth_method: str
    redis_url: str
    db_name: str
    pg: list[str]
    max_minutes: float
    build_minutes: float
    wait_data_minutes: float

    @property
    def template_name(self) -> str:
        return f"{self.db_name}_{self.target}"

    def database_url(self, name: str) -> str:
        host, port, user = self.pg[1], self.pg[3], self.pg[5]
        return f"postgres://{user}@{host}:{port}/{name}"


class Budget:
    """The wall-clock budget of the measurements; every step's timeout is cut to it."""

    def __init__(self, minutes: float):
        self.deadline = time.monotonic() + minutes * 60

    def timeout(self, wanted: float) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 1:
            raise BenchError("time budget exhausted (see --max-minutes)")
        return min(wanted, remaining)


# --- processes ---------------------------------------------------------------------


def django_env(cfg: Config, database: str, cache_seconds: int) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        DATABASE_URL=cfg.database_url(database),
        CACHE_URL=cfg.redis_url,
        ANONYMOUS_PAGE_CACHE_SECONDS=str(cache_seconds),
        PYTHONPATH=str(ROOT),
    )
    return env


def gunicorn(cfg: Config, env: dict, log_path: Path) -> Gunicorn:
    return Gunicorn(
        cfg.workers, env, log_path, ready_path=HELLO, threads=cfg.gunicorn_threads
    )


def timed(function, *args, **kwargs) -> tuple[object, float]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, round(time.perf_counter() - started, 1)


# --- databases and cache -----------------------------------------------------------


def psql(cfg: Config, sql: str) -> str:
    return pg(cfg, "psql", "-d", "postgres", "-tAc", sql).strip()


def database_comment(cfg: Config, name: str) -> str | None:
    row = psql(
        cfg,
        "SELECT coalesce(shobj_description(oid, 'pg_database'), '') "
        f"FROM pg_database WHERE datname = '{name}'",
    )
    return row if row or database_exists(cfg, name) else None


def database_exists(cfg: Config, name: str) -> bool:
    return psql(cfg, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def fingerprint() -> str:
    digest = hashlib.sha256()
    paths = sorted({p for pattern in FINGERPRINT_GLOBS for p in ROOT.glob(pattern)})
    for path in paths:
        if ".venv" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def clear_bench_cache(redis_url: str) -> None:
    """Delete the bench's keys only (the Redis database may be shared)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{CACHE_KEY_PREFIX}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


# --- set-up -------------------------------------------------------------------------


def migrate(cfg: Config, database: str, budget_timeout: float) -> float:
    env = django_env(cfg, database, 0)
    _, seconds = timed(
        run,
        [PYTHON, "manage.py", "migrate", "--noinput"],
        timeout=budget_timeout,
        env=env,
    )
    return seconds


def setup_seeded(cfg: Config, budget: Budget) -> dict:
    log(f"setup: fresh database {cfg.db_name}, migrate, seed_demo")
    recreate_database(cfg, cfg.db_name)
    migrate_s = migrate(cfg, cfg.db_name, budget.timeout(600))
    env = django_env(cfg, cfg.db_name, 0)
    _, seed_s = timed(
        run,
        [PYTHON, "manage.py", "seed_demo", "--allow-demo-users", "--history", "0"],
        timeout=budget.timeout(900),
        env=env,
    )
    analyze_s = analyze(cfg, budget)
    log(f"setup: migrate {migrate_s} s, seed_demo {seed_s} s, analyze {analyze_s} s")
    return {"migrate_s": migrate_s, "seed_demo_s": seed_s, "analyze_s": analyze_s}


def analyze(cfg: Config, budget: Budget) -> float:
    """Planner statistics, as autovacuum keeps them on a live site; a fresh bulk load
    has none yet, and the planner then misestimates the catalog queries."""
    _, seconds = timed(
        pg,
        cfg,
        "vacuumdb",
        "--analyze-only",
        "--quiet",
        f"--dbname={cfg.db_name}",
        timeout=budget.timeout(300),
    )
    return seconds


def build_template(cfg: Config, data_fingerprint: str) -> dict:
    """The N-procedure database, built from the freshly seeded one, kept for reuse."""
    building = f"{cfg.template_name}_building"
    log(f"build: {building} from {cfg.db_name}, synthetic pages up to {cfg.target}")
    recreate_database(cfg, building, template=cfg.db_name)
    summary_file = Path(tempfile.mkstemp(prefix="bench-synth-", suffix=".json")[1])
    try:
        _, seconds = timed(
            run,
            [
                PYTHON,
                "-m",
                "bench.catalog.synth",
                f"--target={cfg.target}",
                f"--method={cfg.synth_method}",
                f"--out={summary_file}",
            ],
            timeout=cfg.build_minutes * 60,
            env=django_env(cfg, building, 0),
            quiet=False,
        )
        summary = json.loads(summary_file.read_text())
    finally:
        summary_file.unlink(missing_ok=True)
    # Only a complete build becomes the template (a failed one is dropped next time).
    pg(cfg, "dropdb", "--if-exists", "--force", cfg.template_name)
    psql(cfg, f'ALTER DATABASE "{building}" RENAME TO "{cfg.template_name}"')
    psql(
        cfg,
        f"COMMENT ON DATABASE \"{cfg.template_name}\" IS 'bench:{data_fingerprint}'",
    )
    summary["total_s"] = seconds
    log(f"build: {summary['created']} pages in {summary['seconds']} s ({seconds} s)")
    return summary


def setup_from_template(cfg: Config, budget: Budget) -> dict:
    log(f"setup: {cfg.db_name} copied from {cfg.template_name}")
    _, copy_s = timed(recreate_database, cfg, cfg.db_name, cfg.template_name)
    migrate_s = migrate(cfg, cfg.db_name, budget.timeout(600))
    analyze_s = analyze(cfg, budget)
    log(f"setup: copy {copy_s} s, migrate {migrate_s} s, analyze {analyze_s} s")
    return {"copy_s": copy_s, "migrate_s": migrate_s, "analyze_s": analyze_s}


# --- measurements -------------------------------------------------------------------


def read_queries() -> list[str]:
    lines = QUERIES_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def in_process(cfg: Config, budget: Budget, scratch: Path) -> dict:
    out = scratch / "inprocess.json"
    run(
        [
            PYTHON,
            "-m",
            "bench.catalog.inprocess",
            f"--search-requests={cfg.search_requests}",
            f"--out={out}",
        ],
        timeout=budget.timeout(600),
        env=django_env(cfg, cfg.db_name, 0),
    )
    return json.loads(out.read_text(encoding="utf-8"))


def wrk(
    cfg: Config,
    budget: Budget,
    port: int,
    path: str,
    seconds: int,
    *,
    paths: list[str] | None = None,
    connections: int | None = None,
) -> dict:
    connections = connections or cfg.connections
    threads = min(cfg.wrk_threads, connections)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout=10s",
        f"--script={LUA_SCRIPT}",
        f"http://127.0.0.1:{port}{path}",
    ]
    if paths:
        cmd += ["--", *paths]
    output = run(cmd, timeout=budget.timeout(seconds + 60))
    line = next((x for x in output.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise BenchError(f"wrk printed no result:\n{output}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = raw["errors"]
    return {
        "connections": connections,
        "seconds": seconds,
        "requests": raw["requests"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
        "errors": errors,
        "valid": raw["requests"] > 0 and not any(errors.values()),
    }


def bench_target(
    cfg: Config,
    budget: Budget,
    server: Gunicorn,
    path: str,
    *,
    expect_cache: str | None,
    paths: list[str] | None = None,
    connections: int | None = None,
) -> dict:
    """Check the target answers as expected, warm it up, then measure it."""
    probe = paths[0] if paths else path
    status, _, _ = http_get(server.port, probe)
    if status != 200:
        raise BenchError(f"GET {probe} answered {status}")
    if cfg.warmup:
        wrk(cfg, budget, server.port, path, cfg.warmup, paths=paths)
    # After the warm-up a cached target must be served from the cache, an uncached one
    # must not be: otherwise the figure would not mean what the table says.
    status, headers, _ = http_get(server.port, probe)
    if headers.get("X-Cache") != expect_cache:
        raise BenchError(
            f"GET {probe}: X-Cache is {headers.get('X-Cache')!r}, "
            f"expected {expect_cache!r}"
        )
    result = wrk(
        cfg,
        budget,
        server.port,
        path,
        cfg.duration,
        paths=paths,
        connections=connections,
    )
    result["path"] = path if not paths else f"{path} ({len(paths)} queries)"
    lat = result["latency_ms"]
    log(
        f"  {result['path']:<58} {result['rps']:>8.1f} req/s  "
        f"p50 {lat['p50']:.1f}  p95 {lat['p95']:.1f}  p99 {lat['p99']:.1f} ms"
        + ("" if result["valid"] else f"  ERRORS {result['errors']}")
    )
    return result


def measure(cfg: Config, budget: Budget, name: str, scratch: Path) -> dict:
    result: dict = {}
    clear_bench_cache(cfg.redis_url)
    log(f"{name}: SQL queries and search latency in-process (cache off)")
    result["in_process"] = data = in_process(cfg, budget, scratch)
    result["procedures"] = data["live_procedures"]
    procedure = data["procedure_url"]
    searches = [
        "/tramites/?" + urllib.parse.urlencode({"q": query}) for query in read_queries()
    ]
    log_path = scratch / f"gunicorn-{name}.log"
    wrk_results = result["wrk"] = {}

    clear_bench_cache(cfg.redis_url)
    log(f"{name}: gunicorn, anonymous cache on (production mode)")
    with gunicorn(cfg, django_env(cfg, cfg.db_name, 300), log_path) as server:
        wrk_results["hello"] = bench_target(
            cfg, budget, server, HELLO, expect_cache=None
        )
        wrk_results["procedure_cached"] = bench_target(
            cfg, budget, server, procedure, expect_cache="hit"
        )
        wrk_results["search_cached"] = bench_target(
            cfg, budget, server, CACHED_SEARCH, expect_cache="hit"
        )

    clear_bench_cache(cfg.redis_url)
    log(f"{name}: gunicorn, anonymous cache off (ANONYMOUS_PAGE_CACHE_SECONDS=0)")
    with gunicorn(cfg, django_env(cfg, cfg.db_name, 0), log_path) as server:
        wrk_results["search_uncached"] = bench_target(
            cfg, budget, server, "/tramites/", expect_cache=None, paths=searches
        )
        # Same, one connection per worker: the service time without queueing.
        wrk_results["search_uncached_1_per_worker"] = bench_target(
            cfg,
            budget,
            server,
            "/tramites/",
            expect_cache=None,
            paths=searches,
            connections=cfg.workers,
        )
        wrk_results["procedure_uncached"] = bench_target(
            cfg, budget, server, procedure, expect_cache=None
        )
    result["server_log_problems"] = log_problems(log_path)
    if result["server_log_problems"]:
        log(f"{name}: gunicorn logged problems, see {log_path}")
    return result


def log_problems(path: Path) -> list[str]:
    """Lines of gunicorn's log that make its figures suspect (errors, timeouts)."""
    if not path.exists():
        return []
    markers = ("Traceback", "WORKER TIMEOUT", "[ERROR]", "[CRITICAL]")
    lines = path.read_text(errors="replace").splitlines()
    return [line for line in lines if any(m in line for m in markers)][:20]


# --- targets and report -------------------------------------------------------------


def evaluate(results: dict, cfg: Config) -> list[dict]:
    scenarios = results["scenarios"]
    verdicts = []

    def verdict(target: str, ok: bool | None, detail: str) -> None:
        status = "SKIP" if ok is None else ("PASS" if ok else "FAIL")
        verdicts.append({"target": target, "status": status, "detail": detail})

    small, big = scenarios.get("seed"), scenarios.get(str(cfg.target))
    if small and big:
        small_pages = small["in_process"]["pages"]
        big_pages = big["in_process"]["pages"]
        grown = [
            f"{label} {small_pages[label]['queries']}->{big_pages[label]['queries']}"
            for label in small_pages
            if small_pages[label]["queries"] != big_pages[label]["queries"]
        ]
        verdict(
            "(a) SQL queries per page do not grow with the catalog",
            not grown,
            "equal on every page" if not grown else "differ: " + ", ".join(grown),
        )
    else:
        verdict("(a) SQL queries per page do not grow with the catalog", None, "")

    for name, scenario in scenarios.items():
        hello = scenario["wrk"]["hello"]
        cached = scenario["wrk"]["procedure_cached"]
        ratio = cached["rps"] / hello["rps"] if hello["rps"] else 0
        verdict(
            f"(b) cached procedure page >= 1/3 of hello req/s [{name}]",
            ratio >= MIN_CACHED_TO_HELLO and cached["valid"] and hello["valid"],
            f"{cached['rps']:.0f} vs {hello['rps']:.0f} req/s = {ratio:.2f}",
        )

    label = f"(c) search p95 < {MAX_SEARCH_P95_MS:.0f} ms at {cfg.target}"
    if big:
        under_load = big["wrk"]["search_uncached"]
        p95 = under_load["latency_ms"]["p95"]
        verdict(
            f"{label}, gunicorn + wrk ({cfg.connections} connections)",
            p95 < MAX_SEARCH_P95_MS and under_load["valid"],
            f"p95 {p95:.1f} ms",
        )
        p95 = big["in_process"]["search"]["latency_ms"]["p95"]
        verdict(f"{label}, in-process", p95 < MAX_SEARCH_P95_MS, f"p95 {p95:.1f} ms")
    else:
        verdict(label, None, f"scenario {cfg.target} not run")
    return verdicts


WRK_ROWS = (
    ("hello", "hello view (baseline)"),
    ("procedure_cached", "procedure page, cached"),
    ("search_cached", "search ?q=matricula, cached"),
    ("search_uncached", "search, query list, uncached"),
    ("search_uncached_1_per_worker", "  same, 1 connection per worker"),
    ("procedure_uncached", "procedure page, uncached"),
)
PAGE_ROWS = (
    ("home", "/"),
    ("catalog", "/tramites/"),
    ("search_facet", "/tramites/?q=matricula&evento=crear-empresa"),
    ("procedure", "procedure page"),
    ("open_data_json", "/datos/tramites.json"),
)


def report(results: dict, cfg: Config) -> str:
    scenarios = results["scenarios"]
    names = list(scenarios)
    heads = [f"{n} ({scenarios[n]['procedures']} procedures)" for n in names]
    lines = [""]
    workers = (
        f"{cfg.workers} gthread workers x {cfg.gunicorn_threads} threads"
        if cfg.gunicorn_threads
        else f"{cfg.workers} sync workers"
    )
    lines.append(
        f"wrk: {cfg.wrk_threads} threads, {cfg.connections} connections, "
        f"{cfg.duration} s; gunicorn: {workers}; latency in ms"
    )
    lines.append(f"{'':<34}" + "".join(f"| {h:<35}" for h in heads))
    lines.append(f"{'':<34}" + "| req/s     p50    p95    p99     " * len(names))
    for key, label in WRK_ROWS:
        row = f"{label:<34}"
        for name in names:
            entry = scenarios[name]["wrk"].get(key)
            if entry:
                lat = entry["latency_ms"]
                flag = " " if entry["valid"] else "!"
                row += (
                    f"| {entry['rps']:>7.1f}{flag}{lat['p50']:>6.1f} "
                    f"{lat['p95']:>6.1f} {lat['p99']:>6.1f}     "
                )
            else:
                row += f"| {'-':<35}"
        lines.append(row)
    lines.append("")
    lines.append(
        "SQL queries per request, in-process, cache off (time of that request)"
    )
    for key, label in PAGE_ROWS:
        row = f"{label:<45}"
        for name in names:
            page = scenarios[name]["in_process"]["pages"][key]
            row += f"| {name:>5}: {page['queries']:>3} q {page['ms']:>8.1f} ms  "
        lines.append(row)
    lines.append("")
    lines.append(
        "Search in-process, cache off, sequential requests over the query list"
    )
    for name in names:
        lat = scenarios[name]["in_process"]["search"]["latency_ms"]
        lines.append(
            f"  {name:>5}: n={lat['n']}  mean {lat['mean']:.1f}  p50 {lat['p50']:.1f}  "
            f"p95 {lat['p95']:.1f}  p99 {lat['p99']:.1f}  max {lat['max']:.1f} ms"
        )
    lines.append("")
    lines.append("Set-up (seconds)")
    for name in names:
        lines.append(f"  {name:>5}: {json.dumps(scenarios[name]['setup'])}")
    lines.append("")
    for item in results["targets"]:
        lines.append(f"{item['status']}  {item['target']}: {item['detail']}")
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------


def preflight(cfg: Config) -> None:
    for tool in ("wrk", "psql", "createdb", "dropdb"):
        if shutil.which(tool) is None:
            hint = " (apt-get install wrk)" if tool == "wrk" else ""
            raise BenchError(f"{tool} not found{hint}")
    if not (VENV_BIN / "gunicorn").exists():
        raise BenchError(f"gunicorn not found in {VENV_BIN}")
    psql(cfg, "SELECT 1")
    try:
        import redis

        redis.Redis.from_url(cfg.redis_url).ping()
    except ImportError as error:
        raise BenchError("run with the project's .venv/bin/python") from error
    except redis.RedisError as error:
        raise BenchError(f"Redis at {cfg.redis_url}: {error}") from error
    # The catalog YAML may still be being written by someone else: wait a little.
    data = ROOT / "catalog" / "data" / "procedures"
    deadline = time.monotonic() + cfg.wait_data_minutes * 60
    while not any(data.glob("*.yaml")):
        if time.monotonic() > deadline:
            raise BenchError(f"no catalog data in {data}")
        log(f"waiting for {data} ...")
        time.sleep(15)


def parse_args() -> Config:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add("--scenarios", default="seed,5000", help="comma-separated: seed and/or N")
    add("--rebuild", action="store_true", help="rebuild the cached N-page template")
    add("--duration", type=int, default=10, help="seconds of each wrk measurement")
    add("--warmup", type=int, default=3, help="seconds of wrk warm-up per target")
    add("--connections", type=int, default=16)
    add("--wrk-threads", type=int, default=2)
    add("--workers", type=int, default=2, help="gunicorn workers")
    add("--gunicorn-threads", type=int, default=0, help="0: plain sync workers")
    add("--search-requests", type=int, default=240, help="in-process searches")
    add("--synth-method", choices=["bulk", "publish"], default="bulk")
    add("--redis-url", default="redis://127.0.0.1:6379/9")
    add("--db-name", default="ventanilla_bench")
    add("--pg-host", default=os.environ.get("PGHOST", "127.0.0.1"))
    add("--pg-port", default=os.environ.get("PGPORT", "5432"))
    add("--pg-user", default=os.environ.get("PGUSER", "postgres"))
    add("--max-minutes", type=float, default=14, help="budget, template build aside")
    add("--build-minutes", type=float, default=30, help="timeout of a template build")
    add("--wait-data-minutes", type=float, default=5)
    args = parser.parse_args()
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    targets = [int(s) for s in scenarios if s != "seed"]
    if any(s != "seed" and not s.isdigit() for s in scenarios) or len(targets) > 1:
        parser.error("--scenarios: 'seed' and at most one number")
    return Config(
        scenarios=scenarios,
        target=targets[0] if targets else 5000,
        rebuild=args.rebuild,
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        wrk_threads=args.wrk_threads,
        workers=args.workers,
        gunicorn_threads=args.gunicorn_threads,
        search_requests=args.search_requests,
        synth_method=args.synth_method,
        redis_url=args.redis_url,
        db_name=args.db_name,
        pg=["-h", args.pg_host, "-p", str(args.pg_port), "-U", args.pg_user],
        max_minutes=args.max_minutes,
        build_minutes=args.build_minutes,
        wait_data_minutes=args.wait_data_minutes,
    )


@dataclass
class Run:
    cfg: Config
    results: dict = field(default_factory=dict)

    def execute(self) -> int:
        cfg = self.cfg
        started = time.perf_counter()
        preflight(cfg)
        budget = Budget(cfg.max_minutes)
        self.results.update(
            started_at=datetime.datetime.now(datetime.UTC).isoformat(),
            host={"cpus": os.cpu_count(), "python": platform.python_version()},
            config={k: v for k, v in vars(cfg).items() if k != "pg"},
            scenarios={},
        )
        data_fingerprint = fingerprint()
        comment = database_comment(cfg, cfg.template_name)
        want_big = str(cfg.target) in cfg.scenarios
        need_build = want_big and (
            cfg.rebuild or comment != f"bench:{data_fingerprint}"
        )
        if want_big and not need_build:
            log(
                f"reusing template {cfg.template_name} (fingerprint {data_fingerprint})"
            )
        # Kept after the run: gunicorn's logs are there when something goes wrong.
        scratch = SCRATCH_DIR
        scratch.mkdir(parents=True, exist_ok=True)
        for stale in scratch.glob("*"):
            stale.unlink()
        seed_setup = None
        if "seed" in cfg.scenarios or need_build:
            seed_setup = setup_seeded(cfg, budget)
        if need_build:
            build_started = time.monotonic()
            self.results["template_build"] = build_template(cfg, data_fingerprint)
            # The build has its own timeout; it does not eat the measurements'.
            budget.deadline += time.monotonic() - build_started
        if "seed" in cfg.scenarios:
            scenario = measure(cfg, budget, "seed", scratch)
            scenario["setup"] = seed_setup
            self.results["scenarios"]["seed"] = scenario
        if want_big:
            setup = setup_from_template(cfg, budget)
            scenario = measure(cfg, budget, str(cfg.target), scratch)
            scenario["setup"] = setup
            self.results["scenarios"][str(cfg.target)] = scenario
        self.results["targets"] = evaluate(self.results, cfg)
        self.results["total_s"] = round(time.perf_counter() - started, 1)
        print(report(self.results, cfg))
        print(f"\ntotal {self.results['total_s']} s")
        failed = any(t["status"] == "FAIL" for t in self.results["targets"])
        return 1 if failed else 0

    def cleanup(self) -> None:
        """Nothing beyond the gunicorns, which bench_main stops."""

    def save(self) -> Path | None:
        if not self.results:
            return None
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        path = RESULTS_DIR / f"catalog-{stamp}.json"
        path.write_text(json.dumps(self.results, indent=2, ensure_ascii=False) + "\n")
        return path


def main() -> int:
    return bench_main(__file__, parse_args, Run)


if __name__ == "__main__":
    sys.exit(main())
