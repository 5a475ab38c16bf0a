"""Citizen accounts: sign-up, e-mail verification, login, password reset, profile."""

import datetime
import json
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client

import pytest
import time_machine
from bs4 import BeautifulSoup

from accounts.identity import document_normalize
from accounts.models import ApplicantProfile, PrivacyConsent
from accounts.services import account_create
from accounts.throttle import DEVICE_COOKIE, LOGIN_FREE_FAILURES
from accounts.verification import VERIFY_SALT
from audit.models import AuditEvent
from cms import seed
from procedures.models import Notification
from tests.audit_bodies import all_sealed, opened

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Sabana-de-Bogota-2026"
SIGNUP = "/cuenta/registro/"
LOGIN = "/cuenta/ingresar/"
PROFILE = "/cuenta/perfil/"
RESET = "/cuenta/clave/"


def signup_data(**overrides) -> dict:
    data = {
        "first_name": "Ana María",
        "last_name": "Quintero",
        "document_type": "CC",
        "document_number": "1.020.304.050",
        "phone": "300 123 4567",
        "email": "Ana.Quintero@Example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_privacy": "on",
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
    }
    data.update(overrides)
    return data


def events(action: str, user=None) -> list[dict]:
    qs = AuditEvent.objects.filter(action=action)
    if user is not None:
        qs = qs.filter(subject_type="user", subject_id=str(user.pk))
    return [json.loads(e.body) for e in qs.order_by("id")]


def counts() -> tuple:
    return (
        User.objects.count(),
        ApplicantProfile.objects.count(),
        PrivacyConsent.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.filter(action__startswith="account.").count(),
    )


def field_errors(response, name: str) -> str:
    """The text of the error block that sits inside the field's own wrapper."""
    soup = BeautifulSoup(response.content, "html.parser")
    block = soup.find(id=f"id_{name}_error")
    if block is None:
        return ""
    wrapper = block.find_parent(class_="field")
    assert wrapper is not None and wrapper.find(id=f"id_{name}") is not None
    return block.get_text(" ", strip=True)


def link_in(mail) -> str:
    # Links are built on the configured site URL, never on the request's host.
    base = re.escape(settings.WAGTAILADMIN_BASE_URL.rstrip("/"))
    return re.search(base + r"(/\S+)", mail.body).group(1)


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    def post(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP, signup_data(**overrides))

    return post


@pytest.fixture
def verified_citizen(sign_up, client, mailoutbox):
    """A citizen who signed up and verified the e-mail, then logged out."""
    sign_up()
    client.post(link_in(mailoutbox[-1]), follow=True)  # shows the welcome message
    client.post("/cuenta/salir/")
    mailoutbox.clear()
    return User.objects.get(username="ana.quintero@example.com")


# --- Sign-up ------------------------------------------------------------------------


def test_the_privacy_notice_and_its_version_come_before_any_personal_field(client):
    html = client.get(SIGNUP).content.decode()
    notice = html.index('id="aviso-privacidad"')
    assert f"Versión {settings.PRIVACY_NOTICE_VERSION}" in html[notice:]
    first_input = min(
        html.index(f'name="{name}"')
        for name in ("first_name", "last_name", "document_number", "email", "phone")
    )
    assert notice < first_input
    checkbox = BeautifulSoup(html, "html.parser").find(id="id_accept_privacy")
    assert checkbox["type"] == "checkbox" and not checkbox.has_attr("checked")
    assert "novalidate" in html


