"""The runner skeleton of every benchmark (``Runner``) and what the measuring modules
share: statistics, gunicorn, the broker, forked workers, requests with their SQL."""

import argparse
import contextlib
import datetime
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import targets

ROOT = Path(__file__).resolve().parents[1]
PYTHON, VENV_BIN = sys.executable, Path(sys.executable).parent
RESULTS_DIR = ROOT / "bench" / "results"
# The PostgreSQL server, as its client tools read it; DATABASE_URL is built from it.
PG_DEFAULTS = {"PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "postgres"}
PG = {key: os.environ.get(key, default) for key, default in PG_DEFAULTS.items()}


class BenchError(RuntimeError):
    """The benchmark could not run (as opposed to a target not being met)."""


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest sample >= pct % of all samples."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def summarize_ms(samples: list[float]) -> dict:
    if not samples:
        return {"n": 0}
    stats = {"n": len(samples), "mean": statistics.fmean(samples)}
    stats.update({f"p{p}": percentile(samples, p) for p in (50, 95, 99)})
    stats["max"] = max(samples)
    return {k: v if k == "n" else round(v, 2) for k, v in stats.items()}


def brief(value, drop: set[str]):
    """``value`` without the keys in ``drop``, at any depth: the printed figures."""
    if isinstance(value, dict):
        return {k: brief(v, drop) for k, v in value.items() if k not in drop}
    return [brief(v, drop) for v in value] if isinstance(value, list) else value


def grown(counts_by_size: dict[str, dict[str, int]]) -> list[str]:
    """The pages whose SQL query count differs between sizes ({size: {page: n}})."""
    sizes = list(counts_by_size.values())
    return [
        f"{page} {[size[page] for size in sizes]}"
        for page in sizes[0]
        if len({size[page] for size in sizes}) > 1
    ]


def log(message: str) -> None:
    stamp = datetime.datetime.now().astimezone().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


def run(cmd: list, *, timeout: float, env=None, quiet: bool = True) -> str:
    cmd = [str(part) for part in cmd]
    pipe = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT} if quiet else {}
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, env=env, timeout=timeout, text=True, **pipe
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"timed out after {timeout:.0f} s: {' '.join(cmd)}") from error
    if done.returncode != 0:
        tail = "\n".join((done.stdout or "").splitlines()[-25:])
        raise BenchError(f"failed ({done.returncode}): {' '.join(cmd)}\n{tail}")
    return done.stdout or ""


@contextlib.contextmanager
def gunicorn(workers: int, env: dict, log_path: Path, ready_path: str):
    """gunicorn in its own process group (to stop its workers too): its port."""
    import requests

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [VENV_BIN / "gunicorn", "cms.wsgi:application", "--log-level=warning"]
    cmd += [f"--bind=127.0.0.1:{port}", f"--workers={workers}", f"--chdir={ROOT}"]
    cmd += ["--timeout=60", "--graceful-timeout=5"]
    with log_path.open("ab") as out:
        options = {
            "stdout": out,
            "stderr": subprocess.STDOUT,
            "start_new_session": True,
        }
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, **options)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"http://127.0.0.1:{port}{ready_path}").ok:
                    break
            time.sleep(0.2)
        else:
            raise BenchError(f"gunicorn did not answer; see {log_path}")
        yield port
    finally:
        # The process group id is gunicorn's pid (start_new_session): only ours.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # What is left, workers included.
        process.wait()


def log_problems(path: Path) -> list[str]:
    """Lines of gunicorn's log that make its figures suspect (errors, timeouts)."""
    markers = ("Traceback", "WORKER TIMEOUT", "[ERROR]", "[CRITICAL]")
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    return [line for line in lines if any(m in line for m in markers)][:20]


def cpu_jiffies() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)  # Busy (not idle, iowait).


# Keys Celery's Redis transport writes: the only ones the broker database may hold.
BROKER_KEYS = re.compile(r"^(celery|_kombu\..*|unacked.*)$")


class Broker:
    """Where tasks are enqueued (no worker reads them): only Celery's keys allowed."""

    def __init__(self, url: str):
        import redis

        self.url, self.client = url, redis.Redis.from_url(url)
        try:
            self.check()
        except redis.RedisError as error:
            raise BenchError(f"Redis at {url}: {error}") from error

    def check(self) -> None:
        keys = [k.decode() for k in self.client.scan_iter(count=1000)]
        if foreign := [k for k in keys if not BROKER_KEYS.match(k)]:
            raise BenchError(f"{self.url} holds keys not Celery's: {foreign[:5]}")

    def queued(self) -> int:
        return int(self.client.llen("celery"))

    def purge(self) -> None:
        self.check()
        self.client.flushdb()


def commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        describe = ["git", "-C", ROOT, "describe", "--always", "--dirty=+changes"]
        return subprocess.check_output(describe, text=True).strip()
    return "unknown"


class Runner:
    """One benchmark: a subclass names itself, adds its arguments and writes
    ``measure`` (fills ``self.results``), ``evaluate`` (``self.verdict`` per target)
    and ``shown`` (the figures printed; the results file holds everything)."""

    name, db_name = "", ""  # bench/results/<name>-<timestamp>.json; --db-name
    tools = ("psql", "createdb", "dropdb", "vacuumdb")
    gunicorn = False  # Serves the site: gunicorn must be in the venv.
    broker_url = ""  # Default of --broker-url; empty: no broker.
    scratch_media = True  # Uploads, media and checkpoints in the scratch directory.

    def __init__(self, cfg: argparse.Namespace):
        self.cfg, self.results, self.phases = cfg, {}, {}
        self.broker: Broker | None = None
        self.scratch = Path(tempfile.gettempdir()) / f"ventanilla-bench-{self.name}"

    @classmethod
    def add_arguments(cls, add) -> None: ...  # ``add`` is parser.add_argument.

    @classmethod
    def check_arguments(cls, cfg, parser) -> None: ...  # May call parser.error.

    @classmethod
    def parse_args(cls) -> argparse.Namespace:
        parser = argparse.ArgumentParser(
            description=sys.modules[cls.__module__].__doc__.split("\n\n")[0],
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        add = parser.add_argument
        cls.add_arguments(add)
        if cls.broker_url:
            add("--broker-url", default=cls.broker_url, help="Redis db, no worker")
        add("--db-name", default=cls.db_name)
        add("--keep", action="store_true", help="keep the databases afterwards")
        cfg = parser.parse_args()
        cls.check_arguments(cfg, parser)
        return cfg

    # -- databases and processes ------------------------------------------------------

    def databases(self) -> list[str]:
        return [self.cfg.db_name]  # Dropped at the end unless --keep.

    def env(self, database: str | None = None, *, broker=False, **extra) -> dict:
        env = {**os.environ, **PG}
        server = f"{env['PGUSER']}@{env['PGHOST']}:{env['PGPORT']}"
        env.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            DATABASE_URL=f"postgres://{server}/{database or self.cfg.db_name}",
            PYTHONPATH=str(ROOT),
        )
        if self.scratch_media:
            env["AUDIT_CHECKPOINT_DIR"] = str(self.scratch / "audit-checkpoints")
            env["DJANGO_MEDIA_ROOT"] = str(self.scratch / "media")
            env["DJANGO_PRIVATE_MEDIA_ROOT"] = str(self.scratch / "private-media")
        env.update({k: str(v) for k, v in extra.items()})
        # Base settings: CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL.
        env.pop("CELERY_BROKER_URL", None)
        if broker:
            env["CELERY_BROKER_URL"] = self.cfg.broker_url
        return env

    @contextlib.contextmanager
    def timing(self, name: str):
        """Seconds, load average and CPU busy %: others' work moves the latencies."""
        busy0, total0 = cpu_jiffies()
        load0, started = os.getloadavg()[0], time.perf_counter()
        try:
            yield
        finally:
            busy1, total1 = cpu_jiffies()
            self.phases[name] = {
                "seconds": round(time.perf_counter() - started, 1),
                "load1_start": round(load0, 2),
                "load1_end": round(os.getloadavg()[0], 2),
                "cpu_busy_pct": round(100 * (busy1 - busy0) / max(1, total1 - total0)),
            }

    def run_module(self, module: str, params, *, timeout=1800, **env) -> dict:
        """What ``python -m bench.<module> --params JSON --out X`` wrote."""
        out = self.scratch / f"{module}-{uuid.uuid4().hex[:8]}.json"
        cmd = [PYTHON, "-m", f"bench.{module}", f"--params={json.dumps(params)}"]
        cmd.append(f"--out={out}")
        run(cmd, timeout=timeout, env=self.env(**env), quiet=False)
        try:
            return json.loads(out.read_text(encoding="utf-8"))
        finally:
            out.unlink(missing_ok=True)

    def phase(self, name: str, module: str, params, **kwargs) -> dict:
        log(f"{name}: {module} {params}")
        with self.timing(name):
            return self.run_module(module, params, **kwargs)

    def pg(self, tool: str, *args: str, timeout: float = 300) -> str:
        """A PostgreSQL client tool (PGHOST, PGPORT, PGUSER or their defaults)."""
        return run([tool, *args], timeout=timeout, env={**os.environ, **PG})

    def psql(self, sql: str) -> str:
        return self.pg("psql", "-d", "postgres", "-tAc", sql).strip()

    def recreate(self, name: str, template: str | None = None) -> None:
        self.pg("dropdb", "--if-exists", "--force", name)
        self.pg("createdb", *(["-T", template] if template else []), name)

    def manage(self, *args, database=None, timeout=900) -> float:
        started = time.perf_counter()
        run([PYTHON, "manage.py", *args], timeout=timeout, env=self.env(database))
        return round(time.perf_counter() - started, 1)

    def analyze(self, database: str | None = None) -> float:
        """Planner statistics, as autovacuum keeps them on a live site; a fresh bulk
        load has none yet, and the planner then misestimates the queries."""
        started = time.perf_counter()
        name = database or self.cfg.db_name
        self.pg("vacuumdb", "--analyze-only", "--quiet", f"--dbname={name}")
        return round(time.perf_counter() - started, 1)

    def setup_database(self, database=None) -> dict:
        name = database or self.cfg.db_name
        log(f"setup: fresh {name}, migrate, seed_demo")
        self.recreate(name)
        times = {"migrate_s": self.manage("migrate", "--noinput", "-v0", database=name)}
        seed = ("seed_demo", "--allow-demo-users", "--history", "0")
        times["seed_demo_s"] = self.manage(*seed, database=name)
        times["analyze_s"] = self.analyze(name)
        log(f"setup: {times}")
        return times

    # -- the run ----------------------------------------------------------------------

    def preflight(self) -> None:
        for tool in self.tools:
            if shutil.which(tool) is None:
                raise BenchError(f"{tool} not found (apt-get install it)")
        if self.gunicorn and not (VENV_BIN / "gunicorn").exists():
            raise BenchError(f"gunicorn not found in {VENV_BIN}")
        self.psql("SELECT 1")
        if self.broker_url:
            self.broker = Broker(self.cfg.broker_url)
            if self.broker.queued():
                raise BenchError(f"{self.cfg.broker_url} already holds queued tasks")

    def verdict(self, target: str, ok: bool | None, detail: str) -> None:
        status = "INFO" if ok is None else ("PASS" if ok else "FAIL")
        self.results["targets"].append(
            {"target": target, "status": status, "detail": detail}
        )

    def verdict_p95(self, key: str, latency: dict | None, what="", valid=True) -> None:
        """PASS when ``latency``'s p95 is under the target's limit; INFO if missing."""
        if not latency:
            return self.verdict(targets.label(key) + what, None, "not measured")
        ok = valid and latency["p95"] < targets.limit(key)
        self.verdict(targets.label(key) + what, ok, f"p95 {latency['p95']:.1f} ms")

    def report(self) -> list[str]:
        lines = [json.dumps(self.shown(), indent=1, ensure_ascii=False), ""]
        lines.append(
            "Machine load per phase (1-min load average start->end; CPU busy %)"
        )
        for name, p in self.phases.items():
            lines.append(
                f"  {name:<26} {p['seconds']:>6.1f} s  load {p['load1_start']:.1f} "
                f"-> {p['load1_end']:.1f}  cpu {p['cpu_busy_pct']} %"
            )
        lines.append("")
        for item in self.results["targets"]:
            lines.append(f"{item['status']}  {item['target']}: {item['detail']}")
        return [*lines, "", f"total {self.results['total_s']} s"]

    def cleanup(self) -> None:
        if self.broker is not None:
            try:
                self.broker.purge()
            except Exception as error:  # noqa: BLE001 - reported, not fatal
                print(f"could not purge {self.broker.url}: {error}", file=sys.stderr)
        if not self.cfg.keep:
            for name in self.databases():
                with contextlib.suppress(BenchError):
                    self.pg("dropdb", "--if-exists", "--force", name)

    def save(self) -> Path:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        path = RESULTS_DIR / f"{self.name}-{stamp}.json"
        text = json.dumps(self.results, indent=2, ensure_ascii=False, default=str)
        path.write_text(text + "\n", encoding="utf-8")
        return path

    @classmethod
    def main(cls) -> int:
        """Run, clean up and save whatever happens; exit 0 pass, 1 fail, 2 not run."""
        bench, status, started = cls(cls.parse_args()), 2, time.perf_counter()
        for sig in (signal.SIGTERM, signal.SIGHUP):  # An exception: cleaned up below.
            signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
        try:
            bench.preflight()
            bench.results.update(
                started_at=datetime.datetime.now(datetime.UTC).isoformat(),
                host={"cpus": os.cpu_count(), "python": platform.python_version()},
                commit=commit(),
                config=vars(bench.cfg),
                load=bench.phases,
            )
            # Cleared at the start, kept after: gunicorn's logs, when things go wrong.
            shutil.rmtree(bench.scratch, ignore_errors=True)
            bench.scratch.mkdir(parents=True)
            bench.measure()
            bench.results["targets"] = []
            bench.evaluate()
            bench.results["total_s"] = round(time.perf_counter() - started, 1)
            print("\n".join(["", *bench.report()]))
            status = int(any(t["status"] == "FAIL" for t in bench.results["targets"]))
        except BenchError as error:
            bench.results["error"] = str(error)
            print(f"\nERROR: {error}", file=sys.stderr)
        except KeyboardInterrupt:
            bench.results["error"] = "interrupted"
            status = 130
        finally:
            bench.cleanup()
            if bench.results:
                print(f"results: {bench.save().relative_to(ROOT)}")
        return status


