"""Issue 9 point 7: "Respuesta en Inmediato." on 57 pages, and its siblings: the
response time and the legal term read as Spanish, with plurals and the page's kind
of days."""

from django.utils import translation

import pytest

from catalog.models import ProcedurePage

pytestmark = pytest.mark.django_db


def _page(**fields):
    defaults = {
        "response_time_unit": "DIAS",
        "response_time_value": 15,
        "calendar_type": "HABILES",
        "legal_term_days": 15,
    }
    return ProcedurePage(**{**defaults, **fields})


@translation.override("es-co")
@pytest.mark.parametrize(
    ("fields", "sentence", "term"),
    [
        (
            {"response_time_unit": "INMEDIATO"},
            "Respuesta inmediata.",
            "15 días hábiles",
        ),
        (
            {"response_time_value": 1, "legal_term_days": 1},
            "Respuesta en 1 día hábil.",
            "1 día hábil",
        ),
        ({"response_time_value": 3}, "Respuesta en 3 días hábiles.", "15 días hábiles"),
        (
            {
                "calendar_type": "CALENDARIO",
                "response_time_value": 1,
                "legal_term_days": 30,
            },
            "Respuesta en 1 día calendario.",
            "30 días calendario",
        ),
        (
            {"response_time_unit": "HORAS", "response_time_value": 1},
            "Respuesta en 1 hora hábil.",
            "15 días hábiles",
        ),
    ],
)
def test_response_time_and_legal_term_read_as_spanish(fields, sentence, term):
    page = _page(**fields)
    assert page.response_time_sentence == sentence
    assert page.legal_term_summary == f"Término legal: {term}."


def test_no_catalog_page_says_respuesta_en_inmediato(client):
    immediate = ProcedurePage.objects.live().filter(response_time_unit="INMEDIATO")
    assert immediate.count() >= 50
    page = immediate.first()
    html = client.get(page.url).content.decode()
    assert "Respuesta inmediata." in html
    assert "Respuesta en Inmediato" not in html and "Respuesta en inmediato" not in html
    for other in immediate:
        assert other.response_time_sentence == "Respuesta inmediata."


def test_calendar_day_procedure_page_says_calendar_days(client):
    page = ProcedurePage.objects.live().filter(calendar_type="CALENDARIO").first()
    html = client.get(page.url).content.decode()
    n = page.legal_term_days
    assert f"Término legal: {n} {'día' if n == 1 else 'días'} calendario." in html
