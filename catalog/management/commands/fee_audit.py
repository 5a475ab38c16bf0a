from django.core.management.base import BaseCommand, CommandError

from catalog import fees
from catalog.selectors import published_procedures


class Command(BaseCommand):
    help = (
        "Lista el costo de cada trámite publicado como lo muestra el catálogo "
        "(tipo, etiqueta, fundamento) y los problemas de sus datos de cobro."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Año de los valores.")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Terminar con error si algún trámite tiene problemas.",
        )

    def handle(self, *args, year=None, strict=False, **options):
        kinds, flagged = {}, 0
        pages = published_procedures().select_related("entity").order_by("code")
        self.stdout.write("código\ttipo\tetiqueta\tregla\tfundamento\tproblemas")
        for page in pages:
            quote = fees.quote(page, year)
            found = fees.problems(page, quote)
            kinds[quote.kind] = kinds.get(quote.kind, 0) + 1
            flagged += bool(found)
            self.stdout.write(
                "\t".join(
                    [
                        page.code,
                        quote.kind,
                        str(quote.label),
                        page.fee_rule,
                        " ".join(quote.legal_basis.split()),
                        "; ".join(found),
                    ]
                )
            )
        summary = ", ".join(f"{kind}: {n}" for kind, n in sorted(kinds.items()))
        self.stderr.write(f"{summary}; con problemas: {flagged}")
        if strict and flagged:
            raise CommandError(f"{flagged} trámites con problemas en su costo.")
