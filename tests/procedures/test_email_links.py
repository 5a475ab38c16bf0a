"""Every link in every e-mail is absolute, on the configured site URL, and works.

Each e-mail is produced by the real flow that sends it (sign-up, password reset,
filing, the officer's actions, the due-date warning, remission, formalization) and
captured where the outbox renders it; the last test checks that together they
cover every e-mail template in the repository.
"""

import datetime
import re
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

import pytest
import time_machine

from catalog.models import ProcedurePage
from procedures import calendar, services
from procedures.notifications import warn_due_soon

pytestmark = pytest.mark.django_db

BASE = "https://ventanilla.example.gov.co"
ROOT = Path(__file__).resolve().parents[2]

ACCOUNT_TEMPLATES = {
    "accounts/email/verify.txt",
    "accounts/email/password_reset.txt",
    "accounts/email/exists.txt",
    "accounts/email/password_reset_unknown.txt",
}
CASE_TEMPLATES = {
    "procedures/email/filed.txt",
    "procedures/email/status.txt",
    "procedures/email/citizen_extension.txt",
    "procedures/email/extended.txt",
    "procedures/email/due_soon.txt",
    "procedures/email/remitted.txt",
    "procedures/email/irregularity_reported.txt",
}
FORMALIZATION_TEMPLATES = {
    "formalization/email/submitted.txt",
    "formalization/email/filed.txt",
}

URL = re.compile(r"https?://[^\s<>\"')]+")
# A path written without a host: "/mis-tramites/…" after a space, a colon or a
# line start (not the "/" inside dates, "d/m/Y", or inside an absolute URL).
RELATIVE = re.compile(r"(?:^|[\s(:«\"'])(/[a-z0-9_-]+/[^\s]*)", re.MULTILINE)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE


@pytest.fixture
def rendered(monkeypatch):
    """Every e-mail body the outbox renders, by template."""
    bodies: dict[str, list[str]] = {}
    real = services.render_to_string

    def spy(template_name, context=None, *args, **kwargs):
        body = real(template_name, context, *args, **kwargs)
        if "/email/" in template_name:
            bodies.setdefault(template_name, []).append(body)
        return body

    monkeypatch.setattr(services, "render_to_string", spy)
    return bodies


def links_of(body: str) -> list[str]:
    relative = RELATIVE.findall(URL.sub(" ", body))
    assert not relative, f"relative links {relative} in:\n{body}"
    links = URL.findall(body)
    assert links, f"no link in:\n{body}"
    for link in links:
        assert link.startswith(BASE + "/"), link
        try:
            resolve(urlsplit(link).path)
        except Resolver404:  # pragma: no cover - the assertion message is the point
            pytest.fail(f"{link} leads nowhere")
    return links


def paths(bodies: dict[str, list[str]], template: str) -> list[str]:
    return [urlsplit(link).path for body in bodies[template] for link in links_of(body)]


def test_account_e_mails(
    client, rendered, demo_user, django_capture_on_commit_callbacks
):
    from django.conf import settings as django_settings

    password = "Sabana-de-Bogota-2026"
    signup = {
        "first_name": "Ana María",
        "last_name": "Quintero",
        "document_type": "CC",
        "document_number": "1.020.304.050",
        "phone": "300 123 4567",
        "email": "ana.quintero@example.com",
        "password1": password,
        "password2": password,
        "accept_privacy": "on",
        "notice_version": django_settings.PRIVACY_NOTICE_VERSION,
    }
    with django_capture_on_commit_callbacks(execute=True):
        # The request's own host must not leak into the links.
        response = client.post("/cuenta/registro/", signup, HTTP_HOST="127.0.0.1")
        assert response.status_code == 302
        client.post("/cuenta/clave/", {"email": demo_user("ciudadano").email})
    with django_capture_on_commit_callbacks(execute=True):
        # A second sign-up with the same e-mail tells the owner; a reset for an
        # address with no account says so.
        client.post("/cuenta/registro/", signup, HTTP_HOST="127.0.0.1")
        client.post(
            "/cuenta/clave/", {"email": "nadie@example.com"}, HTTP_HOST="127.0.0.1"
        )
    assert set(rendered) == ACCOUNT_TEMPLATES
    for template in ACCOUNT_TEMPLATES:
        for path in paths(rendered, template):
            assert client.get(path, follow=True).status_code == 200, path
    reset = client.get(
        paths(rendered, "accounts/email/password_reset.txt")[0], follow=True
    )
    assert "Contraseña nueva" in reset.content.decode()


