"""The scan: risk flags computed from the audit trail, incrementally or in full.

``full()`` reads every event in append (pk) order, checks each chain's links, folds
the case events into ``CaseFacts`` (``facts.apply``), runs every detector on every
group of its scope, rebuilds the projection (``Scanned*`` models) and reconciles the
flags. ``incremental()`` reads the events after the stored position, re-folds the
cases they touch from their chains, re-runs the detectors only on the groups those
cases belong to (before and after the new events) and reconciles those groups'
flags. Both fold the same events with the same function and hand the detectors the
same groups in the same order, so they raise the same flags (tests/oversight/
test_scan.py shows it; ``risk_scan --compare`` checks it on a live trail).

Reconciling: a finding upserts the flag with its key (``active=True``); a flag of a
re-run group that is not found again becomes inactive. Flags are never deleted, and
their status and disposition are never touched here.

Events committed out of pk order. A transaction may take pk 103, and commit after
another took and committed 105. The position therefore never moves over a gap in
the pks while a transaction that began before the read is still open (it may hold
the missing pk): the scan stops before the gap and reads again from there. Once no
such transaction is open, a gap is a rollback and is crossed. Re-reading is safe:
within one chain events commit in seq order (record() holds the chain head's lock),
and an event whose seq the chain's ``ScannedChain`` row has passed is skipped.

Chain integrity (D12's "cadena rota") is the engine's own finding, not a detector's:
every event read must carry the next seq of its chain, link to the previous event's
hash and hash to its own (``audit.chain.event_hash``). The incremental scan checks
the events it reads; tampering with events already read is found by the full scan
(and by ``audit_verify``), which is why an auditor runs ``risk_scan --compare``.
"""

import datetime
import io
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from audit import chain
from audit.models import AuditEvent
from oversight import detectors, thresholds
from oversight.facts import CASE_CHAIN_PREFIX, CaseFacts, apply, contact_points
from oversight.facts import officers as officers_of
from oversight.models import (
    RiskFlag,
    ScannedCase,
    ScannedChain,
    ScannedContact,
    ScannedOfficer,
    ScanPosition,
)

POSITION = "risk"
BATCH_SIZE = 5_000  # events per incremental pass
CHUNK_SIZE = 10_000  # rows per fetch of the server-side cursor
CHAIN_BREAK = "D12"
IN_CHUNK = 2_000  # chain keys per IN (...) when loading groups


@dataclass
class Result:
    """What one scan did (printed by ``risk_scan``)."""

    events: int = 0
    position: int = 0
    cases: int = 0
    groups: int = 0
    findings: int = 0
    created: int = 0
    updated: int = 0
    retired: int = 0
    seconds: float = 0.0
    differences: list = field(default_factory=list)


# -- reading the trail -------------------------------------------------------------


@dataclass
class Link:
    seq: int
    hash: str
    broken_seq: int | None = None
    changed: bool = False


def check_link(links: dict, body: dict, prev_hash: str, digest: str, text: str):
    """Move the chain's link over one event: ``None`` when the event was read
    before (skip it), else whether it is where the chain first breaks."""
    key, seq = body["chain"], body["seq"]
    link = links.get(key)
    if link is None:
        link = links[key] = Link(0, chain.genesis_hash(key), changed=True)
    if seq <= link.seq:
        return None  # Read before: the position stopped before a gap.
    ok = (
        seq == link.seq + 1
        and prev_hash == link.hash
        and chain.event_hash(prev_hash, text) == digest
    )
    first_break = not ok and link.broken_seq is None
    if first_break:
        link.broken_seq = seq
    link.seq, link.hash, link.changed = max(seq, link.seq), digest, True
    return first_break


def chain_break(event_id: int, body: dict) -> tuple[str, detectors.Finding]:
    key = body["chain"]
    radicado = body.get("radicado", "")
    finding = detectors.Finding(
        detector=CHAIN_BREAK,
        key=f"{CHAIN_BREAK}:chain:{key}",
        summary=(
            f"La cadena de auditoría {key} no verifica en su evento n.º {body['seq']}: "
            "el evento no enlaza con el anterior o su huella no corresponde."
        ),
        at=chain.parse_time(body["at"]),
        evidence=(event_id,),
        radicados=(radicado,) if radicado else (),
        entity=(body.get("details") or {}).get("entity", "")
        if isinstance(body.get("details"), dict)
        else "",
        severity="alta",
    )
    return f"chain|{key}", finding


