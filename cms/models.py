"""The site's home page."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from catalog.links import PublicSiteURLMixin
from catalog.models import ProcedureIndexPage


class HomePage(PublicSiteURLMixin, Page):
    """The landing page: search the catalog, start formalization, browse life events."""

    intro = models.TextField(_("introducción"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["catalog.ProcedureIndexPage"]
    max_count = 1
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("página de inicio")

    def get_context(self, request, *args, **kwargs):
        from catalog.models import LifeEvent

        context = super().get_context(request, *args, **kwargs)
        context["catalog"] = ProcedureIndexPage.objects.live().first()
        context["life_events"] = LifeEvent.objects.all()
        return context


# The catalog sits below cms in the import direction and cannot name the home page;
# cms places it there (read by Wagtail on first use, after the apps are loaded).
ProcedureIndexPage.parent_page_types = ["cms.HomePage"]
