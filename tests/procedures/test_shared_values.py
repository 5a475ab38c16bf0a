"""The final statuses and the applicant role have one home (procedures/workflow.py);
the apps that need them read it instead of spelling them again. No database."""

from unittest import mock

import pytest

from formalization import receivers
from formalization import services as wizard_services
from procedures import payments as filing_payments
from procedures.models import Case, CaseDocument
from procedures.workflow import FINAL_STATUSES, Role, Status


def test_the_applicant_role_is_the_workflow_s():
    assert wizard_services.APPLICANT_ROLE == Role.APPLICANT.value == "solicitante"
    assert Role.APPLICANT.value == filing_payments.APPLICANT_ROLE


@pytest.mark.parametrize("status", list(Status))
def test_a_decided_case_wakes_its_application_exactly_in_the_final_statuses(status):
    """The receiver once listed the four final statuses by hand."""
    with mock.patch.object(receivers, "ApplicationItem") as items:
        items.objects.filter.return_value.values_list.return_value.first.return_value = None
        receivers.case_saved(Case, Case(pk=1, status=status), created=False)
    assert items.objects.filter.called is (status in FINAL_STATUSES)


@pytest.mark.parametrize(
    ("content_type", "extension"),
    [
        ("application/pdf", ".pdf"),
        ("image/jpeg", ".jpg"),
        ("image/png", ".png"),
        ("text/plain", ""),
    ],
)
def test_a_stored_document_s_extension_comes_from_the_upload_formats(
    content_type, extension
):
    assert CaseDocument(content_type=content_type).extension == extension
