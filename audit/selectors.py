"""Read-side queries of the auditor console."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .chain import format_time
from .forms import EventSearchForm, bogota_day_bounds
from .models import AuditEvent, ChainHead


def search_events(form: EventSearchForm) -> QuerySet:
    events = AuditEvent.objects.order_by("-recorded_at", "-id")
    if not form.is_valid():
        return events.none()
    data = form.cleaned_data
    if data["subject"]:
        subject = data["subject"].strip()
        if ":" in subject:
            subject_type, _, subject_id = subject.partition(":")
            events = events.filter(subject_type=subject_type, subject_id=subject_id)
        else:
            events = events.filter(subject_id=subject)
    if data["radicado"]:
        events = events.filter(radicado__iexact=data["radicado"].strip())
    if data["actor"]:
        events = events.filter(actor_username__iexact=data["actor"].strip())
    if data["action"]:
        events = events.filter(action__startswith=data["action"].strip())
    if data["date_from"]:
        events = events.filter(
            recorded_at__gte=bogota_day_bounds(data["date_from"], end=False)
        )
    if data["date_to"]:
        events = events.filter(
            recorded_at__lt=bogota_day_bounds(data["date_to"], end=True)
        )
    return events


def chain_events(chain_key: str) -> QuerySet:
    return AuditEvent.objects.filter(chain_key=chain_key).order_by("seq")


def chain_summary() -> list[ChainHead]:
    return list(ChainHead.objects.order_by("chain_key"))


def recorded_recently(
    *, action: str, subject_type: str, subject_id, actor, minutes: int
) -> bool:
    """Whether ``actor`` already has an ``action`` event on this subject within the
    last ``minutes``: one query on the subject's index, so a repeated read can be
    recorded once."""
    since = format_time(timezone.now() - datetime.timedelta(minutes=minutes))
    return AuditEvent.objects.filter(
        subject_type=subject_type,
        subject_id=str(subject_id),
        action=action,
        actor_id=str(actor.pk),
        recorded_at__gte=since,
    ).exists()
