"""Template tags for the citizens' forms (see catalog/templates/forms/)."""

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Error: " before the page title when a form on the page has errors (GOV.UK
    pattern: the title is the first thing a screen reader reads). Only forms already
    validated count: reading ``errors`` would validate a bound form here."""
    for value in context.flatten().values():
        if isinstance(value, forms.BaseForm) and getattr(value, "_errors", None):
            return _("Error:") + " "
    return ""
