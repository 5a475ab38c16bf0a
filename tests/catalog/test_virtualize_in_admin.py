"""Issue 11 point 2: virtualizing without a deploy, in the real admin.

An editor of SDH, created by an administrator in Wagtail's user admin, signs in with
password and second factor, adds a question and a document to a procedure page in
Wagtail's own page edit view, previews the online form, and submits the page to
moderation; a moderator approves it through the workflow action view, and the public
filing form asks the new question and for the new document.
"""

import json

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from catalog.models import ProcedurePage
from cms import seed

from .admin_forms import edit_form_data

pytestmark = pytest.mark.django_db

TWO_FACTOR = "/cuenta/verificacion-en-dos-pasos/"
PASSWORD = "Clave-de-prueba-2026"
CODE = "SDH-002"
QUESTION = "Número del proceso de contratación"
DOCUMENT = "Invitación o pliego del proceso de contratación"


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.STAFF_2FA_REQUIRED = True


def _token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def staff_login(username: str) -> Client:
    """Password on Wagtail's login page, then the authenticator app's code."""
    client = Client()
    response = client.post(
        "/admin/login/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[-800:]
    assert client.get("/admin/")["Location"].startswith(TWO_FACTOR)
    assert client.get(f"{TWO_FACTOR}?next=/admin/").status_code == 200
    device = TOTPDevice.objects.filter(user__username=username).latest("pk")
    response = client.post(TWO_FACTOR, {"token": _token(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    return client


@pytest.fixture
def create_through_wagtail(django_user_model):
    """Accounts made the way an administrator makes them: Wagtail's user admin."""
    django_user_model.objects.create_superuser(
        "administradora", "admin@ventanilla.bogota.gov.co", PASSWORD
    )
    administrator = staff_login("administradora")

    def create(username: str, group_name: str):
        url = reverse("wagtailusers_users:add")
        assert administrator.get(url).status_code == 200
        response = administrator.post(
            url,
            {
                "username": username,
                "email": f"{username}@ventanilla.bogota.gov.co",
                "first_name": username.capitalize(),
                "last_name": "Prueba",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "groups": [Group.objects.get(name=group_name).pk],
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        user = django_user_model.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group_name]
        return staff_login(username)

    return create


def _append(data: dict, prefix: str, values: dict) -> None:
    """Add one block at the end of a StreamField, as the admin's "+" button does."""
    index = int(data[f"{prefix}-count"][0])
    data[f"{prefix}-count"] = [str(index + 1)]
    item = f"{prefix}-{index}"
    data[f"{item}-type"] = [values.pop("type")]
    data[f"{item}-id"] = [""]
    data[f"{item}-deleted"] = [""]
    data[f"{item}-order"] = [str(index)]
    for name, value in values.items():
        data[f"{item}-value-{name}"] = value if isinstance(value, list) else [value]


def _virtualized(data: dict) -> dict:
    _append(
        data,
        "online_form",
        {
            "type": "field",
            "name": "numero_proceso",
            "label": QUESTION,
            "field_type": "text",
            "required": "on",
            "help_text": "Como aparece en SECOP, p. ej. SDH-CD-123-2026.",
            "choices-count": "0",
            "show_if_field": "",
            "show_if_values": "",
        },
    )
    _append(
        data,
        "required_documents",
        {
            "type": "document",
            "name": DOCUMENT,
            "formats": ["pdf"],
            "max_size_mb": "5",
            "required": "on",
            "validity": "",
        },
    )
    return data


def test_editor_virtualizes_previews_submits_and_moderator_publishes(
    create_through_wagtail, demo_user
):
    page = ProcedurePage.objects.get(code=CODE)
    live_revision = page.live_revision_id
    editor = create_through_wagtail("editora_sdh", seed.editor_group_name("SDH"))
    moderator = create_through_wagtail("moderadora", seed.MODERATORS)

    # The editor adds a question and a document in the page editor ...
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    edit = editor.get(edit_url)
    assert edit.status_code == 200
    data = _virtualized(edit_form_data(ProcedurePage, edit.content.decode()))

    # ... previews the online form (Wagtail posts the form, then loads the mode) ...
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    checked = editor.post(preview_url, data)
    assert json.loads(checked.content) == {"is_valid": True, "is_available": True}
    preview = editor.get(preview_url, {"mode": "formulario"})
    assert preview.status_code == 200
    assert QUESTION in preview.content.decode()
    assert DOCUMENT in preview.content.decode()

    # ... and submits it to moderation; nothing is public yet.
    data["action-submit"] = ["action-submit"]
    submitted = editor.post(edit_url, data)
    assert submitted.status_code == 302, submitted.content.decode()[:800]
    page.refresh_from_db()
    assert page.live_revision_id == live_revision
    state = page.current_workflow_state
    assert state is not None and state.status == state.STATUS_IN_PROGRESS
    assert state.requested_by.username == "editora_sdh"
    task_state = page.current_workflow_task_state
    citizen = Client()
    citizen.force_login(demo_user("ciudadano"))
    filing_url = reverse("file_case", args=[page.slug])
    assert QUESTION not in citizen.get(filing_url).content.decode()

    # The editor may not approve their own submission.
    action_args = [page.pk, "approve", task_state.pk]
    action_url = reverse("wagtailadmin_pages:workflow_action", args=action_args)
    editor.post(action_url, {"comment": ""})
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_IN_PROGRESS

    # The moderator sees it awaiting review and approves it: the page is published.
    dashboard = moderator.get("/admin/").content.decode()
    assert page.title in dashboard
    approved = moderator.post(action_url, {"comment": "Revisado con Hacienda."})
    assert approved.status_code == 302
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_APPROVED
    page = ProcedurePage.objects.get(pk=page.pk)
    assert page.live and not page.has_unpublished_changes
    assert page.live_revision_id != live_revision
    assert page.live_revision.user.username == "editora_sdh"
    assert page.online_form[-1].value["label"] == QUESTION
    assert page.required_documents[-1].value["name"] == DOCUMENT

    # The public filing form now asks the question and for the document.
    form = citizen.get(filing_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert QUESTION in html and 'name="q_numero_proceso"' in html
    assert DOCUMENT in html
