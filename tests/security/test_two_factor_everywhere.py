"""Issue 10.1: a staff account signed in with its password alone reaches nothing but
the 2FA page and logout; staff sessions end when idle and after a fixed lifetime.

The officer and the auditor are created the way an administrator does it, through
Wagtail's user admin (which never sets ``is_staff``), then log in with a password.
"""

import datetime
import uuid

from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

import pytest
import time_machine
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from cms import seed
from cms.two_factor import is_staff_account
from procedures import services
from tests.procedures.conftest import pdf_file, rit_certificate

__all__ = ["pdf_file", "rit_certificate"]  # fixtures shared with tests/procedures

pytestmark = pytest.mark.django_db

TWO_FACTOR = "/cuenta/verificacion-en-dos-pasos/"
PASSWORD = "Clave-de-prueba-2026"
NIT = "900373913-4"


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.STAFF_2FA_REQUIRED = True


def token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def verify(client: Client, user, *, next_url: str = "/admin/") -> None:
    """Enrol (or use) the user's authenticator app and type its current code."""
    page = client.get(f"{TWO_FACTOR}?next={next_url}")
    assert page.status_code == 200
    device = TOTPDevice.objects.filter(user=user).latest("pk")
    response = client.post(TWO_FACTOR, {"token": token(device), "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url


@pytest.fixture
def administrator(django_user_model):
    """A superuser who signed in with password and second factor."""
    admin = django_user_model.objects.create_superuser(
        "administradora", "admin@ventanilla.bogota.gov.co", PASSWORD
    )
    client = Client()
    response = client.post(
        "/admin/login/", {"username": "administradora", "password": PASSWORD}
    )
    assert response.status_code == 302
    verify(client, admin)
    return client


@pytest.fixture
def create_through_wagtail(administrator, django_user_model):
    """Create an account in Wagtail's user admin with the given groups."""

    def create(username: str, *group_names: str):
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
                "groups": [g.pk for g in Group.objects.filter(name__in=group_names)],
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        user = django_user_model.objects.get(username=username)
        assert set(user.groups.values_list("name", flat=True)) == set(group_names)
        assert not user.is_staff, "Wagtail's user admin never sets is_staff"
        return user

    return create


@pytest.fixture
def case(demo_user, rit_certificate, pdf_file):
    """A case of the citizen at SDH, with the RUT they uploaded."""
    from procedures.uploads import validate_upload

    upload = validate_upload(
        pdf_file(), requirement="Copia del RUT", formats=["pdf"], max_size_mb=5
    )
    filed, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"identificacion": NIT},
        documents=[upload],
        submission_token=uuid.uuid4(),
    )
    return filed


def case_urls(case) -> list[str]:
    document = case.documents.get()
    return [
        f"/admin/casos/{case.radicado}/",
        f"/mis-tramites/{case.radicado}/",
        f"/mis-tramites/{case.radicado}/documentos/{document.pk}/",
        f"/en/mis-tramites/{case.radicado}/",
    ]


