"""D12: a change after the decision, a decision out of hours or from an unusual network.

A decided case is closed: a document uploaded, a field edited or a new act after
the decision rewrites what was decided. A decision taken at night, on a holiday or
from a network the officer never uses is a lead for a decision taken for someone,
or with someone else's session (docs/domain.md §4.4, leg "responsabilidad"). The
chain-break part of D12 is the scan engine's (it needs the verifier, not facts).
"""

import ipaddress
from collections.abc import Iterator
from functools import cache

from audit.presentation import action_label
from oversight.detectors import Detector, Finding
from oversight.detectors.d07 import group_officers
from oversight.facts import CLOSINGS, DECISIONS, OFFICER_ACTS, CaseFacts, EventRef
from procedures import calendar

CODE = "D12"
NOT_OFFICERS = ("", "solicitante", "sistema")


@cache
def network(ip: str) -> str:
    """The /24 of an IPv4 address, the /48 of an IPv6 one (the office's network).
    Cached: an office's few addresses recur in thousands of acts."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _closing(facts: CaseFacts) -> EventRef | None:
    for event in facts.events:
        if event.action in CLOSINGS:
            return event
    return None


def detect_case(group: list[CaseFacts], thresholds) -> Iterator[Finding]:
    for facts in group:
        closing = _closing(facts)
        if closing is None:
            continue
        yield from _after_decision(facts, closing, thresholds)
        if closing.action in DECISIONS:
            yield from _office_hours(facts, closing, thresholds)


def _after_decision(facts, closing, thresholds) -> Iterator[Finding]:
    allowed = set(
        thresholds.value(CODE, "after_decision_allowed", procedure=facts.procedure)
    )
    for event in facts.events:
        if event.seq <= closing.seq or event.action in allowed:
            continue
        is_officer = event.actor_role not in NOT_OFFICERS and event.actor_id
        yield Finding(
            detector=CODE,
            key=f"{CODE}:{facts.radicado}:after_decision:{event.seq}",
            summary=(
                f"Después de cerrado el caso ({_closing_word(closing.action)}) se "
                f"registró «{action_label(event.action)}» "
                f"{calendar.to_bogota(event.at):%Y-%m-%d %H:%M}. Revise qué cambió "
                "y quién lo autorizó."
            ),
            at=event.at,
            evidence=(closing.id, event.id),
            radicados=(facts.radicado,),
            entity=facts.entity,
            procedure=facts.procedure,
            officer=event.actor_id if is_officer else closing.actor_id,
        )


def _office_hours(facts, decision, thresholds) -> Iterator[Finding]:
    opens, closes = thresholds.value(CODE, "office_hours", procedure=facts.procedure)
    local = calendar.to_bogota(decision.at)
    if not calendar.is_business_day(local.date()):
        when = "en un día no hábil"
    elif not opens <= local.hour < closes:
        when = f"fuera del horario de oficina ({opens}:00 a {closes}:00)"
    else:
        return
    yield Finding(
        detector=CODE,
        key=f"{CODE}:{facts.radicado}:office_hours",
        summary=(
            f"El caso se decidió {when}, el {local:%Y-%m-%d} a las {local:%H:%M} "
            "(hora de Bogotá). Revise desde dónde y por qué."
        ),
        at=decision.at,
        evidence=(decision.id,),
        radicados=(facts.radicado,),
        entity=facts.entity,
        procedure=facts.procedure,
        officer=decision.actor_id,
    )


def _closing_word(action: str) -> str:
    return {
        "case.aprobar": "aprobado",
        "case.rechazar": "rechazado",
        "case.remitir": "remitido",
        "case.declarar_desistimiento": "desistido",
    }[action]


def detect_network(group: list[CaseFacts], thresholds) -> Iterator[Finding]:
    """Each decision judged against the officer's acts before it, in time order
    (acts recorded without an address, by a sweep or a script, tell nothing)."""
    history = thresholds.value(CODE, "min_network_history")
    for officer in group_officers(group):
        acts = sorted(
            (
                (event.at, event.id, event, facts)
                for facts in group
                for event in facts.events
                if event.actor_id == officer
                and event.action in OFFICER_ACTS
                and event.ip
            ),
            key=lambda act: (act[0], act[1]),
        )
        seen: set[str] = set()
        for earlier, (_at, _id, event, facts) in enumerate(acts):
            place = network(event.ip)
            if event.action in DECISIONS and earlier >= history and place not in seen:
                yield Finding(
                    detector=CODE,
                    key=f"{CODE}:{facts.radicado}:network:{event.seq}",
                    summary=(
                        f"El funcionario decidió desde la red {place}, que no había "
                        f"usado en sus {earlier} actos anteriores. Revise si fue él "
                        "quien decidió."
                    ),
                    at=event.at,
                    evidence=(event.id,),
                    radicados=(facts.radicado,),
                    entity=facts.entity,
                    procedure=facts.procedure,
                    officer=officer,
                )
            seen.add(place)


DETECTORS = (
    Detector(code=CODE, scope="case", detect=detect_case),
    Detector(code=CODE, scope="officer", detect=detect_network, part="network"),
)