def test_case_e_mails(
    client, rendered, demo_user, rit_certificate, django_capture_on_commit_callbacks
):
    citizen, officer = demo_user("ciudadano"), demo_user("funcionario_shd")
    filed_at = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=calendar.BOGOTA)

    def act(case, user, action, **kwargs):
        case.refresh_from_db()
        return services.case_act(
            case.pk, actor=user, action=action, expected_version=case.version, **kwargs
        )

    def new_case():
        return services.case_file(
            procedure=rit_certificate,
            applicant=citizen,
            answers={},
            documents=[],
            submission_token=uuid.uuid4(),
            filed_at=filed_at,
        )[0]

    case = new_case()
    asked = datetime.date(2026, 3, 5)
    act(case, officer, "tomar", today=asked)
    act(
        case,
        officer,
        "solicitar_informacion",
        reason="Adjunte el RUT de 2026.",
        today=asked,
    )
    act(case, citizen, "solicitar_prorroga", today=asked)
    act(case, citizen, "responder", reason="Adjunto el RUT.", today=asked)
    case.refresh_from_db()
    act(
        case,
        officer,
        "prorrogar",
        reason="Volumen alto de solicitudes.",
        extra_days=3,
        today=asked,
    )
    case.refresh_from_db()
    warn_due_soon(calendar.add_business_days(case.due_date, -1))
    other = new_case()
    with time_machine.travel(filed_at + datetime.timedelta(days=1), tick=False):
        act(
            other,
            officer,
            "remitir",
            reason="Lo resuelve la Cámara de Comercio de Bogotá.",
            remit_to=ProcedurePage.objects.get(code="F03"),
        )
    services.irregularity_report(
        case,
        user=citizen,
        category="demora",
        text="Nadie me explica por qué se demora el trámite.",
        token=uuid.uuid4(),
    )
    assert set(rendered) == CASE_TEMPLATES

    client.force_login(citizen)
    for template in CASE_TEMPLATES - {"procedures/email/due_soon.txt"}:
        for path in paths(rendered, template):
            assert path.startswith("/mis-tramites/"), (template, path)
            assert client.get(path).status_code == 200, path
    client.force_login(officer)
    (warning,) = paths(rendered, "procedures/email/due_soon.txt")
    assert warning == f"/admin/casos/{case.radicado}/"
    assert client.get(warning).status_code == 200


def test_formalization_e_mails(client, rendered, demo_user):
    from tests.formalization.conftest import WizardRun
    from tests.formalization.helpers import pay, submit

    client.force_login(demo_user("ciudadana2"))
    application = submit(WizardRun(client), "restaurante")
    pay(application)
    # One e-mail per event: the submission, then the procedures the payment filed
    # (listed together, each with a link to its case); none per case.
    assert set(rendered) == FORMALIZATION_TEMPLATES
    assert len(rendered["formalization/email/filed.txt"]) == 1
    application_page = f"/mis-tramites/solicitudes/{application.radicado}/"
    filed = [
        item.case.radicado
        for item in application.items.filter(case__isnull=False).select_related("case")
    ]
    assert filed
    (grouped,) = rendered["formalization/email/filed.txt"]
    for template in FORMALIZATION_TEMPLATES:
        found = paths(rendered, template)
        assert application_page in found, template
        for path in found:
            assert client.get(path).status_code == 200, path
    # Each filed case is linked from the e-mail that told of it.
    linked = {
        urlsplit(link).path
        for template in FORMALIZATION_TEMPLATES
        for body in rendered[template]
        for link in links_of(body)
    }
    assert {f"/mis-tramites/{radicado}/" for radicado in filed} <= linked
    assert any(
        "/mis-tramites/" in link and "solicitudes" not in link
        for link in links_of(grouped)
    )


def test_every_e_mail_template_is_covered():
    listed = subprocess.run(
        ["git", "ls-files", "*/templates/*/email/*.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    templates = {
        name.split("/templates/", 1)[1]
        for name in listed
        if not name.endswith("_subject.txt")  # a subject line carries no link
        # A partial ("_items.txt") is checked in the e-mails that include it.
        and not name.rsplit("/", 1)[1].startswith("_")
    }
    assert templates == ACCOUNT_TEMPLATES | CASE_TEMPLATES | FORMALIZATION_TEMPLATES


@pytest.mark.parametrize(
    "body",
    [
        "Consulte en Mis trámites: /mis-tramites/VUE-2026-000001/",
        "Ver /mis-tramites/solicitudes/X/acuse.pdf",
    ],
)
def test_the_check_catches_relative_links(body):
    with pytest.raises(AssertionError, match="relative"):
        links_of(body)


def test_the_check_catches_other_hosts():
    with pytest.raises(AssertionError):
        links_of("Abra http://localhost/mis-tramites/X/ para ver el trámite.")
