"""The risk scan measured on the synthetic trail: a full recompute, incremental
passes over 1,000 new events each, and the auditors' risk queue with 10,000 flags.

    python -m bench.risk.scanning --params '{"phase": "full", "detectors": "standins"}' --out r.json

``detectors``: "registered" (whatever ``oversight.detectors.MODULES`` holds) or
"standins" (bench/risk/standins.py, one detector per scope).
"""

import datetime
import random
import time

from bench.common import module_main, summarize_ms


def use(detectors_set: str) -> list[str]:
    from bench.risk import standins
    from oversight import detectors

    if detectors_set.startswith("standins"):
        # "standins_without_officer": the cost of the officer scope, by difference.
        chosen = {
            d.code: d
            for d in standins.DETECTORS
            if detectors_set == "standins" or d.scope != "officer"
        }
        detectors.registry = lambda: chosen
    return sorted(f"{d.code}:{d.scope}" for d in detectors.registry().values())


def full(detectors_set: str) -> dict:
    from oversight import scan

    registered = use(detectors_set)
    rates = []
    result = scan.full(lambda n, s: rates.append(round(n / s)))
    return {
        "detectors": registered,
        "seconds": round(result.seconds, 1),
        "events": result.events,
        "cases": result.cases,
        "groups": result.groups,
        "flags": result.findings,
        "events_per_s_while_reading": rates[-1] if rates else None,
    }


def new_events(world, rng, heads: dict, recent: list[str], count: int, at, number):
    """``count`` events: half on new cases (numbered from ``number``), half views of
    recent cases."""
    from bench.risk import trail

    events = []
    while len(events) < count // 2:
        number += 1
        events.extend(trail.case_events(world, number, at))
    for chain_key in rng.sample(recent, count - len(events)):
        officer = str(50_000 + rng.randrange(300))
        events.append(
            (at, chain_key, "case.viewed", {"actor_id": officer, "details": {}})
        )
    events.sort(key=lambda event: event[0])
    return trail.write(events[:count], heads)


def incremental(detectors_set: str, repetitions=20, events=1000) -> dict:
    from django.db import connection

    from bench.risk import trail
    from oversight import scan

    registered = use(detectors_set)
    rng = random.Random(7)
    world = trail.World(trail.entities())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT chain_key, seq, head_hash FROM audit_chainhead"
            " WHERE chain_key LIKE 'case:%%' ORDER BY id DESC LIMIT 5000"
        )
        heads = {key: (seq, head) for key, seq, head in cursor.fetchall()}
    recent = sorted(heads)
    scan.incremental_until_done()  # Whatever was appended since the full scan.
    samples, groups, cases = [], [], []
    at = datetime.datetime(2026, 1, 1, 14, tzinfo=datetime.UTC)
    for repetition in range(repetitions):
        new_events(world, rng, heads, recent, events, at, 9_000_000 + 1000 * repetition)
        at += datetime.timedelta(minutes=1)
        started = time.perf_counter()
        result = scan.incremental(batch_size=events)
        samples.append((time.perf_counter() - started) * 1000)
        assert result.events == events, (repetition, result.events)
        groups.append(result.groups)
        cases.append(result.cases)
    trail.write_heads(heads)
    return {
        "detectors": registered,
        "events_per_pass": events,
        "latency_ms": summarize_ms(samples),
        "groups_per_pass": round(sum(groups) / len(groups)),
        "cases_loaded_per_pass": round(sum(cases) / len(cases)),
    }


def queue(flags=10_000, requests=50) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from bench.common import get_with_sql, timed_gets
    from oversight.models import RiskFlag

    try:
        url = reverse("oversight_risk_queue")
    except NoReverseMatch:
        return {
            "skipped": "the URL oversight_risk_queue does not resolve (the risk "
            "queue lands with the queue work; run this phase after merging)"
        }
    RiskFlag.objects.filter(key__startswith="BENCH:").delete()
    now, codes = timezone.now(), ["D1", "D2", "D3", "D4", "D7", "D12"]
    RiskFlag.objects.bulk_create(
        [
            RiskFlag(
                key=f"BENCH:{number}",
                detector=codes[number % len(codes)],
                severity=["alta", "media", "baja"][number % 3],
                summary="Alerta de prueba de rendimiento",
                entity_code="SDH",
                radicados=[f"SDH-2026-{number:06d}"],
                evidence=[number],
                pattern_at=now - datetime.timedelta(minutes=number),
            )
            for number in range(flags - RiskFlag.objects.count())
        ],
        batch_size=2_000,
    )
    client = Client()
    # The demo auditor (seed_demo), as an auditor opens the queue.
    client.force_login(get_user_model().objects.get(username="auditor"))
    response, capture = get_with_sql(client, url)
    samples = timed_gets(client, [url, f"{url}?severidad=alta"], requests)
    return {
        "url": url,
        "flags": RiskFlag.objects.count(),
        "queries": len(capture["queries"]),
        "latency_ms": summarize_ms(samples),
    }


def measure(phase: str, **params) -> dict:
    return {"full": full, "incremental": incremental, "queue": queue}[phase](**params)


if __name__ == "__main__":
    module_main(measure)
