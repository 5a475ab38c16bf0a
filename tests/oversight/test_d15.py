import datetime

from tests.oversight.trail import START, Trail

HOUR = datetime.timedelta(hours=1)


def test_every_citizen_report_is_a_high_flag_hidden_from_the_case_holder():
    trail = Trail()
    trail.file("R1", at=START)
    trail.act("R1", "tomar", at=START + HOUR, officer="7")
    reports = [
        trail.event(
            "R1",
            "case.irregularity_reported",
            at=START + (2 + n) * HOUR,
            actor_id="1",
            role="solicitante",
            details={"category": category, "report_radicado": f"DEN-{n}"},
        )
        for n, category in enumerate(("cobro", "demora"))
    ]

    flags = trail.findings("D15")

    assert [flag.key for flag in flags] == ["D15:DEN-0", "D15:DEN-1"]
    assert [flag.evidence for flag in flags] == [(reports[0],), (reports[1],)]
    assert {flag.officer for flag in flags} == {"7"}
    assert {flag.severity for flag in flags} == {"alta"}
    assert "le pidieron dinero" in flags[0].summary
    assert "una demora sin explicación" in flags[1].summary


def test_a_case_without_reports_is_no_flag():
    trail = Trail()
    trail.file("R1", at=START)
    trail.act("R1", "aprobar", at=START + HOUR, officer="7")
    assert trail.findings("D15") == []
