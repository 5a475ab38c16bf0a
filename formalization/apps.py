from django.apps import AppConfig


class FormalizationConfig(AppConfig):
    name = "formalization"
    verbose_name = "Formaliza tu empresa"
