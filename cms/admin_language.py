"""The back office speaks Spanish (Colombia) to every staff user by default.

``/admin/`` is outside ``i18n_patterns``, so ``LocaleMiddleware`` would follow the
browser's Accept-Language there and show Wagtail in English to a Spanish-speaking
officer whose browser is set to English. Here the admin uses the language the user
chose in their Wagtail profile ("Cuenta" > "Idioma"), or ``LANGUAGE_CODE``; never
the browser's. Wagtail's own strings come from its ``es`` catalogue (gettext falls
back from ``es_CO`` to ``es``), completed by ``cms/locale_overrides``.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject


def _preferred(user) -> str:
    from wagtail.users.models import UserProfile

    if user is None or not user.is_authenticated:
        return settings.LANGUAGE_CODE
    try:
        chosen = user.wagtail_userprofile.preferred_language
    except UserProfile.DoesNotExist:
        chosen = ""
    permitted = dict(settings.WAGTAILADMIN_PERMITTED_LANGUAGES)
    return chosen if chosen in permitted else settings.LANGUAGE_CODE


class AdminLanguageMiddleware:
    """After AuthenticationMiddleware: activate the admin language under /admin/."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = SimpleLazyObject(lambda: reverse("wagtailadmin_home"))

    def __call__(self, request):
        if not request.path_info.startswith(str(self.prefix)):
            return self.get_response(request)
        language = _preferred(getattr(request, "user", None))
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
