from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.sinks import parse_lines
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
        parser.add_argument(
            "--witness",
            type=Path,
            help=(
                "Copia externa de los puntos de control (el archivo del recolector "
                "syslog o del directorio de puntos de control) con la que comparar."
            ),
        )

    def handle(self, *args, chain=None, witness=None, **options):
        entries = None
        if witness is not None:
            text = witness.read_text(encoding="utf-8")
            entries = parse_lines(text) or parse_lines(text, marker="")
        report = verify(chain, witness=entries)
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
