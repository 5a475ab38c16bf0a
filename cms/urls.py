from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.decorators.cache import cache_control, never_cache
from django.views.generic import RedirectView

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from catalog import views as catalog_views
from catalog.history import EntitySiteHistoryView
from procedures import verify_views
from procedures import views as procedure_views

from . import two_factor
from .api import api_router


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page links: send them to the
    static file (its hashed name in production), without a trip to Wagtail."""

    def get_redirect_url(self, *args, **kwargs):
        return static_url("img/favicon.ico")


urlpatterns = [
    path(
        "favicon.ico",
        cache_control(max_age=86400, public=True)(FaviconView.as_view()),
        name="favicon",
    ),
    # Wagtail's site history report, narrowed to the editor's entities: these paths
    # come first, so Wagtail's own view at the same URL (and name) is never reached.
    path(
        "admin/reports/site-history/",
        never_cache(require_admin_access(EntitySiteHistoryView.as_view())),
        name="site_history",
    ),
    path(
        "admin/reports/site-history/results/",
        never_cache(
            require_admin_access(EntitySiteHistoryView.as_view(results_only=True))
        ),
        name="site_history_results",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documentos/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("datos/tramites.csv", catalog_views.procedures_csv, name="open-data-csv"),
    path("datos/tramites.json", catalog_views.procedures_json, name="open-data-json"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Spanish lives at the unprefixed URLs; English under /en/.
urlpatterns += i18n_patterns(
    path("cuenta/", include("accounts.urls")),
    path("cuenta/verificacion-en-dos-pasos/", two_factor.two_factor, name="two_factor"),
    path("tramites/<slug:slug>/radicar/", procedure_views.file_case, name="file_case"),
    path(
        "tramites/pagos/sandbox/<uuid:reference>/",
        procedure_views.sandbox_bank,
        name="procedures_sandbox_bank",
    ),
    path(
        "tramites/pagos/aviso/<slug:provider_name>/",
        procedure_views.payment_notice,
        name="procedures_payment_notice",
    ),
    path("", include("formalization.urls")),
    path("mis-tramites/", include("procedures.urls")),
    # Printed on every issued PDF (and its QR): anyone may check a document.
    path("verificar/", verify_views.verify_form, name="verify_form"),
    path("verificar/<str:code>/", verify_views.verify_document, name="verify_document"),
    path(
        "verificar/<str:code>/documento/",
        verify_views.verify_download,
        name="verify_download",
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
