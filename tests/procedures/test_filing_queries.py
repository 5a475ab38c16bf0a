"""Issue 11 point 9: the SQL of a filing depends on nothing but how many documents it
carries (never on the procedure or its number of questions), and each document adds
at most one query: the documents' rows and their audit events are written in batches."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from audit.models import AuditEvent
from audit.verify import verify
from catalog.models import ProcedurePage
from procedures import services
from procedures.forms import FilingForm, form_definition
from procedures.models import CaseDocument
from procedures.sample_answers import fileable_procedures, valid_answers, valid_files

pytestmark = pytest.mark.django_db


def _file(procedure, applicant):
    blank = FilingForm(procedure)
    data = {
        **valid_answers(blank),
        "submission_token": str(uuid.uuid4()),
        "accept_privacy": "on",
    }
    form = FilingForm(procedure, data, valid_files(blank), applicant=applicant)
    assert form.is_valid(), form.errors
    with CaptureQueriesContext(connection) as queries:
        case, created = services.case_file(
            procedure=procedure,
            applicant=applicant,
            answers=form.answers(),
            documents=form.validated_documents,
            submission_token=form.cleaned_data["submission_token"],
        )
    assert created
    return case, len(queries)


def _pick(procedures, documents):
    """The procedures with ``documents`` documents, fewest and most questions."""
    matching = sorted(
        (p for p in procedures if len(p.required_documents) == documents),
        key=lambda p: len(p.online_form),
    )
    assert matching, f"no fileable procedure with {documents} documents"
    return matching[0], matching[-1]


def test_filing_queries_follow_only_the_number_of_documents(demo_user):
    citizen = demo_user("ciudadano")
    procedures = fileable_procedures()
    counts = {}
    picked = {n: _pick(procedures, n) for n in (0, 1, 3)}
    for pair in picked.values():
        for procedure in pair:
            # The entity's first radicado of the year creates its counter, and the
            # citizen's first document their data key: once, so not counted here.
            _file(procedure, citizen)
    for documents, (few, many) in picked.items():
        assert len(many.online_form) > len(few.online_form)
        counts[documents] = {_file(few, citizen)[1], _file(many, citizen)[1]}
    assert all(len(c) == 1 for c in counts.values()), counts
    without, one, three = (counts[n].pop() for n in (0, 1, 3))
    # The documents' INSERT and the applicant's data key, whatever their number.
    assert one <= without + 2
    assert three <= one + 2
    assert three == one


def test_a_batched_filing_keeps_every_document_and_its_event_in_the_chain(
    demo_user,
):
    citizen = demo_user("ciudadano")
    _few, procedure = _pick(fileable_procedures(), 3)
    case, _queries = _file(procedure, citizen)
    documents = CaseDocument.objects.filter(case=case, kind="carga").order_by("pk")
    assert documents.count() == 3
    events = list(AuditEvent.objects.filter(chain_key=case.audit_chain).order_by("seq"))
    assert [e.action for e in events] == ["case.document_uploaded"] * 3 + ["case.filed"]
    assert [e.seq for e in events] == [1, 2, 3, 4]
    for document, event in zip(documents, events, strict=False):
        assert f'"digest":"sha256:{document.sha256}"' in event.body
        assert document.file.storage.exists(document.file.name)
    assert verify().ok


def test_a_form_is_parsed_once_per_content_and_never_served_stale():
    procedure = fileable_procedures()[0]
    first = ProcedurePage.objects.get(pk=procedure.pk)
    second = ProcedurePage.objects.get(pk=procedure.pk)
    assert form_definition(first) is form_definition(second)
    questions = len(second.online_form)
    del second.online_form[0]  # An editor's unsaved change, as in a preview.
    changed, _documents = form_definition(second)
    assert len(changed) == questions - 1
    assert len(FilingForm(second).question_names) == questions - 1
    assert len(FilingForm(first).question_names) == questions
