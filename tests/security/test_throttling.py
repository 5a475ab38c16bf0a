"""Issue 10.7: login throttling that an attacker cannot turn against the victim, with
counters every process shares, and sign-up and password reset that reveal nothing.

The attacks: a stranger hammering a victim's account from one address; one client
spraying 40 accounts; many addresses against one account; sign-up and reset probes.
"""

import datetime
import json
import os
import statistics
import subprocess
import sys
import time

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

import pytest
import time_machine
from bs4 import BeautifulSoup

from accounts.models import ApplicantProfile
from accounts.services import account_password_reset
from accounts.throttle import (
    CLIENT_LIMIT,
    LOGIN_FREE_FAILURES,
    REQUEST_LIMIT,
    LoginThrottle,
)
from audit.models import AuditEvent
from cms import seed

pytestmark = pytest.mark.django_db

User = get_user_model()

LOGIN = "/cuenta/ingresar/"
ADMIN_LOGIN = "/admin/login/"
SIGNUP = "/cuenta/registro/"
RESET = "/cuenta/clave/"
START = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.7"
DB_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}


@pytest.fixture(autouse=True)
def database_cache(settings):
    """The embedded default: the counters live in the database cache table."""
    settings.CACHES = DB_CACHE
    call_command("createcachetable", verbosity=0)
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def evaluated() -> int:
    return AuditEvent.objects.filter(action="auth.login_failed").count()


