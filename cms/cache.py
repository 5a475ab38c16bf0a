"""Whole-response cache for anonymous visitors of public pages.

Anyone carrying a session cookie bypasses it, so logged-in users never see a cached
page. Publishing, unpublishing, moving or deleting a page, or saving catalog
snippets, bumps a generation number that is part of every key: old entries are
then simply never read again.

A key holds the validated host and only the catalog's own query parameters: a
request with any other parameter, a repeated or oversized one, is served uncached,
and so is everything once a window has stored its share of new entries. Strangers
can neither plant a page for another Host header nor fill the cache with junk.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "anon-page-cache:generation"
# Personal and staff pages, in both languages (English lives under /en/).
_PERSONAL = ("/admin/", "/cuenta/", "/mis-tramites/", "/formaliza/")
EXCLUDED_PREFIXES = _PERSONAL + tuple(f"/en{prefix}" for prefix in _PERSONAL)


# The catalog's search, facets and pagination (catalog/selectors.py), each with the
# shape its values take; anything else in a query string bypasses the cache.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
KNOWN_PARAMETERS = {
    "q": re.compile(r".{1,100}", re.S),
    "entidad": _CODE,
    "evento": _CODE,
    "publico": _CODE,
    "nivel": _CODE,
    "costo": _CODE,
    "pagina": re.compile(r"[1-9][0-9]{0,3}"),
}
MAX_QUERY_STRING = 300
PAGE_NEUTRAL_MODELS = frozenset(["catalog.searchqueryday"])


def query_key(request) -> str | None:
    """The query string as it goes into a key (sorted known parameters), or None
    when the request must not be cached."""
    raw = request.META.get("QUERY_STRING", "")
    if len(raw) > MAX_QUERY_STRING:
        return None
    pairs = []
    for name, values in request.GET.lists():
        pattern = KNOWN_PARAMETERS.get(name)
        if pattern is None or len(values) != 1:
            return None
        if values[0] and not pattern.fullmatch(values[0]):
            return None
        pairs.append((name, values[0]))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def _room_for_another_entry(generation: int) -> bool:
    """At most ANONYMOUS_PAGE_CACHE_MAX_NEW_ENTRIES new entries per window of the
    cache's lifetime, so at most twice that many are alive at any time."""
    seconds = settings.ANONYMOUS_PAGE_CACHE_SECONDS
    counter = f"anon-page:{generation}:stored:{int(time.time() // seconds)}"
    cache.add(counter, 0, timeout=2 * seconds)
    try:
        stored = cache.incr(counter)
    except ValueError:  # expired between add() and incr()
        return False
    return stored <= settings.ANONYMOUS_PAGE_CACHE_MAX_NEW_ENTRIES


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def invalidate(**kwargs) -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def connect_invalidation() -> None:
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(invalidate, weak=False, dispatch_uid="anon-cache-publish")
    page_unpublished.connect(
        invalidate, weak=False, dispatch_uid="anon-cache-unpublish"
    )
    post_page_move.connect(invalidate, weak=False, dispatch_uid="anon-cache-move")

    def on_model_change(sender, **kwargs):
        # Search promotions change what the catalog lists for a query; the count of
        # searches (written by searches themselves) changes no page.
        if (
            sender._meta.app_label
            in (
                "catalog",
                "wagtailcore",
                "cms",
                "wagtailsearchpromotions",
            )
            and sender._meta.label_lower not in PAGE_NEUTRAL_MODELS
        ):
            invalidate()

    post_save.connect(on_model_change, weak=False, dispatch_uid="anon-cache-save")
    post_delete.connect(on_model_change, weak=False, dispatch_uid="anon-cache-delete")


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        query = query_key(request)
        if query is None:
            return self.get_response(request)
        # get_host() answers only a host in ALLOWED_HOSTS (otherwise: 400). The
        # language is part of the path (/en/...).
        url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        generation = current_generation()
        key = f"anon-page:{generation}:{hashlib.sha256(url.encode()).hexdigest()}"
        response = cache.get(key)
        if response is not None:
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._cacheable_response(response) and _room_for_another_entry(generation):
            cache.set(key, response, settings.ANONYMOUS_PAGE_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        return (
            settings.ANONYMOUS_PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(EXCLUDED_PREFIXES)
            and not request.GET.get("preview")
        )

    @staticmethod
    def _cacheable_response(response) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "private" not in cache_control
            and "no-store" not in cache_control
        )
