from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import checks, parameters, views
from .models import Audience, Entity, LifeEvent, SearchSynonym, ServicePoint


class ParametersMissingPanel(Component):
    """Dashboard warning: the current year's UVB, UVT or SMMLV is not in the data."""

    name = "parameters_missing"
    order = 10
    template_name = "catalog/admin/parameters_missing_panel.html"

    def __init__(self, year: int, missing: list[str]):
        self.year, self.missing = year, missing

    def get_context_data(self, parent_context=None):
        return {
            "year": self.year,
            "labels": ", ".join(parameters.LABELS[name] for name in self.missing),
        }


@hooks.register("construct_homepage_panels")
def warn_missing_parameters(request, panels):
    year, missing = checks.missing_now()
    if missing:
        panels.append(ParametersMissingPanel(year, missing))


@hooks.register("before_edit_page")
def no_autosave_of_a_workflow_action(request, page):
    """Pressing "Aprobar" (or any task action) in the page editor adds hidden inputs
    to the edit form; Wagtail's autosave sees them as an edit and posts the form again
    while the real action is still running. That copy would save a revision by the
    moderator (so the approved page had an unpublished draft again) or, arriving
    first, make the review restart for it. Only the explicit POST acts."""
    if (
        request.method == "POST"
        and request.POST.get("action-workflow-action")
        and not request.accepts("text/html")
    ):
        return JsonResponse(
            {
                "success": False,
                "error_code": "blocked_by_hook",
                "error_message": str(
                    _("La acción del flujo de moderación ya se está enviando.")
                ),
            },
            status=409,
        )
    return None


class EntityViewSet(SnippetViewSet):
    model = Entity
    icon = "group"
    list_display = ["code", "name", "sector", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "sector"]


class ServicePointViewSet(SnippetViewSet):
    model = ServicePoint
    icon = "site"
    list_display = ["name", "kind", "address"]
    list_filter = ["kind"]


class LifeEventViewSet(SnippetViewSet):
    model = LifeEvent
    icon = "tag"
    list_display = ["name", "code", "sort_order"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "user"
    list_display = ["name", "code"]


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    list_display = ["__str__", "note"]
    search_fields = ["terms", "note"]


class CatalogViewSetGroup(SnippetViewSetGroup):
    items = (
        EntityViewSet,
        ServicePointViewSet,
        LifeEventViewSet,
        AudienceViewSet,
        SearchSynonymViewSet,
    )
    menu_icon = "folder-open-inverse"
    menu_label = _("Catálogo")
    menu_name = "catalogo"


register_snippet(CatalogViewSetGroup)


@hooks.register("register_admin_urls")
def register_search_report_url():
    return [path("busquedas/", views.search_report, name="catalog_search_report")]


class SearchReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.SEARCH_REPORT_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_search_report_menu_item():
    return SearchReportMenuItem(
        _("Búsquedas del catálogo"),
        reverse("catalog_search_report"),
        name="catalog-searches",
        icon_name="search",
        order=1310,
    )
