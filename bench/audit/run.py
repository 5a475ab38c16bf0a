"""Audit trail benchmark (PostgreSQL).

    .venv/bin/python bench/audit/run.py [--events 1000000] [--keep]

Measures, on a fresh database ``ventanilla_bench_audit``:
  1. append latency and throughput on one chain (sequential, one transaction each);
  2. append latency and throughput on 50 chains written at once by 4 processes (as
     many as web and worker processes on a 2-core box) and by 50 processes, and on
     one chain by 4 processes at once (contention on the chain head lock);
  3. ``verify()`` over N events (default 1,000,000) in 1,000 chains, bulk-loaded
     with correct hashes.
Targets (issue #3): append p95 < 5 ms; verify >= 500,000 events/s.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "ventanilla_bench_audit"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ["AUDIT_CHECKPOINT_DIR"] = f"/tmp/{DB_NAME}-checkpoints"


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def fresh_database():
    subprocess.run(["rm", "-rf", os.environ["AUDIT_CHECKPOINT_DIR"]], check=True)
    subprocess.run(
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DB_NAME],
        check=True,
    )
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ},
        check=True,
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
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
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
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
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


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--chains", type=int, default=1000)
    parser.add_argument("--appends", type=int, default=2000)
    args = parser.parse_args()

    fresh_database()
    import django

    django.setup()
    from audit.verify import verify

    results = {"sequential_one_chain": bench_sequential(args.appends)}
    results["50_chains_4_writers"] = bench_processes(4, 50, 500)
    results["50_chains_50_writers"] = bench_processes(50, 50, 40)
    results["one_chain_4_writers"] = bench_processes(4, 1, 250, same_chain=True)
    results["bulk_load"] = bulk_load(args.events, args.chains)
    results["checkpoint"] = bench_checkpoints(args.chains)
    report = verify()
    assert report.ok, report.breaks[:3]
    results["verify"] = {
        "events": report.events,
        "chains": report.chains,
        "seconds": report.seconds,
        "per_s": report.events / report.seconds,
    }

    print(f"\nAudit benchmark on PostgreSQL ({DB_NAME})")
    appends = (
        "sequential_one_chain",
        "50_chains_4_writers",
        "50_chains_50_writers",
        "one_chain_4_writers",
    )
    for name in appends:
        r = results[name]
        print(
            f"  append {name:<22} {r['events']:>6} events  {r['per_s']:>8.0f}/s"
            f"  p50 {r['p50_ms']:.2f} ms  p95 {r['p95_ms']:.2f} ms"
        )
    c = results["checkpoint"]
    print(
        f"  checkpoint: first (every chain from genesis) {c['first_s']:.2f} s,"
        f" next (100 chains moved) {c['next_s']:.2f} s"
    )
    v = results["verify"]
    print(
        f"  verify {v['events']:,} events in {v['chains']:,} chains: {v['seconds']:.2f} s = {v['per_s']:,.0f} events/s"
    )
    p95 = max(
        results[n]["p95_ms"] for n in ("sequential_one_chain", "50_chains_4_writers")
    )
    verdict = "PASS" if p95 < 5 else "FAIL"
    print(
        f"  TARGET append p95 < 5 ms (one chain; 50 chains, 4 writers): {verdict} ({p95:.2f} ms)"
    )
    print(
        "  (50 writers on 2 cores queue for the CPU: their p95 is reported, not targeted)"
    )
    print(
        f"  TARGET verify >= 500,000 events/s: {'PASS' if v['per_s'] >= 500_000 else 'FAIL'} ({v['per_s']:,.0f}/s)"
    )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"audit-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(results, indent=2)
    )
    return results


if __name__ == "__main__":
    main()
