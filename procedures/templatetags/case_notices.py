"""The citizen's case page: the e-mails sent about the case with their delivery
state, and the verification codes of its issued documents. Inclusion tags, so the
page's view and layout need no change to show them."""

from django import template

from procedures.models import IssuedDocument
from procedures.notifications import citizen_notices, delivery_state

register = template.Library()


@register.inclusion_tag("procedures/includes/case_notices.html")
def case_notices(case):
    return {
        "case": case,
        "notices": [
            {"notification": n, **delivery_state(n)} for n in citizen_notices(case)
        ],
    }


@register.inclusion_tag("procedures/includes/case_verifications.html")
def case_verifications(case):
    return {
        "case": case,
        "issued": list(
            IssuedDocument.objects.filter(case_document__case=case).order_by(
                "issued_at", "pk"
            )
        ),
    }
