from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from audit.views import PERMISSION

from . import selectors, views


@hooks.register("register_admin_urls")
def register_oversight_urls():
    return [
        path("riesgos/", views.risk_queue, name="oversight_risk_queue"),
        path("riesgos/<int:pk>/", views.risk_flag, name="oversight_risk_flag"),
        path("riesgos/revisar/", views.risk_scan_now, name="oversight_risk_scan"),
    ]


class RiskQueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_risk_queue_menu_item():
    return RiskQueueMenuItem(
        _("Alertas de riesgo"),
        reverse("oversight_risk_queue"),
        icon_name="warning",
        order=905,
    )


class OpenFlagCountsPanel(Component):
    """An entity head's home panel: their entity's open flags as counts only,
    never the flags, and no way into the queue (issue 15 builds the dashboard)."""

    name = "risk_open_counts"
    order = 20
    template_name = "oversight/admin/head_counts_panel.html"

    def __init__(self, entities: list[tuple[str, str]]):
        self.entities = entities

    def get_context_data(self, parent_context=None):
        return {
            "entities": [
                {"code": code, "name": name, "counts": selectors.open_counts(code)}
                for code, name in self.entities
            ]
        }


@hooks.register("construct_homepage_panels")
def add_open_flag_counts(request, panels):
    codes = selectors.headed_entities(request.user)
    if codes:
        names = selectors.entity_names(codes)
        panels.append(
            OpenFlagCountsPanel([(code, names.get(code, code)) for code in codes])
        )


@hooks.register("register_audit_labels")
def register_oversight_labels(labels):
    labels.register_actions(
        {"risk.flag_disposed": _("Disposición de alerta de riesgo")}
    )
    labels.register_fields(
        {
            "status": _("Estado"),
            "reason": _("Motivo"),
        }
    )
