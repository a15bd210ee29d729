"""Migration operations that only mean something on PostgreSQL (the embedded SQLite skips them)."""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


class ColumnStorage(Operation):
    """``ALTER TABLE … ALTER COLUMN … SET STORAGE``: ``EXTERNAL`` keeps large values out of line
    without trying to compress them. For columns whose values are already compressed or
    encrypted (uploaded PDFs and images, sealed packages) PostgreSQL's pglz would spend CPU on
    every write to gain nothing."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, field: str, storage: str = "EXTERNAL"):
        if storage not in ("PLAIN", "MAIN", "EXTERNAL", "EXTENDED"):
            raise ValueError(f"unknown storage {storage!r}")
        self.model_name = model_name
        self.field = field
        self.storage = storage

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name, self.field, self.storage], {}

    def state_forwards(self, app_label, state):
        pass  # the model state does not know about storage

    def _set(self, app_label, schema_editor, from_state, storage: str) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        column = model._meta.get_field(self.field).column
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(model._meta.db_table)} ALTER COLUMN {quote(column)} "
            f"SET STORAGE {storage}"
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._set(app_label, schema_editor, to_state, self.storage)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._set(app_label, schema_editor, to_state, "EXTENDED")

    def describe(self):
        return f"Set storage {self.storage} on {self.model_name}.{self.field} (PostgreSQL)"


class PostgreSQLOnlySQL(Operation):
    """Raw SQL that only PostgreSQL runs (an exclusion constraint, a partial GiST index); the
    embedded SQLite skips it and relies on the documented fallback instead (ADR 0042)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, sql: str, reverse_sql: str, description: str = ""):
        self.sql = sql
        self.reverse_sql = reverse_sql
        self.description = description

    def deconstruct(self):
        return (
            self.__class__.__name__,
            [self.sql, self.reverse_sql],
            {"description": self.description} if self.description else {},
        )

    def state_forwards(self, app_label, state):
        pass  # the model state does not know about it

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self.sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(self.reverse_sql)

    def describe(self):
        return self.description or "PostgreSQL-only SQL"
