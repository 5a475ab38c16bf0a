"""The officers' back office, built from Wagtail's generic viewset pieces.

``CaseViewSet`` gives the views under ``/admin/casos/``: the entity's queue
(Wagtail's ``IndexView``: filters, search, sortable columns, pagination), and
one case with its actions (``case_admin``: the case page, each action's form and
confirmation, which only call ``services.case_preview`` and ``case_act``).
``OfficerCasePolicy`` is the one permission rule: an
officer views their entity's cases (``Case.objects.in_queue_of``) and nobody
adds, edits or deletes a case here; every change is a workflow action.
"""

import datetime
from functools import reduce
from operator import or_

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from . import calendar, services, wording, workflow
from .case_admin import QUEUE_TITLE, ActionView, CaseView, OutputPreviewView
from .models import CLOCK_STOPPED_STATUSES, Case


def is_officer(user) -> bool:
    return (
        user.is_active and user.groups.filter(officer_entities__isnull=False).exists()
    )


def _today() -> datetime.date:
    return calendar.to_bogota(timezone.now()).date()


class OfficerCasePolicy(BasePermissionPolicy):
    """Officers may view their entity's cases; no one adds, edits or deletes one
    through the admin (a case changes only by a workflow action)."""

    def user_has_permission(self, user, action):
        return action == "view" and is_officer(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(groups__officer_entities__isnull=False).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.instances_user_has_permission_for(user, action)
            .filter(pk=instance.pk)
            .exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if "view" in actions and is_officer(user):
            return Case.objects.in_queue_of(user)
        return Case.objects.none()


officer_case_policy = OfficerCasePolicy(Case)
register_permission_policy(Case, officer_case_policy, exact_class=True)


# --- The queue -------------------------------------------------------------------


def due_soon(today: datetime.date) -> Q:
    """Cases whose running term ends within workflow.DUE_SOON_BUSINESS_DAYS of ``today``,
    counted in the term's own unit (the same rule as the queue's badge)."""
    return (
        Q(due_date__gte=today)
        & ~Q(status__in=CLOCK_STOPPED_STATUSES)
        & (
            Q(
                calendar_days=False,
                due_date__lte=calendar.add_business_days(
                    today, workflow.DUE_SOON_BUSINESS_DAYS
                ),
            )
            | Q(
                calendar_days=True,
                due_date__lte=today
                + datetime.timedelta(workflow.DUE_SOON_BUSINESS_DAYS),
            )
        )
    )


class CheckboxFilter(django_filters.BooleanFilter):
    # A plain BooleanField: unticked is "no filter" and leaves the form unchanged
    # (NullBooleanField would count False as a change and report a search).
    field_class = forms.BooleanField


class CaseFilterSet(WagtailFilterSet):
    estado = django_filters.ChoiceFilter(
        label=_("Estado"),
        field_name="status",
        choices=workflow.Status.choices,
        empty_label=_("Todos los abiertos"),
    )
    tramite = django_filters.CharFilter(
        label=_("Código del trámite"), method="filter_procedure", max_length=20
    )
    plazo = django_filters.ChoiceFilter(
        label=_("Plazo"),
        choices=[("vencidos", _("Vencidos")), ("pronto", _("Vencen pronto"))],
        empty_label=_("Todos"),
        method="filter_term",
    )
    mios = CheckboxFilter(label=_("Asignados a mí"), method="filter_mine")

    class Meta:
        model = Case
        fields = []

    def filter_queryset(self, queryset):
        # The queue is the open cases unless a status is asked for.
        if not self.form.cleaned_data.get("estado"):
            queryset = queryset.open()
        return super().filter_queryset(queryset)

    def filter_procedure(self, queryset, name, value):
        return queryset.filter(procedure__code=value.strip().upper())

    def filter_term(self, queryset, name, value):
        today = _today()
        if value == "vencidos":
            return queryset.filter(due_date__lt=today)
        return queryset.filter(due_soon(today))

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assigned_to=self.request.user) if value else queryset


def due_badge(case: Case, today: datetime.date) -> dict:
    """What the "Vence" cell says beside the date: overdue, clock stopped, or
    the days left when they are few. Nothing once the case is closed."""
    remaining = case.days_left(today)
    running = remaining is not None and not case.clock_stopped
    return {
        "overdue": running and remaining < 0,
        "clock_stopped": case.clock_stopped,
        "due_soon": running and 0 <= remaining <= workflow.DUE_SOON_BUSINESS_DAYS,
        "due_label": (
            wording.due_in(remaining, calendar_days=case.calendar_days)
            if running
            else ""
        ),
    }


