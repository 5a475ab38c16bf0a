"""How events read for an auditor: Spanish labels, Bogotá time, before/after diffs."""

import json
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import chain
from .personal import Keyring
from .registry import registry

BOGOTA = zoneinfo.ZoneInfo("America/Bogota")

RESULT_LABELS = {
    "ok": _("Exitoso"),
    "denied": _("Denegado"),
    "conflict": _("Conflicto"),
    "error": _("Error"),
}


def action_label(action: str) -> str:
    return registry.action_label(action)


def event_body(event) -> dict:
    """What an event says: the canonical JSON that was hashed, as a dict."""
    return json.loads(event.body)


def display_value(value) -> str:
    """A recorded value as the console shows it."""
    if value is None or value == "":
        return "—"
    if value is True:
        return "sí"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(display_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return chain.canonical_json(value)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


def changes(before, after) -> list[Change]:
    """Field-by-field differences, labelled in Spanish."""
    before = (
        before
        if isinstance(before, dict)
        else ({} if before is None else {"valor": before})
    )
    after = (
        after
        if isinstance(after, dict)
        else ({} if after is None else {"valor": after})
    )
    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new or key not in before:
            rows.append(
                Change(
                    key,
                    registry.field_label(key),
                    display_value(old),
                    display_value(new),
                )
            )
    return rows


@dataclass(frozen=True)
class EventView:
    """One event as the console, the PDF and the CSV show it."""

    pk: int
    chain_key: str
    seq: int
    at_bogota: str
    actor: str
    role: str
    action: str
    action_label: str
    subject: str
    radicado: str
    result: str
    result_label: str
    reason: str
    changes: list
    ip: str
    user_agent: str
    request_id: str
    origin: str
    details: str
    hash: str


def present(event, keyring: Keyring | None = None) -> EventView:
    """One event for display. Pass one ``keyring`` for a list, so each person's key
    is loaded once."""
    keyring = keyring or Keyring()
    body = event_body(event)
    moment = chain.parse_time(body["at"]).astimezone(BOGOTA)
    return EventView(
        pk=event.pk,
        chain_key=body["chain"],
        seq=body["seq"],
        at_bogota=moment.strftime("%d/%m/%Y %H:%M:%S"),
        actor=body["actor_username"] or "—",
        role=body["actor_role"],
        action=body["action"],
        action_label=action_label(body["action"]),
        subject=f"{body['subject_type']}:{body['subject_id']}",
        radicado=body["radicado"],
        result=body["result"],
        result_label=str(RESULT_LABELS.get(body["result"], body["result"])),
        reason=body["reason"],
        changes=changes(
            keyring.open_values(body.get("before")),
            keyring.open_values(body.get("after")),
        ),
        ip=body["ip"],
        user_agent=body["user_agent"],
        request_id=body["request_id"],
        origin=body["origin"],
        details=chain.canonical_json(body.get("details") or {})
        if body.get("details")
        else "",
        hash=event.hash,
    )


def present_all(events) -> list[EventView]:
    keyring = Keyring()
    return [present(event, keyring) for event in events]
