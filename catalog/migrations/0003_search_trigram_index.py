from django.db import migrations

# On PostgreSQL the catalog search ("search_text LIKE '% word%'") uses a trigram index
# instead of scanning every procedure. SQLite has no such index and needs none.
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS catalog_procedure_search_trgm "
    "ON catalog_procedurepage USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS catalog_procedure_title_trgm "
    "ON catalog_procedurepage USING gin (title_normalized gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_procedure_title_trgm",
    "DROP INDEX IF EXISTS catalog_procedure_search_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_online_filing")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
