"""Catalog benchmark: SQL queries per page in-process, req/s and latency under
gunicorn + wrk, with the seeded catalog (~250 procedures) and with N (5,000) copied
from a template database kept between runs (built by synth.py).

    .venv/bin/python bench/catalog/run.py [--rebuild] [--scenarios seed,5000]
"""

import hashlib
import json
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import targets
from bench.catalog.inprocess import search_urls
from bench.common import (
    ROOT,
    BenchError,
    Runner,
    brief,
    grown,
    gunicorn,
    log,
    log_problems,
    run,
)

LUA = Path(__file__).resolve().with_name("wrk_report.lua")  # wrk figures as JSON
HELLO = "/bench/hello/"
# Files whose change makes the cached N-procedure template database stale.
FINGERPRINT_GLOBS = (  # noqa: SIM905
    "catalog/data/**/*.yaml catalog/models.py catalog/seed.py catalog/search.py "
    "cms/seed.py */migrations/*.py requirements.lock bench/catalog/synth.py"
).split()


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted({p for g in FINGERPRINT_GLOBS for p in ROOT.glob(g)}):
        if ".venv" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class CatalogBench(Runner):
    name, db_name = "catalog", "ventanilla_bench"
    tools = ("wrk", *Runner.tools)
    # Media where the site keeps them (not in scratch): the template refers to them.
    gunicorn, scratch_media = True, False

    @classmethod
    def add_arguments(cls, add) -> None:
        add("--scenarios", default="seed,5000", help="comma-separated: seed and/or N")
        add("--rebuild", action="store_true", help="rebuild the cached N-page template")
        add("--duration", type=int, default=10, help="seconds of each wrk measurement")
        add("--warmup", type=int, default=3, help="seconds of wrk warm-up per target")
        add("--connections", type=int, default=16)
        add("--wrk-threads", type=int, default=2)
        add("--workers", type=int, default=2, help="gunicorn sync workers")
        add("--search-requests", type=int, default=240, help="in-process searches")
        add("--redis-url", default="redis://127.0.0.1:6379/9")

    @classmethod
    def check_arguments(cls, cfg, parser) -> None:
        cfg.scenarios = [s.strip() for s in cfg.scenarios.split(",") if s.strip()]
        sizes = [int(s) for s in cfg.scenarios if s.isdigit()]
        if len(sizes) > 1 or set(cfg.scenarios) - {"seed", *map(str, sizes)}:
            parser.error("--scenarios: 'seed' and at most one number")
        cfg.target = sizes[0] if sizes else 5000

    def databases(self) -> list[str]:
        return []  # Kept: the template is reused, the scenario database is rebuilt.

    def env(self, database=None, *, broker=False, **extra) -> dict:
        extra.setdefault("CACHE_URL", self.cfg.redis_url)
        extra.setdefault("ANONYMOUS_PAGE_CACHE_SECONDS", 0)
        return super().env(database, broker=broker, **extra)

    def clear_cache(self) -> None:
        """Only the bench's keys (KEY_PREFIX of bench/settings.py): the database may be shared."""
        import redis

        client = redis.Redis.from_url(self.cfg.redis_url)
        for key in client.scan_iter(match="ventanilla-bench:*", count=1000):
            client.delete(key)

    def measure(self) -> None:
        cfg, scenarios = self.cfg, self.results.setdefault("scenarios", {})
        template, mark = f"{cfg.db_name}_{cfg.target}", f"bench:{fingerprint()}"
        self.clear_cache()  # Redis answers, before minutes of set-up.
        comment = self.psql(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            f"WHERE datname = '{template}'"
        )
        big = str(cfg.target) in cfg.scenarios
        build = big and (cfg.rebuild or comment != mark)
        if "seed" in cfg.scenarios or build:
            setup = self.setup_database()
        if build:  # Only a complete build becomes the template.
            building = f"{template}_building"
            self.recreate(building, template=cfg.db_name)
            params = {"target": cfg.target}
            built = self.phase("build", "catalog.synth", params, database=building)
            self.results["template_build"] = built
            self.pg("dropdb", "--if-exists", "--force", template)
            self.psql(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            self.psql(f"COMMENT ON DATABASE \"{template}\" IS '{mark}'")
        if "seed" in cfg.scenarios:
            scenarios["seed"] = self.scenario("seed", setup)
        if big:
            log(f"setup: {cfg.db_name} copied from {template}")
            started = time.perf_counter()
            self.recreate(cfg.db_name, template)
            setup = {"copy_s": round(time.perf_counter() - started, 1)}
            setup["migrate_s"] = self.manage("migrate", "--noinput")
            setup["analyze_s"] = self.analyze()
            scenarios[str(cfg.target)] = self.scenario(str(cfg.target), setup)

    def wrk(self, port, path, seconds, paths=(), connections=0) -> dict:
        connections = connections or self.cfg.connections
        cmd = ["wrk", f"-t{min(self.cfg.wrk_threads, connections)}", f"-c{connections}"]
        cmd += [f"-d{seconds}s", "--timeout=10s", f"--script={LUA}"]
        cmd += [f"http://127.0.0.1:{port}{path}", *(["--", *paths] if paths else [])]
        output = run(cmd, timeout=seconds + 60)
        line = next((x for x in output.splitlines() if x.startswith("BENCH_JSON ")), "")
        if not line:
            raise BenchError(f"wrk printed no result:\n{output}")
        raw = json.loads(line.removeprefix("BENCH_JSON "))
        return {
            "connections": connections,
            "seconds": seconds,
            "requests": raw["requests"],
            "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
            "errors": raw["errors"],
            "valid": raw["requests"] > 0 and not any(raw["errors"].values()),
        }

    def measure_url(self, port, path, expect_cache, paths=(), connections=0) -> dict:
        """Checked (200, X-Cache as its name says after the warm-up), then measured."""
        probe = f"http://127.0.0.1:{port}{paths[0] if paths else path}"
        if requests.get(probe, allow_redirects=False).status_code != 200:
            raise BenchError(f"GET {probe} did not answer 200")
        if self.cfg.warmup:
            self.wrk(port, path, self.cfg.warmup, paths)
        cache = requests.get(probe, allow_redirects=False).headers.get("X-Cache")
        if cache != expect_cache:
            raise BenchError(f"GET {probe}: X-Cache is {cache!r}, not {expect_cache!r}")
        result = self.wrk(port, path, self.cfg.duration, paths, connections)
        result["path"] = f"{path} ({len(paths)} queries)" if paths else path
        log(f"  {result['path']}: {result['rps']} req/s {result['latency_ms']}")
        return result

    def scenario(self, name: str, setup: dict | None) -> dict:
        cfg = self.cfg
        self.clear_cache()
        params = {"search_requests": cfg.search_requests}
        data = self.phase(f"{name} in-process", "catalog.inprocess", params)
        result = {"setup": setup, "procedures": data["live_procedures"]}
        result["in_process"], procedure = data, data["procedure_url"]
        log_path, searches = self.scratch / f"gunicorn-{name}.log", search_urls()
        measured = result["wrk"] = {}
        # (cache seconds, [(key, path, X-Cache, options)]): as in production, then the
        # service itself (one connection per worker: its time without queueing).
        for cache_seconds, rows in (
            (300, [
                ("hello", HELLO, None, {}),
                ("procedure_cached", procedure, "hit", {}),
                ("search_cached", "/tramites/?q=matricula", "hit", {}),
            ]),
            (0, [
                ("search_uncached", "/tramites/", None, {"paths": searches}),
                ("search_uncached_1_per_worker", "/tramites/", None,
                 {"paths": searches, "connections": cfg.workers}),
                ("procedure_uncached", procedure, None, {}),
            ]),
        ):  # fmt: skip
            self.clear_cache()
            log(f"{name}: gunicorn, ANONYMOUS_PAGE_CACHE_SECONDS={cache_seconds}")
            env = self.env(ANONYMOUS_PAGE_CACHE_SECONDS=cache_seconds)
            with gunicorn(cfg.workers, env, log_path, HELLO) as port:
                for key, path, cache, options in rows:
                    measured[key] = self.measure_url(port, path, cache, **options)
        result["server_log_problems"] = log_problems(log_path)
        return result

    def evaluate(self) -> None:
        cfg, scenarios = self.cfg, self.results["scenarios"]
        small, big = scenarios.get("seed"), scenarios.get(str(cfg.target))
        what = "(a) SQL queries per page do not grow with the catalog"
        if small and big:
            more = grown({k: s["in_process"]["queries"] for k, s in scenarios.items()})
            self.verdict(what, not more, ", ".join(more) or "equal on every page")
        else:
            self.verdict(what, None, "")
        for name, scenario in scenarios.items():
            hello, cached = (scenario["wrk"][k] for k in ("hello", "procedure_cached"))
            ratio = cached["rps"] / hello["rps"] if hello["rps"] else 0
            ok = ratio >= targets.limit("catalog.cached_to_hello")
            self.verdict(
                f"{targets.label('catalog.cached_to_hello')} [{name}]",
                ok and cached["valid"] and hello["valid"],
                f"{cached['rps']:.0f} vs {hello['rps']:.0f} req/s = {ratio:.2f}",
            )
        key, what = "catalog.search_p95_ms", f" at {cfg.target}"
        loaded = big["wrk"]["search_uncached"] if big else None
        connections = f"{what}, gunicorn + wrk ({cfg.connections} connections)"
        valid = loaded and loaded["valid"]
        self.verdict_p95(key, loaded and loaded["latency_ms"], connections, valid)
        latency = big["in_process"]["search"]["latency_ms"] if big else None
        self.verdict_p95(key, latency, f"{what}, in-process")

    def shown(self) -> dict:
        # The SQL of every counted request stays in the results file, for diagnosis.
        return brief(self.results["scenarios"], {"sql"})


if __name__ == "__main__":
    sys.exit(CatalogBench.main())
