import datetime

from oversight import detectors, thresholds
from tests.oversight.trail import START, Trail

DAY = datetime.timedelta(days=1)
EMAIL = "m1:" + "a" * 32


def take(
    trail, radicado, *, at, officer="7", applicant="user:1", contact=None, colleagues=3
):
    trail.file(radicado, at=at, applicant=applicant, contact=contact)
    return trail.act(
        radicado,
        "tomar",
        at=at + datetime.timedelta(hours=2),
        officer=officer,
        details={"entity_officers": colleagues},
    )


def test_three_takes_of_one_applicant_within_the_window_are_one_flag():
    trail = Trail()
    takes = [take(trail, f"R{n}", at=START + n * 40 * DAY) for n in range(3)]
    take(trail, "OTHER", at=START + DAY, applicant="user:2")

    [flag] = trail.findings("D7")

    assert flag.key == "D7:7:applicant:user:1:R0"
    assert flag.evidence == tuple(takes)
    assert flag.radicados == ("R0", "R1", "R2")
    assert flag.officer == "7"
    assert "3 casos del mismo solicitante" in flag.summary
    assert "user:" not in flag.summary


def test_two_applicants_behind_one_email_are_an_intermediary():
    trail = Trail()
    takes = [
        take(
            trail,
            f"R{n}",
            at=START + n * DAY,
            applicant=f"user:{10 + n % 2}",
            contact={"email": EMAIL},
        )
        for n in range(3)
    ]

    [flag] = trail.findings("D7")

    assert flag.key == f"D7:7:email:{EMAIL}:R0"
    assert flag.evidence == tuple(takes)
    assert "huella aaaaaaaa" in flag.summary
    assert EMAIL not in flag.summary


def test_takes_just_outside_the_window_or_by_others_are_no_flag():
    trail = Trail()
    window = thresholds.value("D7", "window_days")
    take(trail, "R0", at=START)
    take(trail, "R1", at=START + DAY)
    take(trail, "R2", at=START + (window + 1) * DAY)
    # Assigned by a coordinator, not self-assigned: not a take.
    trail.file("R3", at=START + 2 * DAY)
    trail.act("R3", "asignar", at=START + 3 * DAY, officer="9", assigned_to="7")
    assert trail.findings("D7") == []


class Keyed(list):
    """A group that carries its key, as the engine's groups do."""

    def __init__(self, key, members):
        super().__init__(members)
        self.key = key


def test_a_group_with_its_key_is_judged_for_that_officer_only():
    trail = Trail()
    for n in range(3):
        take(trail, f"R{n}", at=START + n * DAY)
        # A coordinator who assigned every case acted on all of them too.
        trail.act(f"R{n}", "asignar", at=START + n * DAY, officer="9", assigned_to="7")
    detector = detectors.registry()["D7"]
    groups = detectors.groups("officer", trail.facts().values())

    found = {
        key: list(detector.detect(Keyed(key, members), thresholds))
        for key, members in groups.items()
    }

    assert [f.officer for f in found[("officer", "7")]] == ["7"]
    assert found[("officer", "9")] == []


def test_the_only_officer_of_an_entity_taking_every_case_is_no_flag():
    trail = Trail()
    for n in range(4):
        take(trail, f"R{n}", at=START + n * 10 * DAY, colleagues=1)

    assert trail.findings("D7") == []
