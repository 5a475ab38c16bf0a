"""Issue 10 point 4: a broker outage never fails a citizen.

The test starts a redis-server of its own, a real Celery worker and beat against it,
and files cases through the real views. It kills Redis mid-way and keeps filing,
approving and submitting a formalization; then it restarts Redis. Expected: no 5xx,
the normal acknowledgement page for every filing, and once the broker is back the
sweepers produce every e-mail and every PDF exactly once.
"""

import collections
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.test import Client

import pytest
from pypdf import PdfReader

from formalization.models import Application, ApplicationItem
from procedures.models import Case, CaseDocument, Notification
from tests.formalization.conftest import WizardRun
from tests.formalization.helpers import decide, pay, submit
from tests.seeding import FORMALIZATION_CODES, seed_for
from tests.workers import start_beat, start_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

# Short sweeps, so the test takes seconds; production sweeps every minute.
SWEEP = {"SWEEP_INTERVAL_SECONDS": "2", "SWEEP_AFTER_SECONDS": "4"}
# SDH-002's questions (issue 11); the applicant block is prefilled from the profile.
RIT_ANSWERS = {
    "q_proposito": "Contratación con una entidad",
    "q_datos_desactualizados": "Sí",
    "q_detalle_actualizar": "Nueva dirección: Carrera 15 # 80-20",
    "accept_privacy": "on",
}
MESSAGE_ID = re.compile(r"^Message-ID: <(.+)@ventanilla\.bogota\.gov\.co>$", re.M)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server without persistence: a kill loses every message."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class RecordingClient(Client):
    """A browser that gets a 500 page instead of the exception, and keeps every status."""

    def __init__(self, statuses):
        super().__init__(raise_request_exception=False)
        self.statuses = statuses

    def request(self, **request):
        response = super().request(**request)
        self.statuses.append((request.get("PATH_INFO"), response.status_code))
        return response


