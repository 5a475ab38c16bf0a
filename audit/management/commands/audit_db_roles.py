from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.db import apply_role_model


class Command(BaseCommand):
    help = (
        "Crea o actualiza el rol de base de datos de la aplicación (PostgreSQL): "
        "puede leer y escribir sus tablas, pero en las de auditoría solo INSERT y SELECT."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--app-role",
            default="ventanilla_app",
            help="Nombre del rol de la aplicación.",
        )

    def handle(self, *args, app_role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("El modelo de roles aplica solo a PostgreSQL.")
        apply_role_model(app_role)
        self.stdout.write(
            f"Rol «{app_role}» configurado: auditoría solo INSERT y SELECT."
        )
