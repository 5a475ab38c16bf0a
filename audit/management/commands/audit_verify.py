from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify


class Command(BaseCommand):
    help = (
        "Recalcula todas las cadenas de auditoría y verifica los puntos de control firmados. "
        "Sale con 0 si todo está íntegro; si no, con 1 y el primer punto roto."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chain", help="Verificar solo esta cadena (por ejemplo «auth»)."
        )

    def handle(self, *args, chain=None, **options):
        report = verify(chain)
        if not report.ok:
            raise CommandError(
                f"Auditoría ALTERADA. Primer punto roto: {report.breaks[0]}",
                returncode=1,
            )
        rate = report.events / report.seconds if report.seconds else 0
        self.stdout.write(
            f"Auditoría íntegra: {report.events} eventos en {report.chains} cadenas, "
            f"{report.checkpoints} puntos de control ({report.seconds:.2f} s, {rate:,.0f} eventos/s)."
        )
