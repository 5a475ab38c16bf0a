import datetime

import pytest

from oversight.detectors.d08 import yates_chi_square
from tests.oversight.procedure_overrides import override
from tests.oversight.trail import START, Trail

HOUR = datetime.timedelta(hours=1)


def test_the_statistic_is_scipys_for_its_documented_example():
    # scipy.stats.chi2_contingency([[176, 230], [21035, 21018]]) (aspirin study),
    # documented as statistic 6.892569132546561, pvalue 0.008655478161175739.
    statistic, p_value = yates_chi_square(176, 230, 21035, 21018)
    assert statistic == pytest.approx(6.892569132546561, rel=1e-12)
    assert p_value == pytest.approx(0.008655478161175739, rel=1e-9)
    # The correction never turns a small difference into a large one.
    assert yates_chi_square(10, 10, 10, 11) == (0.0, 1.0)
    assert yates_chi_square(5, 0, 5, 0) == (0.0, 1.0)


def plant(
    trail,
    *,
    officer_decisions=20,
    officer_rejections=0,
    peer_decisions=40,
    peer_approvals=10,
):
    """Officer 7 approves all but ``officer_rejections``; peers 8 and 9 approve
    ``peer_approvals``."""
    own = []
    for n in range(officer_decisions):
        radicado = f"O{n}"
        trail.file(radicado, at=START + n * HOUR)
        action = "rechazar" if n < officer_rejections else "aprobar"
        own.append(trail.act(radicado, action, at=START + n * HOUR + HOUR, officer="7"))
    for n in range(peer_decisions):
        radicado = f"P{n}"
        action = "aprobar" if n < peer_approvals else "rechazar"
        trail.file(radicado, at=START + n * HOUR)
        trail.act(radicado, action, at=START + n * HOUR + HOUR, officer=str(8 + n % 2))
    return own


def test_an_officer_who_approves_far_more_than_peers_is_a_flag():
    trail = Trail()
    own = plant(trail)

    [flag] = trail.findings("D8")

    assert flag.key == "D8:7:CCB:P01:2026-T1"
    assert flag.officer == "7"
    assert flag.evidence == tuple(own)
    assert flag.radicados == tuple(f"O{n}" for n in range(20))
    assert "aprobó 20 de 20" in flag.summary
    assert "aprobaron 10 de 40" in flag.summary


@pytest.mark.parametrize(
    "plan",
    [
        {"officer_decisions": 19},  # one decision short of the officer minimum
        {"peer_decisions": 39, "peer_approvals": 10},  # peers one short
        {"peer_approvals": 33},  # 100 % against 82.5 %: under 0.2 apart
        # 95 % against 50 %: p = 0.0016, not under alpha = 0.001
        {"officer_rejections": 1, "peer_approvals": 20},
    ],
)
def test_just_under_each_minimum_is_no_flag(plan):
    trail = Trail()
    plant(trail, **plan)
    assert trail.findings("D8") == []


def test_decisions_in_another_quarter_are_judged_apart():
    trail = Trail()
    plant(trail, officer_decisions=10)
    later = START + datetime.timedelta(days=60)  # May: the second quarter
    for n in range(10):
        trail.file(f"L{n}", at=later)
        trail.act(f"L{n}", "aprobar", at=later + HOUR, officer="7")
    assert trail.findings("D8") == []


def test_a_procedure_override_lowers_the_minimum(monkeypatch):
    override(monkeypatch, "P01", "D8", min_officer_decisions=15)
    trail = Trail()
    plant(trail, officer_decisions=19)
    assert [flag.officer for flag in trail.findings("D8")] == ["7"]