def post_login(client, username, password, address, page=LOGIN):
    return client.post(
        page, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_default_cache_is_the_database_without_cache_url(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CACHE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cache.sqlite3'}"
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cms.settings.dev'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"
    migrated = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "migrate",
            "contenttypes",
            "--noinput",
            "-v",
            "0",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "cms.settings.dev"},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    import sqlite3

    tables = {
        row[0]
        for row in sqlite3.connect(tmp_path / "cache.sqlite3").execute(
            "select name from sqlite_master where type='table'"
        )
    }
    assert "django_cache" in tables, "migrate creates the cache table"


def test_a_stranger_cannot_lock_the_victim_out_of_a_new_browser(client):
    """Per account *and client*: 30 failures from the attacker's address delay the
    attacker; the victim, from another address and a browser never used before,
    logs in at once."""
    with time_machine.travel(START, tick=False):
        for attempt in range(30):
            post_login(client, "ciudadano", f"adivina-{attempt}", ATTACKER)
        held = post_login(client, "ciudadano", seed.DEMO_PASSWORD, ATTACKER)
        assert "Por seguridad, espere" in held.text
        assert "_auth_user_id" not in client.session
        victim = Client()
        response = post_login(victim, "ciudadano", seed.DEMO_PASSWORD, VICTIM)
        assert response.status_code == 302
        assert victim.session["_auth_user_id"]


def test_one_client_cannot_spray_40_accounts(client, django_user_model):
    for n in range(40):
        django_user_model.objects.create_user(f"rociada{n}", password="Otra-clave-1")
    before = evaluated()
    with time_machine.travel(START, tick=False):
        answers = [
            post_login(client, f"rociada{n}", "Clave-Comun-2026", ATTACKER)
            for n in range(40)
        ]
        assert evaluated() - before == CLIENT_LIMIT.free
        assert all("espere" in a.text for a in answers[CLIENT_LIMIT.free :])
        # Another client is not held by the sprayer.
        other = post_login(Client(), "ciudadana2", seed.DEMO_PASSWORD, VICTIM)
        assert other.status_code == 302


def test_many_addresses_against_one_account_get_ten_guesses_a_minute(client):
    """docs/reliability.md S-7: 100 guesses in 60 s from 10 addresses, at most 10 are
    evaluated; the owner, from an address that never failed, still logs in."""
    before = evaluated()
    for attempt in range(100):
        moment = START + datetime.timedelta(seconds=0.6 * attempt)
        with time_machine.travel(moment, tick=False):
            post_login(
                Client(), "ciudadano", f"intento-{attempt}", f"192.0.2.{attempt % 10}"
            )
    assert evaluated() - before <= 10
    with time_machine.travel(START + datetime.timedelta(seconds=61), tick=False):
        owner = post_login(Client(), "ciudadano", seed.DEMO_PASSWORD, VICTIM)
        assert owner.status_code == 302


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_trusted(client, settings):
    """Writing the header yourself does not give you a fresh address."""
    with time_machine.travel(START, tick=False):
        for attempt in range(LOGIN_FREE_FAILURES):
            client.post(
                LOGIN,
                {"username": "ciudadano", "password": f"x{attempt}"},
                REMOTE_ADDR=ATTACKER,
                HTTP_X_FORWARDED_FOR=f"10.9.8.{attempt}",
            )
        held = client.post(
            LOGIN,
            {"username": "ciudadano", "password": seed.DEMO_PASSWORD},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR="10.9.8.200",
        )
        assert "espere" in held.text
        settings.TRUSTED_PROXY_HOPS = 1
        # Behind one proxy, the address it appended is the client's: the attacker's
        # own prefix in the header changes nothing.
        proxied = client.post(
            LOGIN,
            {"username": "ciudadano", "password": seed.DEMO_PASSWORD},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"10.9.8.201, {ATTACKER}",
        )
        assert "espere" in proxied.text


def test_a_password_reset_lifts_every_counter_of_the_account(client):
    with time_machine.travel(START, tick=False):
        for attempt in range(8):
            post_login(client, "ciudadano", f"x{attempt}", ATTACKER)
        assert "espere" in post_login(client, "ciudadano", "y", ATTACKER).text
        user = User.objects.get(username="ciudadano")
        account_password_reset(user, password="Nueva-clave-de-Carlos-1")
        response = post_login(client, "ciudadano", "Nueva-clave-de-Carlos-1", ATTACKER)
        assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_counters_are_shared_between_processes(postgres_only):
    """Another process (another gunicorn worker) fails four times; the fifth failure
    here makes the wait, which holds this process's next attempt."""
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k != "CACHE_URL"},
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    script = """
import django
django.setup()
from django.contrib.auth import authenticate
from django.test import RequestFactory
for attempt in range(4):
    request = RequestFactory().post("/cuenta/ingresar/", REMOTE_ADDR="203.0.113.66")
    assert authenticate(request, username="nadie-aqui", password=f"x{attempt}") is None
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=120,
    )
    assert result.stdout.strip() == "ok", result.stderr[-2000:]
    pair = LoginThrottle.for_account_client("nadie-aqui", ATTACKER)
    assert pair.failures() == 4
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC), tick=False):
        fifth = post_login(Client(), "nadie-aqui", "x", ATTACKER)
        assert "espere" not in fifth.text
        held = post_login(Client(), "nadie-aqui", "x", ATTACKER)
        assert "Por seguridad, espere 1 segundo" in held.text


# --- Sign-up ------------------------------------------------------------------------


def signup_data(**overrides) -> dict:
    data = {
        "first_name": "Sonia",
        "last_name": "Sondeo",
        "document_type": "CC",
        "document_number": "52123456",
        "phone": "",
        "email": "sonia.sondeo@example.com",
        "password1": "Clave-de-Sonia-2026",
        "password2": "Clave-de-Sonia-2026",
        "accept_privacy": "on",
        "notice_version": django_settings.PRIVACY_NOTICE_VERSION,
    }
    data.update(overrides)
    return data


def main_text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").find("main").get_text()


def test_sign_up_does_not_reveal_a_taken_email_or_document(
    client, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    ApplicantProfile.objects.create(
        user=django_user_model.objects.get(username="ciudadana2"),
        document_type="CC",
        document_number="52999888",
    )
    probes = {
        "new": signup_data(),
        "taken e-mail": signup_data(
            email="ciudadano@demo.ventanilla.bogota.gov.co",
            document_number="52000111",
        ),
        "taken document": signup_data(
            email="otra.persona@example.com", document_number="52999888"
        ),
    }
    answers = {}
    for name, data in probes.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(SIGNUP, data, follow=True)
        answers[name] = (
            response.status_code,
            response.redirect_chain,
            main_text(response),
        )
    assert answers["new"] == answers["taken e-mail"] == answers["taken document"]
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(
        [
            "sonia.sondeo@example.com",  # the verification link
            "ciudadano@demo.ventanilla.bogota.gov.co",  # told of the attempt
            "ciudadana2@demo.ventanilla.bogota.gov.co",  # her document was used
        ]
    )
    assert not django_user_model.objects.filter(
        email="otra.persona@example.com"
    ).exists()


def test_sign_up_is_throttled_per_client(client, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        for n in range(REQUEST_LIMIT.free):
            response = client.post(
                SIGNUP,
                signup_data(
                    email=f"sondeo{n}@example.com", document_number=f"5200{n:04d}"
                ),
                REMOTE_ADDR=ATTACKER,
            )
            assert response.status_code == 302, n
        held = client.post(
            SIGNUP,
            signup_data(email="sondeo-x@example.com", document_number="52009999"),
            REMOTE_ADDR=ATTACKER,
        )
        assert held.status_code == 200
        assert "Por seguridad, espere" in main_text(held)
        assert not User.objects.filter(username="sondeo-x@example.com").exists()
        fresh = client.post(
            SIGNUP,
            signup_data(email="vecina@example.com", document_number="52008888"),
            REMOTE_ADDR=VICTIM,
        )
        assert fresh.status_code == 302


# --- Password reset -----------------------------------------------------------------


def test_password_reset_costs_the_same_for_known_and_unknown_addresses(
    django_capture_on_commit_callbacks,
):
    """The same work either way: the same SQL statements on the same tables (exact),
    and interleaved timings of the whole request whose medians stay within 50 %
    (before the fix: 21 ms against 5.5 ms, and 14 statements against 1)."""
    import re

    from django.test.utils import CaptureQueriesContext

    def shape(queries) -> list[str]:
        return [
            re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", q["sql"])[:80]
            for q in queries
        ]

    timings, shapes = {"known": [], "unknown": []}, {}
    for round_ in range(12):
        for kind in ("known", "unknown"):
            email = (
                "ciudadano@demo.ventanilla.bogota.gov.co"
                if kind == "known"
                else f"nadie{round_}@example.com"
            )
            cache.clear()  # the one-a-minute rule would skip the work
            with (
                CaptureQueriesContext(connection) as queries,
                django_capture_on_commit_callbacks(execute=False),
            ):
                began = time.perf_counter()
                response = Client().post(RESET, {"email": email}, REMOTE_ADDR=VICTIM)
                timings[kind].append(time.perf_counter() - began)
            assert response.status_code == 302
            shapes[kind] = shape(queries.captured_queries)
    assert shapes["known"] == shapes["unknown"]
    known = statistics.median(timings["known"][2:])
    unknown = statistics.median(timings["unknown"][2:])
    assert abs(known - unknown) / max(known, unknown) < 0.5, (known, unknown)
    actions = AuditEvent.objects.filter(
        action__in=(
            "account.password_reset_requested",
            "account.password_reset_unknown",
        )
    ).values_list("action", flat=True)
    assert sorted(set(actions)) == [
        "account.password_reset_requested",
        "account.password_reset_unknown",
    ]
    unknown_event = json.loads(
        AuditEvent.objects.filter(action="account.password_reset_unknown")
        .latest("seq")
        .body
    )
    assert "nadie" not in json.dumps(unknown_event), "a digest, not the address"
