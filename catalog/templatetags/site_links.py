"""Absolute links in templates read outside the site (e-mails, PDFs).

``{% absolute_url 'mis_tramites:case' case.radicado %}`` is ``{% url %}`` on the
configured site URL; ``{{ path|absolute }}`` puts a path on it.
"""

from django import template

from catalog.links import absolute_reverse, site_url

register = template.Library()


@register.simple_tag
def absolute_url(viewname, *args, **kwargs):
    return absolute_reverse(viewname, *args, **kwargs)


@register.filter
def absolute(path):
    return site_url(str(path))
