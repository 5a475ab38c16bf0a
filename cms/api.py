"""Wagtail's read-only pages API at /api/v2/pages/."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import PageParentField, PageSerializer
from wagtail.api.v2.views import PagesAPIViewSet


class SpecificParentField(PageParentField):
    """The parent as its own page type, so its ``html_url`` is on the configured
    site URL too (``catalog.links.PublicSiteURLMixin``), like the page's own."""

    def to_representation(self, value):
        return super().to_representation(value.specific)


class SitePageSerializer(PageSerializer):
    parent = SpecificParentField(read_only=True)


class SitePagesAPIViewSet(PagesAPIViewSet):
    base_serializer_class = SitePageSerializer


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", SitePagesAPIViewSet)
