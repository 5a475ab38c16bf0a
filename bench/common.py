"""Plumbing the benchmark runners share: statistics, subprocesses, gunicorn,
PostgreSQL, and the main loop that always cleans up and saves what it measured."""

import contextlib
import datetime
import http.client
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable


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


# --- PostgreSQL ----------------------------------------------------------------------


def pg(cfg, tool: str, *args: str, timeout: float = 300) -> str:
    """A PostgreSQL client tool with the connection options of ``cfg.pg``."""
    return run([tool, *cfg.pg, *args], timeout=timeout)


def recreate_database(cfg, name: str, template: str | None = None) -> None:
    pg(cfg, "dropdb", "--if-exists", "--force", name)
    pg(cfg, "createdb", *(["-T", template] if template else []), name)


# --- the main loop -------------------------------------------------------------------


def _exit_on_signal(signum, frame):
    # Turn SIGTERM/SIGHUP into an exception so the finally block cleans up.
    raise SystemExit(128 + signum)


def bench_main(script: str, parse_args, make_run) -> int:
    """Run a benchmark: ``make_run(parse_args())`` has ``execute()`` (the exit status),
    ``cleanup()``, ``save()`` (the results path or None) and ``results``. Whatever
    happens, gunicorns are stopped, the run cleans up and its results are saved."""
    if Path(sys.executable) != Path(PYTHON) and Path(PYTHON).exists():
        # Started with another interpreter (e.g. ./run.py): use the project's venv.
        os.execv(PYTHON, [PYTHON, script, *sys.argv[1:]])
    cfg = parse_args()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit_on_signal)
    bench = make_run(cfg)
    status = 2
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
