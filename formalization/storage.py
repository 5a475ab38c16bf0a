"""formtools storage backed by the run's Draft row instead of the session."""

import copy

from formtools.wizard.storage.base import BaseStorage


class DraftStorage(BaseStorage):
    """Answers live in the database, one row per run: a new session, another device
    or another tab of the same run finds them; another run never sees them."""

    def __init__(self, prefix, request=None, file_storage=None, *, draft):
        super().__init__(prefix, request, file_storage)
        self.draft = draft
        self.data = copy.deepcopy(draft.data) if draft.data else None
        if not self.data:
            self.init_data()
        self._saved = copy.deepcopy(self.data)

    def reset(self):
        # A draft is never wiped by the wizard: it is the record of the run.
        pass

    @property
    def changed(self) -> bool:
        return self.data != self._saved

    def raw_step(self, step: str) -> dict:
        return copy.deepcopy(self.data[self.step_data_key].get(step) or {})
