"""The generic index: documents of every source in ``core_searchdocument``.

SQLite: an FTS5 table with the trigram tokenizer (substring matches find compound-word parts),
ranked by bm25. PostgreSQL: a weighted ``tsvector`` in the document's language (German
stemming) plus substring and trigram word similarity over ``search_text`` (pg_trgm), the
same pipeline the catalogue has used since ADR 0011 — so both databases agree on what matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection, transaction

from revier.core.search.sources import Document, Key, SearchSource
from revier.core.search.text import Query, normalise, words_of

FTS_TABLE = "core_searchdocument_fts"
# PostgreSQL text search configuration per document language; others are indexed unstemmed.
CONFIGS = {"de": "german", "en": "english"}


def pg_config(language: str) -> str:
    return CONFIGS.get(language, "simple")


def search_text(document: Document) -> str:
    """What substring and trigram matching look at: title, keywords, summary."""
    return normalise(" ".join([document.title, *document.keywords, document.summary]))


def tsquery(terms: Iterable[str]) -> str:
    """Prefix terms joined by OR, for ``to_tsquery``."""
    return " | ".join(f"{t}:*" for t in (re.sub(r"[^\w]", "", t) for t in terms) if t)


def fts_match(terms: Iterable[str]) -> str:
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


class DocumentIndex:
    """Default store of a :class:`SearchSource`. Keys come back as strings."""

    # Each municipality's searches see its own documents and the global ones, so typo
    # correction draws on the same words.
    vocabulary_per_municipality = True

    def _model(self):
        from django.apps import apps

        return apps.get_model("core", "SearchDocument")

    def write(self, source: SearchSource, documents: list[Document]) -> None:
        model = self._model()
        keys = [str(d.key) for d in documents]
        with transaction.atomic():
            self.delete(source, keys)
            rows = model.objects.bulk_create(
                model(
                    source=source.name,
                    key=str(d.key),
                    municipality_id=d.municipality_id,
                    language=d.language,
                    title=d.title,
                    keywords="\n".join(d.keywords),
                    summary=d.summary,
                    body=d.text,
                    search_text=search_text(d),
                )
                for d in documents
            )
            ids = [row.pk for row in rows]
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {FTS_TABLE} (rowid, title, keywords, summary, body) "  # noqa: S608
                        "VALUES (%s, %s, %s, %s, %s)",
                        [[row.pk, row.title, row.keywords, row.summary, row.body] for row in rows],
                    )
            elif connection.vendor == "postgresql":
                self._vectors_postgresql(ids)

    def _vectors_postgresql(self, ids: list[int]) -> None:
        languages = "".join(
            f"WHEN '{lang}' THEN '{config}'::regconfig " for lang, config in CONFIGS.items()
        )
        config = f"(CASE language {languages}ELSE 'simple'::regconfig END)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE core_searchdocument SET search_vector =
                    setweight(to_tsvector({config}, title), 'A')
                    || setweight(to_tsvector({config}, keywords), 'A')
                    || setweight(to_tsvector({config}, summary), 'B')
                    || setweight(to_tsvector({config}, body), 'C')
                WHERE id = ANY(%s)
                """,  # noqa: S608 - the CASE is built from the constant CONFIGS
                [ids],
            )

    def delete(self, source: SearchSource, keys: Iterable[Key]) -> None:
        model = self._model()
        keys = [str(k) for k in keys]
        if not keys:
            return
        ids = list(
            model.objects.filter(source=source.name, key__in=keys).values_list("pk", flat=True)
        )
        self._delete_ids(ids)

    def clear(self, source: SearchSource) -> None:
        model = self._model()
        self._delete_ids(
            list(model.objects.filter(source=source.name).values_list("pk", flat=True))
        )

    def _delete_ids(self, ids: list[int]) -> None:
        if not ids:
            return
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
                    [[i] for i in ids],
                )
        self._model().objects.filter(pk__in=ids).delete()

    def _visible(self, municipality_id: int | None) -> tuple[str, list]:
        if municipality_id is None:
            return "d.municipality_id IS NULL", []
        return "(d.municipality_id IS NULL OR d.municipality_id = %s)", [municipality_id]

    def words(self, source: SearchSource, municipality_id: int | None) -> set[str]:
        from django.db.models import Q

        visible = Q(municipality__isnull=True)
        if municipality_id is not None:
            visible |= Q(municipality_id=municipality_id)
        words: set[str] = set()
        texts = self._model().objects.filter(visible, source=source.name)
        for text in texts.values_list("search_text", flat=True).iterator(chunk_size=2000):
            words.update(words_of(text))
        return words

    def candidates(
        self, source: SearchSource, query: Query, municipality_id: int | None
    ) -> dict[Key, float]:
        visible, params = self._visible(municipality_id)
        terms = list(query.terms)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"""
                    WITH q AS (SELECT to_tsquery(%s::regconfig, %s) AS tsq)
                    SELECT d.key,
                           ts_rank(d.search_vector, q.tsq) * 10
                           + (SELECT coalesce(max(word_similarity(t, d.search_text)), 0)
                              FROM unnest(%s::text[]) AS t)
                    FROM core_searchdocument d, q
                    WHERE d.source = %s AND {visible}
                      AND (d.search_vector @@ q.tsq
                           OR EXISTS (SELECT 1 FROM unnest(%s::text[]) AS t
                                      WHERE d.search_text LIKE '%%' || t || '%%'))
                    ORDER BY 2 DESC
                    LIMIT %s
                    """,  # noqa: S608 - {visible} is one of two constant clauses
                    [
                        pg_config(source.language),
                        tsquery(terms),
                        terms,
                        source.name,
                        *params,
                        terms,
                        source.max_candidates,
                    ],
                )
                return {row[0]: float(row[1]) for row in cursor.fetchall()}
            # bm25 is lower for better matches; title and keywords weigh most.
            cursor.execute(
                f"SELECT d.key, bm25({FTS_TABLE}, 10.0, 8.0, 2.0, 1.0) "  # noqa: S608
                f"FROM {FTS_TABLE} JOIN core_searchdocument d ON d.id = {FTS_TABLE}.rowid "
                f"WHERE {FTS_TABLE} MATCH %s AND d.source = %s AND {visible} "
                "ORDER BY 2 LIMIT %s",
                [fts_match(terms), source.name, *params, source.max_candidates],
            )
            return {row[0]: -float(row[1]) for row in cursor.fetchall()}


DOCUMENT_INDEX = DocumentIndex()
