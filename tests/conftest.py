from django.core.cache import cache

import pytest


def pytest_collection_modifyitems(items):
    """Under pytest-xdist the browser tests share one worker, and so one live server."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the demo data: site, 200+ procedures, groups, users."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("seed_demo", allow_demo_users=True, verbosity=0)


@pytest.fixture(autouse=True)
def _clear_cache():
    from cms.shell import invalidate_footer

    cache.clear()
    invalidate_footer()  # The footer's in-process copy outlives a rolled-back test.
    yield
    cache.clear()
    invalidate_footer()


@pytest.fixture(autouse=True)
def _default_language():
    """A request under /en/ (or an admin user's own language) stays active in the
    thread after the response, as LocaleMiddleware leaves it; each test starts in
    the default language again."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def catalog_index(db):
    from catalog.models import ProcedureIndexPage

    return ProcedureIndexPage.objects.get()


@pytest.fixture
def procedure(db):
    """F03, the matrícula mercantil of a natural person (CCB)."""
    from catalog.models import ProcedurePage

    return ProcedurePage.objects.get(code="F03")


@pytest.fixture
def demo_user(db, django_user_model):
    def get(username):
        return django_user_model.objects.get(username=username)

    return get


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        bool(marker and marker.kwargs.get("transaction"))
        or "transactional_db" in request.fixturenames
    )


@pytest.fixture(autouse=True)
def _audit_guards_for_flush(request):
    """On PostgreSQL the audit tables refuse TRUNCATE, and Django flushes the database
    after each transactional test. Acting as the database owner, the harness turns
    the guards on for the test and off again just before that flush (this fixture
    tears down before pytest-django's flush)."""
    if not _is_transactional(request):
        yield
        return
    from django.db import connection

    from audit.db import set_guards

    postgres = connection.vendor == "postgresql"
    if postgres:
        set_guards(True)
    yield
    if postgres:
        set_guards(False)


@pytest.fixture
def postgres_only(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only protection (CI runs it on PostgreSQL)")


@pytest.fixture(autouse=True)
def _audit_sink(settings, tmp_path):
    """Each test gets its own external checkpoint file."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture
def make_checkpoint(django_capture_on_commit_callbacks):
    """Create a checkpoint and run its after-commit write to the external sink."""
    from audit.checkpoints import create_checkpoint

    def make():
        with django_capture_on_commit_callbacks(execute=True):
            return create_checkpoint()

    return make
