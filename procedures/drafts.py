"""Single filings saved to continue later: one draft per citizen and procedure.

A draft keeps the answers as typed, unvalidated (saving never asks for a complete
form), and only for the form's own questions. Uploaded files are not kept.
"""

from .models import FilingDraft

# Longest value kept per answer: the longest question (long_text) takes 3000.
MAX_VALUE_LENGTH = 3000


def _clean(value: str) -> str:
    # PostgreSQL's jsonb refuses NUL; other control characters are harmless text.
    return value.replace("\x00", "")[:MAX_VALUE_LENGTH]


def draft_answers(form, data) -> dict:
    """The answers of ``form``'s questions in the POSTed ``data``, ready to store."""
    answers = {}
    for name in form.question_names:
        values = [_clean(v) for v in data.getlist(name) if v.strip()]
        if values:
            answers[name] = values if len(values) > 1 else values[0]
    return answers


def draft_save(*, owner, procedure, answers: dict) -> FilingDraft:
    draft, _created = FilingDraft.objects.update_or_create(
        owner=owner, procedure=procedure, defaults={"data": answers}
    )
    return draft


def draft_for(*, owner, procedure) -> FilingDraft | None:
    return FilingDraft.objects.filter(owner=owner, procedure=procedure).first()


def draft_discard(*, owner, procedure) -> None:
    FilingDraft.objects.filter(owner=owner, procedure=procedure).delete()
