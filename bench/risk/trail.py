"""A synthetic case trail for the risk scan, written straight with COPY: valid hash
chains, bodies as the recording apps write them (docs/risk-events.md).

    python -m bench.risk.trail --params '{"cases": 100000, "per_case": 10}' --out r.json

~10 events per case (filed, viewed, tomar, document events, solicitar_informacion and
responder, prorrogar, fee_paid, aprobar/rechazar), a few hundred procedures over the
demo entities, a few hundred officers, applicants sharing a contact now and then;
officers act in office hours on business days.
Events are appended in time order (pk order interleaves the cases, as on a live
trail); chain heads are written at the end, guards off (bench database only).
"""

import datetime
import hashlib
import io
import random
import time

from bench.common import module_main

START = datetime.datetime(2024, 1, 2, 13, 0, tzinfo=datetime.UTC)
SEED = 14
REQUIREMENTS = ["Documento de identidad", "Certificado de existencia", "Plano"]


def digest(kind: str, value) -> str:
    return "m1:" + hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:32]


class World:
    """Entities, procedures, officers and applicants the events are drawn from."""

    def __init__(self, entities, procedures=300, officers=300, applicants=60_000):
        self.rng = random.Random(SEED)
        self.entities = list(entities)
        self.procedures = [
            (self.entities[i % len(self.entities)], f"BR{i:04d}")
            for i in range(procedures)
        ]
        self.officers = {entity: [] for entity in self.entities}
        for number in range(officers):
            entity = self.entities[number % len(self.entities)]
            self.officers[entity].append(str(50_000 + number))
        self.applicants = applicants

    def officer_match(self, officer: str) -> dict:
        return {
            kind: digest(kind, f"officer-{officer}")
            for kind in ("email", "phone", "document", "surname", "address")
        }

    def contact(self, applicant: int) -> dict:
        # One in 50 applicants gives an intermediary's e-mail (shared by many).
        email = (
            f"tramitador-{applicant % 40}"
            if applicant % 50 == 0
            else f"a{applicant}@correo.co"
        )
        return {
            "email": digest("email", email),
            "phone": digest("phone", applicant),
            "document": digest("document", applicant),
            "surname": digest("surname", applicant % 3000),
            "address": digest("address", applicant),
        }


BOGOTA = datetime.timedelta(hours=-5)
OPENS, CLOSES = 8, 17


def office_hours(at: datetime.datetime) -> datetime.datetime:
    """``at``, or the next moment an office is open (Bogotá, business days): officers
    act at work, as on the real trail (D12 flags decisions at night or on holidays)."""
    from procedures import calendar

    local = at + BOGOTA
    if local.hour >= CLOSES:
        local = (local + datetime.timedelta(days=1)).replace(hour=OPENS)
    elif local.hour < OPENS:
        local = local.replace(hour=OPENS)
    while not calendar.is_business_day(local.date()):
        local = (local + datetime.timedelta(days=1)).replace(hour=OPENS)
    return local - BOGOTA


def body(chain_key, seq, at, action, **fields) -> dict:
    radicado = chain_key.removeprefix("case:")
    return {
        "v": 1,
        "chain": chain_key,
        "seq": seq,
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "action": action,
        "actor_id": fields.get("actor_id", ""),
        "actor_username": fields.get("actor_username", ""),
        "actor_role": fields.get("actor_role", ""),
        "subject_type": "case",
        "subject_id": radicado,
        "radicado": radicado,
        "result": "ok",
        "reason": fields.get("reason", ""),
        "before": fields.get("before"),
        "after": fields.get("after"),
        "details": fields.get("details", {}),
        "request_id": "0" * 32,
        "ip": fields.get("ip", ""),
        "user_agent": "Mozilla/5.0 (bench)",
        "origin": "web:POST",
    }


