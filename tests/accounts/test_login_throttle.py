"""One login throttle for every path: the citizen's page and Wagtail's /admin/login/
go through the authentication backend that holds it; the API takes no credentials."""

import base64
import datetime
import json

import pytest
import time_machine

from accounts.throttle import LOGIN_FREE_FAILURES
from audit.models import AuditEvent
from cms import seed

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
START = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)


def events(action: str) -> list[dict]:
    return [
        json.loads(body)
        for body in AuditEvent.objects.filter(chain_key="auth")
        .order_by("seq")
        .values_list("body", flat=True)
        if json.loads(body)["action"] == action
    ]


def test_the_backend_holds_the_throttle(settings):
    assert settings.AUTHENTICATION_BACKENDS == [
        "accounts.backends.ThrottledModelBackend"
    ]


def test_failed_admin_logins_hold_the_next_attempt_even_with_the_right_password(
    client,
):
    wrong = {"username": "funcionario_shd", "password": "no-es-esta"}
    right = {"username": "funcionario_shd", "password": seed.DEMO_PASSWORD}
    with time_machine.travel(START, tick=False):
        for _ in range(LOGIN_FREE_FAILURES):
            assert client.post(ADMIN_LOGIN, wrong).status_code == 200
        failures = len(events("auth.login_failed"))
        held = client.post(ADMIN_LOGIN, right)
        assert held.status_code == 200
        assert "Por seguridad, espere 1 segundo" in held.text
        assert "_auth_user_id" not in client.session
        assert len(events("auth.login_failed")) == failures  # not even evaluated
        lockout = events("auth.login_throttled")[-1]
        assert lockout["result"] == "denied"
        assert lockout["details"] == {"username": "funcionario_shd", "wait_seconds": 1}
        # Each further failure doubles the wait (2 s after the sixth).
        with time_machine.travel(START + datetime.timedelta(seconds=1), tick=False):
            client.post(ADMIN_LOGIN, wrong)
            assert "espere 2 segundos" in client.post(ADMIN_LOGIN, right).text
    with time_machine.travel(START + datetime.timedelta(seconds=4), tick=False):
        assert client.post(ADMIN_LOGIN, right).status_code == 302
        assert client.session["_auth_user_id"]


def test_the_citizen_page_and_the_admin_share_one_counter(client):
    wrong = {"username": "ciudadano", "password": "no-es-esta"}
    with time_machine.travel(START, tick=False):
        for attempt in range(LOGIN_FREE_FAILURES):
            page = "/cuenta/ingresar/" if attempt % 2 else ADMIN_LOGIN
            client.post(page, wrong)
        # The e-mail of the same account counts on the same counter.
        held = client.post(
            ADMIN_LOGIN,
            {
                "username": "ciudadano@demo.ventanilla.bogota.gov.co",
                "password": seed.DEMO_PASSWORD,
            },
        )
        assert "espere 1 segundo" in held.text
        assert "espere" in client.post("/cuenta/ingresar/", wrong).text


def test_the_public_api_takes_no_credentials(client):
    """HTTP Basic would let an officer in with the password alone (no second factor)
    and give guessers a door without the login page: the API ignores credentials."""
    anonymous = client.get("/api/v2/pages/").json()
    for password in ("no-es-esta", seed.DEMO_PASSWORD):
        basic = base64.b64encode(f"funcionario_shd:{password}".encode()).decode()
        for _ in range(LOGIN_FREE_FAILURES + 1):
            response = client.get("/api/v2/pages/", HTTP_AUTHORIZATION=f"Basic {basic}")
            assert response.status_code == 200
        assert response.json() == anonymous
    assert events("auth.login_failed") == [] and events("auth.login_throttled") == []
    assert "_auth_user_id" not in client.session
