"""Recurring obligations that follow from the procedures an application filed: not
procedures to file now, but dates to keep (renewing the matrícula by 31 March, the
yearly fire and sanitary concepts, the monthly PILA). Each procedure's registry entry
names the obligations it leaves; their wording and due dates are defined here."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from . import registry


@dataclass(frozen=True)
class Obligation:
    title: str
    next_due: datetime.date | None
    recurrence: str
    basis: str


def _next_march_31(today: datetime.date) -> datetime.date:
    this_year = datetime.date(today.year, 3, 31)
    return this_year if today <= this_year else datetime.date(today.year + 1, 3, 31)


def _in_a_year(start: datetime.date) -> datetime.date:
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def _next_month_start(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Recurring:
    """An obligation a filed procedure leaves; procedures name it in the registry."""

    title: str
    recurrence: str
    basis: str
    # The next due date from (today, start of activities); None when it depends on
    # a calendar that an entity publishes.
    due: Callable[[datetime.date, datetime.date], datetime.date | None]
    # (code, words added to the title when that procedure is filed too).
    title_also: tuple[str, str] | None = None

    def title_for(self, codes) -> str:
        if self.title_also and self.title_also[0] in codes:
            return self.title + self.title_also[1]
        return self.title


def _by_march_31(today, start):
    return _next_march_31(today)


def _a_year_after_start(today, start):
    return _in_a_year(start)


def _next_month(today, start):
    return _next_month_start(today)


def _published_calendar(today, start):
    return None


# In the order they are listed when two fall due on the same day.
RECURRING = {
    "renovar_matricula": Recurring(
        "Renovar la matrícula mercantil",
        "Cada año, del 1 de enero al 31 de marzo",
        "Código de Comercio, art. 33; renovar a tiempo conserva el beneficio de la Ley 1780 de 2016",
        _by_march_31,
        title_also=("F05", " y la del establecimiento"),
    ),
    "actualizar_rnt": Recurring(
        "Actualizar el Registro Nacional de Turismo",
        "Cada año, en los tres primeros meses",
        "Ley 1101 de 2006, art. 12",
        _by_march_31,
    ),
    "ica": Recurring(
        "Declarar y pagar el impuesto de industria y comercio (ICA)",
        "Según el calendario tributario de la Secretaría de Hacienda (anual o bimestral según el monto)",
        "Decreto Distrital 352 de 2002; Acuerdo 65 de 2002",
        _published_calendar,
    ),
    "anticipos_simple": Recurring(
        "Pagar los anticipos del Régimen Simple",
        "Cada dos meses, según el calendario de la DIAN",
        "Estatuto Tributario, art. 910",
        _published_calendar,
    ),
    "bomberos": Recurring(
        "Renovar el concepto técnico de Bomberos",
        "Cada año",
        "Ley 1575 de 2012",
        _a_year_after_start,
    ),
    "concepto_sanitario": Recurring(
        "Mantener el concepto sanitario favorable (visita anual)",
        "Cada año",
        "Ley 9 de 1979; Resolución 2674 de 2013",
        _a_year_after_start,
    ),
    "licencia_osa": Recurring(
        "Pagar la licencia anual de derechos de autor (OSA)",
        "Cada año",
        "Ley 23 de 1982; Ley 1801 de 2016, art. 87",
        _a_year_after_start,
    ),
    "pila": Recurring(
        "Pagar los aportes de seguridad social por la PILA",
        "Cada mes, en el día hábil que corresponde a los dos últimos dígitos del NIT",
        "Decreto 1990 de 2016",
        _next_month,
    ),
}


def obligations_for(
    codes, *, today: datetime.date, start: datetime.date
) -> list[Obligation]:
    codes = set(codes)
    keys = {
        key
        for code in codes
        if code in registry.BY_CODE
        for key in registry.BY_CODE[code].obligations
    }
    found = [
        Obligation(
            recurring.title_for(codes),
            recurring.due(today, start),
            recurring.recurrence,
            recurring.basis,
        )
        for key, recurring in RECURRING.items()
        if key in keys
    ]
    return sorted(found, key=lambda o: (o.next_due is None, o.next_due or today))


def calendar_for(application) -> list[Obligation]:
    codes = application.items.values_list("code", flat=True)
    today = timezone.localdate()
    start = application.answers.get("fecha_inicio")
    start = datetime.date.fromisoformat(start) if start else today
    return obligations_for(codes, today=today, start=max(start, today))
