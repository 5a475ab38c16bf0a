"""How counts of days read, in every page, e-mail and PDF: always through ngettext,
in the unit of the term (business or calendar days).

"1 días hábiles" is what a template gets by putting a number before a fixed
plural; these helpers are the one place that words a count of days.
"""

from django.utils.translation import gettext, ngettext


def days(n: int, *, calendar_days: bool = False) -> str:
    """ "1 día hábil", "15 días hábiles", "1 día calendario", "60 días calendario"."""
    if calendar_days:
        text = ngettext("%(n)d día calendario", "%(n)d días calendario", n)
    else:
        text = ngettext("%(n)d día hábil", "%(n)d días hábiles", n)
    return text % {"n": n}


def remaining(n: int, *, calendar_days: bool = False) -> str:
    """What is left of a running term: "Vence hoy", "Queda 1 día hábil",
    "Quedan 3 días hábiles", "Vencido hace 2 días hábiles"."""
    if n == 0:
        return gettext("Vence hoy")
    if n < 0:
        late = -n
        if calendar_days:
            text = ngettext(
                "Vencido hace %(n)d día calendario",
                "Vencido hace %(n)d días calendario",
                late,
            )
        else:
            text = ngettext(
                "Vencido hace %(n)d día hábil", "Vencido hace %(n)d días hábiles", late
            )
        return text % {"n": late}
    if calendar_days:
        text = ngettext("Queda %(n)d día calendario", "Quedan %(n)d días calendario", n)
    else:
        text = ngettext("Queda %(n)d día hábil", "Quedan %(n)d días hábiles", n)
    return text % {"n": n}


def due_in(n: int, *, calendar_days: bool = False) -> str:
    """The queue's badge for a term about to end: "Vence hoy", "Vence en 1 día hábil"."""
    if n <= 0:
        return remaining(n, calendar_days=calendar_days)
    if calendar_days:
        text = ngettext(
            "Vence en %(n)d día calendario", "Vence en %(n)d días calendario", n
        )
    else:
        text = ngettext("Vence en %(n)d día hábil", "Vence en %(n)d días hábiles", n)
    return text % {"n": n}


def procedure_term(
    n: int, *, calendar_days: bool = False, immediate: bool = False
) -> str:
    """ "Respuesta en 15 días hábiles", or "Respuesta inmediata" with no term."""
    if immediate or n <= 0:
        return gettext("Respuesta inmediata")
    return gettext("Respuesta en %(days)s") % {
        "days": days(n, calendar_days=calendar_days)
    }
