"""Counts of days in templates, worded by ``procedures.wording`` (ngettext).

``{{ case.term_days|days:case.calendar_days }}`` → "1 día hábil", "15 días hábiles".
"""

from django import template

from procedures import wording

register = template.Library()


@register.filter
def days(n, calendar_days=False):
    return wording.days(int(n), calendar_days=bool(calendar_days))


@register.filter
def procedure_term(procedure):
    """A catalog procedure's legal term, for the filing page: "Respuesta en 1 día
    calendario", "Respuesta en 15 días hábiles", or "Respuesta inmediata"."""
    return wording.procedure_term(
        procedure.legal_term_days,
        calendar_days=procedure.calendar_type == procedure.CalendarType.CALENDARIO,
        immediate=procedure.response_time_unit == procedure.TimeUnit.INMEDIATO,
    )
