from django.db import migrations

from revier.core.migration_operations import ColumnStorage


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0001_initial"),
    ]

    operations = [
        ColumnStorage("delivery", "package_sealed"),
        ColumnStorage("receivedpackage", "encrypted_metadata"),
        ColumnStorage("receivedpackage", "encrypted_data"),
        ColumnStorage("receivedattachment", "encrypted_content"),
    ]
