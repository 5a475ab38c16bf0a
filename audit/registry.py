"""What the other apps tell the auditor console about their events.

Audit records events about any subject and knows none of them: each app names its
own actions and fields, as Wagtail's ``register_log_actions`` hook does for its log::

    @hooks.register("register_audit_labels")
    def register_report_labels(labels):
        labels.register_actions({"report.sent": _("Informe enviado")})
        labels.register_fields({"sent_on": _("Fecha de envío")})

The hooks run once, on the first label asked for (every ``wagtail_hooks`` module is
loaded by then). An action or field nobody registered reads as its code.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from wagtail import hooks

HOOK = "register_audit_labels"


@dataclass(frozen=True)
class TimelinePanel:
    """A section an app adds to a chain's timeline: ``get_context(events, request)``
    returns the template's context under ``name``, or None to show nothing."""

    name: str
    template_name: str
    get_context: Callable


class AuditRegistry:
    def __init__(self):
        self.has_scanned = False
        self._actions: dict[str, str] = {}
        self._fields: dict[str, str] = {}
        self._panels: list[TimelinePanel] = []

    def scan(self) -> None:
        if not self.has_scanned:
            # Set first: a hook that asks for a label must not scan again.
            self.has_scanned = True
            for register in hooks.get_hooks(HOOK):
                register(self)

    @staticmethod
    def _add(table: dict, kind: str, labels: Mapping) -> None:
        for code, label in labels.items():
            # Two apps may share a field only if they say it the same way.
            if code in table and str(table[code]) != str(label):
                raise ImproperlyConfigured(
                    f"audit {kind} {code!r} registered as {table[code]!r} and {label!r}"
                )
            table[code] = label

    def register_action(self, action: str, label) -> None:
        self._add(self._actions, "action", {action: label})

    def register_actions(self, labels: Mapping) -> None:
        self._add(self._actions, "action", labels)

    def register_fields(self, labels: Mapping) -> None:
        self._add(self._fields, "field", labels)

    def register_timeline_panel(
        self, name: str, template_name: str, get_context: Callable
    ) -> None:
        self._panels.append(TimelinePanel(name, template_name, get_context))

    def action_exists(self, action: str) -> bool:
        self.scan()
        return action in self._actions

    def action_label(self, action: str) -> str:
        self.scan()
        return str(self._actions.get(action, action))

    def field_label(self, field: str) -> str:
        self.scan()
        if field in self._fields:
            return str(self._fields[field])
        return field.replace("_", " ").capitalize()

    def timeline_panels(self) -> list[TimelinePanel]:
        self.scan()
        return list(self._panels)


registry = AuditRegistry()
