"""D10: a fee charged that is not the computed one, or an exemption that does not apply.

The platform computes every fee it quotes; the filing records the computed and the
charged amount, and the payment records them again. A difference, or a Ley 1780
exemption whose recorded facts do not meet the law's conditions, is a lead for fee
manipulation (docs/domain.md §4.4, leg "oportunidad"). The conditions are
formalization's (``fees.young_entrepreneur_exempt``): one definition of the rule.
"""

import datetime
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from formalization import fees
from oversight.detectors import Detector, Finding
from oversight.facts import FILED, CaseFacts, EventRef
from procedures import calendar

CODE = "D10"
LEY_1780 = "ley_1780"
NOT_OFFICERS = ("", "solicitante", "sistema")
KINDS = {"natural": "persona_natural", "sociedad": "sas"}


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def _cop(amount: Decimal) -> str:
    return f"${amount:,.0f}".replace(",", ".")


def _birth_date(age: int, on: datetime.date) -> datetime.date:
    """A birth date that makes the applicant ``age`` years old ``on`` that day."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February
        return on.replace(year=on.year - age, day=28)


def exemption_answers(facts: dict, on: datetime.date) -> dict:
    """The recorded exemption facts as the wizard's answers, for the fee rule."""
    answers = {
        "tipo": KINDS.get(facts.get("kind"), facts.get("kind")),
        "num_empleados": int(facts.get("employees") or 0),
        "activos": _amount(facts.get("assets_cop")),
    }
    age = facts.get("age")
    if age is not None:
        answers["fecha_nacimiento"] = _birth_date(int(age), on)
    if answers["tipo"] == "sas":
        rule = fees.tables()[LEY_1780]
        young = age is not None and rule["min_age"] <= int(age) <= rule["max_age"]
        answers["jovenes_mayoria"] = bool(facts.get("young_majority", young))
    return answers


def detect(group: list[CaseFacts], thresholds) -> Iterator[Finding]:
    for facts in group:
        tolerance = Decimal(
            str(thresholds.value(CODE, "tolerance_cop", procedure=facts.procedure))
        )
        for event in facts.events:
            if event.action in FILED:
                fee = event.details.get("fee")
                if not isinstance(fee, dict):
                    continue
                yield from _amount_finding(facts, event, fee, tolerance)
                if fee.get("exemption") == LEY_1780:
                    yield from _exemption_finding(facts, event, fee)
            elif event.action == "case.fee_paid":
                yield from _amount_finding(facts, event, event.details, tolerance)


def _amount_finding(
    facts: CaseFacts, event: EventRef, amounts: dict, tolerance: Decimal
) -> Iterator[Finding]:
    computed, charged = (
        _amount(amounts.get("computed")),
        _amount(amounts.get("charged")),
    )
    if computed is None or charged is None or abs(charged - computed) <= tolerance:
        return
    where = "al radicar" if event.action in FILED else "en el pago"
    yield Finding(
        detector=CODE,
        key=f"{CODE}:{facts.radicado}:amount:{event.seq}",
        summary=(
            f"Se cobró {_cop(charged)} {where}; la plataforma calculó "
            f"{_cop(computed)} (diferencia de {_cop(abs(charged - computed))}). "
            "Revise quién cambió el valor y por qué."
        ),
        at=event.at,
        evidence=(event.id,),
        radicados=(facts.radicado,),
        entity=facts.entity,
        procedure=facts.procedure,
        officer=_officer(facts, event),
    )


def _exemption_finding(
    facts: CaseFacts, event: EventRef, fee: dict
) -> Iterator[Finding]:
    on = calendar.to_bogota(event.at).date()
    recorded = fee.get("exemption_facts") or {}
    try:
        exempt, _reason = fees.young_entrepreneur_exempt(
            exemption_answers(recorded, on), on=on
        )
    except fees.ParameterMissing:
        return  # no SMMLV for the year: the limit cannot be checked
    if exempt:
        return
    yield Finding(
        detector=CODE,
        key=f"{CODE}:{facts.radicado}:exemption",
        summary=(
            "Se aplicó la exención de la Ley 1780 de 2016 (pequeña empresa joven), "
            "pero las respuestas registradas no cumplen sus condiciones "
            f"({_failed(recorded, on)}). Revise la liquidación."
        ),
        at=event.at,
        evidence=(event.id,),
        radicados=(facts.radicado,),
        entity=facts.entity,
        procedure=facts.procedure,
        officer=_officer(facts, event),
    )


def _failed(recorded: dict, on: datetime.date) -> str:
    """Which conditions fail, without the applicant's data."""
    rule = fees.tables()[LEY_1780]
    failed = []
    age = recorded.get("age")
    if recorded.get("kind") not in KINDS:
        failed.append("tipo de solicitante")
    elif age is None or not rule["min_age"] <= int(age) <= rule["max_age"]:
        failed.append(f"edad de {rule['min_age']} a {rule['max_age']} años")
    if int(recorded.get("employees") or 0) > rule["max_workers"]:
        failed.append(f"máximo {rule['max_workers']} trabajadores")
    assets = _amount(recorded.get("assets_cop"))
    cap = Decimal(str(rule["max_assets_smmlv"])) * fees.smmlv_for(on.year)
    if assets is None or assets > cap:
        failed.append(f"activos hasta {rule['max_assets_smmlv']} SMMLV")
    return ", ".join(failed) or "condiciones de la exención"


def _officer(facts: CaseFacts, event: EventRef) -> str:
    """An officer who recorded the amount (a filing at a counter, a payment
    registered by hand); a citizen's own filing is about nobody."""
    by_citizen = event.actor_id == facts.applicant.removeprefix("user:")
    if event.actor_id and not by_citizen and event.actor_role not in NOT_OFFICERS:
        return event.actor_id
    return ""


DETECTORS = (Detector(code=CODE, scope="case", detect=detect),)
