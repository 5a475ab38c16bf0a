"""Wagtail's read-only pages API at /api/v2/pages/."""

from django.conf import settings

from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import PageParentField, PageSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

# PostgreSQL's OFFSET and LIMIT are bigints.
MAX_ROW = 2**63 - 1


class BoundedPagination(WagtailPagination):
    """Wagtail's pagination, with an offset past what the database can count
    answered 400 rather than failing in the query."""

    def paginate_queryset(self, queryset, request, view=None):
        limit_max = settings.WAGTAILAPI_LIMIT_MAX or MAX_ROW
        try:
            offset = int(request.GET.get("offset", 0))
            limit = min(int(request.GET.get("limit", 20)), limit_max)
        except ValueError:
            offset = limit = 0  # Wagtail answers these with its own message.
        if offset + limit > MAX_ROW:
            raise BadRequestError(f"offset cannot be higher than {MAX_ROW - limit}")
        return super().paginate_queryset(queryset, request, view)


class SpecificParentField(PageParentField):
    """The parent as its own page type, so its ``html_url`` is on the configured
    site URL too (``catalog.links.PublicSiteURLMixin``), like the page's own."""

    def to_representation(self, value):
        return super().to_representation(value.specific)


class SitePageSerializer(PageSerializer):
    parent = SpecificParentField(read_only=True)


class SitePagesAPIViewSet(PagesAPIViewSet):
    base_serializer_class = SitePageSerializer
    pagination_class = BoundedPagination


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", SitePagesAPIViewSet)
