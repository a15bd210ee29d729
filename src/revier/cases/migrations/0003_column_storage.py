from django.db import migrations

from revier.core.migration_operations import ColumnStorage


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_inbox_indexes"),
    ]

    operations = [
        ColumnStorage("casedocument", "content"),
    ]
