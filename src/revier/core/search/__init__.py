"""Search over any registered source, on SQLite (FTS5) and PostgreSQL alike (ADR 0023).

A module makes its objects searchable by registering a :class:`SearchSource` in
``AppConfig.ready()`` and calling :func:`index` / :func:`remove` from its services after writes.
Searching is :func:`search` (hits with their objects) or, for a module that ranks itself,
:func:`parse` + :func:`candidates` (keys with scores). One pipeline for both databases:

1. the query is normalised and split into terms; a term no word of the source's vocabulary
   contains is corrected to the closest word (typos);
2. the source's store finds candidates and scores them (at most ``max_candidates``);
3. :func:`search` maps the keys back to objects (``SearchSource.resolve``).

Documents of a municipality are found only in that municipality's searches; global ones
everywhere. The base layer imports no domain app.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.cache import cache

from revier.core.search.sources import (
    Document,
    Key,
    SearchSource,
    get,
    register,
    registered,
    unregister,
)
from revier.core.search.store import DOCUMENT_INDEX, DocumentIndex
from revier.core.search.text import GERMAN_STOPWORDS, MIN_TERM, Query, normalise

__all__ = [
    "GERMAN_STOPWORDS",
    "MIN_TERM",
    "Document",
    "DocumentIndex",
    "Hit",
    "Key",
    "Query",
    "SearchSource",
    "candidates",
    "get",
    "index",
    "invalidate_vocabulary",
    "normalise",
    "parse",
    "register",
    "registered",
    "reindex",
    "remove",
    "search",
    "unregister",
    "vocabulary",
]

VOCABULARY_TIMEOUT = 3600


@dataclass(frozen=True)
class Hit:
    key: Key
    score: float
    object: Any


def _source(source: SearchSource | str) -> SearchSource:
    return get(source) if isinstance(source, str) else source


def store_of(source: SearchSource):
    return source.store or DOCUMENT_INDEX


# --- writing -----------------------------------------------------------------------------------


def index(source: SearchSource | str, objects: Iterable[Any]) -> int:
    """Bring the index of ``objects`` up to date (call inside the writing transaction)."""
    source = _source(source)
    documents = list(source.documents(objects))
    if documents:
        store_of(source).write(source, documents)
        invalidate_vocabulary(source)
    return len(documents)


def remove(source: SearchSource | str, keys: Iterable[Key]) -> None:
    source = _source(source)
    store_of(source).delete(source, list(keys))
    invalidate_vocabulary(source)


def reindex(source: SearchSource | str, *, batch_size: int = 500) -> int:
    """Rebuild a source's index from ``SearchSource.objects()``, in batches (bounded memory)."""
    source = _source(source)
    store_of(source).clear(source)
    objects = iter(source.objects())
    count = 0
    while batch := list(islice(objects, batch_size)):
        count += index(source, batch)
    invalidate_vocabulary(source)
    return count


# --- vocabulary --------------------------------------------------------------------------------


def _version_key(source: SearchSource) -> str:
    return f"search:{source.name}:version"


def _vocabulary_key(source: SearchSource, municipality_id: int | None) -> str:
    if not getattr(store_of(source), "vocabulary_per_municipality", False):
        return f"search:{source.name}:vocabulary"
    version = cache.get_or_set(_version_key(source), 1, None)
    return f"search:{source.name}:vocabulary:{version}:{municipality_id or 0}"


def vocabulary(source: SearchSource | str, municipality_id: int | None = None) -> frozenset[str]:
    """The words a query term may be corrected to (cached until the next write)."""
    source = _source(source)
    key = _vocabulary_key(source, municipality_id)
    words = cache.get(key)
    if words is None:
        words = frozenset(store_of(source).words(source, municipality_id))
        cache.set(key, words, VOCABULARY_TIMEOUT)
    return words


def invalidate_vocabulary(source: SearchSource | str) -> None:
    source = _source(source)
    cache.delete(f"search:{source.name}:vocabulary")
    # Not set yet: nothing is cached under a version.
    with contextlib.suppress(ValueError):
        cache.incr(_version_key(source))


# --- reading -----------------------------------------------------------------------------------


def parse(source: SearchSource | str, q: str, municipality_id: int | None = None) -> Query:
    from revier.core.search import text

    source = _source(source)
    return text.parse(q, vocabulary=vocabulary(source, municipality_id), stopwords=source.stopwords)


def candidates(
    source: SearchSource | str, query: Query, municipality_id: int | None = None
) -> dict[Key, float]:
    """Keys matching ``query`` with a score (higher is better), in one SQL query."""
    if not query.terms:
        return {}
    source = _source(source)
    return store_of(source).candidates(source, query, municipality_id)


def search(source: SearchSource | str, q: str, *, municipality_id: int | None = None) -> list[Hit]:
    """Hits of ``q`` in ``source``, best first, with their objects (``resolve``)."""
    source = _source(source)
    scores = candidates(source, parse(source, q, municipality_id), municipality_id)
    if not scores:
        return []
    objects = source.resolve(list(scores))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], str(item[0])))
    return [Hit(key, score, objects[key]) for key, score in ranked if key in objects]