def test_sign_up_creates_an_inactive_account_and_the_link_activates_it(
    client, sign_up, mailoutbox
):
    response = sign_up()
    assert response.status_code == 302
    assert response["Location"] == "/cuenta/verificar/enviado/"

    user = User.objects.get(username="ana.quintero@example.com")
    assert user.email == "ana.quintero@example.com" and not user.is_active
    assert user.check_password(PASSWORD)
    profile = user.applicant_profile
    assert (profile.document_type, profile.document_number, profile.phone) == (
        "CC",
        "1020304050",
        "3001234567",
    )
    assert profile.email_verified_at is None
    consent = PrivacyConsent.objects.get(user=user)
    assert (consent.notice_version, consent.context) == (
        settings.PRIVACY_NOTICE_VERSION,
        "registro",
    )
    created = events("account.created", user)
    accepted = events("privacy.accepted", user)
    assert len(created) == 1 and created[0]["chain"] == "auth"
    assert created[0]["details"]["privacy_notice"] == settings.PRIVACY_NOTICE_VERSION
    assert accepted[0]["details"] == {
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
        "context": "registro",
    }

    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ana.quintero@example.com"]
    link = link_in(mailoutbox[0])
    assert link.startswith("/cuenta/verificar/")
    # No personal data in the URL: the signed payload names only the user's id and a
    # fingerprint. (The token's random characters may spell anything, so decode it.)
    token = link.removeprefix("/cuenta/verificar/").strip("/")
    payload = signing.TimestampSigner(salt=VERIFY_SALT).unsign_object(token)
    assert set(payload) == {"u", "f"} and payload["u"] == user.pk
    assert "ana.quintero" not in link.lower() and "1020304050" not in link

    # Not verified yet: the right password does not log in, and says why.
    refused = client.post(
        LOGIN, {"username": "ana.quintero@example.com", "password": PASSWORD}
    )
    assert refused.status_code == 200 and "aún no está activa" in refused.text
    assert "_auth_user_id" not in client.session

    # Opening the link activates nothing by itself (mail scanners open links).
    page = client.get(link)
    assert page.status_code == 200 and "Activar mi cuenta" in page.text
    user.refresh_from_db()
    assert not user.is_active

    activated = client.post(link)
    assert activated.status_code == 302 and activated["Location"] == PROFILE
    user.refresh_from_db()
    assert user.is_active
    assert user.applicant_profile.email_verified_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    verified = events("account.email_verified", user)
    assert len(verified) == 1 and verified[0]["after"] == {"is_active": True}

    # The link works once.
    again = client.post(link)
    assert again.status_code == 200 and "ya estaba verificado" in again.text
    assert len(events("account.email_verified", user)) == 1


def test_a_nit_with_a_wrong_check_digit_is_shown_beside_the_field_and_nothing_is_created(
    sign_up,
):
    before = counts()
    response = sign_up(document_type="NIT", document_number="900373913-5")
    assert response.status_code == 200
    assert "dígito de verificación" in field_errors(response, "document_number")
    assert counts() == before
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.find(class_="error-summary")
    assert summary.find("a", href="#id_document_number") is not None
    # The other answers are kept; the passwords are not sent back.
    assert soup.find(id="id_first_name")["value"] == "Ana María"
    assert soup.find(id="id_email")["value"] == "Ana.Quintero@Example.com"
    assert soup.find(id="id_document_type").find("option", selected=True)["value"] == (
        "NIT"
    )
    assert not soup.find(id="id_password1").has_attr("value")
    assert soup.find(id="id_document_number")["aria-invalid"] == "true"


def test_a_valid_nit_is_stored_in_one_form(sign_up):
    sign_up(document_type="NIT", document_number="900.373.913 4")
    profile = ApplicantProfile.objects.get(user__username="ana.quintero@example.com")
    assert profile.document_number == "900373913-4"


@pytest.mark.parametrize(
    ("document_type", "number", "expected"),
    [
        ("CC", "52.123.456", "52123456"),
        ("CC", "1234", None),
        ("CC", "12345678901", None),
        ("CC", "52A23456", None),
        ("NIT", "9003739134", "900373913-4"),
        ("NIT", "900373913-0", None),
        ("CE", "e-123456", "E123456"),
        ("CE", "12", None),
        ("PA", "ab123456", "AB123456"),
        ("PA", "AB12", None),
        ("PA", "AB12345<script>", None),
        ("XX", "123456", None),
    ],
)
def test_document_numbers_are_checked_by_type(document_type, number, expected):
    if expected is None:
        with pytest.raises(ValidationError):
            document_normalize(document_type, number)
    else:
        assert document_normalize(document_type, number) == expected


