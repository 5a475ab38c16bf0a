"""Who may see a case: its applicant, its entity's officers, auditors. Everyone else
gets 404 (never a hint that the radicado exists)."""

import json
import uuid

import pytest

from audit.models import AuditEvent
from procedures import services
from procedures.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed_case(demo_user, rit_certificate, pdf_file):
    from procedures.uploads import validate_upload

    upload = validate_upload(
        pdf_file(), requirement="Copia del RUT", formats=["pdf"], max_size_mb=5
    )
    case, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"identificacion": "900373913-4"},
        documents=[upload],
        submission_token=uuid.uuid4(),
    )
    return case


def urls(case):
    document = case.documents.get()
    return [
        f"/mis-tramites/{case.radicado}/",
        f"/mis-tramites/{case.radicado}/documentos/{document.pk}/",
    ]


@pytest.mark.parametrize(
    "username",
    ["ciudadana2", "funcionario_ccb", "funcionario_sdde", "editor", "moderador"],
)
def test_outsiders_get_404_and_no_identifiers(client, demo_user, filed_case, username):
    client.force_login(demo_user(username))
    for url in urls(filed_case):
        response = client.get(url)
        assert response.status_code == 404, (username, url)
        # The radicado may echo from the requested URL; nothing of the case may show.
        assert b"900373913-4" not in response.content
        assert filed_case.procedure.title.encode() not in response.content
    assert filed_case.radicado.encode() not in client.get("/mis-tramites/").content


def test_anonymous_is_sent_to_login(client, filed_case):
    for url in urls(filed_case):
        response = client.get(url)
        assert (
            response.status_code == 302 and "/cuenta/ingresar/" in response["Location"]
        )


@pytest.mark.parametrize("username", ["ciudadano", "funcionario_shd", "auditor"])
def test_applicant_entity_officer_and_auditor_may_see_it(
    client, demo_user, filed_case, username
):
    client.force_login(demo_user(username))
    page, download = urls(filed_case)
    assert client.get(page).status_code == 200
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_staff_views_and_downloads_are_recorded(client, demo_user, filed_case):
    client.force_login(demo_user("funcionario_shd"))
    page, download = urls(filed_case)
    client.get(page)
    client.get(download)
    events = [
        json.loads(b)
        for b in AuditEvent.objects.filter(
            chain_key=filed_case.audit_chain
        ).values_list("body", flat=True)
    ]
    viewed = [e for e in events if e["action"] == "case.viewed"]
    downloaded = [e for e in events if e["action"] == "case.document_downloaded"]
    assert viewed and viewed[-1]["actor_username"] == "funcionario_shd"
    assert downloaded and downloaded[-1]["details"]["digest"].startswith("sha256:")


def test_visible_to_is_the_single_rule(demo_user, filed_case):
    assert list(Case.objects.visible_to(demo_user("ciudadano"))) == [filed_case]
    assert list(Case.objects.visible_to(demo_user("funcionario_shd"))) == [filed_case]
    assert not Case.objects.visible_to(demo_user("ciudadana2")).exists()
    assert not Case.objects.visible_to(demo_user("funcionario_ccb")).exists()
    assert list(Case.objects.in_queue_of(demo_user("funcionario_shd"))) == [filed_case]
    assert not Case.objects.in_queue_of(demo_user("ciudadano")).exists()


def test_private_files_are_not_under_the_public_media_url(client, filed_case):
    path = filed_case.documents.get().file.name
    assert client.get(f"/media/{path}").status_code == 404


@pytest.mark.parametrize(
    "username",
    [None, "ciudadano", "ciudadana2", "funcionario_ccb", "editor", "auditor"],
)
def test_back_office_case_urls_refuse_everyone_but_the_entity(
    client, demo_user, filed_case, username
):
    if username:
        client.force_login(demo_user(username))
    before = Case.objects.filter(pk=filed_case.pk).values().get()
    detail = client.get(f"/admin/casos/{filed_case.radicado}/")
    action = client.post(
        f"/admin/casos/{filed_case.radicado}/accion/",
        {"action": "tomar", "version": filed_case.version},
    )
    queue = client.get("/admin/casos/")
    for response in (detail, action):
        assert response.status_code in (302, 403, 404), (username, response.status_code)
        assert b"900373913-4" not in response.content
    # Another entity's officer has a queue of their own, without this case in it.
    assert filed_case.radicado.encode() not in queue.content
    assert Case.objects.filter(pk=filed_case.pk).values().get() == before
