"""What the risk queue, a flag's page and the entity heads' panel read.

The queue is the auditors' (the audit trail permission). Two rules hold in every
query here: an officer never sees a flag about themselves, and an entity head sees
only counts of their entity's open flags. Names (entity, procedure, officer) are
resolved for a whole page at once, one query each, so a page costs the same with
ten flags or ten thousand.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Value, When
from django.utils import timezone

from audit.models import AuditEvent
from audit.presentation import present_all
from catalog.models import Entity, ProcedurePage
from procedures.models import Case as CaseFile

from . import thresholds
from .models import RiskFlag, ScanPosition

# Entity heads' groups are found by name: the entity code is stable and the group
# carries no permission of its own beyond the admin (see cms/seed.py ensure_groups).
HEAD_GROUP_PREFIX = "Jefatura "
SEVERITY_ORDER = {code: rank for rank, code in enumerate(thresholds.SEVERITIES)}


def head_group_name(entity_code: str) -> str:
    return f"{HEAD_GROUP_PREFIX}{entity_code}"


def headed_entities(user) -> list[str]:
    """The codes of the entities ``user`` heads (their "Jefatura <code>" groups)."""
    if not getattr(user, "is_authenticated", False):
        return []
    names = user.groups.filter(name__startswith=HEAD_GROUP_PREFIX).values_list(
        "name", flat=True
    )
    return sorted(name.removeprefix(HEAD_GROUP_PREFIX) for name in names)


def visible_flags(user):
    """Every flag the auditor may see: none about themselves."""
    return RiskFlag.objects.exclude(officer=str(user.pk))


def severity_rank():
    return Case(
        *[
            When(severity=code, then=Value(rank))
            for code, rank in SEVERITY_ORDER.items()
        ],
        default=Value(len(SEVERITY_ORDER)),
        output_field=IntegerField(),
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def filter_flags(flags, criteria: dict):
    """Narrow ``flags`` by the queue's filters (a valid form's ``cleaned_data``)."""
    if criteria.get("entity"):
        flags = flags.filter(entity_code=criteria["entity"])
    if criteria.get("detector"):
        flags = flags.filter(detector=criteria["detector"])
    if criteria.get("severity"):
        flags = flags.filter(severity=criteria["severity"])
    if criteria.get("officer"):
        flags = flags.filter(officer=criteria["officer"])
    # A period is whole days in Bogotá, as a range the index on the date can use.
    if criteria.get("date_from"):
        flags = flags.filter(pattern_at__gte=_start_of(criteria["date_from"]))
    if criteria.get("date_to"):
        next_day = criteria["date_to"] + datetime.timedelta(days=1)
        flags = flags.filter(pattern_at__lt=_start_of(next_day))
    if criteria.get("status"):
        flags = flags.filter(status=criteria["status"])
    if criteria.get("active") in ("si", "no"):
        flags = flags.filter(active=criteria["active"] == "si")
    return flags


def in_queue_order(flags):
    """Most severe first, then the most recent pattern."""
    return flags.annotate(severity_rank=severity_rank()).order_by(
        "severity_rank", "-pattern_at", "-pk"
    )


def officer_names(actor_ids) -> dict[str, str]:
    """Actor ids (user pks as text) to the officer's full name, in one query."""
    pks = {int(actor) for actor in actor_ids if str(actor).isdigit()}
    if not pks:
        return {}
    users = get_user_model().objects.filter(pk__in=pks)
    return {str(user.pk): user.get_full_name() or user.get_username() for user in users}


def entity_names(codes) -> dict[str, str]:
    codes = {code for code in codes if code}
    if not codes:
        return {}
    return dict(Entity.objects.filter(code__in=codes).values_list("code", "name"))


def procedure_names(codes) -> dict[str, str]:
    codes = {code for code in codes if code}
    if not codes:
        return {}
    return dict(
        ProcedurePage.objects.filter(code__in=codes).values_list("code", "title")
    )


def detector_title(code: str) -> str:
    try:
        return thresholds.detector(code)["title"]
    except KeyError:
        return code


def label_flags(flags) -> list:
    """Attach the readable names to a page of flags (three queries for any page)."""
    flags = list(flags)
    entities = entity_names(flag.entity_code for flag in flags)
    procedures = procedure_names(flag.procedure_code for flag in flags)
    officers = officer_names(flag.officer for flag in flags)
    # Labels from plain dicts: get_FOO_display() per row is a visible share of a page.
    severities = dict(RiskFlag.Severity.choices)
    statuses = dict(RiskFlag.Status.choices)
    for flag in flags:
        flag.severity_label = severities.get(flag.severity, flag.severity)
        flag.status_label = statuses.get(flag.status, flag.status)
        flag.detector_title = detector_title(flag.detector)
        flag.entity_name = entities.get(flag.entity_code, flag.entity_code)
        flag.procedure_name = procedures.get(flag.procedure_code, "")
        flag.officer_name = officers.get(flag.officer, "")
    return flags


def officer_choices() -> list[tuple[str, str]]:
    """The officers some flag is about, by name (two queries)."""
    actors = (
        RiskFlag.objects.exclude(officer="")
        .order_by()
        .values_list("officer", flat=True)
        .distinct()
    )
    names = officer_names(actors)
    return sorted(names.items(), key=lambda item: item[1])


def evidence(flag: RiskFlag) -> list[dict]:
    """The events behind a flag, in time order, each with the links an auditor
    follows: the chain's audit timeline and, for a case, the officers' case page."""
    rows = list(AuditEvent.objects.filter(pk__in=flag.evidence).order_by("pk"))
    views = present_all(rows)
    radicados = {view.radicado for view in views if view.radicado}
    cases = set(
        CaseFile.objects.filter(radicado__in=radicados).values_list(
            "radicado", flat=True
        )
    )
    return [{"event": view, "has_case_page": view.radicado in cases} for view in views]


def open_counts(entity_code: str) -> dict:
    """An entity's open flags as counts only: per severity and per detector."""
    flags = RiskFlag.objects.filter(
        entity_code=entity_code, status=RiskFlag.Status.OPEN
    )
    by_severity = dict(flags.order_by().values_list("severity").annotate(n=Count("pk")))
    by_detector = dict(flags.order_by().values_list("detector").annotate(n=Count("pk")))
    return {
        "total": sum(by_severity.values()),
        "severities": [
            (label, by_severity.get(code, 0))
            for code, label in RiskFlag.Severity.choices
        ],
        "detectors": sorted(
            ((detector_title(code), n) for code, n in by_detector.items()),
            key=lambda item: (-item[1], item[0]),
        ),
    }


def scan_position():
    """Where the risk scan has read the trail up to (None before the first scan)."""
    from .scan import POSITION

    return ScanPosition.objects.filter(name=POSITION).first()
