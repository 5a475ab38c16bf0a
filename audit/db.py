"""PostgreSQL-only set-up of the audit trail's database protection."""

import re
from pathlib import Path

from django.db import connection

SQL_DIR = Path(__file__).resolve().parent / "sql"
AUDIT_TABLES = (
    "audit_auditevent",
    "audit_checkpoint",
    "audit_chainhead",
    "audit_datasubjectkey",
)
GUARD_FILES = ("guards.sql", "key_guards.sql")


def apply_role_model(app_role: str) -> None:
    """Create ``app_role`` and grant it what the app needs, audit tables append-only."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", app_role):
        raise ValueError("role names are lowercase letters, digits and underscores")
    database = connection.settings_dict["NAME"]
    if not re.fullmatch(r"[A-Za-z0-9_]+", database):
        raise ValueError("unexpected database name")
    sql = (SQL_DIR / "roles.sql").read_text() % {
        "app_role": app_role,
        "database": database,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql)


def set_guards(enabled: bool) -> None:
    """Owner-only: switch the guard triggers (the test harness flushes between tests)."""
    if enabled:
        statements = [
            line
            for name in GUARD_FILES
            for line in (SQL_DIR / name).read_text().splitlines()
            if line.startswith("ALTER TABLE")
        ]
    else:
        statements = [
            f"ALTER TABLE {table} DISABLE TRIGGER USER;" for table in AUDIT_TABLES
        ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
