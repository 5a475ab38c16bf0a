from django.apps import AppConfig


class FormalizationConfig(AppConfig):
    name = "formalization"
    verbose_name = "Formaliza tu empresa"

    def ready(self):
        from . import receivers  # noqa: F401
