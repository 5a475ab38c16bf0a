"""Recompute the risk flags from the audit trail (oversight/scan.py)."""

from django.core.management.base import BaseCommand, CommandError

from oversight import scan


class Command(BaseCommand):
    help = (
        "Recalcula las alertas de riesgo desde la auditoría. --compare solo compara "
        "con las alertas vigentes (sale con error si difieren); --incremental hace "
        "una pasada sobre los eventos nuevos."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--compare", action="store_true")
        mode.add_argument("--incremental", action="store_true")
        parser.add_argument("--batch-size", type=int, default=scan.BATCH_SIZE)

    def progress(self, events: int, seconds: float) -> None:
        rate = events / seconds if seconds else 0
        self.stdout.write(f"  {events:,} eventos leídos ({rate:,.0f}/s)")

    def handle(self, *args, compare, incremental, batch_size, **options):
        if incremental:
            result = scan.incremental(batch_size)
            self.stdout.write(
                f"Pasada incremental: {result.events:,} eventos, {result.groups:,} "
                f"grupos, {result.created} alertas nuevas, {result.updated} "
                f"actualizadas, {result.retired} retiradas; posición "
                f"{result.position} ({result.seconds:.2f} s)."
            )
            return
        if compare:
            result = scan.compare(self.progress)
            for line in result.differences:
                self.stdout.write(line)
            summary = (
                f"{result.events:,} eventos, {result.cases:,} casos, "
                f"{result.findings:,} alertas recalculadas ({result.seconds:.1f} s)"
            )
            if result.differences:
                raise CommandError(
                    f"{len(result.differences)} diferencias con las alertas vigentes; "
                    + summary,
                    returncode=1,
                )
            self.stdout.write(f"Las alertas vigentes se reproducen: {summary}.")
            return
        result = scan.full(self.progress)
        self.stdout.write(
            f"Recalculo completo: {result.events:,} eventos, {result.cases:,} casos, "
            f"{result.groups:,} grupos, {result.findings:,} alertas ({result.created} "
            f"nuevas, {result.updated} actualizadas, {result.retired} retiradas); "
            f"posición {result.position} ({result.seconds:.1f} s)."
        )
