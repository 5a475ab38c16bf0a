"""A run's answers as its Draft row keeps them."""

import copy

from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from .models import Draft


class DraftStorage:
    """Answers live in the database, one row per run: a new session, another device
    or another tab of the same run finds them; another run never sees them.

    The layout (``step``, ``step_data``, ``step_files``, ``extra_data``) is the one
    django-formtools' storage wrote when the wizard was a formtools view, so a draft
    saved then resumes now. Step data is the raw POST of the step's own fields, each
    field a list of values, keyed ``<step>-<field>``."""

    def __init__(self, draft: Draft):
        self.draft = draft
        self.data = {"step": None, "step_data": {}, "step_files": {}, "extra_data": {}}
        self.data.update(copy.deepcopy(draft.data or {}))
        self._saved = copy.deepcopy(self.data)

    @property
    def current_step(self) -> str | None:
        """The step last shown or posted: where the run resumes."""
        return self.data["step"]

    @current_step.setter
    def current_step(self, step: str) -> None:
        self.data["step"] = step

    def step_data(self, step: str) -> MultiValueDict | None:
        values = self.data["step_data"].get(step)
        return None if values is None else MultiValueDict(values)

    def raw_step(self, step: str) -> dict:
        return copy.deepcopy(self.data["step_data"].get(step) or {})

    def set_step_data(self, step: str, data: dict[str, list]) -> None:
        self.data["step_data"][step] = data

    def save(self) -> None:
        """Write the answers back if this request changed them."""
        if self.data != self._saved:
            Draft.objects.filter(pk=self.draft.pk).update(
                data=self.data, updated_at=timezone.now()
            )
            self._saved = copy.deepcopy(self.data)
