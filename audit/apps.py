from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Auditoría"

    def ready(self):
        from . import checks, receivers  # noqa: F401

        receivers.connect()