def test_an_email_already_registered_creates_nothing_and_tells_its_owner(
    sign_up, mailoutbox
):
    """The answer is the usual one (no hint that the e-mail is taken); the owner of
    the account gets an e-mail instead (tests/security/test_throttling.py compares
    the two answers)."""
    before = counts()[:3]
    response = sign_up(email="CIUDADANO@demo.ventanilla.bogota.gov.co")
    assert (
        response.status_code == 302
        and response["Location"] == "/cuenta/verificar/enviado/"
    )
    assert counts()[:3] == before
    [mail] = mailoutbox
    assert mail.to == ["ciudadano@demo.ventanilla.bogota.gov.co"]
    assert "ya tiene una" in mail.body

    assert sign_up().status_code == 302
    mailoutbox.clear()
    before = counts()[:3]
    response = sign_up(email="ana.QUINTERO@example.COM", document_number="79111222")
    assert response.status_code == 302
    assert counts()[:3] == before
    assert [m.to for m in mailoutbox] == [["ana.quintero@example.com"]]


def test_a_document_already_registered_creates_nothing_and_tells_its_owner(
    sign_up, mailoutbox
):
    assert sign_up().status_code == 302
    mailoutbox.clear()
    before = counts()[:3]
    response = sign_up(email="otra@example.com", document_number="1020304050")
    assert response.status_code == 302
    assert counts()[:3] == before
    [mail] = mailoutbox
    assert mail.to == ["ana.quintero@example.com"]
    assert "número de documento" in mail.body
    owner = User.objects.get(username="ana.quintero@example.com")
    assert events("account.signup_existing", owner)[-1]["details"] == {
        "matched": "document"
    }


def test_the_service_creates_no_duplicate_even_without_the_form(sign_up):
    sign_up()
    before = counts()[:3]
    created = account_create(
        email="nueva@example.com",
        password=PASSWORD,
        first_name="Nueva",
        last_name="Persona",
        document_type="CC",
        document_number="1020304050",
        notice_version=settings.PRIVACY_NOTICE_VERSION,
        base_url="http://testserver/",
    )
    assert created is None
    assert counts()[:3] == before


def test_the_privacy_notice_must_be_accepted_in_its_current_version(sign_up):
    before = counts()
    response = sign_up(accept_privacy="")
    assert "aceptar el aviso de privacidad" in field_errors(response, "accept_privacy")
    response = sign_up(notice_version="2020-01")
    assert "aviso de privacidad cambió" in field_errors(response, "accept_privacy")
    assert counts() == before


@pytest.mark.parametrize(
    ("password1", "password2", "field", "message"),
    [
        ("corta1", "corta1", "password1", "demasiado corta"),
        ("Quintero2026x", "Quintero2026x", "password1", "muy parecida"),
        ("password1234", "password1234", "password1", "demasiado común"),
        ("1234567890123", "1234567890123", "password1", "completamente numérica"),
        (PASSWORD, PASSWORD + "x", "password2", "no coinciden"),
    ],
)
def test_password_rules_are_djangos_validators(
    sign_up, password1, password2, field, message
):
    before = counts()
    response = sign_up(password1=password1, password2=password2)
    assert message in field_errors(response, field)
    assert counts() == before


def test_a_long_passphrase_is_accepted(sign_up):
    passphrase = "una frase larga de paso para la ventanilla de bogota " * 2
    assert len(passphrase) > 64
    assert sign_up(password1=passphrase, password2=passphrase).status_code == 302


# --- Verification links -------------------------------------------------------------


def test_an_expired_link_is_refused_in_spanish(client, sign_up, mailoutbox):
    sign_up()
    link = link_in(mailoutbox[0])
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=49)
    with time_machine.travel(later, tick=False):
        page = client.get(link)
        response = client.post(link)
    for answer in (page, response):
        assert answer.status_code == 400
        assert "El enlace de verificación venció" in answer.text
    user = User.objects.get(username="ana.quintero@example.com")
    assert not user.is_active and "_auth_user_id" not in client.session
    assert not events("account.email_verified", user)


