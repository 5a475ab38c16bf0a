"""Each row of the workflow table carries the whole of its action: these checks
tie its effects to the statuses it joins and its inputs to the officer's form.

No database: the table is data and the form fields are built lazily.
"""

from procedures import workflow
from procedures.action_forms import INPUT_FIELDS
from procedures.workflow import (
    FINAL_STATUSES,
    TRANSITIONS,
    Action,
    Input,
    Role,
    clock_runs,
)


def test_every_row_that_ends_the_case_closes_it_and_no_other_does():
    for (source, action), row in TRANSITIONS.items():
        closes = workflow.close in row.effects
        assert closes == (row.to in FINAL_STATUSES), (source, action)


def test_the_clock_stops_and_resumes_exactly_where_the_status_says():
    for (source, action), row in TRANSITIONS.items():
        stops = (
            clock_runs(source)
            and not clock_runs(row.to)
            and row.to not in (FINAL_STATUSES)
        )
        resumes = not clock_runs(source) and clock_runs(row.to)
        assert (workflow.stop_clock in row.effects) == stops, (source, action)
        assert (workflow.resume_clock in row.effects) == resumes, (source, action)


def test_only_approval_issues_an_output_document():
    assert {a for (_s, a), row in TRANSITIONS.items() if row.needs_output} == {
        Action.APPROVE
    }


def test_every_officer_input_has_a_field_on_the_form():
    for row in TRANSITIONS.values():
        if Role.OFFICER in row.roles:
            assert row.inputs <= set(INPUT_FIELDS), row


def test_the_citizen_attaches_documents_only_to_an_answer():
    attaching = {
        a for (_s, a), row in TRANSITIONS.items() if Input.DOCUMENTS in row.inputs
    }
    assert attaching == {Action.ANSWER}


def test_every_notice_has_its_subject_and_email_template():
    from django.template.loader import get_template

    from procedures.services import NOTICE_SUBJECTS

    for row in TRANSITIONS.values():
        if row.notice:
            assert row.notice in NOTICE_SUBJECTS
            get_template(f"procedures/email/{row.notice}.txt")
