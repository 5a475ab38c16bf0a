import datetime
import shutil

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

import pytest
import yaml

from catalog.models import Entity, ProcedureIndexPage, ProcedurePage
from catalog.seed import DATA_DIR, load_catalog, read_procedures, read_yaml
from cms import seed

REQUIRED_TEXT = (
    "code",
    "title",
    "slug",
    "kind",
    "standardized_name",
    "purpose",
    "when_available",
    "digital_level",
    "status",
    "source_url",
    "certainty",
)


def test_data_files_are_complete():
    reference = read_yaml(DATA_DIR / "entities.yaml")
    rows = read_procedures()
    entity_codes = {e["code"] for e in reference["entities"]}
    points = {p["code"] for p in reference["service_points"]}
    events = {e["code"] for e in reference["life_events"]}
    audiences = {a["code"] for a in reference["audiences"]}
    codes = [r["code"] for r in rows]
    slugs = [r["slug"] for r in rows]
    assert len(rows) >= 200
    assert len(set(codes)) == len(codes), "codes are unique"
    assert len(set(slugs)) == len(slugs), "slugs are unique"
    assert len({r["entity"] for r in rows}) >= 20
    assert {f"F{n:02d}" for n in range(1, 26)} <= set(codes)
    for row in rows:
        where = row["code"]
        assert row["entity"] in entity_codes, where
        for key in REQUIRED_TEXT:
            assert str(row[key]).strip(), (where, key)
        assert row["requirements"] and row["documents"] and row["steps"], where
        assert row["channels"] and row["legal_basis"], where
        assert row["audiences"] and set(row["audiences"]) <= audiences, where
        assert row["life_events"] and set(row["life_events"]) <= events, where
        assert set(row["service_points"] or []) <= points, where
        # A fee nobody could confirm has no basis, only its editor-only note.
        assert row["fee"]["legal_basis"] or (
            row["fee"]["rule"] == "UNKNOWN" and row["fee"]["note"]
        ), where
        assert row["result"]["name"] and row["result"]["delivery"], where
        assert isinstance(row["last_reviewed"], datetime.date), where
        if row["digital_level"] != "PRESENCIAL":
            assert row["online_url"].startswith("https://") or row[
                "online_url"
            ].startswith("http://"), where
        if row["fee"]["requires_payment"]:
            assert row["fee"]["rule"] != "FREE", where


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_counts():
    def counts():
        return (
            ProcedurePage.objects.count(),
            Entity.objects.count(),
            Group.objects.count(),
            get_user_model().objects.count(),
            ProcedurePage.objects.filter(live=True).count(),
        )

    before = counts()
    call_command("seed_demo", allow_demo_users=True, verbosity=0)
    assert counts() == before
    assert before[0] == len(read_procedures())
    staff = [*seed.DEMO_USERS, *seed.demo_officers()]
    assert before[3] == len(staff) + len(seed.demo_heads(staff))


@pytest.mark.django_db
def test_every_demo_user_can_log_in(client):
    staff = [*seed.DEMO_USERS, *seed.demo_officers()]
    for demo in [*staff, *seed.demo_heads(staff)]:
        assert client.login(username=demo.username, password=seed.DEMO_PASSWORD), (
            demo.username
        )
        client.logout()


@pytest.mark.django_db
def test_staff_demo_users_reach_the_admin_and_citizens_do_not(client):
    for demo in seed.DEMO_USERS:
        client.login(username=demo.username, password=seed.DEMO_PASSWORD)
        status = client.get("/admin/").status_code
        assert (status == 200) == demo.staff, (demo.username, status)
        client.logout()


@pytest.mark.django_db
def test_load_catalog_update_publishes_a_new_revision(tmp_path):
    shutil.copy(DATA_DIR / "entities.yaml", tmp_path / "entities.yaml")
    (tmp_path / "procedures").mkdir()
    rows = yaml.safe_load(
        (DATA_DIR / "procedures" / "SDH.yaml").read_text(encoding="utf-8")
    )
    rows[0]["title"] = rows[0]["title"] + " (actualizado)"
    (tmp_path / "procedures" / "SDH.yaml").write_text(
        yaml.safe_dump(rows[:1], allow_unicode=True), encoding="utf-8"
    )
    index = ProcedureIndexPage.objects.get()
    page = ProcedurePage.objects.get(code=rows[0]["code"])
    revisions = page.revisions.count()

    unchanged = load_catalog(index, data_dir=tmp_path)
    assert (unchanged.created, unchanged.updated, unchanged.unchanged) == (0, 0, 1)
    assert ProcedurePage.objects.get(pk=page.pk).title == page.title, (
        "editors own content after the first load"
    )

    updated = load_catalog(index, data_dir=tmp_path, update=True)
    assert updated.updated == 1
    page.refresh_from_db()
    assert page.title.endswith("(actualizado)")
    assert page.revisions.count() == revisions + 1


def test_unknown_keys_fail_loudly(tmp_path):
    from catalog.seed import CatalogDataError

    (tmp_path / "procedures").mkdir()
    rows = yaml.safe_load(
        (DATA_DIR / "procedures" / "SDH.yaml").read_text(encoding="utf-8")
    )
    rows[0]["costo"] = "gratis"
    (tmp_path / "procedures" / "SDH.yaml").write_text(
        yaml.safe_dump(rows[:1], allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(CatalogDataError, match="costo"):
        read_procedures(tmp_path)
