"""A Content-Security-Policy on every HTML page (issue 10.6), through the real
middleware stack: every Wagtail page type, the citizen's and the staff's views, the
error pages and a page served from the anonymous cache. Public pages get the strict
policy and hold no inline code without the response's nonce; the admin gets its own
policy, which still loads nothing from another origin and is framed only by itself.
"""

import re
import uuid
from html.parser import HTMLParser

from django.test import Client

import pytest

from procedures.models import Case
from procedures.services import case_file

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
NONCE = re.compile(r"^'nonce-[A-Za-z0-9+/=]{16,}'$")


def policy(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.wsgi_request.path}: no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def without_nonce(directives: dict[str, set[str]]) -> dict[str, set[str]]:
    return {
        name: {source for source in sources if not NONCE.match(source)}
        for name, sources in directives.items()
    }


class InlineCode(HTMLParser):
    """Inline scripts and styles, with their nonce; event-handler and style
    attributes; ``javascript:`` links."""

    def __init__(self):
        super().__init__()
        self.inline = []  # (tag, nonce)
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inline = (tag == "script" and "src" not in attrs) or tag == "style"
        if inline and attrs.get("type") not in ("application/json", "text/template"):
            self.inline.append((tag, attrs.get("nonce")))
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.attributes.append(f"<{tag} {name}>")
            if (
                name in ("href", "src", "action")
                and (value or "").strip().lower()[:11] == "javascript:"
            ):
                self.attributes.append(f"<{tag} {name}=javascript:>")


def assert_strict_html_page(response):
    assert response.status_code in (200, 400, 404), response.status_code
    assert response["Content-Type"].startswith("text/html")
    directives = policy(response)
    assert without_nonce(directives) == STRICT, directives
    nonces = {
        source[len("'nonce-") : -1]
        for source in directives["script-src"] | directives["style-src"]
        if NONCE.match(source)
    }
    parser = InlineCode()
    parser.feed(response.content.decode())
    assert parser.attributes == [], parser.attributes
    for tag, nonce in parser.inline:
        assert nonce and nonce in nonces, (
            f"inline <{tag}> without this response's nonce"
        )


def assert_admin_html_page(response):
    assert response.status_code == 200, response.status_code
    directives = policy(response)
    assert directives["default-src"] == {"'self'"}
    assert directives["object-src"] == {"'none'"}
    assert directives["base-uri"] == {"'none'"}
    assert directives["frame-ancestors"] == {"'self'"}
    assert directives["form-action"] == {"'self'"}
    assert directives["img-src"] == {"'self'", "data:"}
    # Nothing from another origin, and no eval.
    for sources in directives.values():
        assert all(s.startswith("'") or s == "data:" for s in sources), sources
        assert "'unsafe-eval'" not in sources


