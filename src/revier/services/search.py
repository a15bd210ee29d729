"""Full-text search over the catalogue, on SQLite (FTS5) and PostgreSQL (german + pg_trgm).

One pipeline for both databases, so results agree: the query is normalised and split into
terms; a term that matches nothing in the catalogue's vocabulary is corrected to the closest
known word (typos: "Persnalausweis"); the database finds candidates and scores them; the
selector then puts exact name matches first. Compound words ("Ausweis" in "Personalausweis")
are found by substring matching: FTS5's trigram tokenizer on SQLite, substring matching and
the German stemmer on PostgreSQL, where trigram word similarity adds to the score (pg_trgm
indexes keep the substring match fast).

The index is written by :func:`index_services`, which the catalogue services call after every
write (not signals).
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

FTS_TABLE = "services_service_fts"
VOCABULARY_CACHE_KEY = "services:vocabulary:v1"
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
# Words a query may contain that carry no meaning for the catalogue.
STOPWORDS = frozenset(
    {
        *("der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einen"),
        *("und", "oder", "für", "fuer", "mit", "von", "im", "in", "zu", "zum", "zur", "am", "an"),
        *("auf", "bei", "ich", "mein", "meine", "meinen", "wie", "was", "wo", "wer"),
        *("beantragen", "antrag"),
    }
)
MIN_TERM = 3  # FTS5's trigram tokenizer needs three characters
MAX_TERMS = 8
# The best this many matches are returned; nobody pages further through a search.
MAX_CANDIDATES = 100


@dataclass(frozen=True)
class Query:
    text: str  # the normalised query as a whole
    terms: tuple[str, ...]  # terms after typo correction


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").casefold()
    return " ".join(_WORD_RE.findall(text))


def searchable_text(service) -> str:
    """What substring and trigram matching look at: name, synonyms, short text."""
    parts = [service.name, *[str(s) for s in service.synonyms or []], service.short_text]
    return normalise(" ".join(parts))


def _vocabulary() -> frozenset[str]:
    words = cache.get(VOCABULARY_CACHE_KEY)
    if words is None:
        from revier.services.models import Service

        words = set()
        for text in Service.objects.values_list("search_text", flat=True):
            words.update(w for w in text.split() if len(w) >= MIN_TERM)
        words = frozenset(words)
        cache.set(VOCABULARY_CACHE_KEY, words, 3600)
    return words


def invalidate_vocabulary() -> None:
    cache.delete(VOCABULARY_CACHE_KEY)


def _correct(term: str, vocabulary: frozenset[str]) -> str:
    """The term itself when some catalogue word contains it, else the closest word."""
    if any(term in word for word in vocabulary):
        return term
    # Typos are rare and the comparison is costly: remember the answer for this vocabulary.
    key = f"services:correct:{hash(vocabulary)}:{term}"
    corrected = cache.get(key)
    if corrected is None:
        close = difflib.get_close_matches(term, vocabulary, n=1, cutoff=0.75)
        corrected = close[0] if close else term
        cache.set(key, corrected, 3600)
    return corrected


def parse(q: str) -> Query:
    text = normalise(q)
    words = [w for w in text.split() if len(w) >= MIN_TERM and w not in STOPWORDS]
    if not words:
        words = [w for w in text.split() if len(w) >= MIN_TERM]
    vocabulary = _vocabulary()
    terms = tuple(dict.fromkeys(_correct(w, vocabulary) for w in words[:MAX_TERMS]))
    return Query(text=text, terms=terms)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- index -----------------------------------------------------------------------------------


def index_services(services) -> None:
    """Bring the search index of ``services`` up to date (call inside the writing transaction)."""
    from revier.services.models import Service

    services = list(services)
    if not services:
        return
    for service in services:
        text = searchable_text(service)
        if text != service.search_text:
            Service.objects.filter(pk=service.pk).update(search_text=text)
            service.search_text = text
    ids = [s.pk for s in services]
    if is_postgresql():
        _index_postgresql(ids)
    elif connection.vendor == "sqlite":
        _index_sqlite(services)
    invalidate_vocabulary()


def _body(service) -> str:
    return "\n".join(
        [
            service.short_text,
            service.full_text,
            service.requirements,
            service.documents,
            service.legal_basis,
        ]
    )


def _index_sqlite(services) -> None:
    with connection.cursor() as cursor:
        for service in services:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [service.pk])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, name, synonyms, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [service.pk, service.name, " ".join(service.synonyms or []), _body(service)],
            )


def _index_postgresql(ids: list[int]) -> None:
    # Name and synonyms weigh most (A), the short text next (B), everything else least (C).
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


def remove_from_index(ids: list[int]) -> None:
    if connection.vendor == "sqlite" and ids:
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[i] for i in ids])  # noqa: S608
    invalidate_vocabulary()


# --- matching ----------------------------------------------------------------------------------


def candidates(query: Query, base_ids_sql: tuple[str, list] | None = None) -> dict[int, float]:
    """Service ids matching ``query`` with a score (higher is better), in one SQL query."""
    if not query.terms:
        return {}
    if is_postgresql():
        return _candidates_postgresql(query)
    return _candidates_sqlite(query)


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _candidates_sqlite(query: Query) -> dict[int, float]:
    match = " OR ".join(_fts_quote(t) for t in query.terms)
    with connection.cursor() as cursor:
        # bm25 is lower for better matches; the name and synonyms columns weigh most.
        cursor.execute(
            f"SELECT rowid, bm25({FTS_TABLE}, 10.0, 8.0, 1.0) FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY 2 LIMIT %s",
            [match, MAX_CANDIDATES],
        )
        return {row[0]: -float(row[1]) for row in cursor.fetchall()}


def _candidates_postgresql(query: Query) -> dict[int, float]:
    terms = list(query.terms)
    tsquery = " | ".join(f"{t}:*" for t in (re.sub(r"[^\w]", "", t) for t in terms) if t)
    with connection.cursor() as cursor:
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
            [tsquery, terms, terms, MAX_CANDIDATES],
        )
        return {row[0]: float(row[1]) for row in cursor.fetchall()}
