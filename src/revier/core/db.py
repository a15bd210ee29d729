"""Database helpers the ORM does not offer."""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet


def binary_values(queryset: QuerySet, field: str) -> dict:
    """``{pk: bytes}`` of a binary ``field`` for the rows of ``queryset``.

    PostgreSQL sends ``bytea`` in text format as hex, twice the size; for the uploads and sealed
    packages of a submission (hundreds of KB) that cost ~4x the CPU of binary format on both
    sides (benchmarks/RESULTS.md). With server-side binding the query asks for binary results;
    elsewhere it is an ordinary ``values_list``. The queryset is built by the ORM, so tenant
    scoping applies as for any other query (a missing scope raises).
    """
    query = queryset.values_list("pk", field)
    connection = connections[query.db]
    if connection.vendor != "postgresql" or not connection.settings_dict.get("OPTIONS", {}).get(
        "server_side_binding"
    ):
        return {pk: bytes(value) for pk, value in query}
    from psycopg import pq

    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # Through Django's cursor wrapper, so the query is counted and logged like others.
        cursor.cursor.format = pq.Format.BINARY
        cursor.execute(sql, params)
        return {pk: bytes(value) for pk, value in cursor.fetchall()}
