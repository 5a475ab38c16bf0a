import datetime
import json

from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Page, Workflow

import pytest

from catalog.models import Entity, ProcedurePage, entities_editable_by
from cms import seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def sdh_page():
    return ProcedurePage.objects.filter(entity__code="SDH").first()


@pytest.fixture
def ccb_page():
    return ProcedurePage.objects.filter(entity__code="CCB").first()


def test_entity_editor_may_edit_only_their_entity(demo_user, sdh_page, ccb_page):
    editor = demo_user("editor")
    own = sdh_page.permissions_for_user(editor)
    foreign = ccb_page.permissions_for_user(editor)
    assert own.can_edit() and own.can_submit_for_moderation()
    assert not own.can_publish(), "editors publish only through moderation"
    assert not foreign.can_edit()
    assert not foreign.can_delete()
    assert not foreign.can_submit_for_moderation()
    assert list(entities_editable_by(editor)) == [Entity.objects.get(code="SDH")]


def test_edit_view_is_refused_for_another_entity(client, demo_user, sdh_page, ccb_page):
    client.force_login(demo_user("editor"))
    assert client.get(f"/admin/pages/{sdh_page.pk}/edit/").status_code == 200
    response = client.get(f"/admin/pages/{ccb_page.pk}/edit/")
    assert response.status_code in (302, 403)
    response = client.post(f"/admin/pages/{ccb_page.pk}/edit/", {"title": "Cambiado"})
    assert response.status_code in (302, 403)
    assert ProcedurePage.objects.get(pk=ccb_page.pk).title == ccb_page.title


def test_entity_chooser_offers_only_the_editors_entities(client, demo_user, sdh_page):
    client.force_login(demo_user("editor"))
    html = client.get(f"/admin/pages/{sdh_page.pk}/edit/").content.decode()
    assert "Secretaría Distrital de Hacienda (SDH)" in html
    assert "Cámara de Comercio de Bogotá (CCB)" not in html


def test_moderator_may_edit_and_publish_every_entity(demo_user, ccb_page, sdh_page):
    moderator = demo_user("moderador")
    for page in (ccb_page, sdh_page):
        perms = page.permissions_for_user(moderator)
        assert perms.can_edit() and perms.can_publish()


def test_citizens_and_officers_cannot_edit(demo_user, sdh_page):
    for username in ("ciudadano", "funcionario_shd", "auditor"):
        assert not sdh_page.permissions_for_user(demo_user(username)).can_edit()


def test_moderation_workflow_editor_submits_moderator_approves(demo_user, sdh_page):
    editor, moderator = demo_user("editor"), demo_user("moderador")
    workflow = sdh_page.get_workflow()
    assert workflow is not None and workflow.name == seed.WORKFLOW_NAME

    draft = sdh_page.get_latest_revision_as_object()
    draft.purpose = "Texto revisado por la editora."
    revision = draft.save_revision(user=editor)
    state = workflow.start(sdh_page, editor)
    page = ProcedurePage.objects.get(pk=sdh_page.pk)
    assert page.purpose != "Texto revisado por la editora.", (
        "nothing is published before approval"
    )

    task_state = state.current_task_state.specific
    task = task_state.task.specific
    assert "approve" not in [a[0] for a in task.get_actions(page, editor)]
    assert "approve" in [a[0] for a in task.get_actions(page, moderator)]
    task.on_action(task_state, moderator, "approve")

    page.refresh_from_db()
    assert page.purpose == "Texto revisado por la editora."
    assert (
        page.live_revision_id == revision.pk
        or page.live_revision.content["purpose"] == page.purpose
    )


def test_scheduled_publishing_goes_live_at_its_time(demo_user, sdh_page):
    draft = sdh_page.get_latest_revision_as_object()
    draft.title = "Título programado"
    draft.go_live_at = timezone.now() + datetime.timedelta(minutes=5)
    draft.save_revision(user=demo_user("moderador")).publish()
    assert ProcedurePage.objects.get(pk=sdh_page.pk).title != "Título programado"

    from catalog.tasks import publish_scheduled_pages

    with pytest.MonkeyPatch.context() as mp:
        later = timezone.now() + datetime.timedelta(minutes=10)
        mp.setattr(timezone, "now", lambda: later)
        publish_scheduled_pages.delay()
    assert ProcedurePage.objects.get(pk=sdh_page.pk).title == "Título programado"
    from audit.models import AuditEvent

    last = json.loads(
        AuditEvent.objects.filter(subject_type="page", subject_id=str(sdh_page.pk))
        .latest("id")
        .body
    )
    assert last["action"] == "wagtail.publish.scheduled"
    assert last["origin"].startswith("task:catalog.tasks.publish_scheduled_pages:")


def test_revisions_and_preview(client, demo_user, sdh_page):
    client.force_login(demo_user("editor"))
    response = client.get(f"/admin/pages/{sdh_page.pk}/history/")
    assert response.status_code == 200
    preview = client.get(f"/admin/pages/{sdh_page.pk}/edit/preview/")
    assert preview.status_code in (200, 400)  # 400 until a preview form is posted
    assert Page.objects.get(pk=sdh_page.pk).revisions.count() >= 1
    assert Workflow.objects.filter(name=seed.WORKFLOW_NAME, active=True).exists()
    call_command("check")


def test_preview_shows_the_online_form(client, demo_user):
    page = next(
        p
        for p in ProcedurePage.objects.live().order_by("code")
        if p.online_form and p.required_documents
    )
    client.force_login(demo_user("moderador"))
    response = page.serve_preview(client.get("/").wsgi_request, "formulario")
    response.render()
    html = response.content.decode()
    assert "Vista previa" in html
    for block in page.online_form:
        assert block.value["label"] in html
    for block in page.required_documents:
        assert block.value["name"] in html
    assert ("formulario", "Formulario en línea") in [
        (m, str(label)) for m, label in page.preview_modes
    ]
