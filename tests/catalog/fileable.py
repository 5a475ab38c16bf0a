"""The filing-form answers the tests share now live in ``procedures.sample_answers``
(the demo history and the filing bench use them too)."""

from procedures.sample_answers import (  # noqa: F401 - re-exported for the tests
    FILES,
    VALID_ANSWER,
    fileable_procedures,
    valid_answers,
    valid_files,
)
