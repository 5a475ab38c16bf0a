"""The GOV.CO shell's data: the footer's contact lines and policy links, and the
site map.

The footer is on every public page, so its data is read once and kept in this
process for ``FOOTER_CACHE_SECONDS``: a page costs no query for it. Saving the
settings or publishing, moving or deleting a page empties this process's copy at
once; other worker processes pick the change up when their copy expires.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError

from wagtail.models import Page

logger = logging.getLogger(__name__)

# The settings' page fields, in the order the footer links them.
POLICY_PAGES = ("privacy", "terms", "accessibility", "site_map", "transparency")
CONTACT_FIELDS = (
    "entity_name",
    "address",
    "hours",
    "phone",
    "information_line",
    "anticorruption_line",
    "contact_email",
    "judicial_notifications_email",
    "pqrsd_url",
)

_lock = threading.Lock()
_cached: tuple[float, dict] | None = None


def footer() -> dict:
    """``{"entity_name": ..., ..., "links": {"privacy": "/politica.../", ...}}``;
    a policy page that is missing or not live has no link (never a 404)."""
    global _cached
    seconds = getattr(settings, "FOOTER_CACHE_SECONDS", 60)
    cached = _cached
    if cached is not None and time.monotonic() - cached[0] < seconds:
        return cached[1]
    try:
        data = _load()
    except DatabaseError:
        # The 404 and 400 pages keep a footer while the database is away.
        logger.warning("footer settings unavailable; showing the defaults")
        return _defaults()
    with _lock:
        _cached = (time.monotonic(), data)
    return data


def invalidate_footer(**kwargs) -> None:
    global _cached
    with _lock:
        _cached = None


def _invalidate_for_page(instance=None, **kwargs) -> None:
    """Only a page the footer links (live or not) changes the footer: publishing
    the catalog's pages leaves it, and the pages' query counts, alone."""
    cached = _cached
    if (
        cached is not None
        and instance is not None
        and instance.pk in cached[1]["page_ids"]
    ):
        invalidate_footer()


def _defaults() -> dict:
    from .models import SiteIdentity

    fields = {
        f.name: f for f in SiteIdentity._meta.get_fields() if hasattr(f, "default")
    }
    data = {name: fields[name].get_default() for name in CONTACT_FIELDS}
    data["links"] = {}
    data["page_ids"] = frozenset()
    return data


def _load() -> dict:
    from .models import SiteIdentity

    identity = SiteIdentity.load()
    data = {name: getattr(identity, name) for name in CONTACT_FIELDS}
    ids = {name: getattr(identity, f"{name}_page_id") for name in POLICY_PAGES}
    pages = Page.objects.live().public().in_bulk([pk for pk in ids.values() if pk])
    data["links"] = {
        name: pages[pk].get_url() for name, pk in ids.items() if pk in pages
    }
    data["page_ids"] = frozenset(pk for pk in ids.values() if pk)
    return data


def connect_invalidation() -> None:
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .models import SiteIdentity

    for signal, uid in (
        (page_published, "footer-publish"),
        (page_unpublished, "footer-unpublish"),
        (post_page_move, "footer-move"),
    ):
        signal.connect(_invalidate_for_page, weak=False, dispatch_uid=uid)
    post_save.connect(
        invalidate_footer, sender=SiteIdentity, weak=False, dispatch_uid="footer-save"
    )
    post_delete.connect(
        _invalidate_for_page, sender=Page, weak=False, dispatch_uid="footer-delete"
    )


def site_map_sections(site_map_page, request=None) -> dict:
    """The live, public pages below the home page: ``sections`` are those with
    entries of their own (the catalog's life events, a content page's children),
    ``pages`` the rest (the policies). The 200+ procedure pages are reached through
    the catalog, not listed here."""
    from catalog.models import LifeEvent, ProcedureIndexPage

    home = site_map_page.get_parent()
    sections, pages = [], []
    for page in home.get_children().live().public():
        if page.pk == site_map_page.pk:
            continue
        entry = {"title": page.title, "url": page.get_url(request), "children": []}
        if page.specific_class is ProcedureIndexPage:
            entry["children"] = [
                {"title": event.name, "url": f"{entry['url']}?evento={event.code}"}
                for event in LifeEvent.objects.all()
            ]
        else:
            entry["children"] = [
                {"title": child.title, "url": child.get_url(request)}
                for child in page.get_children().live().public()
            ]
        (sections if entry["children"] else pages).append(entry)
    return {"sections": sections, "pages": pages}
