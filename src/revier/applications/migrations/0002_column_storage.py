from django.db import migrations

from revier.core.migration_operations import ColumnStorage


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
    ]

    operations = [
        ColumnStorage("upload", "content"),
        ColumnStorage("application", "receipt"),
    ]