def open_transactions_before(moment) -> bool:
    """Whether a transaction begun before ``moment`` is still open elsewhere: it may
    hold a pk lower than what we read, not committed yet."""
    if connection.vendor != "postgresql":
        return False  # One writer at a time; what is committed is all there is.
    with connection.cursor() as cursor:
        # The activity view is read once per transaction unless told afresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            " AND xact_start < %s",
            [moment],
        )
        return cursor.fetchone()[0] > 0


# A transaction that took a pk began before the event after it was timed (record()
# times an event just before inserting it); the margin covers the gap between the
# two and the app's clock against the database's.
SETTLE_MARGIN = datetime.timedelta(seconds=30)


def first_gap(position: int, pks: list[int]) -> int | None:
    """The index of the first pk read that does not follow the one before it."""
    previous = position
    for index, pk in enumerate(pks):
        if pk != previous + 1:
            return index
        previous = pk
    return None


def settled(position: int, pks: list[int], gap: int | None, gap_at: str) -> int:
    """How far the position may move over ``pks`` (read in pk order after
    ``position``; the first gap before ``pks[gap]``, an event timed ``gap_at``): to
    the end, or to just before a gap that a transaction still open may fill."""
    if not pks:
        return position
    if gap is None:
        return pks[-1]
    if open_transactions_before(chain.parse_time(gap_at) + SETTLE_MARGIN):
        return pks[gap - 1] if gap else position
    return pks[-1]


# -- groups and findings -----------------------------------------------------------


def group_name(key: tuple) -> str:
    return "|".join(str(part) for part in key)


def filing_order(facts: CaseFacts):
    return (facts.filed_at is None, facts.filed_at, facts.chain_key)


def by_scope() -> dict[str, list[detectors.Detector]]:
    scoped: dict[str, list] = {scope: [] for scope in detectors.SCOPES}
    for detector in detectors.registry().values():
        scoped[detector.scope].append(detector)
    return scoped


def run_groups(scope_detectors, grouped: dict[tuple, list[CaseFacts]]):
    """``{group name: [findings]}`` of the detectors on the groups given (each
    group in filing order), every group present even when nothing is found."""
    found: dict[str, list[detectors.Finding]] = {}
    for key in sorted(grouped, key=group_name):
        # A group knows its key: a contact point's detector must know which point.
        members = detectors.Group(key, grouped[key])
        findings = found.setdefault(group_name(key), [])
        for detector in scope_detectors:
            findings.extend(detector.detect(members, thresholds))
    return found


# -- flags -------------------------------------------------------------------------


def severity(finding: detectors.Finding) -> str:
    if finding.severity:
        return finding.severity
    spec = thresholds.catalogue()["detectors"].get(finding.detector) or {}
    return spec.get("severity", RiskFlag.Severity.MEDIUM)


def flag_fields(group: str, finding: detectors.Finding) -> dict:
    return {
        "detector": finding.detector,
        "severity": severity(finding),
        "summary": finding.summary,
        "entity_code": finding.entity,
        "procedure_code": finding.procedure,
        "officer": finding.officer,
        "radicados": list(finding.radicados),
        "evidence": list(finding.evidence),
        "pattern_at": finding.at,
        "group": group,
    }


COMPARED = (
    "detector",
    "severity",
    "summary",
    "entity_code",
    "procedure_code",
    "officer",
    "radicados",
    "evidence",
    "pattern_at",
)


def wanted(found: dict[str, list[detectors.Finding]]) -> dict[str, dict]:
    """The flags the findings call for, by key (a key found in two groups keeps the
    first group in name order: detectors should key a pattern by its group)."""
    flags: dict[str, dict] = {}
    for group in sorted(found):
        for finding in found[group]:
            flags.setdefault(finding.key, flag_fields(group, finding))
    return flags


