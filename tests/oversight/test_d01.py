import datetime

from tests.oversight.trail import START, Trail

DAY = datetime.timedelta(days=1)
PHONE = "m1:0123456789abcdef0123456789abcdef"


def plant(trail, applicants, *, every=DAY, phone=PHONE, ip=None):
    """One case per applicant, a day apart, all behind the same phone."""
    ids = []
    for n, applicant in enumerate(applicants):
        ids.append(
            trail.file(
                f"R-{n:03d}",
                at=START + n * every,
                applicant=f"user:{applicant}",
                contact={"phone": phone, "email": f"m1:mail{applicant}"},
                ip=ip or f"190.85.1.{n + 1}",
            )
        )
    return ids


def test_six_applicants_behind_one_phone_in_a_month_are_one_flag():
    trail = Trail()
    ids = plant(trail, [1, 2, 3, 4, 5, 6])

    [flag] = trail.findings("D1")

    assert flag.key == f"D1:phone:{PHONE}:R-000"
    assert flag.evidence == tuple(ids)
    assert flag.radicados == tuple(f"R-{n:03d}" for n in range(6))
    assert flag.entity == "CCB"
    assert flag.officer == ""
    assert "6 solicitantes distintos" in flag.summary
    assert "huella 01234567" in flag.summary
    assert PHONE not in flag.summary


def test_five_applicants_or_a_sixth_after_the_window_are_no_flag():
    trail = Trail()
    plant(trail, [1, 2, 3, 4, 5, 1])  # six cases, five applicants
    assert trail.findings("D1") == []

    trail = Trail()
    plant(trail, [1, 2, 3, 4, 5, 6], every=6 * DAY)  # the sixth on day 30
    assert trail.findings("D1") == []


def test_an_ip_behind_many_applicants_is_flagged_unless_it_is_shared_by_design():
    trail = Trail()
    plant(trail, range(1, 7), phone="", ip="200.1.2.3")
    [flag] = trail.findings("D1")
    assert flag.key == "D1:ip:200.1.2.3:R-000"
    assert "200.1.2.3" in flag.summary

    trail = Trail()
    plant(trail, range(1, 7), phone="", ip="127.0.0.1")
    assert trail.findings("D1") == []


def test_a_payment_account_brings_the_payments_as_evidence():
    trail = Trail()
    filings = plant(trail, range(1, 7), phone="")
    payments = [
        trail.event(
            f"R-{n:03d}",
            "case.fee_paid",
            at=START + n * DAY + datetime.timedelta(hours=1),
            details={"payment_account": "m1:account", "charged": "50000"},
        )
        for n in range(6)
    ]

    [flag] = trail.findings("D1")

    assert flag.key == "D1:payment_account:m1:account:R-000"
    assert flag.evidence == tuple(
        event_id for pair in zip(filings, payments, strict=True) for event_id in pair
    )


def test_a_second_month_of_the_same_point_is_its_own_flag():
    trail = Trail()
    plant(trail, range(1, 13), every=DAY)  # 12 applicants in 12 days: one window
    plant_later = [
        trail.file(
            f"S-{n:03d}",
            at=START + 40 * DAY + n * DAY,
            applicant=f"user:{100 + n}",
            contact={"phone": PHONE},
            ip=f"190.86.1.{n + 1}",
        )
        for n in range(6)
    ]

    flags = sorted(trail.findings("D1"), key=lambda flag: flag.at)

    assert [flag.key for flag in flags] == [
        f"D1:phone:{PHONE}:R-000",
        f"D1:phone:{PHONE}:S-000",
    ]
    assert len(flags[0].radicados) == 12
    assert flags[1].evidence == tuple(plant_later)
