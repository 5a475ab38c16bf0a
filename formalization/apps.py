from django.apps import AppConfig


class FormalizationConfig(AppConfig):
    name = "formalization"
    verbose_name = "Formaliza tu empresa"

    def ready(self):
        from procedures.parties import parties_register

        from . import parties, receivers  # noqa: F401

        # The certificate and acknowledgement of a case the wizard filed state the
        # application's business (NIT, matrícula, address, activity).
        parties_register(parties.case_parties)
