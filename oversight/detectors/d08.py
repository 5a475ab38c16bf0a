"""D8: an officer whose approval rate stands out against their peers'.

Per calendar quarter (of the decision, Bogotá time), on one procedure of one
entity, each officer's approvals and rejections are compared with everyone else's
by a chi-square test of the 2×2 table with Yates' correction. A small p alone is
not enough: the difference must also be large and both sides must have decided
enough cases (docs/domain.md §4.4, leg "oportunidad").
"""

import math
from collections.abc import Iterator

from oversight.detectors import Detector, Finding
from oversight.facts import DECISIONS, CaseFacts
from procedures import calendar

CODE = "D8"


def yates_chi_square(a: int, b: int, c: int, d: int) -> tuple[float, float]:
    """Chi-square statistic with Yates' continuity correction of the 2×2 table
    ``[[a, b], [c, d]]`` and its p-value (1 degree of freedom).

    As scipy's ``chi2_contingency(correction=True)``: each |observed − expected|
    shrinks by 0.5 but not below zero. A table with an empty row or column has
    no evidence of a difference (statistic 0, p 1)."""
    n = a + b + c + d
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    if not margins:
        return 0.0, 1.0
    corrected = max(0.0, abs(a * d - b * c) - n / 2)
    statistic = n * corrected * corrected / margins
    # The survival function of chi-square with one degree of freedom.
    return statistic, math.erfc(math.sqrt(statistic / 2))


def quarter(facts: CaseFacts) -> str:
    moment = calendar.to_bogota(facts.decided_at)
    return f"{moment.year}-T{(moment.month - 1) // 3 + 1}"


def detect(group: list[CaseFacts], thresholds) -> Iterator[Finding]:
    decided = [
        facts
        for facts in group
        if facts.decided_at is not None
        and f"case.{facts.decision}" in DECISIONS
        and facts.decided_by
    ]
    if not decided:
        return
    procedure = decided[0].procedure
    settings = {
        name: thresholds.value(CODE, name, procedure=procedure)
        for name in (
            "min_officer_decisions",
            "min_peer_decisions",
            "alpha",
            "min_rate_difference",
        )
    }
    by_quarter: dict[str, list[CaseFacts]] = {}
    for facts in decided:
        by_quarter.setdefault(quarter(facts), []).append(facts)
    for period, cases in sorted(by_quarter.items()):
        yield from _judge_quarter(period, cases, settings)


def _judge_quarter(period: str, cases: list[CaseFacts], settings) -> Iterator[Finding]:
    approvals = sum(facts.decision == "aprobar" for facts in cases)
    by_officer: dict[str, list[CaseFacts]] = {}
    for facts in cases:
        by_officer.setdefault(facts.decided_by, []).append(facts)
    for officer, own in sorted(by_officer.items()):
        a = sum(facts.decision == "aprobar" for facts in own)
        b = len(own) - a
        c = approvals - a
        d = len(cases) - len(own) - c
        if len(own) < settings["min_officer_decisions"]:
            continue
        if c + d < settings["min_peer_decisions"]:
            continue
        own_rate, peer_rate = a / (a + b), c / (c + d)
        if abs(own_rate - peer_rate) < settings["min_rate_difference"]:
            continue
        statistic, p_value = yates_chi_square(a, b, c, d)
        if p_value >= settings["alpha"]:
            continue
        decisions = sorted(
            ((_decision_event(facts), facts.radicado) for facts in own),
            key=lambda pair: (pair[0].at, pair[0].id),
        )
        yield Finding(
            detector=CODE,
            key=f"{CODE}:{officer}:{own[0].entity}:{own[0].procedure}:{period}",
            summary=(
                f"En el trimestre {period} el funcionario aprobó {a} de {a + b} "
                f"decisiones ({own_rate:.0%}); sus pares en el mismo trámite "
                f"aprobaron {c} de {c + d} ({peer_rate:.0%}). Chi cuadrado con "
                f"corrección de Yates {_number(statistic, '.1f')}, "
                f"p = {_number(p_value, '.1e')}. Revise una muestra de sus "
                "decisiones."
            ),
            at=max(event.at for event, _ in decisions),
            evidence=tuple(event.id for event, _ in decisions),
            radicados=tuple(radicado for _, radicado in decisions),
            entity=own[0].entity,
            procedure=own[0].procedure,
            officer=officer,
        )


def _number(value: float, spec: str) -> str:
    return format(value, spec).replace(".", ",")


def _decision_event(facts: CaseFacts):
    return next(
        event for event in facts.events if event.action == f"case.{facts.decision}"
    )


DETECTORS = (Detector(code=CODE, scope="procedure", detect=detect),)
