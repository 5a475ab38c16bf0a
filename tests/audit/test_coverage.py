"""What the trail records today: who, what, when, where and the outcome."""

import json

from django.contrib.auth.models import Group

import pytest

from audit.models import AuditEvent
from audit.personal import is_sealed
from catalog.models import ProcedurePage
from cms import seed
from tests.audit_bodies import opened

pytestmark = pytest.mark.django_db


def latest(**filters) -> dict:
    event = AuditEvent.objects.filter(**filters).latest("id")
    return json.loads(event.body)


def assert_complete(body: dict, *, actor: str | None, action: str, result: str = "ok"):
    assert body["action"] == action
    assert body["result"] == result
    assert body["at"].endswith("Z")
    if actor is not None:
        assert body["actor_username"] == actor
    assert body["request_id"] and body["ip"] and body["origin"].startswith("web:")


def test_login_success_logout_and_failure_are_recorded(client):
    client.post(
        "/cuenta/ingresar/", {"username": "ciudadano", "password": seed.DEMO_PASSWORD}
    )
    assert_complete(latest(action="auth.login"), actor="ciudadano", action="auth.login")
    client.post("/cuenta/salir/")
    assert_complete(
        latest(action="auth.logout"), actor="ciudadano", action="auth.logout"
    )
    client.post("/cuenta/ingresar/", {"username": "ciudadano", "password": "mala"})
    failed = latest(action="auth.login_failed")
    assert_complete(failed, actor=None, action="auth.login_failed", result="denied")
    assert failed["details"]["username"] == "ciudadano" and failed["chain"] == "auth"


def test_admin_login_is_recorded(client):
    client.post(
        "/admin/login/", {"username": "auditor", "password": seed.DEMO_PASSWORD}
    )
    assert_complete(latest(action="auth.login"), actor="auditor", action="auth.login")


def test_authorization_denials_are_recorded(client, demo_user):
    client.force_login(demo_user("editor"))
    ccb_page = ProcedurePage.objects.filter(entity__code="CCB").first()
    client.get(f"/admin/pages/{ccb_page.pk}/edit/")
    denial = latest(action="authz.denied")
    assert_complete(denial, actor="editor", action="authz.denied", result="denied")
    assert denial["details"]["path"] == f"/admin/pages/{ccb_page.pk}/edit/"

    client.force_login(demo_user("ciudadano"))
    client.get("/admin/")
    denial = latest(action="authz.denied")
    assert (
        denial["actor_username"] == "ciudadano"
        and denial["reason"] == "sin acceso al administrador"
    )


def test_wagtail_publish_and_unpublish_are_bridged(demo_user):
    moderator = demo_user("moderador")
    page = ProcedurePage.objects.get(code="F09")
    revision = page.get_latest_revision_as_object()
    revision.purpose = "Propósito revisado."
    revision.save_revision(user=moderator).publish(user=moderator)
    published = latest(action="wagtail.publish", subject_id=str(page.pk))
    assert (
        published["actor_username"] == "moderador"
        and published["subject_type"] == "page"
    )
    assert published["details"]["label"] == page.title
    page.refresh_from_db()
    page.unpublish(user=moderator)
    assert (
        latest(action="wagtail.unpublish", subject_id=str(page.pk))["actor_username"]
        == "moderador"
    )


def test_workflow_actions_are_bridged(demo_user):
    editor, moderator = demo_user("editor"), demo_user("moderador")
    page = ProcedurePage.objects.filter(entity__code="SDH").first()
    page.get_latest_revision_as_object().save_revision(user=editor)
    state = page.get_workflow().start(page, editor)
    assert (
        latest(action="wagtail.workflow.start", subject_id=str(page.pk))[
            "actor_username"
        ]
        == "editor"
    )
    task_state = state.current_task_state.specific
    task_state.task.specific.on_action(task_state, moderator, "approve")
    assert (
        latest(action="wagtail.workflow.approve", subject_id=str(page.pk))[
            "actor_username"
        ]
        == "moderador"
    )


def test_changes_to_users_groups_and_permissions_are_recorded(
    django_user_model, demo_user
):
    user = django_user_model.objects.create_user("nuevo", password="x" * 12)
    created = latest(action="user.created")
    assert is_sealed(created["after"]["username"])  # personal: sealed in the trail
    assert created["after"]["is_staff"] is False  # not personal: in clear
    assert opened(created)["after"]["username"] == "nuevo"
    user.is_staff = True
    user.save()
    changed = latest(action="user.changed", subject_id=str(user.pk))
    assert changed["before"] == {"is_staff": False} and changed["after"] == {
        "is_staff": True
    }
    group = Group.objects.get(name=seed.AUDITORS)
    user.groups.add(group)
    assert latest(action="user.groups.add", subject_id=str(user.pk))["after"] == {
        "group": [seed.AUDITORS]
    }
    from django.contrib.auth.models import Permission

    perm = Permission.objects.get(codename="change_entity")
    group.permissions.add(perm)
    assert (
        latest(action="group.permissions.add", subject_id=str(group.pk))["chain"]
        == "security"
    )
    user.set_password("y" * 12)
    user.save()
    assert AuditEvent.objects.filter(
        action="user.password_changed", subject_id=str(user.pk)
    ).exists()
    assert "y" * 12 not in latest(action="user.password_changed")["after"].__repr__()
