"""Every benchmark target, in one table read by the runners' PASS/FAIL lines:
``TARGETS[key]`` is ``(limit, what)``, ``what`` formatted with the limit."""

TARGETS = {
    "catalog.search_p95_ms": (50.0, "(c) search p95 < {:.0f} ms"),
    "catalog.cached_to_hello": (1 / 3, "(b) cached page >= {:.2f} of hello req/s"),
    "filing.queue_p95_ms": (100.0, "queue p95 < {:.0f} ms"),
    "filing.queue_cases": (1_000_000, "{:,} cases"),
    "filing.mix_p95_ms": (60.0, "p95 < {:.0f} ms (tasks enqueued, as in production)"),
    "wizard.step_p95_ms": (60.0, "step POST p95 < {:.0f} ms"),
    "wizard.submit_p95_ms": (300.0, "submit p95 < {:.0f} ms (PDFs asynchronous)"),
    "wizard.step_queries": (15, "SQL queries per step POST <= {}, none of the catalog"),
    "audit.append_p95_ms": (5.0, "append p95 < {:.0f} ms (1 chain; 50 by 4 writers)"),
    "audit.verify_per_s": (500_000, "verify >= {:,} events/s"),
    "risk.full_scan_s": (60.0, "full risk scan of 1,000,000 events < {:.0f} s"),
    "risk.incremental_p95_ms": (
        1000.0,
        "incremental scan of 1,000 events p95 < {:.0f} ms",
    ),
    "risk.queue_p95_ms": (100.0, "risk queue p95 < {:.0f} ms with 10,000 flags"),
}


def limit(key: str):
    return TARGETS[key][0]


def label(key: str) -> str:
    value, what = TARGETS[key]
    return what.format(value)
