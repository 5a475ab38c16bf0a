from django.conf import settings
from django.db import migrations, models

# The officers' queue searches applicants by any part of their names
# ("first_name ILIKE '%word%'", as Django writes icontains): on PostgreSQL a
# trigram index answers it without scanning every account. SQLite needs none.
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS auth_user_first_name_trgm "
    "ON auth_user USING gin (upper(first_name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS auth_user_last_name_trgm "
    "ON auth_user USING gin (upper(last_name::text) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS auth_user_last_name_trgm",
    "DROP INDEX IF EXISTS auth_user_first_name_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="applicantprofile",
            index=models.Index(
                fields=["document_number"], name="applicant_document_number"
            ),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
