"""Who an issued document is about: the applicant and, where there is one, the
business, as the filed answers state them. The certificate, act and
acknowledgement print these rows.

A single filing carries the applicant block (``solicitante_*``) and the online
form's typed answers (a NIT, a matrícula). A case filed by the formalization
wizard has its facts on the application, which this app cannot import; the upper
app registers a provider (``parties_register``) that answers for its cases.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .applicant import ACTS_COMPANY, DOCUMENT_CHOICES

DOCUMENT_NAMES = dict(DOCUMENT_CHOICES)


@dataclass
class Parties:
    """Rows of (label, value) for the applicant and for the business."""

    applicant: list[tuple[str, str]] = field(default_factory=list)
    business: list[tuple[str, str]] = field(default_factory=list)


_providers: list[Callable] = []


def parties_register(provider: Callable) -> None:
    """``provider(case) -> Parties | None``; the first that answers wins."""
    if provider not in _providers:
        _providers.append(provider)


def _rows(pairs) -> list[tuple[str, str]]:
    return [(label, str(value)) for label, value in pairs if value]


def document_label(kind: str, number: str) -> str:
    if not number:
        return ""
    return f"{DOCUMENT_NAMES.get(kind, kind)} {number}".strip()


def _typed_answers(case) -> dict[str, str]:
    """The first answer of each field type the catalog form declares (nit,
    matricula_mercantil, address), from the page version the case was filed under."""
    page_case = case.remitted_from if case.remitted_from_id else case
    page = (
        page_case.procedure_revision.as_object()
        if page_case.procedure_revision_id
        else page_case.procedure
    )
    found: dict[str, str] = {}
    for block in getattr(page, "online_form", None) or []:
        spec = block.value
        value = case.answers.get(spec["name"])
        if value and spec["field_type"] not in found:
            found[spec["field_type"]] = value
    return found


def _from_answers(case) -> Parties:
    answers = case.answers
    name = " ".join(
        part
        for part in (
            answers.get("solicitante_nombres"),
            answers.get("solicitante_apellidos"),
        )
        if part
    ) or (case.applicant.get_full_name() or case.applicant.get_username())
    typed = _typed_answers(case)
    company = answers.get("solicitante_actua") == ACTS_COMPANY
    applicant = _rows(
        [
            (_("Nombre"), name),
            (
                _("Documento de identidad"),
                document_label(
                    answers.get("solicitante_tipo_documento", ""),
                    answers.get("solicitante_numero_documento", ""),
                )
                or typed.get("cedula")
                or typed.get("identity"),
            ),
            (
                _("Dirección"),
                "" if company else answers.get("solicitante_direccion"),
            ),
        ]
    )
    business = _rows(
        [
            (_("Razón social"), answers.get("solicitante_empresa") if company else ""),
            (
                _("NIT"),
                (answers.get("solicitante_nit") if company else "") or typed.get("nit"),
            ),
            (_("Matrícula mercantil"), typed.get("matricula_mercantil")),
            (
                _("Dirección"),
                (answers.get("solicitante_direccion") if company else "")
                or typed.get("address"),
            ),
        ]
    )
    return Parties(applicant=applicant, business=business)


def case_parties(case) -> Parties:
    """The applicant's and the business's rows for ``case``'s documents."""
    for provider in _providers:
        parties = provider(case)
        if parties is not None:
            return parties
    return _from_answers(case)
