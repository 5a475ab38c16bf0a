#!/usr/bin/env python3
"""Catalog benchmark: throughput, latency and SQL queries at ~250 and 5,000 procedures.

Usage (from anywhere; needs PostgreSQL, Redis and wrk)::

    .venv/bin/python bench/catalog/run.py [--rebuild] [--scenarios seed,5000]

For each scenario it builds the database ``ventanilla_bench`` (the seeded one from
scratch; the 5,000 one copied from a cached template database), counts SQL queries
and times searches in-process, then serves the site with gunicorn and measures it
with wrk. It prints a table and one PASS/FAIL line per target, and writes everything
to bench/results/catalog-<timestamp>.json.
"""

import hashlib
import json
import sys
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from bench import targets  # noqa: E402
from bench.catalog.inprocess import read_queries  # noqa: E402
from bench.common import (  # noqa: E402
    BenchError,
    Gunicorn,
    Runner,
    http_get,
    log,
    log_problems,
    pg,
    recreate_database,
    run,
)

LUA_SCRIPT = HERE / "wrk_report.lua"
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


class Budget:
    """The wall-clock budget of the measurements; every step's timeout is cut to it."""

    def __init__(self, minutes: float):
        self.deadline = time.monotonic() + minutes * 60

    def timeout(self, wanted: float) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 1:
            raise BenchError("time budget exhausted (see --max-minutes)")
        return min(wanted, remaining)


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


def wrk(
    cfg,
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
    cfg,
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


def evaluate(results: dict, cfg, verdict) -> None:
    scenarios = results["scenarios"]
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
            f"{targets.label('catalog.cached_to_hello')} [{name}]",
            ratio >= targets.limit("catalog.cached_to_hello")
            and cached["valid"]
            and hello["valid"],
            f"{cached['rps']:.0f} vs {hello['rps']:.0f} req/s = {ratio:.2f}",
        )

    label = f"{targets.label('catalog.search_p95_ms')} at {cfg.target}"
    max_p95 = targets.limit("catalog.search_p95_ms")
    if big:
        under_load = big["wrk"]["search_uncached"]
        p95 = under_load["latency_ms"]["p95"]
        verdict(
            f"{label}, gunicorn + wrk ({cfg.connections} connections)",
            p95 < max_p95 and under_load["valid"],
            f"p95 {p95:.1f} ms",
        )
        p95 = big["in_process"]["search"]["latency_ms"]["p95"]
        verdict(f"{label}, in-process", p95 < max_p95, f"p95 {p95:.1f} ms")
    else:
        verdict(label, None, f"scenario {cfg.target} not run")


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


def report(results: dict, cfg) -> list[str]:
    scenarios = results["scenarios"]
    names = list(scenarios)
    heads = [f"{n} ({scenarios[n]['procedures']} procedures)" for n in names]
    lines = []
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
    return lines


