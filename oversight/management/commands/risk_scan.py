"""Recompute the risk flags from the audit trail (oversight/scan.py)."""

from django.core.management.base import BaseCommand, CommandError

from oversight import scan


def _n(number) -> str:
    """A count as Colombians write it: 1.000.000."""
    return f"{round(number):,}".replace(",", ".")


def _s(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",")


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
        self.stdout.write(f"  {_n(events)} eventos leídos ({_n(rate)}/s)")

    def handle(self, *args, compare, incremental, batch_size, **options):
        if incremental:
            result = scan.incremental(batch_size)
            self.stdout.write(
                f"Pasada incremental: {_n(result.events)} eventos, {_n(result.groups)} "
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
                f"{_n(result.events)} eventos, {_n(result.cases)} casos, "
                f"{_n(result.findings)} alertas recalculadas ({_s(result.seconds)} s)"
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
            f"Recálculo completo: {_n(result.events)} eventos, {_n(result.cases)} casos, "
            f"{_n(result.groups)} grupos, {_n(result.findings)} alertas ({result.created} "
            f"nuevas, {result.updated} actualizadas, {result.retired} retiradas); "
            f"posición {result.position} ({_s(result.seconds)} s)."
        )
