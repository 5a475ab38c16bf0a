"""The platform's register of business names: one key per name, so 'Café Luna S.A.S.'
and 'CAFE LUNA SAS' are the same name (homonymy check of F01)."""

import re

from catalog.search import normalize

# Legal-form words do not make a name different (Código de Comercio art. 35).
_LEGAL_FORM = re.compile(
    r"\b(s ?a ?s|sas|s ?a|ltda|limitada|sociedad por acciones simplificada|e ?u|eu)\s*$"
)


def name_key(name: str) -> str:
    key = normalize(name)
    previous = None
    while key != previous:
        previous = key
        key = _LEGAL_FORM.sub("", key).strip()
    return key


def has_sas_suffix(name: str) -> bool:
    return bool(re.search(r"\b(s ?a ?s|sas)$", normalize(name)))


def name_available(name: str, *, exclude_draft=None) -> bool:
    from .models import Application

    taken = Application.objects.filter(business_name_key=name_key(name))
    if exclude_draft is not None and exclude_draft.pk:
        taken = taken.exclude(draft=exclude_draft)
    return not taken.exists()