class CatalogBench(Runner):
    name, db_name = "catalog", "ventanilla_bench"
    tools = ("wrk", "psql", "createdb", "dropdb", "vacuumdb")
    gunicorn = True

    @classmethod
    def add_arguments(cls, add) -> None:
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
        add(
            "--max-minutes", type=float, default=14, help="budget, template build aside"
        )
        add(
            "--build-minutes",
            type=float,
            default=30,
            help="timeout of a template build",
        )
        add("--wait-data-minutes", type=float, default=5)

    @classmethod
    def check_arguments(cls, cfg, parser) -> None:
        cfg.scenarios = [s.strip() for s in cfg.scenarios.split(",") if s.strip()]
        sizes = [int(s) for s in cfg.scenarios if s.isdigit()]
        if (
            any(s != "seed" and not s.isdigit() for s in cfg.scenarios)
            or len(sizes) > 1
        ):
            parser.error("--scenarios: 'seed' and at most one number")
        cfg.target = sizes[0] if sizes else 5000

    @property
    def template_name(self) -> str:
        return f"{self.cfg.db_name}_{self.cfg.target}"

    def databases(self) -> list[str]:
        return []  # Kept: the template is reused, the scenario database is rebuilt.

    def env(self, database=None, *, broker=False, **extra) -> dict:
        extra.setdefault("CACHE_URL", self.cfg.redis_url)
        extra.setdefault("ANONYMOUS_PAGE_CACHE_SECONDS", 0)
        return super().env(database, broker=broker, **extra)

    def preflight(self) -> None:
        super().preflight()
        import redis

        try:
            redis.Redis.from_url(self.cfg.redis_url).ping()
        except redis.RedisError as error:
            raise BenchError(f"Redis at {self.cfg.redis_url}: {error}") from error
        # The catalog YAML may still be being written by someone else: wait a little.
        data = ROOT / "catalog" / "data" / "procedures"
        deadline = time.monotonic() + self.cfg.wait_data_minutes * 60
        while not any(data.glob("*.yaml")):
            if time.monotonic() > deadline:
                raise BenchError(f"no catalog data in {data}")
            log(f"waiting for {data} ...")
            time.sleep(15)

    # -- set-up -----------------------------------------------------------------------

    def database_comment(self, name: str) -> str | None:
        row = self.psql(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') "
            f"FROM pg_database WHERE datname = '{name}'"
        )
        return row if row or self.database_exists(name) else None

    def build_template(self, data_fingerprint: str) -> dict:
        """The N-procedure database, built from the freshly seeded one, kept for reuse."""
        cfg, building = self.cfg, f"{self.template_name}_building"
        log(f"build: {building} from {cfg.db_name}, synthetic pages up to {cfg.target}")
        recreate_database(self, building, template=cfg.db_name)
        started = time.perf_counter()
        summary = self.run_module(
            "catalog.synth",
            [f"--target={cfg.target}", f"--method={cfg.synth_method}"],
            database=building,
            timeout=cfg.build_minutes * 60,
        )
        # Only a complete build becomes the template (a failed one is dropped next time).
        pg(self, "dropdb", "--if-exists", "--force", self.template_name)
        self.psql(f'ALTER DATABASE "{building}" RENAME TO "{self.template_name}"')
        self.psql(
            f"COMMENT ON DATABASE \"{self.template_name}\" IS 'bench:{data_fingerprint}'"
        )
        summary["total_s"] = round(time.perf_counter() - started, 1)
        log(f"build: {summary['created']} pages in {summary['seconds']} s")
        return summary

    def setup_from_template(self) -> dict:
        log(f"setup: {self.cfg.db_name} copied from {self.template_name}")
        started = time.perf_counter()
        recreate_database(self, self.cfg.db_name, self.template_name)
        copy_s = round(time.perf_counter() - started, 1)
        migrate_s = self.manage(
            "migrate", "--noinput", timeout=self.budget.timeout(600)
        )
        analyze_s = self.analyze(timeout=self.budget.timeout(300))
        return {"copy_s": copy_s, "migrate_s": migrate_s, "analyze_s": analyze_s}

    # -- measurements -----------------------------------------------------------------

    def measure(self) -> None:
        cfg = self.cfg
        self.budget = Budget(cfg.max_minutes)
        self.results["scenarios"] = {}
        data_fingerprint = fingerprint()
        comment = self.database_comment(self.template_name)
        want_big = str(cfg.target) in cfg.scenarios
        need_build = want_big and (
            cfg.rebuild or comment != f"bench:{data_fingerprint}"
        )
        if want_big and not need_build:
            log(
                f"reusing template {self.template_name} (fingerprint {data_fingerprint})"
            )
        seed_setup = None
        if "seed" in cfg.scenarios or need_build:
            seed_setup = self.setup_database(timeout=self.budget.timeout(900))
        if need_build:
            build_started = time.monotonic()
            self.results["template_build"] = self.build_template(data_fingerprint)
            # The build has its own timeout; it does not eat the measurements'.
            self.budget.deadline += time.monotonic() - build_started
        if "seed" in cfg.scenarios:
            self.results["scenarios"]["seed"] = self.scenario("seed", seed_setup)
        if want_big:
            setup = self.setup_from_template()
            self.results["scenarios"][str(cfg.target)] = self.scenario(
                str(cfg.target), setup
            )

    def scenario(self, name: str, setup: dict | None) -> dict:
        cfg, budget = self.cfg, self.budget
        result: dict = {"setup": setup}
        clear_bench_cache(cfg.redis_url)
        log(f"{name}: SQL queries and search latency in-process (cache off)")
        result["in_process"] = data = self.run_module(
            "catalog.inprocess",
            [f"--search-requests={cfg.search_requests}"],
            timeout=budget.timeout(600),
        )
        result["procedures"] = data["live_procedures"]
        procedure = data["procedure_url"]
        searches = [
            "/tramites/?" + urllib.parse.urlencode({"q": q}) for q in read_queries()
        ]
        log_path = self.scratch / f"gunicorn-{name}.log"
        wrk_results = result["wrk"] = {}

        def serve(cache_seconds: int) -> Gunicorn:
            env = self.env(ANONYMOUS_PAGE_CACHE_SECONDS=cache_seconds)
            return Gunicorn(
                cfg.workers,
                env,
                log_path,
                ready_path=HELLO,
                threads=cfg.gunicorn_threads,
            )

        def measure(server, key, path, expect_cache, **options) -> None:
            wrk_results[key] = bench_target(
                cfg, budget, server, path, expect_cache=expect_cache, **options
            )

        clear_bench_cache(cfg.redis_url)
        log(f"{name}: gunicorn, anonymous cache on (production mode)")
        with serve(300) as server:
            measure(server, "hello", HELLO, None)
            measure(server, "procedure_cached", procedure, "hit")
            measure(server, "search_cached", CACHED_SEARCH, "hit")
        clear_bench_cache(cfg.redis_url)
        log(f"{name}: gunicorn, anonymous cache off (ANONYMOUS_PAGE_CACHE_SECONDS=0)")
        with serve(0) as server:
            measure(server, "search_uncached", "/tramites/", None, paths=searches)
            # Same, one connection per worker: the service time without queueing.
            measure(
                server,
                "search_uncached_1_per_worker",
                "/tramites/",
                None,
                paths=searches,
                connections=cfg.workers,
            )
            measure(server, "procedure_uncached", procedure, None)
        result["server_log_problems"] = log_problems(log_path)
        if result["server_log_problems"]:
            log(f"{name}: gunicorn logged problems, see {log_path}")
        return result

    def evaluate(self) -> None:
        evaluate(self.results, self.cfg, self.verdict)

    def report(self) -> list[str]:
        return report(self.results, self.cfg)


if __name__ == "__main__":
    sys.exit(CatalogBench.main(__file__))
