"""Who may see a case: its applicant, its entity's officers, auditors. Everyone else
gets 404 (never a hint that the radicado exists).

The IDOR matrix is generated from the URLconf: every URL pattern of our apps that
takes an object id must be classified in ``URLS`` below, either as case-scoped (then
every persona is tried against it, with a positive control) or as not an object view
(with the reason). A new URL with an id fails ``test_every_object_url_is_classified``
until someone decides which it is.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import pytest

from audit.models import AuditEvent
from procedures import services
from procedures.models import Case, IrregularityReport

pytestmark = pytest.mark.django_db

NIT = "900373913-4"

# --- The objects a URL can point at -------------------------------------------------


@dataclass
class Objects:
    """One approved case of SDH with every kind of document, and one still open;
    the applicant's report of an irregularity on the first."""

    case: Case
    open_case: Case
    report: IrregularityReport

    def document(self, kind: str):
        return self.case.documents.get(kind=kind)


@pytest.fixture
def filed_case(demo_user, rit_certificate, pdf_file):
    from procedures.uploads import validate_upload

    upload = validate_upload(
        pdf_file(), requirement="Copia del RUT", formats=["pdf"], max_size_mb=5
    )
    case, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"identificacion": NIT},
        documents=[upload],
        submission_token=uuid.uuid4(),
    )
    return case


@pytest.fixture
def objects(filed_case, demo_user, rit_certificate, django_capture_on_commit_callbacks):
    from procedures.documents import render_acknowledgement

    render_acknowledgement(filed_case.pk)
    officer = demo_user("funcionario_shd")
    for action in ("tomar", "aprobar"):
        filed_case.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            services.case_act(
                filed_case.pk,
                actor=officer,
                action=action,
                expected_version=filed_case.version,
            )
    filed_case.refresh_from_db()
    open_case, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"identificacion": NIT},
        documents=[],
        submission_token=uuid.uuid4(),
    )
    report, _ = services.irregularity_report(
        filed_case,
        user=filed_case.applicant,
        category="demora",
        text="Nadie me explica por qué se demora el trámite.",
        token=uuid.uuid4(),
    )
    return Objects(case=filed_case, open_case=open_case, report=report)


# --- Personas -----------------------------------------------------------------------

ANONYMOUS = "anónimo"
OWNER = "ciudadano"  # the applicant
OTHER_CITIZEN = "ciudadana2"
ENTITY_OFFICER = "funcionario_shd"  # the case is filed at SDH
OTHER_OFFICER = "funcionario_ccb"
AUDITOR = "auditor"
EDITOR = "editor"  # staff of SDH, but an editor of content, not an officer
PERSONAS = (
    ANONYMOUS,
    OWNER,
    OTHER_CITIZEN,
    ENTITY_OFFICER,
    OTHER_OFFICER,
    AUDITOR,
    EDITOR,
)
CASE_READERS = frozenset({OWNER, ENTITY_OFFICER, AUDITOR})  # Case.objects.visible_to

# --- The table ----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseScoped:
    """A URL of one case (or of one of its documents): only ``allowed`` may use it."""

    build: Callable[[Objects], str]
    allowed: frozenset[str]
    method: str = "get"
    data: Callable[[Objects], dict] = lambda objects: {}
    # Which case the URL is about (the state checked for unchanged after a refusal).
    subject: Callable[[Objects], Case] = lambda objects: objects.case
    check_allowed: Callable[[Objects, object], None] = lambda objects, response: (
        _assert_page_of(objects.case, response)
    )


@dataclass(frozen=True)
class ApplicationScoped:
    """A URL of one formalization run, application or payment: its own matrix in
    tests/formalization/test_access.py builds every such URL for each persona."""

    allowed: frozenset[str]


@dataclass(frozen=True)
class NotObject:
    """A URL whose kwargs do not name an object someone could be denied."""

    reason: str


def _assert_page_of(case, response):
    assert response.status_code == 200
    # The same marker the refusals are checked for: the check could fail.
    assert case.radicado.encode() in response.content


def _assert_pdf(objects, response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def _assert_sent_back_to(case, response):
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "procedures_admin_case", args=[case.radicado]
    )


def _assert_csv(objects, response):
    assert response.status_code == 200
    assert objects.case.radicado.encode() in response.content


def _assert_attachment(objects, response):
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def _assert_assigned(objects, response):
    assert response.status_code == 302
    objects.open_case.refresh_from_db()
    assert objects.open_case.assigned_to.username == ENTITY_OFFICER


