"""Database helpers the ORM does not offer."""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet


def values_list_binary(queryset: QuerySet, *fields: str) -> list[tuple]:
    """``queryset.values_list(*fields)`` for plain columns (text, numbers, binary), with
    binary columns as ``bytes`` — read in binary format on PostgreSQL.

    PostgreSQL sends ``bytea`` in text format as hex, twice the size; for the uploads and sealed
    packages of a submission (hundreds of KB) that cost ~4x the CPU of binary format on both
    sides (benchmarks/RESULTS.md). With server-side binding the query asks for binary results;
    elsewhere it is an ordinary ``values_list``. The queryset is built by the ORM, so tenant
    scoping applies as for any other query (a missing scope raises). Django's converters of
    the fields are not applied: only for columns whose database value is the Python value.
    """
    query = queryset.values_list(*fields)
    connection = connections[query.db]
    options = connection.settings_dict.get("OPTIONS", {})
    if connection.vendor != "postgresql" or not options.get("server_side_binding"):
        return [tuple(_plain(v) for v in row) for row in query]
    from psycopg import pq

    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # Through Django's cursor wrapper, so the query is counted and logged like others.
        cursor.cursor.format = pq.Format.BINARY
        cursor.execute(sql, params)
        return [tuple(_plain(v) for v in row) for row in cursor.fetchall()]


def binary_values(queryset: QuerySet, field: str) -> dict:
    """``{pk: bytes}`` of a binary ``field`` for the rows of ``queryset`` (see above)."""
    return dict(values_list_binary(queryset, "pk", field))


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value