def test_a_forged_link_is_refused_in_spanish(client, sign_up, mailoutbox):
    sign_up()
    link = link_in(mailoutbox[0])
    token = link.split("/")[-2]
    user = User.objects.get(username="ana.quintero@example.com")
    other = User.objects.get(username="ciudadana2")
    forgeries = [
        token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        "no-es-un-enlace",
        # A well-formed token for another account, signed with another key.
        signing.TimestampSigner(key="otra-clave", salt=VERIFY_SALT).sign_object(
            {"u": other.pk, "f": "x"}
        ),
    ]
    for forged in forgeries:
        response = client.post(f"/cuenta/verificar/{forged}/")
        assert response.status_code == 400
        assert "El enlace de verificación no es válido" in response.text
    user.refresh_from_db()
    assert not user.is_active and "_auth_user_id" not in client.session


def test_resending_the_link_does_not_reveal_whether_the_email_exists(
    client, sign_up, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up()
    mailoutbox.clear()
    answers = []
    for email in (
        "ana.quintero@example.com",  # pending verification: gets a new link
        "nadie@example.com",  # no account
        "ciudadano@demo.ventanilla.bogota.gov.co",  # active account
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/cuenta/verificar/reenviar/", {"email": email})
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.text))
    assert answers[0] == answers[1] == answers[2]
    assert [m.to for m in mailoutbox] == [["ana.quintero@example.com"]]
    # The new link works.
    assert client.post(link_in(mailoutbox[0])).status_code == 302


# --- Login --------------------------------------------------------------------------


def test_the_login_page_links_to_sign_up_and_password_reset(client):
    soup = BeautifulSoup(client.get(LOGIN).content, "html.parser")
    hrefs = {a["href"] for a in soup.find_all("a")}
    assert {SIGNUP, RESET, "/cuenta/verificar/reenviar/"} <= hrefs


