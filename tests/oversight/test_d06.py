import datetime

from tests.oversight.procedure_overrides import override
from tests.oversight.trail import START, Trail

HOUR = datetime.timedelta(hours=1)
APPLICANT = {
    "email": "m1:email-a",
    "email_domain": "m1:domain-a",
    "phone": "m1:phone-a",
    "document": "m1:doc-a",
    "surname": "m1:surname-a",
    "address": "m1:address-a",
}
STRANGER = {
    "email": "m1:email-o",
    "phone": "m1:phone-o",
    "document": "m1:doc-o",
    "surname": "m1:surname-o",
    "address": "m1:address-o",
}


def plant(trail, **shared):
    """An officer whose digests equal the applicant's in the ``shared`` kinds."""
    match = {**STRANGER, **{kind: APPLICANT[kind] for kind in shared}}
    filing = trail.file("R-1", at=START, contact=APPLICANT)
    taken = trail.act(
        "R-1",
        "tomar",
        at=START + HOUR,
        officer="7",
        status="en_revision",
        actor_match=match,
    )
    trail.act(
        "R-1",
        "asignar",
        at=START + HOUR,
        officer="8",
        assigned_to="7",
        actor_match=STRANGER,
    )
    approval = trail.act(
        "R-1",
        "aprobar",
        at=START + 2 * HOUR,
        officer="7",
        status="aprobado",
        actor_match=match,
    )
    return filing, taken, approval


def test_an_officer_sharing_the_applicants_phone_is_a_flag():
    trail = Trail()
    filing, taken, approval = plant(trail, phone=True)

    [flag] = trail.findings("D6")

    assert flag.key == "D6:R-1:7"
    assert flag.officer == "7"
    assert flag.evidence == (filing, taken, approval)
    assert flag.at == START + HOUR
    assert "el teléfono" in flag.summary
    assert "m1:" not in flag.summary


def test_the_surname_counts_only_with_an_address_phone_or_mail_domain():
    trail = Trail()
    plant(trail, surname=True)
    assert trail.findings("D6") == []

    trail = Trail()
    plant(trail, surname=True, address=True)
    [flag] = trail.findings("D6")
    assert "el primer apellido, la dirección" in flag.summary

    trail = Trail()
    plant(trail, address=True)  # neighbours, not family
    assert trail.findings("D6") == []


def test_a_procedure_override_of_the_direct_kinds(monkeypatch):
    override(monkeypatch, "P01", "D6", direct_kinds=["email", "document"])
    trail = Trail()
    plant(trail, phone=True)
    assert trail.findings("D6") == []
