from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import CheckpointRefused, create_checkpoint


class Command(BaseCommand):
    help = "Firma ahora un punto de control con las cabezas de todas las cadenas de auditoría."

    def handle(self, *args, **options):
        try:
            checkpoint = create_checkpoint()
        except CheckpointRefused as refused:
            raise CommandError(
                f"Punto de control NO firmado: la auditoría fue alterada. {refused}",
                returncode=1,
            ) from refused
        self.stdout.write(
            f"Punto de control #{checkpoint.pk}: {checkpoint.n_events} eventos en {checkpoint.n_chains} cadenas."
        )