def anonymous() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture
def case(demo_user, rit_certificate):
    """A case filed by the citizen in SDH's queue."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from procedures.uploads import validate_upload
    from tests.procedures.conftest import MINIMAL_PDF

    upload = validate_upload(
        SimpleUploadedFile("rut.pdf", MINIMAL_PDF, "application/pdf"),
        requirement="Copia del RUT",
        formats=["pdf"],
        max_size_mb=5,
    )
    filed, _created = case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"nombre_contribuyente": "Andina S.A.S."},
        documents=[upload],
        submission_token=uuid.uuid4(),
    )
    return filed


@pytest.fixture
def rit_certificate():
    from catalog.models import ProcedurePage

    return ProcedurePage.objects.get(code="SDH-002")


# -- public pages ----------------------------------------------------------------------


def test_every_page_type_has_the_strict_policy():
    from wagtail.models import Page, get_page_models

    checked = []
    for model in get_page_models():
        if model is Page:
            continue
        page = model.objects.live().first()
        if page is None:
            continue
        for prefix in ("", "/en"):
            assert_strict_html_page(anonymous().get(prefix + page.url))
        checked.append(model.__name__)
    assert {"HomePage", "ProcedureIndexPage", "ProcedurePage"} <= set(checked)


@pytest.mark.parametrize(
    "url",
    [
        "/tramites/?q=matricula&evento=crear-empresa",
        "/tramites/?q=qwertyzz",
        "/cuenta/ingresar/",
        "/cuenta/registro/",
        "/cuenta/clave/",
        "/cuenta/verificar/enviado/",
        "/formaliza/",
        "/en/cuenta/ingresar/",
        "/tramites/no-existe-este-tramite/",  # 404
        "/tramites/?evento=%00",  # 400
    ],
)
def test_anonymous_html_pages_have_the_strict_policy(url):
    assert_strict_html_page(anonymous().get(url))


def test_a_page_from_the_anonymous_cache_still_has_the_policy():
    first = anonymous().get("/tramites/")
    second = anonymous().get("/tramites/")
    assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"
    assert_strict_html_page(second)


def test_citizen_pages_have_the_strict_policy(demo_user, case, rit_certificate):
    citizen = anonymous()
    citizen.force_login(demo_user("ciudadano"))
    wizard = citizen.post("/formaliza/")
    assert wizard.status_code == 302
    for url in [
        "/mis-tramites/",
        f"/mis-tramites/{case.radicado}/",
        f"/tramites/{rit_certificate.slug}/radicar/",
        "/formaliza/",
        wizard["Location"],
        "/cuenta/perfil/",
        "/",
    ]:
        response = citizen.get(url)
        assert response.status_code == 200, url
        assert_strict_html_page(response)


def test_two_factor_page_has_the_strict_policy(settings, demo_user):
    settings.STAFF_2FA_REQUIRED = True
    officer = anonymous()
    officer.force_login(demo_user("funcionario_shd"))
    assert_strict_html_page(officer.get("/cuenta/verificacion-en-dos-pasos/"))


def test_no_two_responses_share_a_nonce():
    """The nonce is drawn per response, when a page uses one."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from cms.csp import SiteCSPMiddleware

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    middleware = SiteCSPMiddleware(view)
    headers = [
        middleware(RequestFactory().get("/"))["Content-Security-Policy"]
        for _ in range(2)
    ]
    nonces = [re.search(r"'nonce-([^']+)'", header).group(1) for header in headers]
    assert len(set(nonces)) == 2


# -- the admin -------------------------------------------------------------------------


def test_admin_pages_have_the_admin_policy(demo_user, case, rit_certificate):
    editor = anonymous()
    editor.force_login(demo_user("editor"))
    for url in [
        "/admin/",
        f"/admin/pages/{rit_certificate.pk}/edit/",
        f"/admin/pages/{rit_certificate.get_parent().pk}/",
    ]:
        assert_admin_html_page(editor.get(url))

    officer = anonymous()
    officer.force_login(demo_user("funcionario_shd"))
    for url in ["/admin/casos/", f"/admin/casos/{case.radicado}/"]:
        assert_admin_html_page(officer.get(url))

    auditor = anonymous()
    auditor.force_login(demo_user("auditor"))
    for url in [
        "/admin/auditoria/",
        f"/admin/auditoria/cadena/{case.audit_chain}/",
    ]:
        assert_admin_html_page(auditor.get(url))
    assert Case.objects.filter(pk=case.pk).exists()


def test_admin_login_page_has_the_admin_policy():
    assert_admin_html_page(anonymous().get("/admin/login/"))


def test_wagtails_preview_takes_the_policy_of_the_admin_request_around_it():
    """A preview renders the page through the middleware again, with a dummy
    request for its public URL: that inner pass must not set the public policy
    (frame-ancestors 'none' would blank the admin's preview frame)."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from cms.csp import SiteCSPMiddleware

    middleware = SiteCSPMiddleware(lambda request: HttpResponse("<h1>Vista</h1>"))
    dummy = RequestFactory().get("/tramites/certificacion-rit/")
    dummy.is_dummy = True
    assert "Content-Security-Policy" not in middleware(dummy)
    inner = middleware(dummy)
    outer = SiteCSPMiddleware(lambda request: inner)
    header = outer(RequestFactory().get("/admin/pages/1/edit/preview/"))
    assert "frame-ancestors 'self'" in header["Content-Security-Policy"]
