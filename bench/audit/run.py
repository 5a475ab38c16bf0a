#!/usr/bin/env python3
"""Audit trail benchmark (PostgreSQL): append latency and verify throughput.

    .venv/bin/python bench/audit/run.py [--events 1000000] [--keep]

Measures, on a fresh database ``ventanilla_bench_audit`` (migrated, no seed):
  1. append latency and throughput on one chain (sequential, one transaction each);
  2. append latency and throughput on 50 chains written at once by 4 processes (as
     many as web and worker processes on a 2-core box) and by 50 processes, and on
     one chain by 4 processes at once (contention on the chain head lock);
  3. ``verify()`` over N events (default 1,000,000) in 1,000 chains, bulk-loaded
     with correct hashes, and the first and next checkpoints.
In this process (forked writers), with the development settings.
"""

import io
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import targets
from bench.common import Runner, log, recreate_database, summarize_ms

DB_NAME = "ventanilla_bench_audit"
APPENDS = (
    "sequential_one_chain",
    "50_chains_4_writers",
    "50_chains_50_writers",
    "one_chain_4_writers",
)


def bench_sequential(n):
    from audit import record

    latencies = []
    started = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        record(
            action="bench.append",
            subject_type="bench",
            subject_id="seq",
            details={"i": i},
        )
        latencies.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    return {
        "events": n,
        "per_s": n / total,
        "p50_ms": summarize_ms(latencies)["p50"],
        "p95_ms": summarize_ms(latencies)["p95"],
    }


def _append_worker(worker, workers, chains, per_worker, same_chain, results):
    from django.db import connections

    from audit import record

    connections.close_all()  # a forked child opens its own connection
    latencies = []
    mine = [c for c in range(chains) if c % workers == worker] or [worker]
    for i in range(per_worker):
        key = "bench:shared" if same_chain else f"bench:chain-{mine[i % len(mine)]}"
        t0 = time.perf_counter()
        record(
            action="bench.append",
            subject_type="bench",
            subject_id=key,
            chain_key=key,
            details={"i": i},
        )
        latencies.append((time.perf_counter() - t0) * 1000)
    results.put(latencies)


def bench_processes(workers, chains, per_worker, same_chain=False):
    """``workers`` processes append at once (separate connections, no shared GIL)."""
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    connections.close_all()
    procs = [
        context.Process(
            target=_append_worker,
            args=(w, workers, chains, per_worker, same_chain, results),
        )
        for w in range(workers)
    ]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    latencies = [ms for _ in procs for ms in results.get()]
    for proc in procs:
        proc.join()
    total = time.perf_counter() - started
    return {
        "events": len(latencies),
        "writers": workers,
        "chains": 1 if same_chain else chains,
        "per_s": len(latencies) / total,
        "p50_ms": summarize_ms(latencies)["p50"],
        "p95_ms": summarize_ms(latencies)["p95"],
    }


def bulk_load(n_events, n_chains):
    """Valid chains written straight with COPY (what record() would have produced)."""
    from django.db import connection

    from audit import chain
    from audit.db import set_guards

    per_chain = n_events // n_chains
    t0 = time.perf_counter()
    buffer, heads = io.StringIO(), io.StringIO()
    for c in range(n_chains):
        key = f"bench:bulk-{c:05d}"
        prev = chain.genesis_hash(key)
        for seq in range(1, per_chain + 1):
            body = chain.canonical_json(
                {
                    "v": 1,
                    "chain": key,
                    "seq": seq,
                    "at": "2026-11-24T12:00:00.000000Z",
                    "action": "bench.bulk",
                    "actor_id": "7",
                    "actor_username": "funcionario_ccb",
                    "actor_role": "Funcionarios CCB",
                    "subject_type": "case",
                    "subject_id": str(c),
                    "radicado": f"CCB-2026-{c:06d}",
                    "result": "ok",
                    "reason": "",
                    "before": {"status": "radicado"},
                    "after": {"status": "en_revision"},
                    "details": {},
                    "request_id": "0" * 32,
                    "ip": "10.0.0.1",
                    "user_agent": "bench",
                    "origin": "web:POST",
                }
            )
            digest = chain.event_hash(prev, body)
            buffer.write(f"{body.replace(chr(92), chr(92) * 2)}\t{prev}\t{digest}\n")
            prev = digest
        heads.write(f"{key}\t{per_chain}\t{prev}\n")
    generated = time.perf_counter() - t0
    buffer.seek(0)
    heads.seek(0)
    set_guards(False)  # heads written straight, not moved one event at a time
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY audit_auditevent (body, prev_hash, hash) FROM STDIN"
        ) as copy:
            copy.write(buffer.read())
        with raw.copy(
            "COPY audit_chainhead (chain_key, seq, head_hash) FROM STDIN"
        ) as copy:
            copy.write(heads.read())
        cursor.execute("ANALYZE audit_auditevent")
    set_guards(True)
    return {"generated_s": generated, "loaded_s": time.perf_counter() - t0 - generated}


