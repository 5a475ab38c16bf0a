"""Issue 11's headline: at least 200 published procedures are filed on Ventanilla."""

import pytest

from .fileable import fileable_procedures


@pytest.mark.django_db
def test_at_least_200_published_procedures_can_be_filed_here():
    count = len(fileable_procedures())
    assert count >= 200, f"only {count} fileable published procedures"
