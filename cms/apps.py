from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Ventanilla"

    def ready(self):
        from . import cache, checks  # noqa: F401

        cache.connect_invalidation()
