"""The one runner skeleton of the benchmarks: statistics, subprocesses, gunicorn,
PostgreSQL and the broker, machine load, and ``Runner`` (arguments, preflight, fresh
database, the measuring modules run in a subprocess, PASS/FAIL against
``bench/targets.py``, report and JSON results, clean-up whatever happens)."""

import argparse
import contextlib
import datetime
import http.client
import json
import math
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

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
RESULTS_DIR = ROOT / "bench" / "results"


class BenchError(RuntimeError):
    """The benchmark could not run (as opposed to a target not being met)."""


# --- statistics ----------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest sample >= pct % of all samples."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize_ms(samples: list[float]) -> dict:
    if not samples:
        return {"n": 0}
    return {
        "n": len(samples),
        "mean": round(statistics.fmean(samples), 2),
        "p50": round(percentile(samples, 50), 2),
        "p95": round(percentile(samples, 95), 2),
        "p99": round(percentile(samples, 99), 2),
        "max": round(max(samples), 2),
    }


# --- processes -----------------------------------------------------------------------


def log(message: str) -> None:
    stamp = datetime.datetime.now().astimezone().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


def run(cmd: list, *, timeout: float, env=None, quiet: bool = True) -> str:
    """Run ``cmd`` in the project root; raise BenchError with its output on failure."""
    cmd = [str(part) for part in cmd]
    try:
        done = subprocess.run(
            cmd,
            cwd=ROOT,
            env=env,
            timeout=timeout,
            text=True,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"timed out after {timeout:.0f} s: {' '.join(cmd)}") from error
    if done.returncode != 0:
        tail = "\n".join((done.stdout or "").splitlines()[-25:])
        raise BenchError(f"failed ({done.returncode}): {' '.join(cmd)}\n{tail}")
    return done.stdout or ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Gunicorn:
    """gunicorn in its own process group, so stopping it also stops its workers.

    Ready once ``ready_path`` answers 200.
    """

    running: set["Gunicorn"] = set()

    def __init__(
        self,
        workers: int,
        env: dict,
        log_path: Path,
        *,
        ready_path: str,
        threads: int = 0,
    ):
        self.workers, self.threads, self.env = workers, threads, env
        self.log_path, self.ready_path = log_path, ready_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Gunicorn":
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "cms.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            "--timeout=60",
            "--graceful-timeout=5",
            "--log-level=warning",
            f"--chdir={ROOT}",
        ]
        if self.threads:
            cmd.append(f"--threads={self.threads}")
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        Gunicorn.running.add(self)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited; see {self.log_path}")
            with contextlib.suppress(OSError):
                if http_get(self.port, self.ready_path)[0] == 200:
                    return
            time.sleep(0.2)
        raise BenchError(f"gunicorn not ready after {seconds} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None:
            return
        # The process group id is gunicorn's pid (start_new_session): only ours.
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # Orphaned workers, if any.
        Gunicorn.running.discard(self)
        self.process = None

    @classmethod
    def stop_all(cls) -> None:
        for server in list(cls.running):
            server.stop()


def log_problems(path: Path) -> list[str]:
    """Lines of gunicorn's log that make its figures suspect (errors, timeouts)."""
    if not path.exists():
        return []
    markers = ("Traceback", "WORKER TIMEOUT", "[ERROR]", "[CRITICAL]")
    lines = path.read_text(errors="replace").splitlines()
    return [line for line in lines if any(m in line for m in markers)][:20]


# --- the machine, the broker ---------------------------------------------------------


def _cpu_jiffies() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Load:
    """Load average and CPU use of the whole machine (others' work included) per phase:
    on 2 shared cores, others' work moves the latencies several-fold."""

    def __init__(self):
        self.phases: dict[str, dict] = {}

    @contextlib.contextmanager
    def phase(self, name: str):
        busy0, total0 = _cpu_jiffies()
        load0, started = os.getloadavg()[0], time.perf_counter()
        try:
            yield
        finally:
            busy1, total1 = _cpu_jiffies()
            self.phases[name] = {
                "seconds": round(time.perf_counter() - started, 1),
                "load1_start": round(load0, 2),
                "load1_end": round(os.getloadavg()[0], 2),
                "cpu_busy_pct": round(100 * (busy1 - busy0) / max(1, total1 - total0)),
            }


# Keys Celery's Redis transport writes: the only ones the broker database may hold.
BROKER_KEYS = re.compile(r"^(celery|_kombu\..*|unacked.*)$")


class Broker:
    """The Redis database tasks are published to and no worker reads: refused when
    it holds anyone else's keys, emptied at the end."""

    def __init__(self, url: str):
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url)
        try:
            foreign = self.foreign_keys()
        except redis.RedisError as error:
            raise BenchError(f"Redis at {url}: {error}") from error
        if foreign:
            raise BenchError(f"{url} is in use (keys {foreign[:5]}); pick --broker-url")

    def foreign_keys(self) -> list[str]:
        keys = [k.decode() for k in self.client.scan_iter(count=1000)]
        return [k for k in keys if not BROKER_KEYS.match(k)]

    def queued(self) -> int:
        return int(self.client.llen("celery"))

    def task_names(self, last: int) -> list[str]:
        raw = self.client.lrange("celery", 0, last - 1) if last else []
        return [json.loads(m).get("headers", {}).get("task", "?") for m in raw]

    def purge(self) -> None:
        foreign = self.foreign_keys()
        if foreign:
            raise BenchError(f"{self.url} holds keys that are not Celery's: {foreign}")
        self.client.flushdb()


def commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        git = ["git", "-C", str(ROOT)]
        head = subprocess.check_output(
            [*git, "rev-parse", "--short", "HEAD"], text=True
        )
        dirty = subprocess.check_output(
            [*git, "status", "--porcelain", "--untracked-files=no"], text=True
        )
        return head.strip() + ("+changes" if dirty.strip() else "")
    return "unknown"


# --- the runner ----------------------------------------------------------------------


def _exit_on_signal(signum, frame):
    # Turn SIGTERM/SIGHUP into an exception so the finally block cleans up.
    raise SystemExit(128 + signum)


class Runner:
    """One benchmark: subclasses name themselves, add their arguments and write
    ``measure`` (fills ``self.results``), ``evaluate`` (``self.verdict`` per target
    of ``bench/targets.py``) and ``report`` (text lines); the rest is here."""

    name = ""  # bench/results/<name>-<timestamp>.json, bench.<name>.settings.
    db_name = ""
    tools = ("psql", "createdb", "dropdb", "vacuumdb")
    gunicorn = False  # Serves the site: gunicorn must be in the venv.
    broker_url = ""  # Default of --broker-url; empty: no broker.

    def __init__(self, cfg: argparse.Namespace):
        self.cfg = cfg
        self.pg = ["-h", cfg.pg_host, "-p", str(cfg.pg_port), "-U", cfg.pg_user]
        self.results: dict = {}
        self.load = Load()
        self.broker: Broker | None = None
        self.scratch = Path(tempfile.gettempdir()) / f"ventanilla-bench-{self.name}"

    # -- arguments --------------------------------------------------------------------

    @classmethod
    def add_arguments(cls, add) -> None:
        """The runner's own options (``add`` is ``parser.add_argument``)."""

    @classmethod
    def check_arguments(cls, cfg, parser) -> None:
        """Reject inconsistent options with ``parser.error``."""

    @classmethod
    def parse_args(cls, argv=None) -> argparse.Namespace:
        doc = sys.modules[cls.__module__].__doc__ or ""
        parser = argparse.ArgumentParser(
            description=doc.split("\n\n")[0],
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        add = parser.add_argument
        cls.add_arguments(add)
        if cls.broker_url:
            add("--broker-url", default=cls.broker_url, help="Redis db, no worker")
        add("--db-name", default=cls.db_name)
        add("--pg-host", default=os.environ.get("PGHOST", "127.0.0.1"))
        add("--pg-port", default=os.environ.get("PGPORT", "5432"))
        add("--pg-user", default=os.environ.get("PGUSER", "postgres"))
        add("--keep", action="store_true", help="keep the databases afterwards")
        cfg = parser.parse_args(argv)
        cls.check_arguments(cfg, parser)
        return cfg

    # -- databases and processes ------------------------------------------------------

    def database_url(self, name: str | None = None) -> str:
        host, port, user = self.pg[1], self.pg[3], self.pg[5]
        return f"postgres://{user}@{host}:{port}/{name or self.cfg.db_name}"

    def databases(self) -> list[str]:
        """Dropped at the end unless --keep."""
        return [self.cfg.db_name]

    def env(self, database: str | None = None, *, broker=False, **extra) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE=f"bench.{self.name}.settings",
            DATABASE_URL=self.database_url(database),
            PYTHONPATH=str(ROOT),
            **{k: str(v) for k, v in extra.items()},
        )
        # Base settings: CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL.
        env.pop("CELERY_BROKER_URL", None)
        if broker:
            env["CELERY_BROKER_URL"] = self.cfg.broker_url
        return env

    def run_module(self, module: str, args, *, timeout=1800, **env) -> dict:
        """``python -m bench.<module> ... --out X`` in the bench's settings; the JSON
        it wrote."""
        out = self.scratch / f"{module}-{uuid.uuid4().hex[:8]}.json"
        cmd = [PYTHON, "-m", f"bench.{module}", *args, f"--out={out}"]
        run(cmd, timeout=timeout, env=self.env(**env), quiet=False)
        try:
            return json.loads(out.read_text(encoding="utf-8"))
        finally:
            out.unlink(missing_ok=True)

    def psql(self, sql: str) -> str:
        return pg(self, "psql", "-d", "postgres", "-tAc", sql).strip()

    def database_exists(self, name: str) -> bool:
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"

    def manage(self, *args, database=None, timeout=900) -> float:
        started = time.perf_counter()
        cmd = [PYTHON, "manage.py", *args]
        run(cmd, timeout=timeout, env=self.env(database))
        return round(time.perf_counter() - started, 1)

    def analyze(self, database: str | None = None, timeout=300) -> float:
        """Planner statistics, as autovacuum keeps them on a live site; a fresh bulk
        load has none yet, and the planner then misestimates the queries."""
        started = time.perf_counter()
        name = database or self.cfg.db_name
        pg(
            self,
            "vacuumdb",
            "--analyze-only",
            "--quiet",
            f"--dbname={name}",
            timeout=timeout,
        )
        return round(time.perf_counter() - started, 1)

    def setup_database(self, database=None, *, timeout=900) -> dict:
        """Fresh database, ``migrate``, ``seed_demo`` (demo users), ``ANALYZE``."""
        name = database or self.cfg.db_name
        log(f"setup: fresh {name}, migrate, seed_demo")
        recreate_database(self, name)
        times = {
            "migrate_s": self.manage(
                "migrate", "--noinput", "-v0", database=name, timeout=timeout
            )
        }
        times["seed_demo_s"] = self.manage(
            "seed_demo",
            "--allow-demo-users",
            "--history",
            "0",
            database=name,
            timeout=timeout,
        )
        times["analyze_s"] = self.analyze(name)
        log(f"setup: {times}")
        return times

    # -- the run ----------------------------------------------------------------------

    def preflight(self) -> None:
        for tool in self.tools:
            if shutil.which(tool) is None:
                hint = " (apt-get install wrk)" if tool == "wrk" else ""
                raise BenchError(f"{tool} not found{hint}")
        if self.gunicorn and not (VENV_BIN / "gunicorn").exists():
            raise BenchError(f"gunicorn not found in {VENV_BIN}")
        self.psql("SELECT 1")
        try:
            import redis  # noqa: F401
        except ImportError as error:
            raise BenchError("run with the project's .venv/bin/python") from error
        if self.broker_url:
            self.broker = Broker(self.cfg.broker_url)
            if self.broker.queued():
                raise BenchError(f"{self.cfg.broker_url} already holds queued tasks")

    def verdict(self, target: str, ok: bool | None, detail: str) -> None:
        status = "INFO" if ok is None else ("PASS" if ok else "FAIL")
        self.results["targets"].append(
            {"target": target, "status": status, "detail": detail}
        )

    def measure(self) -> None:
        raise NotImplementedError

    def evaluate(self) -> None:
        raise NotImplementedError

    def report(self) -> list[str]:
        raise NotImplementedError

    def footer(self) -> list[str]:
        lines = [
            "",
            "Machine load per phase (1-min load average start->end; CPU busy %)",
        ]
        for name, phase in self.load.phases.items():
            lines.append(
                f"  {name:<26} {phase['seconds']:>6.1f} s  load "
                f"{phase['load1_start']:.1f} -> {phase['load1_end']:.1f}  "
                f"cpu {phase['cpu_busy_pct']} %"
            )
        lines.append("")
        for item in self.results["targets"]:
            lines.append(f"{item['status']}  {item['target']}: {item['detail']}")
        return lines

    def execute(self) -> int:
        started = time.perf_counter()
        self.preflight()
        self.results.update(
            started_at=datetime.datetime.now(datetime.UTC).isoformat(),
            host={
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "commit": commit(),
            },
            config=vars(self.cfg),
            load=self.load.phases,
        )
        # Cleared at the start, kept after: gunicorn's logs for when things go wrong.
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True)
        self.measure()
        self.results["targets"] = []
        self.evaluate()
        self.results["total_s"] = round(time.perf_counter() - started, 1)
        print("\n".join(["", *self.report(), *self.footer()]))
        print(f"\ntotal {self.results['total_s']} s")
        return 1 if any(t["status"] == "FAIL" for t in self.results["targets"]) else 0

    def cleanup(self) -> None:
        if self.broker is not None:
            try:
                self.broker.purge()
            except Exception as error:  # noqa: BLE001 - reported, not fatal
                print(f"could not purge {self.broker.url}: {error}", file=sys.stderr)
        if not self.cfg.keep:
            for name in self.databases():
                with contextlib.suppress(BenchError):
                    pg(self, "dropdb", "--if-exists", "--force", name)

    def save(self) -> Path | None:
        if not self.results:
            return None
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        path = RESULTS_DIR / f"{self.name}-{stamp}.json"
        text = json.dumps(self.results, indent=2, ensure_ascii=False, default=str)
        path.write_text(text + "\n", encoding="utf-8")
        return path

    @classmethod
    def main(cls, script: str) -> int:
        """Run the benchmark: whatever happens, gunicorns are stopped, the run cleans
        up and its results are saved. Exit status: 0 every target passes, 1 one
        fails, 2 the benchmark could not run."""
        if Path(sys.executable) != Path(PYTHON) and Path(PYTHON).exists():
            # Started with another interpreter (e.g. ./run.py): use the project's venv.
            os.execv(PYTHON, [PYTHON, script, *sys.argv[1:]])
        cfg = cls.parse_args()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _exit_on_signal)
        bench, status = cls(cfg), 2
        try:
            status = bench.execute()
        except BenchError as error:
            bench.results["error"] = str(error)
            print(f"\nERROR: {error}", file=sys.stderr)
        except KeyboardInterrupt:
            bench.results["error"] = "interrupted"
            status = 130
        finally:
            Gunicorn.stop_all()
            bench.cleanup()
            path = bench.save()
            if path:
                print(f"results: {path.relative_to(ROOT)}")
        return status


# --- PostgreSQL ----------------------------------------------------------------------


def pg(runner, tool: str, *args: str, timeout: float = 300) -> str:
    """A PostgreSQL client tool with the connection options of ``runner.pg``."""
    return run([tool, *runner.pg, *args], timeout=timeout)


def recreate_database(runner, name: str, template: str | None = None) -> None:
    pg(runner, "dropdb", "--if-exists", "--force", name)
    pg(runner, "createdb", *(["-T", template] if template else []), name)


# --- the measuring modules -----------------------------------------------------------


def module_main(settings: str, arguments, measure) -> None:
    """The ``main`` of a measuring module run by a runner: its options
    (``arguments(add)``) and ``--out``, Django set up with ``settings`` unless
    DJANGO_SETTINGS_MODULE says otherwise, ``measure(args)`` written there as JSON."""
    doc = sys.modules["__main__"].__doc__ or ""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    arguments(parser.add_argument)
    parser.add_argument("--out", required=True, help="JSON results")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()
    result = measure(args)
    text = json.dumps(result, ensure_ascii=False, default=str)
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