# --- the measuring modules -----------------------------------------------------------


def module_main(measure) -> None:
    """A measuring module's main: ``measure(**params)`` (``--params``, JSON) written to
    ``--out`` as JSON, Django set up."""
    parser = argparse.ArgumentParser(description=sys.modules["__main__"].__doc__)
    parser.add_argument("--params", type=json.loads, default={}, help="JSON object")
    parser.add_argument("--out", required=True, help="JSON results")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    text = json.dumps(measure(**args.params), ensure_ascii=False, default=str)
    Path(args.out).write_text(text, encoding="utf-8")


@contextlib.contextmanager
def captured():
    """Wall time (``ms``) and SQL (``queries``) of the block, in-process."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # The connection keeps at most 9,000 queries: past that, a capture that only
    # compares lengths counts 0 (the first runs of the mix bench reported 0).
    reset_queries()
    out: dict = {}
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        yield out
        out["ms"] = (time.perf_counter() - started) * 1000
    out["queries"] = queries.captured_queries


def get_with_sql(client, url: str):
    """GET ``url`` once to warm the per-process caches (content types, site root,
    templates), then again with its SQL captured: what every later request costs."""
    client.get(url)
    with captured() as capture:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response, capture


def timed_gets(client, urls: list[str], requests: int) -> list[float]:
    samples = []
    for number in range(requests):
        started = time.perf_counter()
        response = client.get(urls[number % len(urls)])
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {urls[number % len(urls)]}: {response.status_code}")
    return samples


def forked(count: int, prepare, work, timeout: float = 1800) -> tuple[list, float]:
    """``prepare(i)`` in ``count`` forked processes (own connection, no shared GIL),
    then ``work(prepared)`` in all at once: the results, seconds to the last one."""
    from django.db import connections

    def child(index):
        connections.close_all()  # A forked child opens its own connection.
        try:
            prepared = prepare(index)
            ready.put(True)
            go.wait()
            results.put((work(prepared), time.time()))
        except BaseException as error:  # Reported by the parent, then re-raised.
            ready.put(False)
            results.put(repr(error))
            raise
        finally:
            connections.close_all()

    context = multiprocessing.get_context("fork")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    connections.close_all()
    procs = [context.Process(target=child, args=(i,)) for i in range(count)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=300)  # Every child prepared (or failed).
    started = time.time()
    go.set()
    outcomes = [results.get(timeout=timeout) for _ in procs]
    for proc in procs:
        proc.join()
    if errors := [o for o in outcomes if isinstance(o, str)]:
        raise SystemExit(f"a forked worker failed: {errors[:3]}")
    return [o[0] for o in outcomes], max(o[1] for o in outcomes) - started
