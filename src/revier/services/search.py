"""The service catalogue as a search source (``revier.core.search``, ADR 0023).

The catalogue keeps its own index, behind the generic source interface: on SQLite the FTS5
table ``services_service_fts`` (trigram tokenizer: "Ausweis" finds "Personalausweis"), on
PostgreSQL the ``search_vector`` (German stemmer, weighted) and ``search_text`` (pg_trgm)
columns of ``services_service`` itself, so a municipality's search filters and ranks in one
query without a join to a separate document table. Query parsing, typo correction
("Persnalausweis") and the candidate pipeline are the core's; the selector then puts exact name
matches first.

The index is written by :func:`index_services`, which the catalogue services call after every
write (not signals). The source is registered in ``ServicesConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from revier.core import search as core_search
from revier.core.search import GERMAN_STOPWORDS, Document, Query, SearchSource, normalise
from revier.core.search.store import fts_match, tsquery

__all__ = ["CATALOGUE", "Query", "candidates", "index_services", "normalise", "parse"]

FTS_TABLE = "services_service_fts"
# The best this many matches are returned; nobody pages further through a search.
MAX_CANDIDATES = 100


def _service_model():
    from revier.services.models import Service

    return Service


class CatalogueIndex:
    """The catalogue's specialised store (same interface as ``core.search.DocumentIndex``).

    Keys are ``Service`` primary keys. The catalogue is federal (global): one vocabulary."""

    vocabulary_per_municipality = False

    def write(self, source: SearchSource, documents: list[Document]) -> None:
        service = _service_model()
        texts = {d.key: core_search.store.search_text(d) for d in documents}
        current = dict(service.objects.filter(pk__in=list(texts)).values_list("pk", "search_text"))
        for pk, text in texts.items():
            if current.get(pk) != text:
                service.objects.filter(pk=pk).update(search_text=text)
        if connection.vendor == "postgresql":
            self._index_postgresql(list(texts))
        elif connection.vendor == "sqlite":
            self._index_sqlite(documents)

    def _index_sqlite(self, documents: list[Document]) -> None:
        with connection.cursor() as cursor:
            for d in documents:
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [d.key])  # noqa: S608
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, name, synonyms, body) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s)",
                    [d.key, d.title, " ".join(d.keywords), "\n".join([d.summary, d.text])],
                )

    def _index_postgresql(self, ids: list[int]) -> None:
        # Name and synonyms weigh most (A), the short text next (B), everything else least (C).
        # Built from the columns in SQL: the same vector as the documents would give.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE services_service SET search_vector =
                    setweight(to_tsvector('german', coalesce(name, '')), 'A')
                    || setweight(to_tsvector('german', coalesce(
                        (SELECT string_agg(value, ' ') FROM jsonb_array_elements_text(synonyms)),
                        '')), 'A')
                    || setweight(to_tsvector('german', coalesce(short_text, '')), 'B')
                    || setweight(to_tsvector('german', coalesce(full_text, '') || ' ' ||
                        coalesce(requirements, '') || ' ' || coalesce(documents, '') || ' ' ||
                        coalesce(legal_basis, '')), 'C')
                WHERE id = ANY(%s)
                """,
                [ids],
            )

    def delete(self, source: SearchSource, keys: list[int]) -> None:
        # PostgreSQL: the vector lives in the service row and goes with it.
        if connection.vendor == "sqlite" and keys:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
                    [[k] for k in keys],
                )

    def clear(self, source: SearchSource) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        elif connection.vendor == "postgresql":
            _service_model().objects.update(search_vector=None)

    def words(self, source: SearchSource, municipality_id: int | None) -> set[str]:
        words: set[str] = set()
        for text in _service_model().objects.values_list("search_text", flat=True):
            words.update(core_search.text.words_of(text))
        return words

    def candidates(
        self, source: SearchSource, query: Query, municipality_id: int | None
    ) -> dict[int, float]:
        terms = list(query.terms)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    """
                    WITH q AS (SELECT to_tsquery('german', %s) AS tsq)
                    SELECT s.id,
                           ts_rank(s.search_vector, q.tsq) * 10
                           + (SELECT coalesce(max(word_similarity(t, s.search_text)), 0)
                              FROM unnest(%s::text[]) AS t)
                    FROM services_service s, q
                    WHERE s.search_vector @@ q.tsq
                       OR EXISTS (SELECT 1 FROM unnest(%s::text[]) AS t
                                  WHERE s.search_text LIKE '%%' || t || '%%')
                    ORDER BY 2 DESC
                    LIMIT %s
                    """,
                    [tsquery(terms), terms, terms, source.max_candidates],
                )
                return {row[0]: float(row[1]) for row in cursor.fetchall()}
            # bm25 is lower for better matches; the name and synonyms columns weigh most.
            cursor.execute(
                f"SELECT rowid, bm25({FTS_TABLE}, 10.0, 8.0, 1.0) FROM {FTS_TABLE} "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH %s ORDER BY 2 LIMIT %s",
                [fts_match(terms), source.max_candidates],
            )
            return {row[0]: -float(row[1]) for row in cursor.fetchall()}


class CatalogueSource(SearchSource):
    """Federal services (Verwaltungsleistungen): global documents, keyed by primary key."""

    name = "services.catalogue"
    # Words every catalogue query may contain without meaning anything.
    stopwords = GERMAN_STOPWORDS | {"beantragen", "antrag"}
    max_candidates = MAX_CANDIDATES
    store = CatalogueIndex()

    def documents(self, objects: Iterable) -> Iterable[Document]:
        for service in objects:
            yield Document(
                key=service.pk,
                title=service.name,
                keywords=tuple(str(s) for s in service.synonyms or []),
                summary=service.short_text,
                text="\n".join(
                    [
                        service.full_text,
                        service.requirements,
                        service.documents,
                        service.legal_basis,
                    ]
                ),
            )

    def objects(self) -> Iterable:
        return _service_model().objects.defer("search_vector").order_by("pk").iterator(2000)

    def resolve(self, keys: list[int]) -> dict:
        return _service_model().objects.in_bulk(keys)


CATALOGUE = CatalogueSource()


def searchable_text(service) -> str:
    """What substring and trigram matching look at: name, synonyms, short text."""
    return core_search.store.search_text(next(iter(CATALOGUE.documents([service]))))


def index_services(services) -> None:
    """Bring the search index of ``services`` up to date (call inside the writing transaction)."""
    services = list(services)
    core_search.index(CATALOGUE, services)
    # Keep the instances in step with the column the index wrote.
    for service in services:
        service.search_text = searchable_text(service)


def remove_from_index(ids: list[int]) -> None:
    core_search.remove(CATALOGUE, ids)


def invalidate_vocabulary() -> None:
    core_search.invalidate_vocabulary(CATALOGUE)


def parse(q: str) -> Query:
    return core_search.parse(CATALOGUE, q)


def candidates(query: Query) -> dict[int, float]:
    """Service ids matching ``query`` with a score (higher is better), in one SQL query."""
    return core_search.candidates(CATALOGUE, query)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"
