from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catálogo de trámites"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy check)
