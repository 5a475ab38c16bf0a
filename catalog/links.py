"""Absolute links to the public site, built from the one configured site URL.

``settings.WAGTAILADMIN_BASE_URL`` is the address the site is published at (the
pages API already uses it as ``WAGTAILAPI_BASE_URL``). E-mails, the open-data
export and the pages API's ``html_url`` build their links from it, never from the
request's Host header or from the ``Site`` record's hostname (seeded as
``localhost``), so a link read outside the site (in a mail client, a
spreadsheet) reaches the real site.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from wagtail import hooks

# A procedure's page links to where it is done online; those views live in the apps
# above the catalog, which register a hook answering ``{name: url}`` for a page (or
# ``None``). ``procedures`` answers "file", ``formalization`` answers "formalization".
PROCEDURE_LINKS = "catalog_procedure_links"


def site_url(path: str = "") -> str:
    """``path`` (absolute, starting with "/") on the public site; the root if empty."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    if path and not path.startswith("/"):
        raise ValueError(f"expected a path starting with '/', got {path!r}")
    return base + (path or "/")


def absolute_reverse(viewname: str, *args, **kwargs) -> str:
    """``reverse()`` as an absolute URL, in the site's default language (Spanish
    URLs carry no prefix): e-mails are written in Spanish whatever language the
    request that triggered them was in."""
    with translation.override(settings.LANGUAGE_CODE):
        return site_url(reverse(viewname, args=args, kwargs=kwargs))


class PublicSiteURLMixin:
    """For page models: their full URL is on the configured site URL.

    Wagtail's ``get_url_parts`` answers ``(site_id, root_url, path)`` with the
    ``Site`` record's root; this keeps the site and the path and replaces the root,
    so ``full_url`` (the API's ``html_url``, the export's ``url``, "view live")
    uses the configured address. Relative URLs inside the site are unchanged.
    """

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if parts is None or parts[1] is None:
            return parts
        site_id, _root_url, page_path = parts
        return site_id, site_url().rstrip("/"), page_path


def procedure_links(page) -> dict[str, str]:
    """The links the upper apps give this procedure's page, by name."""
    links: dict[str, str] = {}
    for hook in hooks.get_hooks(PROCEDURE_LINKS):
        links.update(hook(page) or {})
    return links
