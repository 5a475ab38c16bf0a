from decimal import Decimal

from django import template

from catalog.formatting import format_cop

register = template.Library()


@register.filter
def cop(value) -> str:
    """Pesos in Colombian format: $ 1.234.567,89."""
    if value in (None, ""):
        return ""
    return format_cop(Decimal(value))