def case_events(world: World, number: int, filed_at: datetime.datetime, per_case=10):
    """(at, body without seq) of one case, in time order."""
    rng = world.rng
    entity, procedure = world.procedures[int(len(world.procedures) * rng.random() ** 2)]
    radicado = f"{entity}-{filed_at.year}-{number:07d}"
    chain_key = f"case:{radicado}"
    applicant = rng.randrange(world.applicants)
    officer = rng.choice(world.officers[entity])
    base = {"entity": entity, "procedure": procedure}
    act = {
        "actor_id": officer,
        "actor_username": f"funcionario{officer}",
        "actor_role": f"Funcionarios {entity}",
        "ip": f"10.{int(officer) % 250}.0.{int(officer) % 200 + 1}",
    }
    citizen = {
        "actor_id": str(applicant),
        "actor_username": f"ciudadano{applicant}",
        "actor_role": "solicitante",
        "ip": f"190.{applicant % 250}.{applicant // 250 % 250}.{applicant % 199 + 1}",
    }
    officer_details = {
        **base,
        "assigned_to_id": officer,
        "actor_match": world.officer_match(officer),
    }
    at, events = filed_at, []

    def add(action, hours, **fields):
        nonlocal at
        at = at + datetime.timedelta(hours=hours, seconds=rng.random() * 600)
        if fields.get("actor_id") == officer:
            at = office_hours(at)
        events.append((at, chain_key, action, fields))

    add(
        "case.filed",
        0,
        **citizen,
        after={
            "status": "radicado",
            "due_date": (filed_at + datetime.timedelta(days=21)).date().isoformat(),
            "received_on": filed_at.date().isoformat(),
        },
        details={
            **base,
            "applicant": f"user:{applicant}",
            "term_days": 15,
            "calendar_days": False,
            "requirements": REQUIREMENTS,
            "contact": world.contact(applicant),
            "revision": 1,
            "answers": {"nombre_establecimiento": "Tienda", "area_m2": 40},
        },
    )
    add("case.viewed", 20, **act, details=base)
    add(
        "case.tomar",
        1,
        **act,
        before={"status": "radicado", "assigned_to": ""},
        after={"status": "en_revision", "assigned_to": officer},
        details={**officer_details, "self_assigned": True},
    )
    add(
        "case.document_downloaded",
        1,
        **act,
        details={**base, "document": "sha256:" + "ab" * 32},
    )
    if rng.random() < 0.3:
        add(
            "case.solicitar_informacion",
            24,
            **act,
            before={"status": "en_revision"},
            after={"status": "requiere_informacion"},
            details={**officer_details, "requested_documents": REQUIREMENTS[:1]},
        )
        add(
            "case.responder",
            48,
            **citizen,
            before={"status": "requiere_informacion"},
            after={"status": "en_revision"},
            details=base,
        )
    if rng.random() < 0.2:
        add(
            "case.fee_paid",
            2,
            **citizen,
            details={
                **base,
                "payment_account": digest("payment_account", applicant % 20_000),
                "computed": "52000",
                "charged": "52000",
            },
        )
    if rng.random() < 0.1:
        add(
            "case.prorrogar",
            72,
            **act,
            reason="Visita técnica pendiente",
            after={"due_date": (at + datetime.timedelta(days=30)).date().isoformat()},
            details=officer_details,
        )
    while len(events) < per_case - 1:
        add("case.viewed", 6, **act, details=base)
    if rng.random() < 0.85:
        decision = "case.aprobar" if rng.random() < 0.8 else "case.rechazar"
        status = "aprobado" if decision == "case.aprobar" else "rechazado"
        add(
            decision,
            30,
            **act,
            before={"status": "en_revision"},
            after={"status": status},
            details=officer_details,
        )
        add("case.document_downloaded", 24, **citizen, details=base)
    else:
        add("case.viewed", 30, **act, details=base)
    return events


def write(events, heads_of: dict) -> dict:
    """COPY ``(at, chain_key, action, fields)`` events in order; ``heads_of`` holds
    each chain's (seq, hash) and is moved forward. Heads are not rewritten here."""
    from django.db import connection

    from audit import chain

    buffer = io.StringIO()
    for at, chain_key, action, fields in events:
        seq, prev = heads_of.get(chain_key) or (0, chain.genesis_hash(chain_key))
        text = chain.canonical_json(body(chain_key, seq + 1, at, action, **fields))
        event_hash = chain.event_hash(prev, text)
        buffer.write(f"{text.replace(chr(92), chr(92) * 2)}\t{prev}\t{event_hash}\n")
        heads_of[chain_key] = (seq + 1, event_hash)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY audit_auditevent (body, prev_hash, hash) FROM STDIN"
        ) as copy,
    ):
        copy.write(buffer.getvalue())
    return heads_of


def write_heads(heads_of: dict) -> None:
    from django.db import connection

    from audit.db import set_guards

    buffer = io.StringIO()
    for key, (seq, head) in heads_of.items():
        buffer.write(f"{key}\t{seq}\t{head}\n")
    set_guards(False)  # Heads written straight, not moved event by event.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_chainhead WHERE chain_key = ANY(%s)", [list(heads_of)]
        )
        with cursor.cursor.copy(
            "COPY audit_chainhead (chain_key, seq, head_hash) FROM STDIN"
        ) as copy:
            copy.write(buffer.getvalue())
    set_guards(True)


def entities() -> list[str]:
    from catalog.models import Entity

    return list(Entity.objects.order_by("code").values_list("code", flat=True))


def measure(cases=100_000, per_case=10, days=700) -> dict:
    from django.db import connection

    started = time.perf_counter()
    world = World(entities())
    events = []
    for number in range(cases):
        filed_at = START + datetime.timedelta(days=days * number / cases)
        events.extend(case_events(world, number + 1, filed_at, per_case))
    events.sort(key=lambda event: event[0])
    generated = time.perf_counter() - started
    heads = {}
    for start in range(0, len(events), 200_000):
        write(events[start : start + 200_000], heads)
    write_heads(heads)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    return {
        "cases": cases,
        "events": len(events),
        "entities": len(world.entities),
        "procedures": len(world.procedures),
        "officers": sum(len(o) for o in world.officers.values()),
        "generate_s": round(generated, 1),
        "total_s": round(time.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    module_main(measure)
