"""Issue 11 point 3: "Gratuito" only where a norm or the official record says so; a
fee nobody could find is never shown as free; formulas and tables are computed by
the entity; social-security contributions are not a fee for the filing."""

import json
import re
from decimal import Decimal

from django.urls import reverse

import pytest

from catalog import fees
from catalog.models import ProcedurePage
from catalog.quality import has_markers
from catalog.seed import PUBLIC_TEXT_FIELDS, read_procedures

from .admin_forms import edit_form_data

pytestmark = pytest.mark.django_db

ROWS = {row["code"]: row for row in read_procedures()}
ASK = "Valor sin confirmar: consúltelo con la entidad"


@pytest.fixture(autouse=True)
def year_2026(monkeypatch):
    monkeypatch.setattr(fees, "current_year", lambda: 2026)


@pytest.mark.parametrize("code", sorted(ROWS))
def test_every_seeded_fee_is_quoted_honestly(code):
    fee = ROWS[code]["fee"]
    page = ProcedurePage.objects.get(code=code)
    quote = fees.quote(page, 2026)
    data_basis = " ".join(str(fee["legal_basis"] or "").split())
    if quote.kind == fees.FREE:
        assert fee["rule"] == "FREE" and not fee["requires_payment"]
        # The basis as written in the data, before markers are scrubbed for the page.
        assert fees.supports_gratuity(data_basis), data_basis
        assert not has_markers(data_basis) and not fees.is_research_note(data_basis)
    if fee["rule"] in ("TABLE", "FORMULA"):
        assert quote.kind == fees.ENTITY and quote.amount is None
    if fee["rule"] == "UNKNOWN":
        assert quote.kind == fees.UNCONFIRMED and quote.label == ASK
        assert not quote.legal_basis and not page.fee_legal_basis
        # The research note is kept, for editors only.
        assert "fee.note: " + " ".join(fee["note"].split()) in page.data_quality_notes
    if fee["rule"] == "APORTE":
        assert quote.kind == fees.CONTRIBUTION and quote.legal_basis
        assert "PILA" in quote.explanation
    if quote.kind == fees.ONLINE:
        assert fee["rule"] == "FIXED" and Decimal(fee["amount"]) > 0
        assert quote.amount > 0 and quote.legal_basis
    # Only a fixed amount is ever charged online.
    assert quote.payable_online == (quote.kind == fees.ONLINE), code
    assert quote.label != "Gratuito" or quote.kind == fees.FREE
    assert page.cost_label != "Gratuito" or quote.kind == fees.FREE


def test_the_audit_finds_the_kinds_the_data_should_have():
    kinds = {}
    for page in ProcedurePage.objects.filter(code__in=list(ROWS)):
        kinds.setdefault(fees.quote(page, 2026).kind, set()).add(page.code)
    assert {"F02", "F09", "SDS-003"} == kinds[fees.FREE]
    assert {"EPS-001", "ARL-001", "F21", "F22", "F23", "F24", "F25"} == (
        kinds[fees.CONTRIBUTION]
    )
    assert {"SDH-002", "F08", "F14", "SED-001"} <= kinds[fees.UNCONFIRMED]
    assert sum(map(len, kinds.values())) == len(ROWS)


@pytest.mark.parametrize(
    ("basis", "free"),
    [
        ("La valoración es gratuita (Resolución 113 de 2020)", True),
        ("SUIT: «No, es gratuito» (Visor SUIT, ficha 26418)", True),
        (
            "Trámite gratuito: no se encontró tarifa asociada en la Guía de Trámites",
            False,
        ),
        ("Sin costo para el usuario según la información disponible", False),
        ("La inscripción en el RUT no tiene costo [I]", False),
        ("Ley 1801 de 2016 (no verificado)", False),
        ("Gratis", False),
        ("", False),
    ],
)
def test_gratuity_needs_a_norm_or_the_official_record(basis, free):
    page = ProcedurePage(requires_payment=False, fee_rule="FREE", fee_legal_basis=basis)
    assert (fees.quote(page, 2026).kind == fees.FREE) is free
    assert fees.supports_gratuity(basis) is free


# What a citizen reads as "this costs nothing". "Cesión a título gratuito" is a way
# of transferring a title, not a fee.
CLAIMS_FREE = re.compile(
    r"gratuit|\bgratis\b|sin\s+costo|no\s+tienen?\s+(?:ning[uú]n\s+)?costo"
    r"|ning[uú]n\s+costo|no\s+(?:se\s+)?cobra|sin\s+cobro",
    re.IGNORECASE,
)
NOT_A_FEE = re.compile(r"cesi[oó]n\s+(?:a\s+t[ií]tulo\s+)?gratuita", re.IGNORECASE)


