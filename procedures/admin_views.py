"""The officers' back office, built from Wagtail's generic viewset pieces.

``CaseViewSet`` gives the views under ``/admin/casos/``: the entity's queue
(Wagtail's ``IndexView``: filters, search, sortable columns, pagination, and the
``asignar`` bulk action on ticked rows), and one case with its actions
(``case_admin``: the case page, each action's form and confirmation, which only
call ``services.case_preview`` and ``case_act``).
``OfficerCasePolicy`` is the one permission rule: an
officer views their entity's cases (``Case.objects.in_queue_of``) and nobody
adds, edits or deletes a case here; every change is a workflow action.
"""

import datetime
import re

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import F, Prefetch, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from accounts.models import ApplicantProfile
from catalog.models import ProcedurePage

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

# "SDH-2026-000123": the entity's code, the year and the number.
RADICADO_SHAPE = re.compile(r"^[A-Za-z0-9]+-\d{4}-\d+$")


def search_kind(text: str) -> str:
    """What the queue's one search box was given, read from its shape: a
    radicado, a document number (one token with a digit) or a name."""
    text = " ".join(text.split())
    if RADICADO_SHAPE.match(text):
        return "radicado"
    if " " not in text and any(char.isdigit() for char in text):
        return "document"
    return "name"


# Searches by an identifier also find closed cases: a radicado or a document is
# precise and on an index whatever the state. A name is not (a common surname
# matches thousands of an entity's closed cases), so it searches the open ones
# unless a state is chosen.
EXACT_SEARCHES = ("radicado", "document")


def case_search(queryset, text: str):
    """Every kind of search is an indexed lookup at a million cases: a radicado
    exactly (its unique index); a document number exactly
    (applicant_document_number); a name, every word in the first or last names
    (trigram indexes on auth_user)."""
    text = " ".join(text.split())
    if not text:
        return queryset
    kind = search_kind(text)
    if kind == "radicado":
        return queryset.filter(radicado=text.upper())
    if kind == "document":
        # Stored without dots or spaces; a NIT with the dash before its check digit.
        number = re.sub(r"[\s.\-]", "", text).upper()
        forms = {number, f"{number[:-1]}-{number[-1:]}"}
        return queryset.filter(
            applicant__in=ApplicantProfile.objects.filter(
                document_number__in=forms
            ).values("user_id")
        )
    users = get_user_model().objects.all()
    for word in text.split():
        users = users.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return queryset.filter(applicant__in=users.values("pk"))


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


def overdue(today: datetime.date) -> Q:
    """Cases whose running term has ended (a suspended term is not overdue: the
    badge says "Término suspendido" instead)."""
    return Q(due_date__lt=today) & ~Q(status__in=CLOCK_STOPPED_STATUSES)


class CheckboxFilter(django_filters.BooleanFilter):
    # A plain BooleanField: unticked is "no filter" and leaves the form unchanged
    # (NullBooleanField would count False as a change and report a search).
    field_class = forms.BooleanField


class OfficerChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        # Wagtail's active-filter chip passes the "null" choice as its value.
        if obj == getattr(self, "null_value", None):
            return str(self.null_label)
        return services.user_display(obj)


class OfficerFilter(django_filters.ModelChoiceFilter):
    field_class = OfficerChoiceField


def _entity_procedures(request):
    """The procedures of the officer's entities, by name (the filter's choices)."""
    if request is None:
        return ProcedurePage.objects.none()
    return (
        ProcedurePage.objects.filter(
            entity__officer_group__in=request.user.groups.all()
        )
        .only("id", "title", "code")
        .order_by("title")
    )


