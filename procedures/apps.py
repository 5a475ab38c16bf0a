from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = "Radicación y gestión de trámites"

    def ready(self):
        from accounts import mail

        from . import services

        # Accounts' e-mails (verification, reset, sign-up with taken data) go
        # through the cases' outbox, without a case.
        mail.outbox_register(
            lambda **message: services.notification_queue(case=None, **message)
        )
