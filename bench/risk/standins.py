"""Stand-in detectors with the real ones' scopes (case, procedure, contact, officer):
what the engine costs whatever D1–D15 hold. Each does one pass over its group, as a
real detector at least must."""

import statistics

from oversight.detectors import Detector, Finding


def fast_decision(group, _thresholds):
    for facts in group:
        if facts.decided_at and facts.filed_at:
            hours = (facts.decided_at - facts.filed_at).total_seconds() / 3600
            if hours < 30:
                yield Finding(
                    "S1",
                    f"S1:{facts.chain_key}",
                    "Decisión rápida",
                    facts.decided_at,
                    (facts.events[-1].id,),
                    (facts.radicado,),
                    facts.entity,
                    facts.procedure,
                )


def procedure_outlier(group, _thresholds):
    spans = [
        (f.decided_at - f.filed_at).total_seconds()
        for f in group
        if f.decided_at and f.filed_at
    ]
    if len(spans) < 20:
        return
    median = statistics.median(spans)
    for facts in group:
        span = facts.decided_at and facts.filed_at and facts.decided_at - facts.filed_at
        if span and span.total_seconds() < 0.2 * median:
            yield Finding(
                "S2",
                f"S2:{facts.chain_key}",
                "Más rápido que sus pares",
                facts.decided_at,
                (facts.events[0].id,),
                (facts.radicado,),
                facts.entity,
                facts.procedure,
            )


def shared_point(group, _thresholds):
    applicants = {facts.applicant for facts in group}
    if len(applicants) > 5:
        yield Finding(
            "S3",
            f"S3:{group[0].chain_key}:{len(group)}",
            f"{len(applicants)} solicitantes comparten un punto de contacto",
            group[-1].filed_at,
            tuple(f.events[0].id for f in group[-6:]),
            tuple(f.radicado for f in group[-6:]),
        )


def same_applicant(group, _thresholds):
    seen = {}
    for facts in group:
        seen.setdefault(facts.applicant, []).append(facts)
    for applicant, cases in seen.items():
        if len(cases) >= 3 and applicant:
            officer = cases[0].assigned_to
            yield Finding(
                "S4",
                f"S4:{officer}:{applicant}",
                "Mismo solicitante",
                cases[-1].filed_at,
                tuple(c.events[0].id for c in cases),
                tuple(c.radicado for c in cases),
                officer=officer,
            )


DETECTORS = (
    Detector("S1", "case", fast_decision),
    Detector("S2", "procedure", procedure_outlier),
    Detector("S3", "contact", shared_point),
    Detector("S4", "officer", same_applicant),
)