def password_login(username: str, page: str = "/admin/login/") -> Client:
    client = Client()
    response = client.post(page, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[-800:]
    assert client.session["_auth_user_id"]
    return client


def assert_sent_to_two_factor(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302, (url, response.status_code)
    assert TWO_FACTOR in response["Location"], (url, response["Location"])


def test_officer_created_in_wagtail_needs_the_second_factor_everywhere(
    create_through_wagtail, case
):
    officer = create_through_wagtail("oficial_nuevo", seed.officer_group_name("SDH"))
    client = password_login("oficial_nuevo")
    for url in [*case_urls(case), "/admin/", "/mis-tramites/", "/formaliza/", "/"]:
        assert_sent_to_two_factor(client, url)
    assert client.post(f"/admin/casos/{case.radicado}/accion/", {}).status_code == 302
    case.refresh_from_db()
    assert case.assigned_to_id is None

    verify(client, officer, next_url=f"/admin/casos/{case.radicado}/")
    for url in case_urls(case):
        response = client.get(url)
        assert response.status_code == 200, url
    assert AuditEvent.objects.filter(
        action="auth.2fa_enrolled", actor_username="oficial_nuevo"
    ).exists()


def test_auditor_created_in_wagtail_cannot_read_citizen_pages_with_a_password(
    create_through_wagtail, case, client, demo_user
):
    from formalization.models import Application
    from formalization.receipts import render
    from tests.formalization.conftest import WizardRun
    from tests.formalization.personas import PERSONAS

    client.force_login(demo_user("ciudadano"))
    run = WizardRun(client)
    run.answer(PERSONAS["sas_sin_local"])
    application = Application.objects.get(draft__run_id=run.run_id)
    render(application.pk)
    citizen_urls = [
        *case_urls(case)[1:],
        f"/mis-tramites/solicitudes/{application.radicado}/",
        f"/mis-tramites/solicitudes/{application.radicado}/acuse.pdf",
    ]

    auditor = create_through_wagtail("auditora_nueva", seed.AUDITORS)
    # The citizen's own login page is no way round the second factor.
    staff = password_login("auditora_nueva", page="/cuenta/ingresar/")
    for url in [*citizen_urls, "/admin/"]:
        assert_sent_to_two_factor(staff, url)

    verify(staff, auditor, next_url="/mis-tramites/")
    for url in citizen_urls:
        response = staff.get(url)
        assert response.status_code == 200, url
    receipt = staff.get(citizen_urls[-1])
    assert b"".join(receipt.streaming_content).startswith(b"%PDF")


def test_only_the_two_factor_page_and_logout_stay_open(create_through_wagtail):
    create_through_wagtail("editora_nueva", seed.editor_group_name("SDH"))
    client = password_login("editora_nueva")
    assert client.get(TWO_FACTOR + "?next=/admin/").status_code == 200
    assert client.get("/en" + TWO_FACTOR).status_code == 200
    response = client.post("/cuenta/salir/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_is_derived_from_groups_and_admin_access(django_user_model, demo_user):
    """No group names in the rule: a brand-new group is a staff role too."""
    reviewer = django_user_model.objects.create_user("revisora", password=PASSWORD)
    reviewer.groups.add(Group.objects.create(name="Revisores jurídicos"))
    admin_only = django_user_model.objects.create_user("consultor", password=PASSWORD)
    admin_only.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    assert is_staff_account(reviewer) and is_staff_account(admin_only)
    assert not is_staff_account(demo_user("ciudadano"))
    for username in ("revisora", "consultor"):
        assert_sent_to_two_factor(password_login(username), "/mis-tramites/")


def test_citizens_keep_their_pages_and_their_session(client, demo_user):
    start = datetime.datetime(2026, 11, 20, 14, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.post(
            "/cuenta/ingresar/",
            {"username": "ciudadano", "password": seed.DEMO_PASSWORD},
        )
        assert client.get("/mis-tramites/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        assert client.get("/mis-tramites/").status_code == 200


def verified_officer(create_through_wagtail) -> Client:
    officer = create_through_wagtail("oficial_reloj", seed.officer_group_name("SDH"))
    client = password_login("oficial_reloj")
    verify(client, officer)
    assert client.get("/admin/casos/").status_code == 200
    return client


def test_a_staff_session_ends_after_30_idle_minutes(create_through_wagtail):
    start = datetime.datetime(2026, 11, 20, 14, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = verified_officer(create_through_wagtail)
    # Activity keeps it open: three 29-minute pauses.
    for pause in (29, 58, 87):
        with time_machine.travel(start + datetime.timedelta(minutes=pause), tick=False):
            assert client.get("/admin/casos/").status_code == 200, pause
    with time_machine.travel(start + datetime.timedelta(minutes=87 + 31), tick=False):
        response = client.get("/admin/casos/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=/admin/casos/")
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"])
        assert "Su sesión se cerró por inactividad" in page.content.decode()
    event = AuditEvent.objects.filter(action="auth.session_expired").latest("seq")
    assert event.actor_username == "oficial_reloj"


def test_a_staff_session_ends_after_8_hours_however_busy(create_through_wagtail):
    start = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = verified_officer(create_through_wagtail)
    minutes = 20
    while minutes < 8 * 60:
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            assert client.get("/admin/casos/").status_code == 200, minutes
        minutes += 20
    with time_machine.travel(start + datetime.timedelta(minutes=8 * 60 + 1)):
        response = client.get("/mis-tramites/")
        assert response.status_code == 302
        assert response["Location"].startswith("/cuenta/ingresar/?next=/mis-tramites/")
        assert "_auth_user_id" not in client.session
    # Logging in again needs the second factor again.
    with time_machine.travel(start + datetime.timedelta(minutes=8 * 60 + 2)):
        again = password_login("oficial_reloj")
        assert_sent_to_two_factor(again, "/admin/casos/")


def test_production_cookies_take_the_host_prefix(tmp_path, settings):
    """cms.settings.base with the CI's environment: __Host- names, and the login
    response sets them Secure, Path=/ and without Domain."""
    import base64
    import os
    import subprocess
    import sys

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "cms.settings.base",
        "DJANGO_SECRET_KEY": "ci-" + base64.b64encode(os.urandom(36)).decode(),
        "DJANGO_ALLOWED_HOSTS": "ventanilla.bogota.gov.co",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cookies.sqlite3'}",
        "AUDIT_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
        "AUDIT_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.STAFF_SESSION_IDLE_SECONDS, s.STAFF_SESSION_MAX_SECONDS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "1800",
        "28800",
    ], result.stderr

    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    login = client.get("/cuenta/ingresar/", secure=True)
    csrf = login.cookies["__Host-csrftoken"]
    response = client.post(
        "/cuenta/ingresar/",
        {
            "username": "ciudadano",
            "password": seed.DEMO_PASSWORD,
            "csrfmiddlewaretoken": csrf.value,
        },
        secure=True,
    )
    assert response.status_code == 302
    for cookie in (response.cookies["__Host-sessionid"], csrf):
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


def test_deploy_check_wants_the_host_prefix(settings):
    from django.core.checks import run_checks

    settings.SESSION_COOKIE_NAME = "sessionid"
    settings.STAFF_SESSION_IDLE_SECONDS = 2 * 60 * 60
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert {"cms.W002", "cms.W003", "cms.W004"} <= ids
