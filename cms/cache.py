"""Whole-response cache for anonymous visitors of public pages.

Anyone carrying a session cookie bypasses it, so logged-in users never see a cached
page. Publishing, unpublishing, moving or deleting a page, or saving catalog
snippets, bumps a generation number that is part of every key: old entries are
then simply never read again.
"""

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "anon-page-cache:generation"
EXCLUDED_PREFIXES = (
    "/admin/",
    "/cuenta/",
    "/mis-tramites/",
    "/formaliza/",
    "/en/cuenta/",
)


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
        if sender._meta.app_label in ("catalog", "wagtailcore", "cms"):
            invalidate()

    post_save.connect(on_model_change, weak=False, dispatch_uid="anon-cache-save")
    post_delete.connect(on_model_change, weak=False, dispatch_uid="anon-cache-delete")


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        # The language is part of the path (/en/...), so the path is the whole key.
        key = f"anon-page:{current_generation()}:{request.get_full_path()}"
        response = cache.get(key)
        if response is not None:
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._cacheable_response(response):
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
