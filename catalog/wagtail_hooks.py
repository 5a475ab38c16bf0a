from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Audience, Entity, LifeEvent, ServicePoint


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


class CatalogViewSetGroup(SnippetViewSetGroup):
    items = (EntityViewSet, ServicePointViewSet, LifeEventViewSet, AudienceViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Catálogo")
    menu_name = "catalogo"


register_snippet(CatalogViewSetGroup)
