"""The 25 formalization procedures (F01–F25), one entry each.

An entry says everything the wizard needs to know about a procedure: when it applies
and why (its rule in ``rules.py``), which procedures must be approved before it is
filed, which answers its case receives, which uploaded documents go with it, the key
of its tariff in ``data/fees.yaml`` and the recurring obligations it leaves (defined
in ``obligations.py``). The summary page, the submit service, the fee estimator, the
receipt and the obligations calendar all read these entries; nothing else lists the
procedures. ``tests/formalization/test_registry.py`` checks, without a database, that
every entry is complete and agrees with the wizard's steps.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from catalog.document_formats import ALL_FORMATS, DocumentFormat

from . import rules

# Every upload of the wizard takes the formats the upload checker knows.
DOCUMENT_FORMATS: tuple[DocumentFormat, ...] = ALL_FORMATS
DOCUMENT_MAX_MB = 5


@dataclass(frozen=True)
class Document:
    key: str
    label: str | Promise
    # Asked only when the answers call for it (a SAS without model statutes).
    needed: Callable[[dict], bool]
    formats: tuple[DocumentFormat, ...] = DOCUMENT_FORMATS
    max_mb: int = DOCUMENT_MAX_MB


@dataclass(frozen=True)
class Procedure:
    code: str
    # (applies, reason in Spanish) from the answers.
    rule: Callable[[dict], tuple[bool, str]]
    # Alternatives: the first one that applies must be approved first (F03 for a
    # person, F04 for a SAS) ...
    depends_on: tuple[str, ...] = ()
    # ... unless every one that applies must be approved first.
    needs_all: bool = False
    # Answer keys the case receives, labelled as the step forms label them.
    answers: tuple[str, ...] = ()
    # A procedure whose catalog page defines an online form receives that form's
    # field names instead: (field name, answer key).
    form_fields: tuple[tuple[str, str], ...] = ()
    # The answer naming the administrator the applicant chose (caja, EPS, ...): the
    # application shows this choice, not the catalog page's default entity.
    administrator: str = ""
    documents: tuple[str, ...] = ()
    fee: str = ""
    obligations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    code: str
    applies: bool
    reason: str


DOCUMENTS = {
    document.key: document
    for document in (
        Document(
            "documento_identidad",
            _("Documento de identidad (de usted o del representante legal)"),
            needed=lambda a: True,
        ),
        Document(
            "estatutos",
            _("Estatutos de la sociedad firmados"),
            needed=lambda a: (
                a.get("tipo") == "sas" and a.get("estatutos_modelo") is False
            ),
        ),
        Document(
            "diseno_aviso",
            _("Diseño o fotomontaje del aviso con sus medidas"),
            needed=lambda a: bool(
                a.get("tiene_establecimiento") and a.get("aviso_exterior")
            ),
        ),
    )
}

APPLICANT = ("tipo", "doc_tipo", "doc_numero", "nit", "nombre", "telefono")
BUSINESS = ("razon_social", "ciiu", "direccion", "localidad")
SHOP = ("nombre_establecimiento", "direccion", "localidad", "ciiu")
STAFF = ("razon_social", "num_empleados", "fecha_primer_contrato")

MATRICULA = ("F03", "F04")
# With premises, after the establishment's matrícula; a business without them (home
# bakery, warehouse) after the merchant's own.
AFTER_ESTABLISHMENT = ("F05", *MATRICULA)

PROCEDURES = (
    Procedure(
        "F01",
        rules.f01,
        answers=("razon_social", "tipo", "nombre_establecimiento"),
        fee="F01",
    ),
    Procedure(
        "F02",
        rules.f02,
        form_fields=(
            ("direccion_predio", "direccion"),
            ("chip", "chip"),
            ("actividad", "ciiu"),
            ("fecha_inicio", "fecha_inicio"),
        ),
        fee="F02",
    ),
    Procedure(
        "F03",
        rules.f03,
        answers=APPLICANT + BUSINESS + ("activos", "fecha_inicio"),
        documents=("documento_identidad",),
        fee="F03",
        obligations=("renovar_matricula",),
    ),
    Procedure(
        "F04",
        rules.f04,
        answers=APPLICANT
        + BUSINESS
        + (
            "activos",
            "num_accionistas",
            "capital_suscrito",
            "capital_pagado",
            "estatutos_modelo",
        ),
        documents=("documento_identidad", "estatutos"),
        fee="F04",
        obligations=("renovar_matricula",),
    ),
    Procedure(
        "F05",
        rules.f05,
        depends_on=MATRICULA,
        answers=SHOP + ("razon_social", "chip", "activos"),
        fee="F05",
        obligations=("renovar_matricula",),
    ),
    Procedure(
        "F06",
        rules.f06,
        depends_on=("F04",),
        answers=("razon_social", "num_accionistas"),
        fee="F06",
    ),
    Procedure(
        "F07",
        rules.f07,
        answers=("razon_social", "tipo", "capital_suscrito", "num_accionistas"),
        fee="F07",
    ),
    Procedure(
        "F08",
        rules.f08,
        depends_on=MATRICULA,
        answers=APPLICANT + BUSINESS,
        fee="F08",
    ),
    Procedure(
        "F09",
        rules.f09,
        depends_on=MATRICULA,
        answers=BUSINESS
        + ("fecha_inicio", "ingresos_estimados", "doc_tipo", "doc_numero"),
        fee="F09",
        obligations=("ica",),
    ),
    Procedure(
        "F10",
        rules.f10,
        depends_on=("F08",),
        answers=("razon_social", "ciiu", "obligado_facturar"),
        fee="F10",
    ),
    Procedure(
        "F11",
        rules.f11,
        depends_on=("F10",),
        answers=("razon_social", "obligado_facturar"),
        fee="F11",
    ),
    Procedure(
        "F12",
        rules.f12,
        depends_on=("F08",),
        answers=("razon_social", "ciiu", "ingresos_estimados", "opta_simple"),
        fee="F12",
        obligations=("anticipos_simple",),
    ),
    Procedure(
        "F13",
        rules.f13,
        depends_on=("F08",),
        answers=("razon_social", "num_accionistas", "nombre", "doc_numero"),
        fee="F13",
    ),
    Procedure(
        "F14",
        rules.f14,
        depends_on=("F05",),
        answers=SHOP + ("razon_social", "horario", "telefono"),
        fee="F14",
    ),
    Procedure(
        "F15",
        rules.f15,
        depends_on=("F05",),
        answers=SHOP + ("area_m2",),
        fee="F15",
        obligations=("bomberos",),
    ),
    Procedure(
        "F16",
        rules.f16,
        depends_on=AFTER_ESTABLISHMENT,
        answers=SHOP + ("interes_sanitario", "razon_social"),
        fee="F16",
        obligations=("concepto_sanitario",),
    ),
    Procedure(
        "F17",
        rules.f17,
        depends_on=AFTER_ESTABLISHMENT,
        answers=SHOP + ("chip", "aviso_exterior"),
        documents=("diseno_aviso",),
        fee="F17",
    ),
    Procedure(
        "F18",
        rules.f18,
        depends_on=AFTER_ESTABLISHMENT,
        answers=SHOP + ("impactos_ambientales", "razon_social"),
        fee="F18",
    ),
    Procedure(
        "F19",
        rules.f19,
        depends_on=AFTER_ESTABLISHMENT,
        answers=SHOP + ("area_m2", "musica_publica"),
        fee="F19",
        obligations=("licencia_osa",),
    ),
    Procedure(
        "F20",
        rules.f20,
        depends_on=MATRICULA,
        answers=BUSINESS + ("servicio_turistico", "ingresos_estimados"),
        fee="F20",
        obligations=("actualizar_rnt",),
    ),
    Procedure(
        "F21",
        rules.f21,
        depends_on=("F08",),
        answers=STAFF + ("nomina_mensual", "caja"),
        administrator="caja",
        fee="F21",
    ),
    Procedure(
        "F22",
        rules.f22,
        depends_on=("F08",),
        answers=STAFF + ("eps",),
        administrator="eps",
        fee="F22",
    ),
    Procedure(
        "F23",
        rules.f23,
        depends_on=("F08",),
        answers=STAFF + ("fondo_pensiones",),
        administrator="fondo_pensiones",
        fee="F23",
    ),
    Procedure(
        "F24",
        rules.f24,
        depends_on=("F08",),
        answers=STAFF + ("clase_riesgo", "arl"),
        administrator="arl",
        fee="F24",
    ),
    Procedure(
        "F25",
        rules.f25,
        depends_on=("F21", "F22", "F23", "F24"),
        needs_all=True,
        answers=STAFF + ("nomina_mensual", "arl", "caja", "eps", "fondo_pensiones"),
        fee="F25",
        obligations=("pila",),
    ),
)

BY_CODE = {procedure.code: procedure for procedure in PROCEDURES}


def _check() -> None:
    """What an edit of this file can break at import, not first in production."""
    if len(BY_CODE) != len(PROCEDURES):
        raise ValueError("registry: a code is listed twice")
    for procedure in PROCEDURES:
        unknown = set(procedure.depends_on) - set(BY_CODE)
        if unknown or procedure.code in procedure.depends_on:
            raise ValueError(f"registry: {procedure.code} depends on {unknown}")
        if set(procedure.documents) - set(DOCUMENTS):
            raise ValueError(f"registry: {procedure.code} has an unknown document")
        if not procedure.fee:
            raise ValueError(f"registry: {procedure.code} has no fee key")


_check()


def evaluate(answers: dict) -> list[Verdict]:
    """Every rule, in code order, applied or not, with its reason."""
    return [Verdict(p.code, *p.rule(answers)) for p in PROCEDURES]


def applicable(answers: dict) -> list[Verdict]:
    return [verdict for verdict in evaluate(answers) if verdict.applies]


def prerequisites(code: str, applicable_codes) -> list[str]:
    """The applicable procedures that must be approved before ``code`` is filed."""
    procedure = BY_CODE.get(code)
    if procedure is None:
        return []
    wanted = [c for c in procedure.depends_on if c in set(applicable_codes)]
    return wanted if procedure.needs_all else wanted[:1]


def needed_documents(answers: dict) -> list[str]:
    """Only the documents the applicable procedures ask for, in the order above."""
    return [key for key, document in DOCUMENTS.items() if document.needed(answers)]


def documents_for(code: str) -> tuple[str, ...]:
    """The uploads that go with ``code``'s case (none for a code not listed here)."""
    procedure = BY_CODE.get(code)
    return procedure.documents if procedure else ()


def fee_key(code: str) -> str:
    """The procedure's key in ``data/fees.yaml`` ('' for a code not listed here)."""
    procedure = BY_CODE.get(code)
    return procedure.fee if procedure else ""
