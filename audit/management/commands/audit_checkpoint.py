from django.core.management.base import BaseCommand

from audit.checkpoints import create_checkpoint


class Command(BaseCommand):
    help = "Firma ahora un punto de control con las cabezas de todas las cadenas de auditoría."

    def handle(self, *args, **options):
        checkpoint = create_checkpoint()
        self.stdout.write(
            f"Punto de control #{checkpoint.pk}: {checkpoint.n_events} eventos en {checkpoint.n_chains} cadenas."
        )
