"""What a module registers to be searchable: a :class:`SearchSource`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from revier.core.search.text import GERMAN_STOPWORDS

Key = int | str


@dataclass(frozen=True)
class Document:
    """What the index knows of one object.

    Weights, highest first: ``title`` and ``keywords`` (synonyms, alternative names),
    ``summary``, ``text``. ``municipality_id`` ``None``: a global document, found in every
    municipality's search; otherwise only in that municipality's.
    """

    key: Key
    title: str
    text: str = ""
    summary: str = ""
    keywords: tuple[str, ...] = ()
    language: str = "de"
    municipality_id: int | None = None


class SearchSource:
    """A kind of object that can be searched. Subclass, set ``name``, implement
    :meth:`documents` (and :meth:`objects` for a full reindex, :meth:`resolve` to get objects
    back), then ``revier.core.search.register(MySource())`` in ``AppConfig.ready()``.

    The owning app calls ``revier.core.search.index(source, objects)`` from its services after
    every write (not signals) and ``remove(source, keys)`` after deletes.

    ``store`` is where the documents live: the generic index (``core_searchdocument``) unless a
    source brings a specialised one (the catalogue, ADR 0023).
    """

    name: str = ""
    language: str = "de"
    stopwords: frozenset[str] = GERMAN_STOPWORDS
    # The best this many matches are returned; nobody pages further through a search.
    max_candidates: int = 100
    store = None  # set to the generic index by ``revier.core.search`` when left empty

    def documents(self, objects: Iterable[Any]) -> Iterable[Document]:
        raise NotImplementedError

    def objects(self) -> Iterable[Any]:
        """Everything to index, for a full reindex (an iterator: may be large)."""
        return ()

    def resolve(self, keys: list[Key]) -> dict[Key, Any]:
        """The objects behind ``keys`` (missing ones left out). Default: the keys themselves."""
        return {key: key for key in keys}

    def __repr__(self) -> str:
        return f"<SearchSource {self.name}>"


_sources: dict[str, SearchSource] = {}


def register(source: SearchSource) -> SearchSource:
    if not source.name:
        raise ValueError("a search source needs a name")
    existing = _sources.get(source.name)
    if existing is not None and type(existing) is not type(source):
        raise ValueError(f"search source {source.name!r} is already registered")
    _sources[source.name] = source
    return source


def unregister(name: str) -> None:
    _sources.pop(name, None)


def _declared() -> None:
    """Register the sources the modules declare in their module.py (once, on first use)."""
    from revier.core import kit

    for ref in kit.items("search_sources"):
        source = kit.resolve(ref.source)
        if _sources.get(source.name) is not source:
            register(source)


def get(name: str) -> SearchSource:
    _declared()
    return _sources[name]


def registered() -> list[SearchSource]:
    _declared()
    return sorted(_sources.values(), key=lambda s: s.name)
