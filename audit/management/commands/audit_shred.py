from django.core.management.base import BaseCommand, CommandError

from audit import personal


class Command(BaseCommand):
    help = (
        "Destruye la llave de datos personales de un titular (supresión, Ley 1581): "
        "sus valores en la auditoría quedan ilegibles y la cadena sigue íntegra."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", type=int, required=True, help="id del usuario")
        parser.add_argument(
            "--reason", required=True, help="motivo (queda en la auditoría)"
        )

    def handle(self, *args, user, reason, **options):
        subject = personal.subject_of(user)
        if not personal.shred(subject, reason=reason):
            raise CommandError(f"{subject}: no hay llave vigente que destruir.")
        self.stdout.write(f"{subject}: llave destruida.")
