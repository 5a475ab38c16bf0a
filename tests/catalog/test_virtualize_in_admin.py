"""Issue 11 point 2: virtualizing without a deploy, in the real admin.

An editor of SDH, created by an administrator in Wagtail's user admin, signs in with
password and second factor, adds a question of every type (a choice with its options,
one shown only after a "Sí") and two documents to a procedure page in Wagtail's own
page edit view, previews the online form, and submits the page to moderation. A
moderator approves it either from the page editor's "Aprobar" (which posts the whole
edit form back) or through the workflow action view; the page goes live with the
editor's revision, and a citizen files the new form.
"""

import json
import uuid
from urllib.parse import urlencode

from django.contrib.auth.models import Group
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from catalog import fees
from catalog.blocks import FIELD_TYPE_CHOICES
from catalog.models import ProcedurePage
from cms import seed
from procedures.forms import FilingForm
from procedures.models import Case

from .admin_forms import edit_form_data
from .fileable import VALID_ANSWER, valid_answers, valid_files

pytestmark = pytest.mark.django_db

TWO_FACTOR = "/cuenta/verificacion-en-dos-pasos/"
PASSWORD = "Clave-de-prueba-2026"
CODE = "SDH-002"
# One new question of every type the editor offers, by its internal name.
QUESTIONS = {
    f"nueva_{code}": (code, f"Pregunta nueva de tipo {label}")
    for code, label in FIELD_TYPE_CHOICES
}
CHOICES = ["Contratación directa", "Licitación pública", "Mínima cuantía"]
# Asked only when the new yes/no question is answered "Sí".
CONDITIONAL = "nombre_apoderado"
CONDITIONAL_LABEL = "Nombre completo del apoderado"
DOCUMENT = "Invitación o pliego del proceso de contratación"
VALIDITY = "Expedido hace no más de 30 días"
PHOTO = "Fotografía de la fachada del establecimiento"


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
    """Add one block at the end of a StreamField, as the admin's "+" button does;
    a list value under "choices" becomes a ListBlock's items."""
    index = int(data[f"{prefix}-count"][0])
    data[f"{prefix}-count"] = [str(index + 1)]
    item = f"{prefix}-{index}"
    data[f"{item}-type"] = [values.pop("type")]
    data[f"{item}-id"] = [""]
    data[f"{item}-deleted"] = [""]
    data[f"{item}-order"] = [str(index)]
    choices = values.pop("choices", None)
    if choices is not None:
        data[f"{item}-value-choices-count"] = [str(len(choices))]
        for position, choice in enumerate(choices):
            option = f"{item}-value-choices-{position}"
            data[f"{option}-value"] = [choice]
            data[f"{option}-id"] = [""]
            data[f"{option}-deleted"] = [""]
            data[f"{option}-order"] = [str(position)]
    for name, value in values.items():
        data[f"{item}-value-{name}"] = value if isinstance(value, list) else [value]


def _question(name: str, field_type: str, label: str, **extra) -> dict:
    return {
        "type": "field",
        "name": name,
        "label": label,
        "field_type": field_type,
        "required": "on",
        "help_text": f"Ayuda de «{label}».",
        "choices": CHOICES if field_type == "choice" else [],
        "show_if_field": "",
        "show_if_values": "",
        **extra,
    }


def _virtualized(data: dict) -> dict:
    for name, (field_type, label) in QUESTIONS.items():
        _append(data, "online_form", _question(name, field_type, label))
    _append(
        data,
        "online_form",
        _question(
            CONDITIONAL,
            "text",
            CONDITIONAL_LABEL,
            show_if_field="nueva_yes_no",
            show_if_values="Sí",
        ),
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
            "validity": VALIDITY,
        },
    )
    _append(
        data,
        "required_documents",
        {
            "type": "document",
            "name": PHOTO,
            "formats": ["jpeg", "png"],
            "max_size_mb": "2",
            "validity": "",
        },
    )
    return data


