import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/cuenta/verificacion-en-dos-pasos/"


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.STAFF_2FA_REQUIRED = True


def current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_staff_must_enrol_then_verify_before_the_admin(client, demo_user):
    officer = demo_user("funcionario_shd")
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(URL)
    page = client.get(URL + "?next=/admin/")
    assert "Clave:" in page.content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    response = client.post(URL, {"token": current_token(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        action="auth.2fa_enrolled", actor_username="funcionario_shd"
    ).exists()


def test_a_used_code_cannot_be_replayed(client, demo_user):
    officer = demo_user("auditor")
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    token = current_token(device)
    client.force_login(officer)
    assert client.post(URL, {"token": token})["Location"] == "/admin/"
    other = client.__class__()
    other.force_login(officer)
    response = other.post(URL, {"token": token})
    assert response.status_code == 200
    assert "ya fue usado" in response.content.decode()
    assert other.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.2fa_failed", actor_username="auditor", result="denied"
    ).exists()


def test_wrong_code_is_refused_in_spanish(client, demo_user):
    editor = demo_user("editor")
    TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    client.force_login(editor)
    response = client.post(URL, {"token": "000000"})
    assert "El código no es válido" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_unsafe_next_is_ignored(client, demo_user):
    officer = demo_user("moderador")
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.force_login(officer)
    response = client.post(
        URL, {"token": current_token(device), "next": "https://malo.example/"}
    )
    assert response["Location"] == "/admin/"


def test_citizens_are_not_asked_for_a_second_factor(client, demo_user):
    client.force_login(demo_user("ciudadano"))
    assert client.get("/mis-tramites/").status_code == 200
