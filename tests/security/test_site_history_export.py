"""Issue 10.9b: editors export the site history of their own entity only.

Through Wagtail's real report at /admin/reports/site-history/ (listing, results and
the CSV export): the SDH editor sees the SDH pages' history and nothing of CCB's,
not even the name of the CCB editor in the user filter; a moderator sees both.
"""

import csv
import io

from django.contrib.auth.models import Group

import pytest

from catalog.models import ProcedurePage
from cms import seed

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/site-history/"


@pytest.fixture
def edits(django_user_model, demo_user):
    """One revision by the SDH editor on an SDH page, one by a CCB editor on CCB's."""
    sdh = ProcedurePage.objects.filter(entity__code="SDH").order_by("pk").first()
    ccb = ProcedurePage.objects.filter(entity__code="CCB").order_by("pk").first()
    ccb_editor = django_user_model.objects.create_user(
        "editora_ccb", password="Clave-de-prueba-2026", first_name="Clara"
    )
    ccb_editor.groups.add(Group.objects.get(name=seed.editor_group_name("CCB")))
    for page, user, title in (
        (sdh, demo_user("editor"), "Borrador SDH de Elena"),
        (ccb, ccb_editor, "Borrador CCB de Clara"),
    ):
        page.title = title
        page.save_revision(user=user, log_action=True)
    return sdh, ccb


def export(client) -> list[list[str]]:
    """The CSV rows without the header; the object id comes first."""
    response = client.get(REPORT, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))[1:]


def test_an_editor_exports_only_their_entitys_history(client, demo_user, edits):
    sdh, ccb = edits
    client.force_login(demo_user("editor"))
    rows = export(client)
    ids = {row[0] for row in rows}
    assert str(sdh.pk) in ids
    assert str(ccb.pk) not in ids
    others = ProcedurePage.objects.exclude(entity__code="SDH").values_list(
        "pk", flat=True
    )
    assert not ids & {str(pk) for pk in others}, "no page of another entity"
    text = "\n".join(",".join(row) for row in rows)
    assert "Borrador SDH de Elena" in text and "Borrador CCB de Clara" not in text

    listing = client.get(REPORT)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Borrador SDH de Elena" in html and "Borrador CCB de Clara" not in html
    assert "editora_ccb" not in html and "Clara" not in html, "not in the user filter"
    results = client.get(REPORT + "results/", {"label": "Borrador"})
    assert "Borrador CCB de Clara" not in results.content.decode()


def test_moderators_export_every_entity(client, demo_user, edits):
    sdh, ccb = edits
    client.force_login(demo_user("moderador"))
    ids = {row[0] for row in export(client)}
    assert {str(sdh.pk), str(ccb.pk)} <= ids


def test_officers_without_page_rights_export_nothing(client, demo_user, edits):
    client.force_login(demo_user("funcionario_ccb"))
    assert export(client) == []
