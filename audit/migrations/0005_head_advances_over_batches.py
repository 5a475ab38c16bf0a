from pathlib import Path

from django.db import migrations

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def _run(name):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # A plain cursor: without parameters the "%" of RAISE formats stay as they are.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute((SQL_DIR / name).read_text())

    return run


class Migration(migrations.Migration):
    """A head moves over several appended events at once, each one checked."""

    dependencies = [("audit", "0004_key_and_head_guards")]

    operations = [
        migrations.RunPython(
            _run("head_batch_guard.sql"), _run("head_single_guard.sql")
        )
    ]
