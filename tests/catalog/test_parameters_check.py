"""The current year's money parameters: a deploy check and a dashboard warning."""

import datetime

from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

import pytest
import time_machine
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from catalog import parameters

BOGOTA = datetime.timezone(datetime.timedelta(hours=-5))
IN_2026 = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=BOGOTA)
IN_2027 = datetime.datetime(2027, 1, 2, 9, 0, tzinfo=BOGOTA)
TWO_FACTOR_URL = "/cuenta/verificacion-en-dos-pasos/"
WARNING = "Faltan los valores de 2027"


def deploy_errors():
    return [
        message
        for message in checks.run_checks(
            include_deployment_checks=True, tags=["parameters"]
        )
        if message.level >= checks.ERROR
    ]


def test_deploy_check_fails_when_the_current_year_is_missing():
    assert parameters.missing(2027) == ["uvb", "uvt", "smmlv"]
    with time_machine.travel(IN_2027, tick=False):
        errors = deploy_errors()
        with pytest.raises(SystemCheckError) as refused:
            call_command("check", "--deploy", "--tag", "parameters")
    assert [error.id for error in errors] == ["catalog.E001"] * 3
    assert all("2027" in error.msg for error in errors)
    assert "parameters.yaml" in errors[0].hint
    assert "salario mínimo" in str(refused.value)


def test_deploy_check_passes_in_2026():
    with time_machine.travel(IN_2026, tick=False):
        assert deploy_errors() == []
        call_command("check", "--deploy", "--tag", "parameters")


def test_the_check_is_only_a_deploy_check():
    with time_machine.travel(IN_2027, tick=False):
        assert checks.run_checks(tags=["parameters"]) == []


@pytest.fixture
def superuser(django_user_model, settings):
    settings.STAFF_2FA_REQUIRED = True
    return django_user_model.objects.create_superuser(
        "jefe_parametros", "jefe@example.com", "clave-larga-de-prueba-2026"
    )


def dashboard(client, user, when) -> str:
    """The admin home at ``when``, reached through the real 2FA step."""
    with time_machine.travel(when):
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        client.force_login(user)
        assert client.get("/admin/").status_code == 302
        response = client.post(TWO_FACTOR_URL, {"token": f"{totp.token():06d}"})
        assert response["Location"] == "/admin/"
        page = client.get("/admin/")
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.django_db
def test_admin_dashboard_warns_when_the_current_year_is_missing(client, superuser):
    html = dashboard(client, superuser, IN_2027)
    assert WARNING in html
    assert "salario mínimo mensual legal vigente (SMMLV)" in html
    assert "parameters.yaml" in html


@pytest.mark.django_db
def test_admin_dashboard_has_no_warning_in_2026(client, superuser):
    html = dashboard(client, superuser, IN_2026)
    assert "Faltan los valores de" not in html
    assert "w-dashboard" in html