def _document_url(kind: str) -> Callable[[Objects], str]:
    def build(objects: Objects) -> str:
        return reverse(
            "mis_tramites:document",
            kwargs={
                "radicado": objects.case.radicado,
                "document_id": objects.document(kind).pk,
            },
        )

    return build


def _audit_export(fmt: str) -> Callable[[Objects], str]:
    def build(objects: Objects) -> str:
        return reverse(
            "audit_export", kwargs={"chain_key": objects.case.audit_chain, "fmt": fmt}
        )

    return build


# Keyed by URL name ("namespace:name"); a list when one URL serves several objects.
URLS: dict[str, CaseScoped | ApplicationScoped | NotObject | list[CaseScoped]] = {
    "mis_tramites:case": CaseScoped(
        build=lambda o: reverse(
            "mis_tramites:case", kwargs={"radicado": o.case.radicado}
        ),
        allowed=CASE_READERS,
    ),
    "mis_tramites:document": [
        CaseScoped(
            build=_document_url(kind), allowed=CASE_READERS, check_allowed=_assert_pdf
        )
        for kind in ("carga", "acuse", "salida")  # upload, acknowledgement, output
    ],
    # Only the applicant reports an irregularity, and reads the report back.
    "mis_tramites:report": CaseScoped(
        build=lambda o: reverse(
            "mis_tramites:report", kwargs={"radicado": o.case.radicado}
        ),
        allowed=frozenset({OWNER}),
    ),
    "mis_tramites:report_filed": CaseScoped(
        build=lambda o: reverse(
            "mis_tramites:report_filed",
            kwargs={"radicado": o.case.radicado, "report": o.report.radicado},
        ),
        allowed=frozenset({OWNER}),
    ),
    "procedures_admin_case": CaseScoped(
        build=lambda o: reverse(
            "procedures_admin_case", kwargs={"radicado": o.case.radicado}
        ),
        allowed=frozenset({ENTITY_OFFICER}),
    ),
    "procedures_admin_action": CaseScoped(
        build=lambda o: reverse(
            "procedures_admin_action", kwargs={"radicado": o.open_case.radicado}
        ),
        method="post",
        data=lambda o: {"action": "asignar", "version": o.open_case.version},
        subject=lambda o: o.open_case,
        allowed=frozenset({ENTITY_OFFICER}),
        check_allowed=_assert_assigned,
    ),
    "procedures_admin_action_step": CaseScoped(
        build=lambda o: reverse(
            "procedures_admin_action_step",
            kwargs={"radicado": o.open_case.radicado, "action": "asignar"},
        ),
        subject=lambda o: o.open_case,
        allowed=frozenset({ENTITY_OFFICER}),
        check_allowed=lambda o, response: _assert_page_of(o.open_case, response),
    ),
    # The preview of an approval's output; the open case cannot be approved yet, so
    # the officer is sent back to it (and everyone else gets 404).
    "procedures_admin_action_preview": CaseScoped(
        build=lambda o: reverse(
            "procedures_admin_action_preview",
            kwargs={"radicado": o.open_case.radicado, "action": "aprobar"},
        ),
        subject=lambda o: o.open_case,
        allowed=frozenset({ENTITY_OFFICER}),
        check_allowed=lambda o, response: _assert_sent_back_to(o.open_case, response),
    ),
    "audit_timeline": CaseScoped(
        build=lambda o: reverse(
            "audit_timeline", kwargs={"chain_key": o.case.audit_chain}
        ),
        allowed=frozenset({AUDITOR}),
    ),
    "audit_export": [
        CaseScoped(
            build=_audit_export("csv"),
            allowed=frozenset({AUDITOR}),
            check_allowed=_assert_csv,
        ),
        CaseScoped(
            build=_audit_export("pdf"),
            allowed=frozenset({AUDITOR}),
            check_allowed=_assert_attachment,
        ),
    ],
    "wagtailapi:pages:detail": NotObject(
        "Wagtail's read API of published catalog pages: public content, no case data"
    ),
    "file_case": NotObject(
        "slug of a public procedure page; files a new case of the logged-in user"
    ),
    "procedures_sandbox_bank": NotObject(
        "the sandbox bank page of a filing fee: the view looks the payment up among "
        "the logged-in user's own (404 for anyone else, tests/procedures/"
        "test_filing_fees.py::test_another_citizen_cannot_see_or_decide_someone_elses_payment)"
    ),
    "procedures_payment_notice": NotObject(
        "the payment provider's server-to-server notice: authenticated by its "
        "HMAC signature, not by a user (tests/procedures/test_filing_fees.py)"
    ),
    "verify_document": NotObject(
        "public by design: a 100-bit verification code printed on the document is "
        "the credential; the page shows only what the document states about its "
        "origin, and misses are throttled (tests/procedures/test_issued_documents.py)"
    ),
    "verify_download": NotObject(
        "the file behind a verification code, served only for an act marked public "
        "by nature (tests/procedures/test_issued_documents.py)"
    ),
    "cuenta:verify": NotObject(
        "signed e-mail verification token: the token is the credential, not an id"
    ),
    "cuenta:password_reset_confirm": NotObject(
        "Django's password reset link: uid plus a signed token, useless without it"
    ),
}