def bench_checkpoints(n_chains):
    """The first checkpoint checks every chain from its genesis; the next ones only
    what was appended since (here one event on each of 100 chains)."""
    from audit import record
    from audit.checkpoints import create_checkpoint

    t0 = time.perf_counter()
    create_checkpoint()
    first = time.perf_counter() - t0
    for c in range(0, n_chains, max(1, n_chains // 100)):
        key = f"bench:bulk-{c:05d}"
        record(action="bench.more", subject_type="case", subject_id=c, chain_key=key)
    t0 = time.perf_counter()
    create_checkpoint()
    return {"first_s": first, "next_s": time.perf_counter() - t0}


class AuditBench(Runner):
    name, db_name = "audit", DB_NAME
    tools = ("psql", "createdb", "dropdb", "vacuumdb")

    @classmethod
    def add_arguments(cls, add) -> None:
        add("--events", type=int, default=1_000_000, help="verified events")
        add("--chains", type=int, default=1000, help="chains they are spread over")
        add("--appends", type=int, default=2000, help="sequential appends")

    def env(self, database=None, *, broker=False, **extra) -> dict:
        env = super().env(database, broker=broker, **extra)
        env["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
        env["AUDIT_CHECKPOINT_DIR"] = f"/tmp/{DB_NAME}-checkpoints"
        return env

    def measure(self) -> None:
        cfg, results = self.cfg, self.results
        env = self.env()
        shutil.rmtree(env["AUDIT_CHECKPOINT_DIR"], ignore_errors=True)
        with self.load.phase("setup"):
            recreate_database(self, cfg.db_name)
            self.manage("migrate", "--noinput", "-v0")
        os.environ.update(env)
        import django

        django.setup()
        from audit.verify import verify

        log("appends: sequential, then 4 and 50 writers")
        with self.load.phase("append"):
            results["sequential_one_chain"] = bench_sequential(cfg.appends)
            results["50_chains_4_writers"] = bench_processes(4, 50, 500)
            results["50_chains_50_writers"] = bench_processes(50, 50, 40)
            results["one_chain_4_writers"] = bench_processes(4, 1, 250, same_chain=True)
        log(f"bulk load of {cfg.events:,} events, checkpoints, verify")
        with self.load.phase("verify"):
            results["bulk_load"] = bulk_load(cfg.events, cfg.chains)
            results["checkpoint"] = bench_checkpoints(cfg.chains)
            report = verify()
        assert report.ok, report.breaks[:3]
        results["verify"] = {
            "events": report.events,
            "chains": report.chains,
            "seconds": report.seconds,
            "per_s": report.events / report.seconds,
        }

    def evaluate(self) -> None:
        results = self.results
        p95 = max(results[n]["p95_ms"] for n in APPENDS[:2])
        ok = p95 < targets.limit("audit.append_p95_ms")
        self.verdict(targets.label("audit.append_p95_ms"), ok, f"{p95:.2f} ms")
        per_s = results["verify"]["per_s"]
        ok = per_s >= targets.limit("audit.verify_per_s")
        self.verdict(targets.label("audit.verify_per_s"), ok, f"{per_s:,.0f}/s")

    def report(self) -> list[str]:
        results = self.results
        lines = [f"Audit benchmark on PostgreSQL ({self.cfg.db_name})"]
        for name in APPENDS:
            r = results[name]
            lines.append(
                f"  append {name:<22} {r['events']:>6} events  {r['per_s']:>8.0f}/s"
                f"  p50 {r['p50_ms']:.2f} ms  p95 {r['p95_ms']:.2f} ms"
            )
        c, v = results["checkpoint"], results["verify"]
        lines.append(
            f"  checkpoint: first (every chain from genesis) {c['first_s']:.2f} s,"
            f" next (100 chains moved) {c['next_s']:.2f} s"
        )
        lines.append(
            f"  verify {v['events']:,} events in {v['chains']:,} chains: "
            f"{v['seconds']:.2f} s = {v['per_s']:,.0f} events/s"
        )
        lines.append(
            "  (50 writers on 2 cores queue for the CPU: their p95 is reported, "
            "not targeted)"
        )
        return lines


if __name__ == "__main__":
    sys.exit(AuditBench.main(__file__))