def _public_text(page) -> str:
    parts = []
    for name in PUBLIC_TEXT_FIELDS:
        value = getattr(page, name)
        if hasattr(value, "raw_data"):  # A StreamField: its blocks' text.
            value = list(value.raw_data)
        if not isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False, default=str)
        parts.append(value)
    return NOT_A_FEE.sub("", "\n".join(parts))


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("La visita es gratuita.", True),
        ("Llame gratis desde cualquier teléfono.", True),
        ("La inscripción no tiene costo.", True),
        ("La cámara no cobra la inscripción.", True),
        ("Obtener el título mediante cesión gratuita.", False),
        ("Pagar la cotización; sin pago no hay cobertura.", False),
    ],
)
def test_the_gratuity_claim_pattern(text, claims):
    assert bool(CLAIMS_FREE.search(NOT_A_FEE.sub("", text))) is claims


def test_no_public_text_of_a_procedure_that_is_not_free_claims_it_is():
    """Issue 11: a fee nobody verified, a contribution or a fee the entity computes is
    never called free, not by the cost label and not by the page's own words."""
    claims = {}
    for page in ProcedurePage.objects.filter(code__in=list(ROWS)).select_related(
        "entity"
    ):
        if fees.quote(page, 2026).kind == fees.FREE:
            continue
        found = CLAIMS_FREE.findall(_public_text(page))
        if found:
            claims[page.code] = found
    assert claims == {}


def test_a_fee_with_no_amount_is_never_free_whatever_its_unit():
    page = ProcedurePage(
        requires_payment=True,
        fee_rule="FIXED",
        fee_amount=Decimal("0"),
        fee_unit="UVB",
        fee_legal_basis="Decreto 045 de 2024",
    )
    quote = fees.quote(page, 2026)
    assert quote.kind == fees.ENTITY and not quote.payable_online


def test_a_formerly_no_fee_found_procedure_renders_the_honest_label(client, demo_user):
    page = ProcedurePage.objects.get(code="SDH-002")
    html = client.get(page.url).content.decode()
    assert ASK in html and "Pregunte a la entidad" in html
    assert "Gratuito" not in html and "no se encontró" not in html
    index = client.get(page.get_parent().url + "?costo=consultar").content.decode()
    assert "Costo: consulte a la entidad" in index and "Gratuito</li>" not in index
    # The filing page says the same, and asks for no payment.
    client.force_login(demo_user("ciudadano"))
    filing = client.get(f"/tramites/{page.slug}/radicar/").content.decode()
    assert ASK in filing and "Pagar" not in filing and "Gratuito" not in filing


def test_contributions_are_not_a_fee_for_the_filing(client):
    page = ProcedurePage.objects.get(code="EPS-001")
    html = client.get(page.url).content.decode()
    assert "Aportes a la seguridad social, aparte del trámite" in html
    assert "Ley 1955 de 2019" in html and "PILA" in html
    assert "La entidad calcula el valor" not in html and "Gratuito" not in html


def test_editors_cannot_save_free_without_its_source(client, demo_user):
    """Through Wagtail's own page editor: "Gratuito" on a research note is refused
    beside the field; with its norm it saves."""
    page = ProcedurePage.objects.get(code="SDH-002")
    client.force_login(demo_user("moderador"))
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = edit_form_data(ProcedurePage, client.get(edit_url).content.decode())
    assert data["fee_rule"] == ["UNKNOWN"]
    data["fee_rule"] = ["FREE"]
    data["fee_legal_basis"] = ["Trámite gratuito: no se encontró tarifa asociada"]
    refused = client.post(edit_url, data)
    assert refused.status_code == 200
    assert "cite la norma o el registro oficial" in refused.content.decode()
    assert ProcedurePage.objects.get(pk=page.pk).get_latest_revision().pk == (
        page.get_latest_revision().pk
    )
    data["fee_legal_basis"] = ["Resolución 113 de 2020"]
    assert client.post(edit_url, data).status_code == 302
    draft = ProcedurePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.fee_quote.kind == fees.FREE


def test_the_fee_audit_command_finds_no_problem_in_the_seeded_catalog():
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    call_command("fee_audit", year=2026, strict=True, stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert len(lines) - 1 == len(ROWS)
    assert "free: 3" in err.getvalue() and "con problemas: 0" in err.getvalue()
    broken = ProcedurePage(
        requires_payment=True, fee_rule="FIXED", fee_amount=0, fee_unit="UVB"
    )
    assert fees.problems(broken, fees.quote(broken, 2026)) == [
        "sin fundamento",
        "valor fijo sin monto (UVB)",
    ]
