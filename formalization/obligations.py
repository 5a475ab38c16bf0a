"""Recurring obligations that follow from the procedures an application filed: not
procedures to file now, but dates to keep (domain.md §10, 'recurrent obligations')."""

import datetime
from dataclasses import dataclass

from django.utils import timezone


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


def obligations_for(
    codes, *, today: datetime.date, start: datetime.date
) -> list[Obligation]:
    codes = set(codes)
    found = []
    if codes & {"F03", "F04", "F05"}:
        found.append(
            Obligation(
                "Renovar la matrícula mercantil"
                + (" y la del establecimiento" if "F05" in codes else ""),
                _next_march_31(today),
                "Cada año, del 1 de enero al 31 de marzo",
                "Código de Comercio, art. 33; renovar a tiempo conserva el beneficio de la Ley 1780 de 2016",
            )
        )
    if "F20" in codes:
        found.append(
            Obligation(
                "Actualizar el Registro Nacional de Turismo",
                _next_march_31(today),
                "Cada año, en los tres primeros meses",
                "Ley 1101 de 2006, art. 12",
            )
        )
    if "F09" in codes:
        found.append(
            Obligation(
                "Declarar y pagar el impuesto de industria y comercio (ICA)",
                None,
                "Según el calendario tributario de la Secretaría de Hacienda (anual o bimestral según el monto)",
                "Decreto Distrital 352 de 2002; Acuerdo 65 de 2002",
            )
        )
    if "F12" in codes:
        found.append(
            Obligation(
                "Pagar los anticipos del Régimen Simple",
                None,
                "Cada dos meses, según el calendario de la DIAN",
                "Estatuto Tributario, art. 910",
            )
        )
    if "F15" in codes:
        found.append(
            Obligation(
                "Renovar el concepto técnico de Bomberos",
                _in_a_year(start),
                "Cada año",
                "Ley 1575 de 2012",
            )
        )
    if "F16" in codes:
        found.append(
            Obligation(
                "Mantener el concepto sanitario favorable (visita anual)",
                _in_a_year(start),
                "Cada año",
                "Ley 9 de 1979; Resolución 2674 de 2013",
            )
        )
    if "F19" in codes:
        found.append(
            Obligation(
                "Pagar la licencia anual de derechos de autor (OSA)",
                _in_a_year(start),
                "Cada año",
                "Ley 23 de 1982; Ley 1801 de 2016, art. 87",
            )
        )
    if "F25" in codes:
        found.append(
            Obligation(
                "Pagar los aportes de seguridad social por la PILA",
                _next_month_start(today),
                "Cada mes, en el día hábil que corresponde a los dos últimos dígitos del NIT",
                "Decreto 1990 de 2016",
            )
        )
    return sorted(found, key=lambda o: (o.next_due is None, o.next_due or today))


def calendar_for(application) -> list[Obligation]:
    codes = application.items.values_list("code", flat=True)
    today = timezone.localdate()
    start = application.answers.get("fecha_inicio")
    start = datetime.date.fromisoformat(start) if start else today
    return obligations_for(codes, today=today, start=max(start, today))