def reconcile(
    found: dict[str, list[detectors.Finding]], result: Result, *, every=False
):
    """Upsert the flags found; retire the flags of the groups in ``found`` (of
    every group with ``every``) that were not found again."""
    flags = wanted(found)
    result.findings += len(flags)
    if every:
        stored = {flag.key: flag for flag in RiskFlag.objects.all()}
    else:
        stored, groups = {}, list(found)
        for start in range(0, len(groups), IN_CHUNK):
            part = groups[start : start + IN_CHUNK]
            stored.update({f.key: f for f in RiskFlag.objects.filter(group__in=part)})
    for start in range(0, len(flags), IN_CHUNK):
        keys = [k for k in list(flags)[start : start + IN_CHUNK] if k not in stored]
        stored.update({f.key: f for f in RiskFlag.objects.filter(key__in=keys)})
    to_create, to_update = [], []
    for key, fields in flags.items():
        flag = stored.get(key)
        if flag is None:
            to_create.append(RiskFlag(key=key, active=True, **fields))
            continue
        if flag.active and all(getattr(flag, n) == v for n, v in fields.items()):
            continue
        for name, value in fields.items():
            setattr(flag, name, value)
        flag.active = True
        to_update.append(flag)
    retired = [f for k, f in stored.items() if k not in flags and f.active]
    for flag in retired:
        flag.active = False
    now = timezone.now()
    for flag in to_update + retired:
        flag.updated_at = now
    RiskFlag.objects.bulk_create(to_create, batch_size=2_000)
    names = ["active", "updated_at", "group", *COMPARED]
    RiskFlag.objects.bulk_update(to_update + retired, names, batch_size=2_000)
    result.created += len(to_create)
    result.updated += len(to_update)
    result.retired += len(retired)


def differences(flags: dict[str, dict]) -> list[str]:
    """How the stored active flags differ from ``flags`` (what a recompute wants)."""
    stored = {
        flag.key: flag for flag in RiskFlag.objects.filter(active=True).order_by("key")
    }
    lines = []
    for key in sorted(set(stored) | set(flags)):
        flag, fields = stored.get(key), flags.get(key)
        if flag is None:
            lines.append(f"+ {key}: falta en las alertas vigentes")
        elif fields is None:
            lines.append(f"- {key}: vigente pero no se encuentra al recalcular")
        else:
            changed = [n for n in COMPARED if getattr(flag, n) != fields[n]]
            if changed:
                lines.append(f"~ {key}: difiere en {', '.join(changed)}")
    return lines


# -- the projection ----------------------------------------------------------------


def case_row(facts: CaseFacts) -> ScannedCase:
    return ScannedCase(
        chain_key=facts.chain_key,
        radicado=facts.radicado,
        entity=facts.entity,
        procedure=facts.procedure,
        applicant=facts.applicant,
        filed_at=facts.filed_at,
        decided_at=facts.decided_at,
        decided_by=facts.decided_by,
        assigned_to=facts.assigned_to,
    )


def member_rows(facts: CaseFacts):
    contacts = [
        ScannedContact(
            kind=kind, value=value, chain_key=facts.chain_key, filed_at=facts.filed_at
        )
        for kind, value in sorted(contact_points(facts))
    ]
    officers = [
        ScannedOfficer(officer=officer, chain_key=facts.chain_key)
        for officer in sorted(officers_of(facts))
    ]
    return contacts, officers


def copy_rows(model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Bulk insert: COPY on PostgreSQL (the full scan writes ~1M rows)."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows],
            batch_size=2_000,
        )
        return

    def text(value):
        if value is None:
            return "\\N"
        if isinstance(value, datetime.datetime):
            return value.isoformat()
        value = str(value)
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(text(v) for v in row))
        buffer.write("\n")
    table = model._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        copy.write(buffer.getvalue())


CASE_COLUMNS = [
    "chain_key",
    "radicado",
    "entity",
    "procedure",
    "applicant",
    "filed_at",
    "decided_at",
    "decided_by",
    "assigned_to",
]


