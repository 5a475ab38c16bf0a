"""The site's pages (home, content pages, site map) and the GOV.CO shell's settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from catalog.links import PublicSiteURLMixin
from catalog.models import ProcedureIndexPage


class HomePage(PublicSiteURLMixin, Page):
    """The landing page: search the catalog, start formalization, browse life events."""

    intro = models.TextField(_("introducción"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["catalog.ProcedureIndexPage", "cms.ContentPage", "cms.SiteMapPage"]
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


class ContentPage(PublicSiteURLMixin, Page):
    """A page of prose editors revise: the policies, the accessibility statement,
    transparency. ``reviewed_on`` is the date the text was last checked, which the
    accessibility statement and the policies must show."""

    intro = models.TextField(_("introducción"), blank=True)
    body = RichTextField(
        _("contenido"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
    )
    reviewed_on = models.DateField(
        _("fecha de la última revisión"), null=True, blank=True
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("reviewed_on"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]
    template = "cms/content_page.html"

    class Meta:
        verbose_name = _("página de contenido")
        verbose_name_plural = _("páginas de contenido")


class SiteMapPage(PublicSiteURLMixin, Page):
    """The site map: the live page tree below the home page, with the services that
    are views rather than pages. Written from the tree on each request (the
    anonymous page cache keeps it, and publishing anything refreshes it)."""

    intro = models.TextField(_("introducción"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1
    template = "cms/site_map_page.html"

    class Meta:
        verbose_name = _("mapa del sitio")
        verbose_name_plural = _("mapas del sitio")

    def get_context(self, request, *args, **kwargs):
        from .shell import site_map_sections

        context = super().get_context(request, *args, **kwargs)
        context.update(site_map_sections(self, request))
        return context


def _page_link(verbose_name) -> models.ForeignKey:
    """A footer link to a page editors choose (empty: the link is not shown)."""
    return models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


@register_setting(icon="site")
class SiteIdentity(BaseGenericSetting):
    """What the GOV.CO footer says (Res. MinTIC 1519 de 2020, anexo 2): editors
    change the contact data and the policy pages here, without a deploy. Read
    through ``cms.shell.footer()``, which keeps it in memory."""

    entity_name = models.CharField(
        _("nombre de la entidad"),
        max_length=120,
        default="Alcaldía Mayor de Bogotá D.C.",
    )
    address = models.CharField(
        _("dirección"),
        max_length=200,
        default="Carrera 8 No. 10-65, Bogotá D.C., Colombia. Código postal 111711",
    )
    hours = models.CharField(
        _("horario de atención"),
        max_length=200,
        default="Lunes a viernes de 7:00 a. m. a 4:30 p. m. (jornada continua)",
    )
    phone = models.CharField(
        _("conmutador"), max_length=80, default="+57 (601) 381 3000"
    )
    information_line = models.CharField(
        _("línea de información"),
        max_length=80,
        default="Línea 195 (gratuita desde Bogotá, las 24 horas)",
    )
    anticorruption_line = models.CharField(
        _("línea anticorrupción"),
        max_length=160,
        default="Línea 195 y Bogotá Te Escucha («Denuncia por posibles actos de corrupción»)",
    )
    contact_email = models.EmailField(
        _("correo de atención a la ciudadanía"), blank=True
    )
    judicial_notifications_email = models.EmailField(
        _("correo de notificaciones judiciales"),
        default="notificacionesjudiciales@secretariageneral.gov.co",
    )
    pqrsd_url = models.URLField(
        _("dirección de Bogotá Te Escucha (PQRSD)"),
        default="https://bogota.gov.co/sdqs/",
    )
    privacy_page = _page_link(_("política de privacidad y tratamiento de datos"))
    terms_page = _page_link(_("términos y condiciones"))
    accessibility_page = _page_link(_("declaración de accesibilidad"))
    site_map_page = _page_link(_("mapa del sitio"))
    transparency_page = _page_link(_("transparencia y acceso a la información"))

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("entity_name"),
                FieldPanel("address"),
                FieldPanel("hours"),
                FieldPanel("phone"),
                FieldPanel("information_line"),
                FieldPanel("anticorruption_line"),
                FieldPanel("contact_email"),
                FieldPanel("judicial_notifications_email"),
                FieldPanel("pqrsd_url"),
            ],
            heading=_("Datos de contacto"),
        ),
        MultiFieldPanel(
            [
                PageChooserPanel("privacy_page"),
                PageChooserPanel("terms_page"),
                PageChooserPanel("accessibility_page"),
                PageChooserPanel("site_map_page"),
                PageChooserPanel("transparency_page"),
            ],
            heading=_("Páginas enlazadas en el pie de página"),
        ),
    ]

    class Meta:
        verbose_name = _("identidad y pie de página")


# The catalog sits below cms in the import direction and cannot name the home page;
# cms places it there (read by Wagtail on first use, after the apps are loaded).
ProcedureIndexPage.parent_page_types = ["cms.HomePage"]