class DueColumn(Column):
    cell_template_name = "procedures/admin/due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context.update(due_badge(instance, _today()))
        return context


class QueueView(generic.IndexView):
    page_title = QUEUE_TITLE
    any_permission_required = ["view"]
    search_fields = [
        "radicado",
        "applicant__first_name",
        "applicant__last_name",
        "applicant__username",
    ]
    columns = [
        DueColumn("due_date", label=_("Vence"), sort_key="due_date"),
        TitleColumn(
            "radicado",
            label=_("Radicado"),
            sort_key="radicado",
            classname="w-whitespace-nowrap",
            get_url=lambda case: reverse("procedures_admin_case", args=[case.radicado]),
        ),
        Column("procedure", label=_("Trámite"), accessor="procedure.title"),
        Column("status", label=_("Estado"), accessor="get_status_display"),
        Column(
            "assigned_to",
            label=_("Asignado a"),
            accessor=lambda case: services.user_display(case.assigned_to) or "—",
        ),
    ]

    @cached_property
    def is_searchable(self):
        return True

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": QUEUE_TITLE}]

    def get_base_queryset(self):
        return (
            self.permission_policy.instances_user_has_permission_for(
                self.request.user, "view"
            )
            .select_related("procedure", "assigned_to")
            # Only what the queue shows: not each procedure page's StreamFields.
            .only(
                "radicado",
                "status",
                "due_date",
                "calendar_days",
                "procedure__title",
                "assigned_to__username",
                "assigned_to__first_name",
                "assigned_to__last_name",
            )
        )

    def order_queryset(self, queryset):
        # The id breaks ties so that pages never repeat or skip a case.
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "pk")

    def search_queryset(self, queryset):
        # Every word must match a field: "Ana Gómez" finds Ana Gómez.
        if not self.is_searching:
            return queryset
        for word in self.search_query.split():
            queryset = queryset.filter(
                reduce(
                    or_, (Q(**{f"{f}__icontains": word}) for f in self.search_fields)
                )
            )
        return queryset


# --- One case and its action: procedures/case_admin.py --------------------------


# --- The viewset -------------------------------------------------------------------


class CaseViewSet(ModelViewSet):
    model = Case
    name = "casos"
    # The URL names predate the viewset (e-mails and tests reverse them), so
    # they are kept without a namespace.
    url_namespace = None
    URL_NAMES = {
        "index": "procedures_admin_queue",
        "index_results": "procedures_admin_queue_results",
        "inspect": "procedures_admin_case",
        "action": "procedures_admin_action",
        "action_step": "procedures_admin_action_step",
        "action_preview": "procedures_admin_action_preview",
    }
    index_view_class = QueueView
    inspect_view_class = CaseView
    inspect_view_enabled = True
    filterset_class = CaseFilterSet
    ordering = "due_date"  # the most urgent first
    list_per_page = 50
    search_fields = QueueView.search_fields
    add_to_reference_index = False
    add_to_admin_menu = True
    menu_label = QUEUE_TITLE
    icon = "tasks"
    menu_order = 100

    copy_view_enabled = False

    def get_url_name(self, view_name):
        # "" for the views a case does not have (add, edit, delete, history...).
        return self.URL_NAMES.get(view_name, "")

    @cached_property
    def menu_url(self):
        return reverse(self.URL_NAMES["index"])

    def register_permissions(self):
        # Officers act through entity groups, not Django model permissions:
        # OfficerCasePolicy (above) is the rule, so nothing to offer in Groups.
        pass

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name=self.URL_NAMES["index"]),
            path(
                "results/",
                self.index_results_view,
                name=self.URL_NAMES["index_results"],
            ),
            path(
                "<str:radicado>/",
                self.inspect_view,
                name=self.URL_NAMES["inspect"],
            ),
            path(
                "<str:radicado>/accion/",
                self.construct_view(ActionView, model=Case),
                name=self.URL_NAMES["action"],
            ),
            path(
                "<str:radicado>/accion/<str:action>/",
                self.construct_view(ActionView, model=Case),
                name=self.URL_NAMES["action_step"],
            ),
            path(
                "<str:radicado>/accion/<str:action>/vista-previa.pdf",
                self.construct_view(OutputPreviewView, model=Case),
                name=self.URL_NAMES["action_preview"],
            ),
        ]


case_viewset = CaseViewSet()
