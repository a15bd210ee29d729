"""Query text: normalising, splitting into terms, correcting typos against a vocabulary.

German first: ``casefold`` (ß → ss is left to the database's stemmer), words of letters and
digits, stopwords dropped, terms of at least three characters (FTS5's trigram tokenizer needs
three), a term no vocabulary word contains corrected to the closest word ("Persnalausweis").
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
# Words a query may contain that carry no meaning for finding anything.
GERMAN_STOPWORDS = frozenset(
    {
        *("der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einen"),
        *("und", "oder", "für", "fuer", "mit", "von", "im", "in", "zu", "zum", "zur", "am", "an"),
        *("auf", "bei", "ich", "mein", "meine", "meinen", "wie", "was", "wo", "wer"),
    }
)
MIN_TERM = 3  # FTS5's trigram tokenizer needs three characters
MAX_TERMS = 8


@dataclass(frozen=True)
class Query:
    text: str  # the normalised query as a whole
    terms: tuple[str, ...]  # terms after typo correction


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").casefold()
    return " ".join(_WORD_RE.findall(text))


def words_of(text: str) -> set[str]:
    """The words of a normalised text a query term may be corrected to."""
    return {w for w in text.split() if len(w) >= MIN_TERM}


def correct(term: str, vocabulary: frozenset[str]) -> str:
    """The term itself when some vocabulary word contains it, else the closest word."""
    if any(term in word for word in vocabulary):
        return term
    # Typos are rare and the comparison is costly: remember the answer for this vocabulary.
    key = f"search:correct:{hash(vocabulary)}:{term}"
    corrected = cache.get(key)
    if corrected is None:
        close = difflib.get_close_matches(term, vocabulary, n=1, cutoff=0.75)
        corrected = close[0] if close else term
        cache.set(key, corrected, 3600)
    return corrected


def parse(q: str, *, vocabulary: frozenset[str], stopwords: frozenset[str]) -> Query:
    text = normalise(q)
    words = [w for w in text.split() if len(w) >= MIN_TERM and w not in stopwords]
    if not words:
        words = [w for w in text.split() if len(w) >= MIN_TERM]
    terms = tuple(dict.fromkeys(correct(w, vocabulary) for w in words[:MAX_TERMS]))
    return Query(text=text, terms=terms)