def test_login_accepts_the_email_or_the_username(client, verified_citizen):
    response = client.post(
        LOGIN, {"username": "ANA.Quintero@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(verified_citizen.pk)
    client.post("/cuenta/salir/")
    demo = User.objects.get(username="ciudadano")
    for typed in ("ciudadano", "Ciudadano@Demo.Ventanilla.Bogota.gov.co"):
        response = client.post(
            LOGIN, {"username": typed, "password": seed.DEMO_PASSWORD}
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(demo.pk)
        client.post("/cuenta/salir/")


def test_repeated_failures_delay_the_next_attempt_without_locking_the_owner_out(
    client,
):
    start = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)
    wrong = {"username": "ciudadano", "password": "no-es-esta"}
    right = {"username": "ciudadano", "password": seed.DEMO_PASSWORD}
    with time_machine.travel(start, tick=False):
        for _ in range(LOGIN_FREE_FAILURES):
            client.post(LOGIN, wrong)
        failures = len(events("auth.login_failed"))
        held = client.post(LOGIN, right)
        assert held.status_code == 200 and "espere 1 segundo" in held.text
        assert "_auth_user_id" not in client.session
        assert len(events("auth.login_failed")) == failures  # not even evaluated
        assert events("auth.login_throttled")[-1]["result"] == "denied"
    with time_machine.travel(start + datetime.timedelta(seconds=2), tick=False):
        assert client.post(LOGIN, right).status_code == 302


def test_a_hundred_guesses_in_a_minute_get_at_most_ten_evaluated(client):
    start = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)
    before = len(events("auth.login_failed"))
    for attempt in range(100):
        moment = start + datetime.timedelta(seconds=0.6 * attempt)
        with time_machine.travel(moment, tick=False):
            client.post(
                LOGIN,
                {"username": "ciudadano", "password": f"intento-{attempt}"},
                REMOTE_ADDR=f"198.51.100.{attempt % 10}",
            )
    assert len(events("auth.login_failed")) - before <= 10


def test_the_owner_logs_in_from_a_known_browser_during_an_attack(client):
    right = {"username": "ciudadano", "password": seed.DEMO_PASSWORD}
    assert client.post(LOGIN, right).status_code == 302
    assert DEVICE_COOKIE in client.cookies
    client.post("/cuenta/salir/")
    attacker = Client()
    start = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for attempt in range(8):
            attacker.post(LOGIN, {"username": "ciudadano", "password": f"x{attempt}"})
        assert "espere" in attacker.post(LOGIN, right).text
        assert client.post(LOGIN, right).status_code == 302


# --- Password reset -----------------------------------------------------------------


def reset_request(client, email, capture):
    with capture(execute=True):
        response = client.post(RESET, {"email": email})
    return response, client.get(response["Location"])


def test_password_reset_end_to_end(
    client, verified_citizen, mailoutbox, django_capture_on_commit_callbacks
):
    response, done = reset_request(
        client, "Ana.Quintero@example.com", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302 and "Revise su correo" in done.text
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["ana.quintero@example.com"]
    assert "contraseña" in mailoutbox[0].subject.lower()
    link = link_in(mailoutbox[0])
    assert link.startswith("/cuenta/clave/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "Contraseña nueva" in form_page.text
    set_password_url = form_page.redirect_chain[-1][0]
    new_password = "Otra-clave-para-Ana-2026"
    weak = client.post(
        set_password_url,
        {"new_password1": "12345", "new_password2": "12345"},
    )
    assert "demasiado corta" in field_errors(weak, "new_password1") + field_errors(
        weak, "new_password2"
    )
    saved = client.post(
        set_password_url,
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert saved.status_code == 302 and saved["Location"] == "/cuenta/clave/listo/"
    assert events("account.password_reset", verified_citizen)
    assert events("account.password_reset_requested", verified_citizen)

    # The link is spent; the old password no longer works; the new one does.
    assert "no es válido" in client.get(link, follow=True).text
    old = client.post(
        LOGIN, {"username": "ana.quintero@example.com", "password": PASSWORD}
    )
    assert old.status_code == 200
    new = client.post(
        LOGIN, {"username": "ana.quintero@example.com", "password": new_password}
    )
    assert new.status_code == 302
    assert client.session["_auth_user_id"] == str(verified_citizen.pk)


def test_a_reset_request_for_an_unknown_email_looks_identical(
    client, verified_citizen, mailoutbox, django_capture_on_commit_callbacks
):
    known = reset_request(
        client, "ana.quintero@example.com", django_capture_on_commit_callbacks
    )
    unknown = reset_request(
        Client(), "nadie@example.com", django_capture_on_commit_callbacks
    )
    assert known[0].status_code == unknown[0].status_code == 302
    assert known[0]["Location"] == unknown[0]["Location"]
    assert known[1].status_code == unknown[1].status_code == 200

    def main(page):
        return BeautifulSoup(page.content, "html.parser").find("main").get_text()

    assert main(known[1]) == main(unknown[1])
    # Each address gets one e-mail (the same work either way); only the account's
    # owner gets a link.
    assert [m.to for m in mailoutbox] == [
        ["ana.quintero@example.com"],
        ["nadie@example.com"],
    ]
    assert "/cuenta/clave/" in mailoutbox[0].body
    assert "no hay ninguna cuenta activa" in mailoutbox[1].body
    assert "/cuenta/clave/" not in mailoutbox[1].body


# --- Profile ------------------------------------------------------------------------


def profile_data(user, **overrides) -> dict:
    profile = user.applicant_profile
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "document_type": profile.document_type,
        "document_number": profile.document_number,
        "phone": profile.phone,
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={PROFILE}"


def test_profile_edit_records_before_and_after_of_the_changed_fields(
    client, verified_citizen
):
    client.force_login(verified_citizen)
    page = client.get(PROFILE)
    assert page.status_code == 200 and "1020304050" in page.text
    assert "no-store" in page["Cache-Control"]
    response = client.post(
        PROFILE,
        profile_data(verified_citizen, last_name="Quintero Rojas", phone="6013386000"),
    )
    assert response.status_code == 302 and response["Location"] == PROFILE
    verified_citizen.refresh_from_db()
    assert verified_citizen.last_name == "Quintero Rojas"
    assert verified_citizen.applicant_profile.phone == "6013386000"
    [event] = events("account.profile_changed", verified_citizen)
    assert event["chain"] == "auth"
    assert event["actor_username"] == "ana.quintero@example.com"
    assert all_sealed(event["before"]) and all_sealed(event["after"])
    assert "3001234567" not in json.dumps(event)
    event = opened(event)
    assert event["before"] == {"last_name": "Quintero", "phone": "3001234567"}
    assert event["after"] == {"last_name": "Quintero Rojas", "phone": "6013386000"}

    # Saving the same data again changes nothing and records nothing.
    client.post(PROFILE, profile_data(verified_citizen))
    assert len(events("account.profile_changed", verified_citizen)) == 1


def test_profile_document_is_validated_again(client, verified_citizen):
    client.force_login(verified_citizen)
    response = client.post(
        PROFILE,
        profile_data(
            verified_citizen, document_type="NIT", document_number="900373913-5"
        ),
    )
    assert response.status_code == 200
    assert "dígito de verificación" in field_errors(response, "document_number")
    response = client.post(
        PROFILE, profile_data(verified_citizen, document_type="CC", phone="12")
    )
    assert "celular de 10 dígitos" in field_errors(response, "phone")
    ApplicantProfile.objects.create(
        user=User.objects.get(username="ciudadana2"),
        document_type="CC",
        document_number="52123456",
    )
    response = client.post(
        PROFILE, profile_data(verified_citizen, document_number="52.123.456")
    )
    assert "Ya existe una cuenta con este documento" in field_errors(
        response, "document_number"
    )
    verified_citizen.applicant_profile.refresh_from_db()
    assert verified_citizen.applicant_profile.document_number == "1020304050"
    assert not events("account.profile_changed", verified_citizen)


def test_script_in_names_is_escaped_on_the_profile_page(client, verified_citizen):
    client.force_login(verified_citizen)
    script = "<script>alert('x')</script>"
    client.post(PROFILE, profile_data(verified_citizen, first_name=script))
    verified_citizen.refresh_from_db()
    assert verified_citizen.first_name == script  # stored as typed, never as markup
    html = client.get(PROFILE).content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_a_demo_user_without_a_profile_can_complete_it(client, demo_user):
    citizen = demo_user("ciudadana2")
    client.force_login(citizen)
    assert "Aún no lo ha registrado" in client.get(PROFILE).text
    response = client.post(
        PROFILE,
        {
            "first_name": "Luisa",
            "last_name": "Martínez",
            "document_type": "PA",
            "document_number": "ab123456",
            "phone": "",
        },
    )
    assert response.status_code == 302
    assert citizen.applicant_profile.document_number == "AB123456"
    [event] = events("account.profile_changed", citizen)
    assert event["before"] == {"document_type": "", "document_number": ""}


def test_the_same_address_gets_at_most_one_email_a_minute(
    client, sign_up, verified_citizen, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up(email="pendiente@example.com", document_number="79111222")
    mailoutbox.clear()
    start = datetime.datetime.now(tz=datetime.UTC)
    for seconds in (0, 30, 61):
        with time_machine.travel(start + datetime.timedelta(seconds=seconds)):
            for url, email in (
                ("/cuenta/verificar/reenviar/", "pendiente@example.com"),
                (RESET, "ana.quintero@example.com"),
            ):
                with django_capture_on_commit_callbacks(execute=True):
                    response = client.post(url, {"email": email})
                assert response.status_code == 302
    # One of each at 0 s and again at 61 s; nothing at 30 s.
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == sorted(
        [
            ("pendiente@example.com", "Active su cuenta de Ventanilla Bogotá"),
            (
                "ana.quintero@example.com",
                "Restablezca su contraseña de Ventanilla Bogotá",
            ),
        ]
        * 2
    )
