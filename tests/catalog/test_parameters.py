from decimal import Decimal

import pytest

from catalog import parameters


def test_2026_values_are_the_published_ones():
    assert parameters.uvb(2026) == Decimal("12110")
    assert parameters.smmlv(2026) == Decimal("1750905")
    assert parameters.uvt(2026) == Decimal("52374")
    assert parameters.smdlv(2026) == Decimal("1750905") / 30


def test_a_missing_year_is_an_error_not_last_years_value():
    with pytest.raises(parameters.ParameterMissing) as refused:
        parameters.uvb(2031)
    assert "2031" in str(refused.value)
    assert parameters.missing(2031) == ["uvb", "uvt", "smmlv"]
    assert parameters.missing(2026) == []


def test_every_value_states_its_legal_basis():
    for name in parameters.NAMES:
        for year in (2025, 2026):
            assert parameters.parameter(name, year).basis