@pytest.fixture
def broker(postgres_only, tmp_path, monkeypatch, settings):
    """This process publishes to the test's own Redis, for real (not eagerly)."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    from cms.celery import app

    server = RedisServer(tmp_path)
    server.start()
    # Celery lets CELERY_BROKER_URL override the configured broker.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.close()  # drop the pooled connections to any other broker
    yield server
    server.kill()
    app.conf.task_always_eager = eager
    app.close()


@pytest.fixture
def background(broker, tmp_path):
    """A worker and beat on that Redis and the test database; e-mails go to files."""
    mail = tmp_path / "mail"
    mail.mkdir()
    log = (tmp_path / "celery.log").open("wb")
    environment = {
        "CELERY_BROKER_URL": broker.url,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        **SWEEP,
    }
    worker = start_worker("celery", output=log, **environment)
    beat = start_beat(tmp_path / "beat-schedule", output=log, **environment)
    yield mail
    for process in (beat, worker):
        process.terminate()
    for process in (beat, worker):
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    log.close()


def file_through_the_view(client, procedure) -> str:
    """POST the filing form, follow to the case page; the radicado it shows."""
    response = client.post(
        f"/tramites/{procedure.slug}/radicar/",
        {
            **RIT_ANSWERS,
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    assert page.status_code == 200, page.status_code
    radicado = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert radicado in page.content.decode()
    return radicado


def pdf_text(document) -> str:
    with document.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(handle).pages)


def all_done(approved, application) -> bool:
    application.refresh_from_db()
    filed = application.items.filter(state=ApplicationItem.State.FILED).count()
    return (
        not Case.objects.exclude(documents__kind=CaseDocument.Kind.ACKNOWLEDGEMENT)
        .distinct()
        .exists()
        and CaseDocument.objects.filter(
            case__in=approved, kind=CaseDocument.Kind.OUTPUT
        ).count()
        >= len(approved)
        and bool(application.receipt)
        and application.receipt_filed_count == filed
        and Notification.objects.filter(
            case__isnull=True, dedupe_key__endswith=":submitted"
        ).exists()
        and not Notification.objects.exclude(state=Notification.State.SENT).exists()
    )


def test_filings_survive_a_broker_outage_and_every_side_effect_happens_once(
    broker, background, django_user_model, tmp_path
):
    started = time.time()
    seed_for(FORMALIZATION_CODES | {"SDH-002"})
    from catalog.models import ProcedurePage

    procedure = ProcedurePage.objects.get(code="SDH-002")
    citizen = django_user_model.objects.get(username="ciudadano")
    officer = django_user_model.objects.get(username="funcionario_shd")
    statuses = []
    client = RecordingClient(statuses)
    client.force_login(citizen)

    before = [file_through_the_view(client, procedure) for _ in range(5)]
    broker.kill()
    during = [file_through_the_view(client, procedure) for _ in range(8)]
    # An officer approves while the broker is down: the output PDF must follow.
    approved = [Case.objects.get(radicado=r) for r in (before[0], during[0])]
    for case in approved:
        decide(case, officer)
    # A formalization submitted and paid meanwhile: its cases and consolidated receipt.
    wizard_client = RecordingClient(statuses)
    wizard_client.force_login(citizen)
    application = submit(WizardRun(wizard_client), "restaurante")
    pay(application)
    restarted = time.monotonic()
    broker.start()
    after = [file_through_the_view(client, procedure) for _ in range(3)]

    server_errors = [(path, status) for path, status in statuses if status >= 500]
    assert server_errors == [], f"{len(server_errors)} of {len(statuses)} answered 5xx"

    deadline = restarted + 120
    while not all_done(approved, application):
        if time.monotonic() > deadline:
            log = (tmp_path / "celery.log").read_text(errors="replace")[-4000:]
            pytest.fail(f"side effects not redone 120 s after the restart:\n{log}")
        time.sleep(1)
    recovery = time.monotonic() - restarted
    # A few more sweeps: anything produced twice would show up now.
    time.sleep(3 * float(SWEEP["SWEEP_INTERVAL_SECONDS"]))

    cases = list(Case.objects.all())
    assert len(cases) == len(before) + len(during) + len(after) + (
        application.items.filter(state=ApplicationItem.State.FILED).count()
    )
    acknowledgements = collections.Counter(
        CaseDocument.objects.filter(kind=CaseDocument.Kind.ACKNOWLEDGEMENT).values_list(
            "case__radicado", flat=True
        )
    )
    assert set(acknowledgements) == {case.radicado for case in cases}
    assert set(acknowledgements.values()) == {1}, "an acknowledgement was made twice"
    for document in CaseDocument.objects.filter(
        kind=CaseDocument.Kind.ACKNOWLEDGEMENT, case__radicado__in=during
    ):
        assert document.case.radicado in pdf_text(document.file)
    outputs = collections.Counter(
        CaseDocument.objects.filter(kind=CaseDocument.Kind.OUTPUT).values_list(
            "case__radicado", flat=True
        )
    )
    assert outputs == {case.radicado: 1 for case in approved}

    application.refresh_from_db()
    receipt_text = pdf_text(application.receipt)
    for item in application.items.filter(state=ApplicationItem.State.FILED):
        assert item.case.radicado in re.sub(r"\s+", "", receipt_text)
    receipts_on_disk = [
        path
        for path in Path(settings.PRIVATE_MEDIA_ROOT).glob(
            f"solicitudes/*/*/acuse-{application.radicado}*.pdf"
        )
        if path.stat().st_mtime >= started
    ]
    assert len(receipts_on_disk) == 1, receipts_on_disk

    sent = collections.Counter(
        key
        for message in background.iterdir()
        for key in MESSAGE_ID.findall(message.read_text())
    )
    keys = Notification.objects.values_list("dedupe_key", flat=True)
    assert set(sent) == {key.replace(":", ".") for key in keys}
    assert set(sent.values()) == {1}, "an e-mail went out twice"
    assert Application.objects.count() == 1
    sys.stderr.write(
        f"\nbroker outage: {len(statuses)} requests, 0 5xx; {len(cases)} cases, "
        f"{len(sent)} e-mails, {len(approved)} outputs, 1 receipt, each once; "
        f"redone {recovery:.0f} s after the restart\n"
    )