URLS.update(
    {
        "formalization:application": ApplicationScoped(frozenset({OWNER, AUDITOR})),
        "formalization:receipt": ApplicationScoped(frozenset({OWNER, AUDITOR})),
        "formalization:payment_start": ApplicationScoped(frozenset({OWNER})),
        "formalization:sandbox_bank": ApplicationScoped(frozenset({OWNER})),
        "formalization:step": ApplicationScoped(frozenset({OWNER})),
        "formalization:payment_notice": NotObject(
            "the payment provider's server-to-server notice: authenticated by its "
            "HMAC signature, not by a user (tests/formalization/test_payments.py)"
        ),
    }
)

# Routes that arrived after this table was written wait here until classified;
# test_nothing_awaits_classification then reports them as an expected failure.
AWAITING_CLASSIFICATION: frozenset[str] = frozenset()

# --- Walking the URLconf ------------------------------------------------------------

OUR_APPS = ("procedures", "formalization", "accounts", "audit", "cms", "catalog")


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    view: str
    urlconf: str
    kwargs: frozenset[str] = field(default_factory=frozenset)


def _walk(resolver, prefix="", namespace=None, urlconf="cms.urls", kwargs=()):
    for entry in resolver.url_patterns:
        here = (*kwargs, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = (
                    f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                )
            module = getattr(entry.urlconf_module, "__name__", urlconf)
            yield from _walk(entry, prefix + str(entry.pattern), inner, module, here)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            yield Route(
                name=f"{namespace}:{name}" if namespace and name else name,
                route=prefix + str(entry.pattern),
                view=entry.lookup_str,
                urlconf=urlconf,
                kwargs=frozenset(here),
            )


def object_routes() -> list[Route]:
    """Every pattern of our apps (by view or by URLconf) that takes a kwarg."""
    return [
        route
        for route in _walk(get_resolver())
        if route.kwargs
        and (route.view.startswith(OUR_APPS) or route.urlconf.startswith(OUR_APPS))
    ]


def test_every_object_url_is_classified():
    routes = object_routes()
    assert {"mis_tramites:case", "procedures_admin_case", "audit_timeline"} <= {
        r.name for r in routes
    }, "the walk no longer finds known routes"
    unnamed = [r.route for r in routes if not r.name]
    assert not unnamed, f"give these URL patterns a name: {unnamed}"
    missing = sorted(
        f"{r.name}  ({r.route} → {r.view})"
        for r in routes
        if r.name not in URLS and r.name not in AWAITING_CLASSIFICATION
    )
    assert not missing, (
        "classify these URLs in tests/procedures/test_access.py URLS "
        "(CaseScoped with a builder, or NotObject with the reason):\n"
        + "\n".join(missing)
    )
    stale = sorted((set(URLS) | AWAITING_CLASSIFICATION) - {r.name for r in routes})
    assert not stale, f"URLS names routes that no longer exist: {stale}"
    for name, entry in URLS.items():
        if isinstance(entry, NotObject):
            assert len(entry.reason) >= 20, f"{name}: say why it is not an object view"


@pytest.mark.xfail(
    bool(AWAITING_CLASSIFICATION),
    reason="formalization routes not yet in the IDOR matrix",
    strict=True,
)
def test_nothing_awaits_classification():
    assert not AWAITING_CLASSIFICATION, sorted(AWAITING_CLASSIFICATION)


def _case_scoped() -> list:
    cases = []
    for name, entry in URLS.items():
        variants = entry if isinstance(entry, list) else [entry]
        for index, variant in enumerate(variants):
            if isinstance(variant, CaseScoped):
                cases.append(pytest.param(name, variant, id=f"{name}[{index}]"))
    return cases


# --- The matrix ---------------------------------------------------------------------


def _request(client, entry: CaseScoped, objects: Objects, url: str):
    if entry.method == "post":
        return client.post(url, entry.data(objects))
    return client.get(url)


def _assert_refused(persona, response, case, url):
    where = f"{persona} {url} → {response.status_code}"
    if response.status_code == 302:
        # Only ever to a login page, never to the object.
        location = response["Location"].split("?")[0]
        assert location in ("/cuenta/ingresar/", "/admin/login/", "/admin/"), where
    else:
        assert response.status_code in (403, 404), where
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    # The page's language links repeat the requested address; nothing else may.
    body = body.replace(url.encode(), b"")
    for marker in (case.radicado, NIT, case.applicant.email):
        assert marker.encode() not in body, f"{where} shows {marker}"


@pytest.mark.parametrize(("name", "entry"), _case_scoped())
def test_idor_matrix(client, demo_user, objects, name, entry):
    url = entry.build(objects)
    assert resolve(url).view_name == name
    subject = entry.subject(objects)
    # Refusals first: the allowed persona's request may change the case.
    for persona in sorted(PERSONAS, key=lambda p: p in entry.allowed):
        client.logout()
        if persona != ANONYMOUS:
            client.force_login(demo_user(persona))
        before = Case.objects.filter(pk=subject.pk).values().get()
        response = _request(client, entry, objects, url)
        if persona in entry.allowed:
            entry.check_allowed(objects, response)
        else:
            _assert_refused(persona, response, subject, url)
            if persona == ANONYMOUS:
                assert response.status_code == 302, (
                    f"{url}: anonymous is sent to log in"
                )
            assert Case.objects.filter(pk=subject.pk).values().get() == before


def test_the_matrix_covers_the_positive_controls():
    """Each case-scoped URL has someone who must get it, so the test can fail."""
    for param in _case_scoped():
        _name, entry = param.values
        assert entry.allowed and entry.allowed <= set(PERSONAS)


# --- Around the matrix --------------------------------------------------------------


def test_a_document_id_of_another_case_is_not_reachable_through_ones_own_case(
    client, demo_user, filed_case, rit_certificate
):
    own, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadana2"),
        answers={},
        documents=[],
        submission_token=uuid.uuid4(),
    )
    client.force_login(demo_user("ciudadana2"))
    foreign = filed_case.documents.get()
    response = client.get(
        reverse(
            "mis_tramites:document",
            kwargs={"radicado": own.radicado, "document_id": foreign.pk},
        )
    )
    assert response.status_code == 404


