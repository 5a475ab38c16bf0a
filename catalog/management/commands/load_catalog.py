from django.core.management.base import BaseCommand, CommandError

from catalog.models import ProcedureIndexPage
from catalog.seed import load_catalog


class Command(BaseCommand):
    help = (
        "Carga entidades, puntos de atención y trámites desde catalog/data/*.yaml. "
        "Crea los trámites que faltan; con --update también revisa los existentes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Publicar una revisión de los trámites existentes.",
        )

    def handle(self, *args, update, **options):
        index = ProcedureIndexPage.objects.first()
        if index is None:
            raise CommandError(
                "No existe la página del catálogo. Ejecute primero 'seed_demo'."
            )
        counts = load_catalog(index, update=update)
        self.stdout.write(f"Catálogo: {counts}.")
