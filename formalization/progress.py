"""One run's way through the steps: which show, what each knows, which are done."""

from . import forms
from .steps import BY_SLUG, STEPS
from .storage import DraftStorage


class Progress:
    """Every stored step is validated again with the answers before it: an answer may
    hide a later step (and drop its answers), and a rule may have changed meanwhile
    (a business name registered by someone else). A step counts as complete only
    while its stored data passes."""

    def __init__(self, storage: DraftStorage):
        self.storage = storage
        self._documents_version = 0
        self._memo = {}

    def update(self) -> None:
        """Walk the steps again with the stored data (on load and after each save)."""
        answers, self.active, self.before, self.cleaned = {}, [], {}, {}
        for step in STEPS:
            if not step.shown(answers):
                continue
            self.active.append(step.slug)
            self.before[step.slug] = dict(answers)
            data = self.storage.step_data(step.slug)
            result = None if data is None else self._validate(step, data)
            if result is not None:
                self.cleaned[step.slug] = result
                answers.update(result)
        self.answers = answers

    def documents_changed(self) -> None:
        """The run's uploads changed: the documents step must be validated again."""
        self._documents_version += 1

    def form(self, slug: str, data=None, files=None) -> forms.StepForm:
        """The step's form, knowing the answers of the shown steps before it."""
        return BY_SLUG[slug].form(
            data=data,
            files=files,
            prefix=slug,
            answers=self.before[slug],
            draft=self.storage.draft,
        )

    def _validate(self, step, data) -> dict | None:
        """A stored step's cleaned data, or None if it no longer validates. Memoized on
        (data, earlier answers): the steps are walked again after every save, and only
        the steps whose inputs changed need validating again."""
        key = (
            step.slug,
            repr(sorted(data.lists())),
            repr(sorted(self.before[step.slug].items())),
            self._documents_version if step.form is forms.DocumentsForm else 0,
        )
        if key not in self._memo:
            form = self.form(step.slug, data=data)
            self._memo[key] = form.cleaned_data if form.is_valid() else None
        return self._memo[key]

    def first_incomplete(self) -> str | None:
        return next((slug for slug in self.active if slug not in self.cleaned), None)

    def earlier(self, slug: str) -> list[str]:
        return self.active[: self.active.index(slug)]

    def reachable(self, slug: str) -> bool:
        """A step can be shown or posted once every step before it is complete."""
        return slug in self.active and all(
            s in self.cleaned for s in self.earlier(slug)
        )

    def is_before(self, slug: str, other: str | None) -> bool:
        return other in self.active and self.active.index(slug) < self.active.index(
            other
        )

    def after(self, slug: str) -> str | None:
        index = self.active.index(slug) + 1
        return self.active[index] if index < len(self.active) else None
