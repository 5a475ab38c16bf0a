"""Template tags for the citizens' forms (see catalog/templates/forms/)."""

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Error: " before the page title when a form on the page has errors (GOV.UK
    pattern: the title is the first thing a screen reader reads). Only forms already
    validated count (``_errors``): reading ``errors`` would validate a bound form."""
    for value in context.flatten().values():
        # type(), not isinstance(): isinstance() would evaluate the context's lazy
        # objects (the CSRF token sets its cookie, the user reads the session), and
        # a page with a cookie is not cached for anonymous visitors.
        if issubclass(type(value), forms.BaseForm) and value._errors:
            return _("Error:") + " "
    return ""