@pytest.fixture
def submitted(create_through_wagtail, demo_user):
    """The SDH editor virtualizes SDH-002, previews it and submits it to moderation;
    returns the page, the moderator's client and the task awaiting review."""
    page = ProcedurePage.objects.get(code=CODE)
    live_revision = page.live_revision_id
    editor = create_through_wagtail("editora_sdh", seed.editor_group_name("SDH"))
    moderator = create_through_wagtail("moderadora", seed.MODERATORS)

    # The editor adds the questions and documents in the page editor ...
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    edit = editor.get(edit_url)
    assert edit.status_code == 200
    assert "Radicación en línea" in edit.content.decode()
    data = _virtualized(edit_form_data(ProcedurePage, edit.content.decode()))

    # ... previews the online form (Wagtail posts the form, then loads the mode) ...
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    checked = editor.post(preview_url, data)
    assert json.loads(checked.content) == {"is_valid": True, "is_available": True}
    preview = editor.get(preview_url, {"mode": "formulario"})
    assert preview.status_code == 200
    html = preview.content.decode()
    for _type, label in QUESTIONS.values():
        assert label in html
    assert CONDITIONAL_LABEL in html
    assert all(f"<option>{choice}</option>" in html for choice in CHOICES)
    assert DOCUMENT in html and PHOTO in html

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
    assert task_state.revision_id == page.latest_revision_id
    citizen = Client()
    citizen.force_login(demo_user("ciudadano"))
    form = citizen.get(reverse("file_case", args=[page.slug])).content.decode()
    assert QUESTIONS["nueva_text"][1] not in form and DOCUMENT not in form

    # The editor may not approve their own submission.
    action_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    editor.post(action_url, {"comment": ""})
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_IN_PROGRESS
    # The moderator sees it awaiting review on the dashboard.
    assert page.title in moderator.get("/admin/").content.decode()
    return page, moderator, task_state


def _assert_published_as_submitted(page, task_state) -> ProcedurePage:
    """The moderation task is approved and the revision the editor submitted is live:
    no new revision, no task restarted for review."""
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_APPROVED
    workflow_state = task_state.workflow_state
    workflow_state.refresh_from_db()
    assert workflow_state.status == workflow_state.STATUS_APPROVED
    page = ProcedurePage.objects.get(pk=page.pk)
    assert page.current_workflow_state is None
    assert page.live and not page.has_unpublished_changes
    assert page.live_revision_id == task_state.revision_id == page.latest_revision_id
    assert page.live_revision.user.username == "editora_sdh"
    names = [block.value["name"] for block in page.online_form]
    assert names[-len(QUESTIONS) - 1 :] == [*QUESTIONS, CONDITIONAL]
    choice = next(
        b.value for b in page.online_form if b.value["name"] == "nueva_choice"
    )
    assert list(choice["choices"]) == CHOICES
    documents = [block.value for block in page.required_documents]
    assert [d["name"] for d in documents[-2:]] == [DOCUMENT, PHOTO]
    assert documents[-2]["max_size_mb"] == 5 and documents[-1]["required"] is False
    return page


def _citizen_files(page, citizen_user) -> None:
    """The public filing form asks every new question and for both documents, asks
    for the proxy only after a "Sí", and files a case in SDH's queue."""
    assert not fees.quote(page).payable_online
    citizen = Client()
    citizen.force_login(citizen_user)
    url = reverse("file_case", args=[page.slug])
    response = citizen.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for name, (_type, label) in QUESTIONS.items():
        assert label in html and f'name="q_{name}"' in html
    assert f'name="q_{CONDITIONAL}"' in html
    assert DOCUMENT in html and VALIDITY in html and PHOTO in html

    form = FilingForm(page)
    answers = {**valid_answers(form), "accept_privacy": "on"}
    assert answers["q_nueva_yes_no"] == "Sí"
    answers.pop(f"q_{CONDITIONAL}")
    missing = citizen.post(
        url, {**answers, **valid_files(form), "submission_token": str(uuid.uuid4())}
    )
    assert missing.status_code == 200
    assert f'<div id="id_q_{CONDITIONAL}_error">' in missing.content.decode()

    answers[f"q_{CONDITIONAL}"] = "Ana María Rincón"
    token = str(uuid.uuid4())
    filed = citizen.post(
        url, {**answers, **valid_files(form), "submission_token": token}
    )
    assert filed.status_code == 302, filed.content.decode()[-1500:]
    case = Case.objects.get(submission_token=token)
    assert filed["Location"] == f"/mis-tramites/{case.radicado}/"
    assert case.entity.code == "SDH" and case.radicado.startswith("SDH-")
    assert case.answers["nueva_choice"] == CHOICES[0]
    assert case.answers["nueva_nit"] == VALID_ANSWER["nit"]
    assert case.answers[CONDITIONAL] == "Ana María Rincón"
    assert case.documents.filter(kind="carga").count() == len(form.document_specs)