def test_outsiders_do_not_find_it_in_their_lists(client, demo_user, filed_case):
    for username in (OTHER_CITIZEN, OTHER_OFFICER):
        client.force_login(demo_user(username))
        assert filed_case.radicado.encode() not in client.get("/mis-tramites/").content
    client.force_login(demo_user(OTHER_OFFICER))
    assert filed_case.radicado.encode() not in client.get("/admin/casos/").content


def test_staff_views_and_downloads_are_recorded(client, demo_user, filed_case):
    client.force_login(demo_user("funcionario_shd"))
    document = filed_case.documents.get()
    client.get(f"/mis-tramites/{filed_case.radicado}/")
    client.get(f"/mis-tramites/{filed_case.radicado}/documentos/{document.pk}/")
    events = [
        json.loads(b)
        for b in AuditEvent.objects.filter(
            chain_key=filed_case.audit_chain
        ).values_list("body", flat=True)
    ]
    viewed = [e for e in events if e["action"] == "case.viewed"]
    downloaded = [e for e in events if e["action"] == "case.document_downloaded"]
    assert viewed and viewed[-1]["actor_username"] == "funcionario_shd"
    assert downloaded and downloaded[-1]["details"]["digest"].startswith("sha256:")


def test_visible_to_is_the_single_rule(demo_user, filed_case):
    assert list(Case.objects.visible_to(demo_user("ciudadano"))) == [filed_case]
    assert list(Case.objects.visible_to(demo_user("funcionario_shd"))) == [filed_case]
    assert not Case.objects.visible_to(demo_user("ciudadana2")).exists()
    assert not Case.objects.visible_to(demo_user("funcionario_ccb")).exists()
    assert list(Case.objects.in_queue_of(demo_user("funcionario_shd"))) == [filed_case]
    assert not Case.objects.in_queue_of(demo_user("ciudadano")).exists()


def test_private_files_are_not_under_the_public_media_url(client, filed_case):
    path = filed_case.documents.get().file.name
    assert client.get(f"/media/{path}").status_code == 404
