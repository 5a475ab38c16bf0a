import fcntl
from contextlib import contextmanager

from django.core.cache import cache

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """Under pytest-xdist the browser tests share one worker, and so one live server."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
    result = yield  # Under --dist loadgroup, xdist's own hook names the groups.
    _apply_xdist_group_names(items)
    return result


def _apply_xdist_group_names(items):
    """pytest-xdist (3.8) schedules a group by the "@group" suffix it appends to each
    member's node id, written to ``item._nodeid``; pytest 9 reads the node id from
    ``item._id``, so without this the suffix is lost and the group's tests spread
    over every worker, each starting its own live server."""
    from _pytest.nodeid import NodeId

    for item in items:
        grouped = getattr(item, "_nodeid", None)
        if grouped and grouped != item.nodeid:
            item._id = NodeId.parse(grouped)


@contextmanager
def _file_lock(path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _seed_demo():
    from django.core.management import call_command

    call_command("seed_demo", allow_demo_users=True, verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    tmp_path_factory,
):
    """Every test starts from the demo data: site, 200+ procedures, groups, users.

    Seeding takes over a minute, so under pytest-xdist it happens once per run: the
    first worker creates and seeds the test database (``test_<name>``), and every
    worker then works on its own copy of it (``test_<name>_gw0``...): PostgreSQL's
    ``CREATE DATABASE ... TEMPLATE``, or a copy of the SQLite file; seconds each.
    Yields where the seeded database is (its name, or its file on SQLite; ``None``
    for SQLite's in-memory database): the browser tests' server copies it too."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    options = {
        "verbosity": request.config.option.verbose,
        "interactive": False,
        "keepdb": django_db_keepdb and not django_db_createdb,
        "aliases": aliases,
        "serialized_aliases": serialized_aliases,
    }
    keepdb, verbosity = options["keepdb"], options["verbosity"]
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if worker is None:
        with django_db_blocker.unblock():
            created = setup_databases(**options)
            _seed_demo()
        yield connection.settings_dict["NAME"]
        if not keepdb:
            with django_db_blocker.unblock():
                teardown_databases(created, verbosity=verbosity)
        return

    shared = tmp_path_factory.getbasetemp().parent  # One directory per run.
    if connection.vendor == "sqlite":
        # A file, not SQLite's in-memory default, so that other processes can copy it.
        connection.settings_dict["TEST"]["NAME"] = str(shared / "test-seeded.sqlite3")
    original_name = connection.settings_dict["NAME"]
    seeded_name = connection.creation._get_test_db_name()
    ready = shared / "seeded-database-ready"
    with django_db_blocker.unblock(), _file_lock(shared / "seeded-database.lock"):
        if not ready.exists():
            setup_databases(**options)
            _seed_demo()
            ready.write_text(seeded_name)
        connection.settings_dict["NAME"] = seeded_name
        connection.creation.clone_test_db(suffix=worker, verbosity=verbosity)
    clone = connection.creation.get_test_db_clone_settings(worker)
    connection.close()
    connection.settings_dict["NAME"] = clone["NAME"]

    yield seeded_name

    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict["NAME"] = seeded_name
        connection.creation.destroy_test_db(
            original_name, verbosity, keepdb=False, suffix=worker
        )


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
