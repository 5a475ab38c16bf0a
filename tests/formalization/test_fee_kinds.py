"""Issue 11 point 3 in the wizard: its fee summary says of each procedure what the
catalog page says. "Gratuito" only where the catalog finds the norm or the official
record; a fee nobody verified, or a social-security contribution, is never "free"."""

import datetime

import pytest

from catalog import fees as catalog_fees
from catalog.models import ProcedurePage
from formalization import fees, registry

pytestmark = pytest.mark.django_db

YEAR = 2026
ON = datetime.date(YEAR, 6, 1)
CODES = [procedure.code for procedure in registry.PROCEDURES]
# What the wizard's kind means in the catalog's words. The wizard computes the
# chamber's fees itself (F03–F07); the catalog may leave them to the entity, but
# both say there is something to pay.
PAID = {catalog_fees.ONLINE, catalog_fees.ENTITY, catalog_fees.UNAVAILABLE}
CATALOG_KINDS = {
    fees.FREE: {catalog_fees.FREE},
    fees.UNCONFIRMED: {catalog_fees.UNCONFIRMED},
    fees.CONTRIBUTION: {catalog_fees.CONTRIBUTION},
    fees.NOT_ESTIMABLE: {catalog_fees.ENTITY},
    fees.COMPUTED: PAID,
    fees.CHARGED_ELSEWHERE: PAID,
}
ANSWERS = {
    "tipo": "sas",
    "num_accionistas": 2,
    "activos": 50_000_000,
    "capital_suscrito": 50_000_000,
    "capital_pagado": 50_000_000,
}


@pytest.fixture(autouse=True)
def year_2026(monkeypatch):
    monkeypatch.setattr(catalog_fees, "current_year", lambda: YEAR)


def test_the_registry_lists_the_25_procedures():
    assert [f"F{number:02d}" for number in range(1, 26)] == CODES


@pytest.mark.parametrize("code", CODES)
def test_the_wizard_kind_is_the_catalog_kind(code):
    rule = fees.tables()["procedures"][registry.fee_key(code)]
    quote = catalog_fees.quote(ProcedurePage.objects.get(code=code), YEAR)
    assert quote.kind in CATALOG_KINDS[rule["kind"]], (code, rule["kind"], quote.kind)


@pytest.mark.parametrize("code", CODES)
def test_the_wizard_words_the_fee_as_the_catalog(code):
    page = ProcedurePage.objects.get(code=code)
    quote = catalog_fees.quote(page, YEAR)
    lines = fees.fee_breakdown(ANSWERS, CODES, on=ON).for_code(code)
    assert lines, code
    for line in lines:
        if quote.kind in (
            catalog_fees.FREE,
            catalog_fees.UNCONFIRMED,
            catalog_fees.CONTRIBUTION,
        ):
            assert line.display_amount == quote.label, code
        assert (line.display_amount == "Gratuito") == (quote.kind == catalog_fees.FREE)


def test_nothing_unconfirmed_or_contributed_is_charged():
    codes = [
        code
        for code in CODES
        if fees.tables()["procedures"][registry.fee_key(code)]["kind"]
        in (fees.UNCONFIRMED, fees.CONTRIBUTION)
    ]
    breakdown = fees.fee_breakdown(ANSWERS, codes, on=ON)
    assert breakdown.total_online == 0
    assert all(line.amount is None for line in breakdown.lines)
