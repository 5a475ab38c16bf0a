"""The wizard's filings record the fee they were quoted on ``case.filed``
(docs/risk-events.md, D10): the computed and charged amounts and, where the Ley
1780 exemption applied, the recorded answers its conditions read."""

import json

import pytest

from audit.models import AuditEvent

from .helpers import (  # noqa: F401 (fixtures)
    item,
    paid_restaurante_fixture,
    pay,
    restaurante_fixture,
    submit,
)

pytestmark = pytest.mark.django_db


def filed_details(case) -> dict:
    event = AuditEvent.objects.get(chain_key=case.audit_chain, action="case.filed")
    return json.loads(event.body)["details"]


def test_a_paid_wizard_filing_records_its_fee(paid_restaurante):
    matricula = item(paid_restaurante, "F04")
    assert matricula.case is not None and matricula.fee_due > 0
    fee = filed_details(matricula.case)["fee"]
    amount = format(matricula.fee_due.normalize(), "f")
    assert fee == {"computed": amount, "charged": amount, "exemption": ""}


def test_an_exempt_young_entrepreneur_records_the_exemption_facts(wizard):
    application = submit(wizard(), "agencia")
    assert pay(application).status == "aprobado"
    matricula = item(application, "F03")
    assert matricula.case is not None, (matricula.state, matricula.note)
    fee = filed_details(matricula.case)["fee"]
    # The matrícula itself is free; the item's other lines are still charged.
    assert fee["exemption"] == "ley_1780"
    assert (
        fee["computed"] == fee["charged"] == format(matricula.fee_due.normalize(), "f")
    )
    facts = fee["exemption_facts"]
    assert facts["kind"] == "natural" and facts["employees"] == 0
    assert facts["assets_cop"] == "15000000"
    assert 18 <= facts["age"] <= 35


def test_a_procedure_without_an_online_fee_records_none(paid_restaurante):
    charged_online = {
        line["code"]
        for line in paid_restaurante.fees["lines"]
        if line["collected_online"]
    }
    free = [
        filed
        for filed in paid_restaurante.items.filter(case__isnull=False)
        if filed.code not in charged_online
    ]
    assert free
    for filed in free:
        assert "fee" not in filed_details(filed.case), filed.code