def test_moderator_approves_from_the_page_editor(submitted, demo_user):
    """The editor's "Aprobar" posts the whole edit form back; unchanged, it must not
    count as an edit (which would save a revision and restart the review)."""
    page, moderator, task_state = submitted
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    edit = moderator.get(edit_url)
    html = edit.content.decode()
    assert 'data-workflow-action-name="approve"' in html and "Aprobar" in html
    data = edit_form_data(ProcedurePage, html)
    # What workflow-action.js adds to the edit form when "Aprobar" is pressed.
    data["action-workflow-action"] = ["true"]
    data["workflow-action-name"] = ["approve"]
    revisions = page.revisions.count()
    # Wagtail's autosave takes those hidden inputs for an edit and posts the same
    # form as JSON alongside; that copy neither saves a revision nor acts, whether it
    # arrives before the real POST or after it.
    autosave = moderator.post(edit_url, data, HTTP_ACCEPT="application/json")
    assert autosave.status_code == 409
    assert autosave.json()["error_code"] == "blocked_by_hook"
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_IN_PROGRESS
    approved = moderator.post(edit_url, data)
    assert approved.status_code == 302, approved.content.decode()[-800:]
    assert moderator.post(edit_url, data, HTTP_ACCEPT="application/json").json() == (
        autosave.json()
    )
    assert page.revisions.count() == revisions

    page = _assert_published_as_submitted(page, task_state)
    _citizen_files(page, demo_user("ciudadano"))


def test_moderator_approves_through_the_workflow_action(submitted, demo_user):
    page, moderator, task_state = submitted
    action_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    approved = moderator.post(action_url, {"comment": "Revisado con Hacienda."})
    assert approved.status_code == 302

    page = _assert_published_as_submitted(page, task_state)
    assert task_state.comment == "Revisado con Hacienda."
    _citizen_files(page, demo_user("ciudadano"))


@pytest.mark.parametrize("code", ["SDH-002", "F03", "F09", "CCB-006"])
def test_an_unedited_edit_form_reports_no_change(create_through_wagtail, code):
    """Posting back the page editor exactly as rendered changes nothing: numbers in
    blocks and the JSON lists compare equal to what the page holds."""
    page = ProcedurePage.objects.get(code=code)
    moderator = create_through_wagtail("moderadora", seed.MODERATORS)
    html = moderator.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    data = edit_form_data(ProcedurePage, html.content.decode())
    form_class = ProcedurePage.get_edit_handler().get_form_class()
    form = form_class(
        QueryDict(urlencode(data, doseq=True)),
        instance=page.get_latest_revision_as_object(),
        parent_page=page.get_parent(),
        for_user=html.wsgi_request.user,
    )
    assert form.is_valid(), form.errors
    assert form.changed_data == []
    # Saving it would store the same blocks (option ids: see test_online_form_admin).
    for name, field in form.fields.items():
        if hasattr(field, "block"):
            stored = getattr(page.get_latest_revision_as_object(), name)
            assert field.block.get_prep_value(form.cleaned_data[name]) == (
                field.block.get_prep_value(stored)
            ), name