def entity_officers_of(user):
    """The active officers of ``user``'s entities: whom the queue filters by and
    cases may be assigned to."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__officer_entities__officer_group__in=user.groups.all(),
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _entity_officers(request):
    if request is None:
        return get_user_model().objects.none()
    return entity_officers_of(request.user)


TERM_CHOICES = [
    ("vencidos", _("Vencidos")),
    ("pronto", _("Vencen en 3 días hábiles o menos")),
    ("a_tiempo", _("A tiempo")),
]


class CaseFilterSet(WagtailFilterSet):
    estado = django_filters.ChoiceFilter(
        label=_("Estado"),
        field_name="status",
        choices=workflow.Status.choices,
        empty_label=_("Todos los abiertos"),
        help_text=_("Al buscar por radicado o documento, también los terminados."),
    )
    tramite = django_filters.ModelChoiceFilter(
        label=_("Trámite"),
        field_name="procedure",
        queryset=_entity_procedures,
        to_field_name="code",
        empty_label=_("Todos"),
    )
    plazo = django_filters.ChoiceFilter(
        label=_("Plazo"),
        choices=TERM_CHOICES,
        empty_label=_("Todos"),
        method="filter_term",
    )
    asignado = OfficerFilter(
        label=_("Asignado a"),
        field_name="assigned_to",
        queryset=_entity_officers,
        empty_label=_("Cualquiera"),
        null_label=_("Sin asignar"),
    )
    mios = CheckboxFilter(label=_("Asignados a mí"), method="filter_mine")

    class Meta:
        model = Case
        fields = []

    def filter_term(self, queryset, name, value):
        today = _today()
        if value == "vencidos":
            return queryset.filter(overdue(today))
        if value == "pronto":
            return queryset.filter(due_soon(today))
        return queryset.exclude(overdue(today) | due_soon(today))

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


def applicant_document(user) -> str:
    """ "CC 1020304050", or "" for an account without an applicant profile."""
    try:
        profile = user.applicant_profile
    except ApplicantProfile.DoesNotExist:
        return ""
    return f"{profile.document_type} {profile.document_number}"


class ApplicantColumn(Column):
    cell_template_name = "procedures/admin/applicant_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["name"] = services.user_display(instance.applicant)
        context["document"] = applicant_document(instance.applicant)
        return context


# Each column's sort key and the fields it sorts by; the id last breaks ties so
# that pages never repeat or skip a case. An unassigned case sorts last.
ORDERINGS = {
    "radicado": ("radicado",),
    "solicitante": ("applicant__last_name", "applicant__first_name"),
    "tramite": ("procedure__title",),
    "estado": ("status",),
    "filed_at": ("filed_at",),
    "due_date": ("due_date",),
    "asignado": ("assigned_to__first_name", "assigned_to__last_name"),
}


class QueueView(generic.IndexView):
    page_title = QUEUE_TITLE
    any_permission_required = ["view"]
    search_fields = ["radicado"]  # Unused: case_search reads the query itself.
    columns = [
        BulkActionsCheckboxColumn("bulk_actions", obj_type="case"),
        TitleColumn(
            "radicado",
            label=_("Radicado"),
            sort_key="radicado",
            classname="w-whitespace-nowrap",
            get_url=lambda case: reverse("procedures_admin_case", args=[case.radicado]),
            get_title_id=lambda case: f"case_{case.pk}_title",
        ),
        ApplicantColumn("applicant", label=_("Solicitante"), sort_key="solicitante"),
        Column(
            "procedure",
            label=_("Trámite"),
            accessor="procedure.title",
            sort_key="tramite",
        ),
        Column(
            "status",
            label=_("Estado"),
            accessor="get_status_display",
            sort_key="estado",
        ),
        Column(
            "filed_at",
            label=_("Radicado el"),
            accessor=lambda case: f"{calendar.to_bogota(case.filed_at):%d/%m/%Y}",
            sort_key="filed_at",
            classname="w-whitespace-nowrap",
        ),
        DueColumn("due_date", label=_("Vence"), sort_key="due_date"),
        Column(
            "assigned_to",
            label=_("Asignado a"),
            accessor=lambda case: services.user_display(case.assigned_to) or "—",
            sort_key="asignado",
        ),
    ]

    @cached_property
    def is_searchable(self):
        return True

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return _("Ningún caso coincide con la búsqueda o los filtros.")
        return _("No hay casos abiertos en la cola de su entidad.")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": QUEUE_TITLE}]

    def get_base_queryset(self):
        return (
            self.permission_policy.instances_user_has_permission_for(
                self.request.user, "view"
            )
            .select_related("procedure", "assigned_to")
            # The applicant in a query of its own for the page's 50 rows: joined
            # here it would be fetched for every open case before the sort.
            .prefetch_related(
                Prefetch(
                    "applicant",
                    get_user_model()
                    .objects.select_related("applicant_profile")
                    .only(
                        "username",
                        "first_name",
                        "last_name",
                        "applicant_profile__document_type",
                        "applicant_profile__document_number",
                    ),
                )
            )
            # Only what the queue shows: not each procedure page's StreamFields.
            .only(
                "radicado",
                "status",
                "filed_at",
                "due_date",
                "calendar_days",
                "procedure__title",
                "assigned_to__username",
                "assigned_to__first_name",
                "assigned_to__last_name",
                "applicant_id",
            )
        )

    def order_queryset(self, queryset):
        ordering = self.ordering or "due_date"
        descending = ordering.startswith("-")
        fields = ORDERINGS.get(ordering.lstrip("-"), ("due_date",))
        return queryset.order_by(
            *(
                F(field).desc(nulls_last=True)
                if descending
                else F(field).asc(nulls_last=True)
                for field in fields
            ),
            "-pk" if descending else "pk",
        )

    def filter_queryset(self, queryset):
        if self.filters is None:
            return queryset.open()
        if not self.filters.is_valid():
            # A crafted or stale value (a procedure of another entity...): nothing,
            # rather than the whole queue unfiltered.
            return queryset.none()
        queryset = self.filters.filter_queryset(queryset)
        # The queue is the open cases unless a status is asked for or a case is
        # looked up by radicado or document (EXACT_SEARCHES).
        exact = self.is_searching and search_kind(self.search_query) in EXACT_SEARCHES
        if not self.filters.form.cleaned_data.get("estado") and not exact:
            queryset = queryset.open()
        return queryset

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return case_search(queryset, self.search_query)


# --- One case and its action: procedures/case_admin.py --------------------------


# --- Assigning many cases at once ---------------------------------------------------


class AssignForm(forms.Form):
    assignee = OfficerChoiceField(
        label=_("Asignar a"),
        queryset=get_user_model().objects.none(),
        empty_label=None,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = entity_officers_of(user)


class AssignCasesBulkAction(PermissionCheckedMixin, BulkAction):
    """Wagtail's bulk action on the queue's ticked rows: each case goes through
    ``services.case_act`` (the ``asignar`` row: its guards, version and audit
    event), one by one; a case that refuses is reported, the others assigned."""

    models = [Case]
    permission_policy = officer_case_policy
    any_permission_required = ["view"]
    display_name = _("Asignar")
    action_type = "asignar"
    aria_label = _("Asignar los casos seleccionados a un funcionario")
    template_name = "procedures/admin/bulk_assign.html"
    action_priority = 10
    form_class = AssignForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_queryset(self, model, object_ids):
        # Only the officer's queue: another entity's case is not found, as if
        # it did not exist (also for a crafted POST).
        return (
            officer_case_policy.instances_user_has_permission_for(
                self.request.user, "view"
            )
            .filter(pk__in=[pk for pk in object_ids if str(pk).isdigit()])
            .select_related("procedure", "assigned_to")
            .order_by("due_date", "pk")
        )

    def get_all_objects_in_listing_query(self, parent_id):
        # "Select all" sends the listing's own query string: the same queue.
        # The queue view as the viewset builds it (construct_view's kwargs).
        kwargs = {
            **case_viewset.get_common_view_kwargs(),
            **case_viewset.get_index_view_kwargs(),
        }
        view_class = case_viewset.index_view_class
        view = view_class(
            **{
                key: value
                for key, value in kwargs.items()
                if hasattr(view_class, key) and value is not case_viewset.UNDEFINED
            }
        )
        view.setup(self.request)
        return view.get_queryset().values_list("pk", flat=True)

    def get_execution_context(self):
        self.refused = []
        return {
            "refused": self.refused,
            "actor": self.request.user,
            "assignee": self.cleaned_form.cleaned_data["assignee"],
        }

    @classmethod
    def execute_action(cls, objects, *, actor, assignee, refused, **kwargs):
        for case in objects:
            try:
                services.case_act(
                    case.pk,
                    actor=actor,
                    action=workflow.Action.ASSIGN,
                    expected_version=case.version,
                    assignee=assignee,
                )
            except (services.CaseConflict, workflow.TransitionError) as refusal:
                refused.append(f"{case.radicado}: {refusal}")
        return len(objects) - len(refused), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        for refusal in self.refused:
            messages.error(self.request, refusal)
        if not num_parent_objects:
            return None
        return ngettext(
            "%(count)d caso asignado a %(name)s.",
            "%(count)d casos asignados a %(name)s.",
            num_parent_objects,
        ) % {
            "count": num_parent_objects,
            "name": services.user_display(self.cleaned_form.cleaned_data["assignee"]),
        }


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
    index_template_name = "procedures/admin/queue.html"
    index_results_template_name = "procedures/admin/queue_results.html"
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