def rebuild_projection(cases: dict[str, CaseFacts], links: dict[str, Link], keys_of):
    models = (ScannedCase, ScannedContact, ScannedOfficer, ScannedChain)
    if connection.vendor == "postgresql":
        tables = ", ".join(model._meta.db_table for model in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")
    else:
        for model in models:
            model.objects.all().delete()
    case_rows, contact_rows, officer_rows = [], [], []
    for chain_key, f in cases.items():
        case_rows.append(
            (chain_key, f.radicado, f.entity, f.procedure, f.applicant, f.filed_at)
            + (f.decided_at, f.decided_by, f.assigned_to)
        )
        keys = keys_of[chain_key]
        contact_rows += [(k, v, chain_key, f.filed_at) for _s, k, v in keys["contact"]]
        officer_rows += [(officer, chain_key) for _s, officer in keys["officer"]]
    copy_rows(ScannedCase, CASE_COLUMNS, case_rows)
    copy_rows(ScannedContact, ["kind", "value", "chain_key", "filed_at"], contact_rows)
    copy_rows(ScannedOfficer, ["officer", "chain_key"], officer_rows)
    copy_rows(
        ScannedChain,
        ["chain_key", "seq", "hash", "broken_seq"],
        ((k, link.seq, link.hash, link.broken_seq) for k, link in links.items()),
    )


# -- the scans ---------------------------------------------------------------------


def locked_position() -> ScanPosition:
    """The scan's position row, locked until the transaction ends: two workers
    never scan at once (the second waits, then finds nothing new)."""
    ScanPosition.objects.get_or_create(name=POSITION)
    return ScanPosition.objects.select_for_update().get(name=POSITION)


def compute_all(progress: Callable[[int, float], None] | None = None):
    """Read the whole trail: (cases, links, findings by group, pks read, the
    position reached, the group keys of each case)."""
    cases: dict[str, CaseFacts] = {}
    links: dict[str, Link] = {}
    found: dict[str, list] = {}
    pks: list[int] = []
    loads, started = json.loads, time.perf_counter()
    rows = (
        AuditEvent.objects.order_by("pk")
        .values_list("pk", "body", "prev_hash", "hash")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    gap, gap_at, previous = None, "", 0
    for count, (pk, text, prev_hash, digest) in enumerate(rows, 1):
        pks.append(pk)
        body = loads(text)
        if pk != previous + 1 and gap is None:
            gap, gap_at = count - 1, body["at"]
        previous = pk
        if check_link(links, body, prev_hash, digest, text):
            group, finding = chain_break(pk, body)
            found.setdefault(group, []).append(finding)
        key = body["chain"]
        if key.startswith(CASE_CHAIN_PREFIX):
            facts = cases.get(key)
            if facts is None:
                facts = cases[key] = CaseFacts(chain_key=key)
            apply(facts, body, pk)
        if progress and count % 100_000 == 0:
            progress(count, time.perf_counter() - started)
    keys_of = {key: case_group_keys(facts) for key, facts in cases.items()}
    for scope, scope_detectors in by_scope().items():
        if scope_detectors:
            found.update(run_groups(scope_detectors, grouped(scope, cases, keys_of)))
    return cases, links, found, pks, settled(0, pks, gap, gap_at), keys_of


def case_group_keys(facts: CaseFacts) -> dict[str, list[tuple]]:
    """Every group of every scope the case belongs to (computed once per case)."""
    return {scope: detectors.group_keys(scope, facts) for scope in detectors.SCOPES}


def grouped(scope, cases: dict[str, CaseFacts], keys_of) -> dict[tuple, list]:
    """``detectors.groups(scope, cases)``, from the keys already computed."""
    groups: dict[tuple, list[CaseFacts]] = {}
    for chain_key, facts in cases.items():
        for key in keys_of[chain_key][scope]:
            groups.setdefault(key, []).append(facts)
    for members in groups.values():
        members.sort(key=filing_order)
    return groups


def full(progress=None) -> Result:
    """Recompute everything from the trail: projection, flags and position."""
    started, result = time.perf_counter(), Result()
    with transaction.atomic():
        position = locked_position()
        cases, links, found, pks, reached, keys_of = compute_all(progress)
        rebuild_projection(cases, links, keys_of)
        reconcile(found, result, every=True)
        position.last_event_id = reached
        position.save()
    result.events, result.cases, result.groups = len(pks), len(cases), len(found)
    result.position = position.last_event_id
    result.seconds = time.perf_counter() - started
    return result


def compare(progress=None) -> Result:
    """Recompute in memory and list how the stored active flags differ."""
    started, result = time.perf_counter(), Result()
    with transaction.atomic():
        cases, _links, found, pks, _reached, _keys = compute_all(progress)
        flags = wanted(found)
        result.differences = differences(flags)
    result.events, result.cases, result.findings = len(pks), len(cases), len(flags)
    result.seconds = time.perf_counter() - started
    return result


def load_cases(chain_keys: Iterable[str], up_to: int) -> dict[str, CaseFacts]:
    """The facts of these case chains, re-folded from their events up to ``up_to``."""
    cases: dict[str, CaseFacts] = {}
    keys = sorted(set(chain_keys))
    loads = json.loads
    for start in range(0, len(keys), IN_CHUNK):
        rows = (
            AuditEvent.objects.filter(
                chain_key__in=keys[start : start + IN_CHUNK], pk__lte=up_to
            )
            .order_by("chain_key", "seq")
            .values_list("pk", "body")
        )
        for pk, text in rows:
            body = loads(text)
            key = body["chain"]
            facts = cases.get(key)
            if facts is None:
                facts = cases[key] = CaseFacts(chain_key=key)
            apply(facts, body, pk)
    return cases


def stored_group_keys(chain_keys: list[str]) -> set[tuple]:
    """The groups the cases belonged to before this pass (from the projection)."""
    keys: set[tuple] = set()
    for start in range(0, len(chain_keys), IN_CHUNK):
        part = chain_keys[start : start + IN_CHUNK]
        for entity, procedure in ScannedCase.objects.filter(
            chain_key__in=part
        ).values_list("entity", "procedure"):
            keys.add(("procedure", entity, procedure))
        for kind, value in ScannedContact.objects.filter(
            chain_key__in=part
        ).values_list("kind", "value"):
            keys.add(("contact", kind, value))
        for (officer,) in ScannedOfficer.objects.filter(chain_key__in=part).values_list(
            "officer"
        ):
            keys.add(("officer", officer))
    return keys


def members_of(keys: Iterable[tuple]) -> dict[tuple, list[str]]:
    """The chain keys of each group, from the projection: one query per scope."""
    keys = set(keys)
    members: dict[tuple, list[str]] = {key: [] for key in keys}
    for key in keys:
        if key[0] == "case":
            members[key].append(key[1])
    queries = (
        ("procedure", ScannedCase, "procedure", ("entity", "procedure")),
        ("contact", ScannedContact, "value", ("kind", "value")),
        ("officer", ScannedOfficer, "officer", ("officer",)),
    )
    for scope, model, column, fields in queries:
        wanted_keys = {key for key in keys if key[0] == scope}
        values = sorted({key[-1] for key in wanted_keys})
        for start in range(0, len(values), IN_CHUNK):
            rows = model.objects.filter(
                **{f"{column}__in": values[start : start + IN_CHUNK]}
            ).values_list(*fields, "chain_key")
            for *parts, chain_key in rows:
                key = (scope, *parts)
                if key in wanted_keys:
                    members[key].append(chain_key)
    return members


def save_projection(touched: dict[str, CaseFacts]) -> None:
    keys = list(touched)
    for start in range(0, len(keys), IN_CHUNK):
        part = keys[start : start + IN_CHUNK]
        ScannedContact.objects.filter(chain_key__in=part).delete()
        ScannedOfficer.objects.filter(chain_key__in=part).delete()
    ScannedCase.objects.bulk_create(
        [case_row(facts) for facts in touched.values()],
        update_conflicts=True,
        unique_fields=["chain_key"],
        update_fields=CASE_COLUMNS[1:],
        batch_size=2_000,
    )
    contacts, officers = [], []
    for facts in touched.values():
        mine, theirs = member_rows(facts)
        contacts += mine
        officers += theirs
    ScannedContact.objects.bulk_create(contacts, batch_size=2_000)
    ScannedOfficer.objects.bulk_create(officers, batch_size=2_000)


def save_links(links: dict[str, Link]) -> None:
    changed = [
        ScannedChain(chain_key=k, seq=v.seq, hash=v.hash, broken_seq=v.broken_seq)
        for k, v in links.items()
        if v.changed
    ]
    ScannedChain.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["chain_key"],
        update_fields=["seq", "hash", "broken_seq"],
        batch_size=2_000,
    )


def incremental(batch_size: int = BATCH_SIZE) -> Result:
    """One pass over the events appended since the position (at most ``batch_size``)."""
    started, result = time.perf_counter(), Result()
    with transaction.atomic():
        position = locked_position()
        rows = list(
            AuditEvent.objects.filter(pk__gt=position.last_event_id)
            .order_by("pk")
            .values_list("pk", "body", "prev_hash", "hash")[:batch_size]
        )
        pks = [row[0] for row in rows]
        gap = first_gap(position.last_event_id, pks)
        gap_at = json.loads(rows[gap][1])["at"] if gap is not None else ""
        up_to = settled(position.last_event_id, pks, gap, gap_at)
        rows = [row for row in rows if row[0] <= up_to]
        result.events, result.position = len(rows), up_to
        if not rows:
            return result
        bodies = [
            (pk, json.loads(text), prev, digest, text)
            for pk, text, prev, digest in rows
        ]
        chains = sorted({body["chain"] for _pk, body, *_rest in bodies})
        links = {
            row.chain_key: Link(row.seq, row.hash, row.broken_seq)
            for start in range(0, len(chains), IN_CHUNK)
            for row in ScannedChain.objects.filter(
                chain_key__in=chains[start : start + IN_CHUNK]
            )
        }
        found: dict[str, list] = {}
        touched_keys = set()
        for pk, body, prev_hash, digest, text in bodies:
            new = check_link(links, body, prev_hash, digest, text)
            if new is None:
                continue
            if new:
                group, finding = chain_break(pk, body)
                found.setdefault(group, []).append(finding)
            if body["chain"].startswith(CASE_CHAIN_PREFIX):
                touched_keys.add(body["chain"])
        save_links(links)
        if found:
            # A chain break stays until a full scan no longer finds it: only
            # upserted here, never retired.
            flags = wanted(found)
            stored = set(
                RiskFlag.objects.filter(key__in=flags).values_list("key", flat=True)
            )
            for key, fields in flags.items():
                if key in stored:
                    RiskFlag.objects.filter(key=key).update(active=True, **fields)
                else:
                    RiskFlag.objects.create(key=key, active=True, **fields)
            result.findings += len(flags)
        if touched_keys:
            touched_list = sorted(touched_keys)
            affected = stored_group_keys(touched_list)
            touched = load_cases(touched_list, up_to)
            scoped = by_scope()
            for facts in touched.values():
                for scope in detectors.SCOPES:
                    affected.update(detectors.group_keys(scope, facts))
            save_projection(touched)
            wanted_scopes = {s for s, d in scoped.items() if d}
            affected = {key for key in affected if key[0] in wanted_scopes}
            members = members_of(affected)
            needed = {k for keys in members.values() for k in keys} - set(touched)
            cases = {**load_cases(needed, up_to), **touched}
            grouped_found: dict[str, list] = {}
            for scope in wanted_scopes:
                grouped = {
                    key: sorted(
                        (cases[k] for k in keys if k in cases), key=filing_order
                    )
                    for key, keys in members.items()
                    if key[0] == scope
                }
                grouped = {key: group for key, group in grouped.items() if group}
                grouped_found.update(run_groups(scoped[scope], grouped))
            # Groups that lost every member still have their old flags retired.
            for key in affected:
                grouped_found.setdefault(group_name(key), [])
            if grouped_found:
                reconcile(grouped_found, result)
            result.cases, result.groups = len(cases), len(grouped_found)
        position.last_event_id = up_to
        position.save()
    result.seconds = time.perf_counter() - started
    return result


def incremental_until_done(
    batch_size: int = BATCH_SIZE, max_passes: int = 1000
) -> Result:
    """Passes until no new settled event is left (what a backlog needs)."""
    total = Result()
    for _ in range(max_passes):
        one = incremental(batch_size)
        for name in ("events", "findings", "created", "updated", "retired", "seconds"):
            setattr(total, name, getattr(total, name) + getattr(one, name))
        total.position = one.position
        if one.events == 0:
            break
    return total
