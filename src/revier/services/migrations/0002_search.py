"""Search structures: pg_trgm and indexes on PostgreSQL, an FTS5 table on SQLite.

Each database gets only its own part; the other side of each operation does nothing.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FTS = "services_service_fts"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # Trigram tokenizer: substring matches, so "ausweis" finds "Personalausweis".
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} "
            "USING fts5(name, synonyms, body, tokenize='trigram')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS services_service_search_vector "
            "ON services_service USING gin (search_vector)"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS services_service_search_trgm "
            "ON services_service USING gin (search_text gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS services_service_search_vector")
        schema_editor.execute("DROP INDEX IF EXISTS services_service_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
