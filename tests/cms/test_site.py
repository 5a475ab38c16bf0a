from django.conf import settings

import pytest

from cms import seed

pytestmark = pytest.mark.django_db


def test_citizen_login_page_and_spanish_error(client):
    response = client.get("/cuenta/ingresar/")
    assert response.status_code == 200
    assert "Ingresar a Ventanilla" in response.content.decode()
    response = client.post(
        "/cuenta/ingresar/", {"username": "ciudadano", "password": "equivocada"}
    )
    assert response.status_code == 200
    assert (
        "Por favor, introduzca un nombre de usuario y clave correctos"
        in response.content.decode()
        or ("correctos" in response.content.decode())
    )
    response = client.post(
        "/cuenta/ingresar/", {"username": "ciudadano", "password": seed.DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_unknown_page_is_a_spanish_404(client):
    response = client.get("/tramites/no-existe-este-tramite/")
    assert response.status_code == 404


def test_settings_defaults_are_spanish_bogota():
    assert settings.LANGUAGE_CODE == "es-co"
    assert settings.TIME_ZONE == "America/Bogota"
    assert ("en", "English") in settings.LANGUAGES


def test_production_settings_pass_the_deploy_checks(tmp_path):
    import base64
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.base",
        "DJANGO_SECRET_KEY": "x" * 20 + "Kq8#pZ2!vR7$wL4^nT6&yB9*cF3(hJ5)" + "y" * 10,
        "DJANGO_ALLOWED_HOSTS": "ventanilla.bogota.gov.co",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "AUDIT_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
        "AUDIT_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    for key in (
        "DJANGO_DEBUG",
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_SESSION_COOKIE_SECURE",
        "DJANGO_CSRF_COOKIE_SECURE",
        "DJANGO_SECURE_HSTS_SECONDS",
        "STAFF_2FA_REQUIRED",
    ):
        env.pop(key, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_refuses_the_development_audit_key():
    from django.core.checks import run_checks

    messages = run_checks(include_deployment_checks=True)
    assert any(m.id == "audit.W001" for m in messages)
