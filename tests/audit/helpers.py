from django.db import connection

from audit import record
from audit.db import set_guards


def make_chain(chain_key: str, n: int) -> list:
    return [
        record(
            action=f"test.step{i}",
            subject_type="test",
            subject_id=chain_key,
            chain_key=chain_key,
            after={"i": i},
        )
        for i in range(1, n + 1)
    ]


def tamper(sql: str, params=None) -> None:
    """Change the audit tables the way an attacker with database owner rights would."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        set_guards(False)
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    if postgres:
        set_guards(True)
