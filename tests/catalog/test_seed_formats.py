"""The seed's online forms accept exactly the upload formats of
catalog/document_formats.py. No database."""

import pytest

from catalog.document_formats import DocumentFormat
from catalog.seed import CatalogDataError, _check_form


def spec(formats):
    return {
        "form": [],
        "documents": [
            {"name": "Copia", "formats": formats, "max_size_mb": 5, "required": True}
        ],
    }


def test_every_upload_format_may_be_asked_for():
    _check_form("T01", spec(list(DocumentFormat.values)))


@pytest.mark.parametrize("formats", [["jpg"], ["pdf", "docx"], []])
def test_a_format_the_upload_checker_does_not_know_is_refused(formats):
    with pytest.raises(CatalogDataError, match="formatos inválidos"):
        _check_form("T01", spec(formats))
