"""PostgreSQL: no two active bookings of an exclusive resource (desk, room) overlap (ADR 0042).

The exclusion constraint is the guard; services check first only to name the conflict. SQLite
has no exclusion constraints: there the services' check runs inside an IMMEDIATE transaction,
which holds the database's single write lock (the documented fallback).
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from revier.core.migration_operations import PostgreSQLOnlySQL


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_engine")]

    operations = [
        BtreeGistExtension(),
        PostgreSQLOnlySQL(
            "ALTER TABLE booking_booking ADD CONSTRAINT booking_exclusive_no_overlap "
            "EXCLUDE USING gist (resource_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
            "WHERE (exclusive AND status IN "
            "('reserved', 'requested', 'offered', 'confirmed', 'checked_in'))",
            "ALTER TABLE booking_booking DROP CONSTRAINT booking_exclusive_no_overlap",
            description="Exclusion constraint: active bookings of an exclusive resource",
        ),
    ]
