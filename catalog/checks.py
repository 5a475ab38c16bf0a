"""System checks of the catalog app.

``check --deploy`` refuses a deployment whose yearly money parameters (UVB, UVT,
SMMLV) lack the current year: every estimate would otherwise fail or, worse, be
made with last year's money.
"""

from django.core.checks import Error, register
from django.utils import timezone

from . import parameters

TAG = "parameters"


def missing_now() -> tuple[int, list[str]]:
    """The current year (Bogotá) and the parameters it lacks."""
    year = timezone.localdate().year
    return year, parameters.missing(year)


@register(TAG, deploy=True)
def current_year_parameters(app_configs=None, **kwargs):
    year, missing = missing_now()
    return [
        Error(
            f"Falta el valor de {parameters.LABELS[name]} para {year}.",
            hint=(
                f"Agregue el valor de {year} y su fundamento legal en "
                "catalog/data/parameters.yaml; las estimaciones de ese año se "
                "rechazan mientras falte."
            ),
            id="catalog.E001",
        )
        for name in missing
    ]
