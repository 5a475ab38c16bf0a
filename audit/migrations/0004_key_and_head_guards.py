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
    """Data keys destroyed only by shredding (with its event); heads only to real events."""

    dependencies = [("audit", "0003_data_subject_keys")]

    operations = [
        migrations.RunPython(_run("key_guards.sql"), _run("key_unguard.sql"))
    ]
