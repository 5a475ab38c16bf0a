import csv
import io
import json

import pytest

from audit.exports import spreadsheet_safe
from catalog.blocks import NORM_TYPE_CHOICES
from catalog.exports import EXPORT_COLUMNS
from catalog.models import ProcedurePage
from catalog.selectors import published_procedures

pytestmark = pytest.mark.django_db


def test_csv_export_has_every_published_procedure_and_field(client):
    response = client.get("/datos/tramites.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys()) == EXPORT_COLUMNS
    assert len(rows) == published_procedures().count()
    f03 = next(r for r in rows if r["code"] == "F03")
    page = ProcedurePage.objects.get(code="F03")
    assert f03["title"] == page.title
    assert f03["entity_name"] == page.entity.name
    assert f03["entity_code"] == "CCB"
    assert f03["legal_term_days"] == str(page.legal_term_days)
    assert f03["url"].endswith(page.url)


def test_json_export_matches_the_database(client):
    response = client.get("/datos/tramites.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["count"] == len(data["procedures"]) == published_procedures().count()
    by_code = {row["code"]: row for row in data["procedures"]}
    page = ProcedurePage.objects.get(code="F09")
    row = by_code["F09"]
    assert row["entity_name"] == page.entity.name
    assert row["requires_payment"] is page.requires_payment
    assert (
        row["requirements"] and row["documents"] and row["steps"] and row["legal_basis"]
    )
    assert set(row) == set(EXPORT_COLUMNS)


def test_json_export_lists_say_what_the_page_blocks_say(client):
    """The export reads the stored StreamField JSON for speed; it must agree with the
    decoded blocks the page itself renders."""
    data = json.loads(client.get("/datos/tramites.json").content)
    by_code = {row["code"]: row for row in data["procedures"]}
    for code in ("F03", "F09", "F19"):
        page = ProcedurePage.objects.get(code=code).specific
        row = by_code[code]
        assert row["requirements"] == [b.value["text"] for b in page.requirements]
        assert row["documents"] == [b.value["name"] for b in page.documents]
        assert row["steps"] == [b.value["title"] for b in page.steps]
        assert row["channels"] == [b.value["name"] for b in page.channels]
        norm_types = dict(NORM_TYPE_CHOICES)
        assert row["legal_basis"] == [
            f"{norm_types[b.value['type']]} {b.value['number']} de {b.value['year']}"
            for b in page.legal_basis
        ]
        assert row["requirements"] and row["legal_basis"]


def test_unpublished_procedures_are_not_exported(client):
    page = ProcedurePage.objects.get(code="F09")
    page.unpublish()
    data = json.loads(client.get("/datos/tramites.json").content)
    assert "F09" not in {row["code"] for row in data["procedures"]}


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tcmd"]
)
def test_spreadsheet_formulas_are_neutralised(value):
    assert spreadsheet_safe(value).startswith("'")
    assert spreadsheet_safe("Matrícula") == "Matrícula"
    assert spreadsheet_safe(["a", "b"]) == "a | b"


def test_pages_api_lists_procedures_with_their_fields(client):
    response = client.get(
        "/api/v2/pages/",
        {
            "type": "catalog.ProcedurePage",
            "fields": "code,entity_code,digital_level",
            "limit": 50,
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == ProcedurePage.objects.live().public().count()
    first = data["items"][0]
    assert {"code", "entity_code", "digital_level"} <= set(first)
    detail = client.get(
        f"/api/v2/pages/{ProcedurePage.objects.get(code='F03').pk}/"
    ).json()
    assert detail["code"] == "F03" and detail["entity_code"] == "CCB"


def test_open_data_urls_use_the_configured_site_url(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://ventanilla.example.gov.co"
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/datos/tramites.csv").content.decode("utf-8-sig"))
        )
    )
    page = ProcedurePage.objects.get(code="F03")
    f03 = next(r for r in rows if r["code"] == "F03")
    assert f03["url"] == "https://ventanilla.example.gov.co" + page.url
    assert all(
        r["url"].startswith("https://ventanilla.example.gov.co/tramites/") for r in rows
    )
    data = json.loads(client.get("/datos/tramites.json").content)
    assert {row["url"] for row in data["procedures"]} == {r["url"] for r in rows}
    assert client.get(page.url).status_code == 200


def test_pages_api_html_url_uses_the_configured_site_url(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://ventanilla.example.gov.co"
    page = ProcedurePage.objects.get(code="F03")
    listing = client.get("/api/v2/pages/?type=catalog.ProcedurePage&limit=20").json()
    urls = [item["meta"]["html_url"] for item in listing["items"]]
    assert urls and all(
        url.startswith("https://ventanilla.example.gov.co/tramites/") for url in urls
    )
    detail = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert detail["meta"]["html_url"] == "https://ventanilla.example.gov.co" + page.url
    assert "localhost" not in json.dumps(detail)
