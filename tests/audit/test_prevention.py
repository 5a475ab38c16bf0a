"""On PostgreSQL the trail cannot be changed through the application's role, and the
guard triggers fire even for the owner and under session_replication_role = replica."""

from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

import pytest

from .helpers import make_chain

pytestmark = pytest.mark.django_db

APP_ROLE = "ventanilla_app_test"


@pytest.fixture
def trail(postgres_only):
    call_command("audit_db_roles", app_role=APP_ROLE, verbosity=0)
    return make_chain("case:P1", 3)


def attempt(sql: str, *, role: str | None = APP_ROLE) -> None:
    """Run ``sql`` in a savepoint, as ``role`` when given; raise what the database raises."""
    with transaction.atomic(), connection.cursor() as cursor:
        if role:
            cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(sql)


ATTACKS = [
    "UPDATE audit_auditevent SET body = body || ' ' WHERE chain_key = 'case:P1'",
    "DELETE FROM audit_auditevent WHERE chain_key = 'case:P1'",
    "TRUNCATE audit_auditevent",
    "UPDATE audit_checkpoint SET root = 'x'",
    "DELETE FROM audit_checkpoint",
    "TRUNCATE audit_checkpoint",
    "DELETE FROM audit_chainhead",
    "TRUNCATE audit_chainhead",
    "UPDATE audit_chainhead SET seq = 1 WHERE chain_key = 'case:P1'",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_event_append_only ON audit_auditevent",
    "SET session_replication_role = replica",
    "SELECT set_config('session_replication_role', 'replica', false)",
]


@pytest.mark.parametrize("sql", ATTACKS)
def test_application_role_cannot_alter_the_trail(trail, sql):
    with pytest.raises(DatabaseError):
        attempt(sql)


def test_application_role_can_still_append_and_read(trail):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        from audit import record

        event = record(action="test.as_app", subject_type="case", subject_id="P1")
        cursor.execute(
            "SELECT count(*) FROM audit_auditevent WHERE chain_key = 'case:P1'"
        )
        assert cursor.fetchone()[0] == 4
    assert event.seq == 4 or event.pk


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET body = body WHERE chain_key = 'case:P1'",
        "DELETE FROM audit_auditevent WHERE chain_key = 'case:P1'",
        "TRUNCATE audit_auditevent",
    ],
)
def test_guards_fire_for_the_owner_even_in_replica_mode(trail, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql)


def test_triggers_are_enabled_always(trail):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid IN "
            "('audit_auditevent'::regclass, 'audit_checkpoint'::regclass, "
            "'audit_chainhead'::regclass, 'audit_datasubjectkey'::regclass) "
            "AND NOT tgisinternal"
        )
        rows = dict(cursor.fetchall())
    assert len(rows) == 11
    assert set(rows.values()) == {"A"}, rows
