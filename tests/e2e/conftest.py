"""Browser tests: Debian's Chromium driven by Playwright against a real server.

The server is a separate process on a free loopback port with its own database
(SQLite file, or a PostgreSQL database next to the test one), set up with the same
``migrate`` + ``seed_demo`` a newcomer runs. To save the minute that takes, the
database starts as a copy of the suite's seeded test database (tests/conftest.py),
and ``seed_demo`` then only adds what the dev settings seed on top (the demo
history) and finds the rest in place.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(tmp_dir: Path, seeded) -> tuple[str, bool]:
    """The server's database, and whether it starts as a copy of ``seeded`` (the
    suite's seeded test database) rather than empty."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base, _, test_name = url.rpartition("/")
        # One database per test run and xdist worker, so parallel runs never share it.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"{test_name}_e2e_{worker}"
        subprocess.run(
            ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name],
            check=False,
            capture_output=True,
        )
        # CREATE DATABASE ... TEMPLATE wants nobody else connected to the template.
        connection.close()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", "-T", seeded, name],
            check=True,
            capture_output=True,
        )
        return f"{base}/{name}", True
    path = tmp_dir / "e2e.sqlite3"
    copied = bool(seeded) and Path(seeded).is_file()
    if copied:
        shutil.copy(seeded, path)
    return f"sqlite:///{path}", copied


# The live server's environment (its database), for ``live_shell``.
LIVE_ENV: dict[str, str] = {}


# The suite's seed hashes passwords with the test settings' fast hasher, which the
# server's dev settings do not accept: the copied demo users get theirs hashed anew.
_REHASH_DEMO_PASSWORDS = """
from django.contrib.auth import get_user_model
from cms.seed import DEMO_PASSWORD
for user in get_user_model().objects.filter(password__startswith="md5$"):
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
"""


# Package-scoped, not session-scoped: Playwright's sync API keeps an event loop running
# in the thread, and Django refuses database access there, so browser and server stop
# when a worker leaves tests/e2e/ for the rest of the suite (--dist loadgroup runs the
# browser tests together, so once per run).
@pytest.fixture(scope="package")
def live_site(tmp_path_factory, django_db_setup, django_db_blocker):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI_REQUIRE_BROWSER"):
            pytest.fail(
                "Debian's chromium is required for the browser tests (apt-get install chromium)."
            )
        pytest.skip("Debian's chromium is not installed (apt-get install chromium).")
    tmp_dir = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    with django_db_blocker.unblock():
        database_url, copied = _database_url(tmp_dir, seeded=django_db_setup)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(tmp_dir / "media"),
        "DJANGO_DEBUG": "true",
        "CELERY_BROKER_URL": "",
    }
    python = sys.executable
    LIVE_ENV.update(env)
    commands = [["migrate", "--noinput", "-v0"], ["seed_demo", "-v0"]]
    if copied:
        commands.insert(1, ["shell", "-v0", "-c", _REHASH_DEMO_PASSWORDS])
    for command in commands:
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    log = open(tmp_dir / "server.log", "w")  # noqa: SIM115 - open for the server's lifetime
    server = subprocess.Popen(
        [
            python,
            "manage.py",
            "runserver",
            "--noreload",
            "--nothreading",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base_url + "/", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError((tmp_dir / "server.log").read_text()) from None
            time.sleep(0.3)
    yield base_url
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="package")
def browser(live_site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


# Registered in every frame before the page's own code runs (Playwright's init scripts
# are not subject to the page's CSP).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: location.pathname,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: event.sourceFile + ":" + event.lineNumber,
  });
}, true);
"""


class CSPWatch:
    """Every Content-Security-Policy violation in a browser context: the
    ``securitypolicyviolation`` events of all its frames and the console's reports."""

    def __init__(self, context):
        self.violations = []
        self.console = []
        context.expose_binding(
            "__cspViolation", lambda source, report: self.violations.append(report)
        )
        context.add_init_script(_CSP_LISTENER)
        context.on("page", self._watch_console)

    def _watch_console(self, page):
        page.on(
            "console",
            lambda message: (
                self.console.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def assert_none(self):
        reports = [str(v) for v in self.violations] + self.console
        assert not reports, "CSP violations:\n" + "\n".join(reports)


@pytest.fixture
def new_context(browser, live_site):
    """Browser contexts for the site; each fails its test on any CSP violation."""
    opened = []

    def make(**options):
        context = browser.new_context(base_url=live_site, locale="es-CO", **options)
        context.csp_watch = CSPWatch(context)
        opened.append((context, context.csp_watch))
        return context

    yield make
    for context, _watch in opened:
        context.close()
    for _context, watch in opened:
        watch.assert_none()


@pytest.fixture
def page(new_context):
    page = new_context().new_page()
    page.set_default_timeout(15000)
    return page


@pytest.fixture(scope="session")
def assert_accessible():
    """Run axe-core on the page; any violation fails with axe's report."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture
def live_shell(live_site):
    """Run Python in ``manage.py shell`` against the live server's database (to plant
    what no page creates, such as risk flags); returns what it prints."""

    def run(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v0", "-c", code],
            cwd=ROOT,
            env=LIVE_ENV,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    return run
