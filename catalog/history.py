"""Wagtail's site history report (and its CSV/XLSX export), narrowed per entity.

Wagtail shows an editor the log of every page they can explore, and editors of every
entity can explore the whole catalog. Here editors see only the pages of the entities
they edit, the same rule as editing itself (``entities_editable_by``); moderators and
superusers see everything, as in Wagtail. The user and action filters list only what
the visible entries hold, so they name no editor of another entity.
"""

from django.contrib.auth import get_user_model

from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
)
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import PageLogEntry

from .models import ProcedurePage, entities_editable_by


def sees_every_entity(user) -> bool:
    return user.is_superuser or user.has_perm("catalog.manage_all_procedures")


def _entity_pages(user):
    return ProcedurePage.objects.filter(entity__in=entities_editable_by(user)).values(
        "pk"
    )


def _narrow(queryset, user):
    """Keep, of a page log queryset, the entries of the user's entities' pages."""
    if queryset.model is PageLogEntry and not sees_every_entity(user):
        queryset = queryset.filter(page_id__in=_entity_pages(user))
    return queryset


def visible_log_entries(user, log_model):
    """The entries of ``log_model`` the user may read in the site history."""
    return _narrow(log_model.objects.viewable_by_user(user), user)


class EntitySiteHistoryFilterSet(SiteHistoryReportFilterSet):
    def get_users_queryset(self):
        # Wagtail's own lists everyone who ever logged an entry on any page.
        user = self.request.user
        ids = set()
        for log_model in log_action_registry.get_log_entry_models():
            ids.update(visible_log_entries(user, log_model).get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)

    def get_action_choices(self):
        actions = set()
        for log_model in log_action_registry.get_log_entry_models():
            actions.update(
                visible_log_entries(self.request.user, log_model).get_actions()
            )
        return [
            choice
            for choice in log_action_registry.get_choices()
            if choice[0] in actions
        ]


class EntitySiteHistoryView(LogEntriesView):
    """Serves /admin/reports/site-history/ (and its results and exports) in place of
    Wagtail's own view, which cms/urls.py shadows."""

    filterset_class = EntitySiteHistoryFilterSet

    def filter_queryset(self, queryset):
        # Called once per log model on its values() queryset (see LogEntriesView).
        return super().filter_queryset(_narrow(queryset, self.request.user))
