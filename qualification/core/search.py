"""What a lead search box may send, made safe to query with (pure).

The header's search box reaches every page, so anything can arrive: nothing, a pasted
paragraph, control characters, lone surrogates. PostgreSQL refuses a NUL byte inside a
string (and a surrogate cannot be encoded as UTF-8), so those must never reach the
database; a query far longer than any name or email would only cost a slow scan to find
nothing. Deciding that here, with no database, lets the selector and the view trust the
text they are given and lets the tests cover every odd input without a database.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# The longest query we search for: longer than any email (254) would be pointless; 200
# characters covers a full name with a company and a domain pasted together.
MAX_QUERY_LENGTH = 200
# How many leads a results page lists. More means the query is too vague to be useful.
RESULT_LIMIT = 50
# How many matching leads are ranked at most: enough that any query a person would narrow
# further is ranked in full, few enough that a one-word query matching 100,000 leads
# is ranked in milliseconds.
CANDIDATE_CAP = 1000
# Below this many characters a substring match finds nearly everyone (and a trigram index
# cannot help), so short queries match from the start of a field only.
SUBSTRING_MIN_LENGTH = 3

EMPTY = "empty"
TOO_LONG = "too_long"

# Unicode categories dropped from a query: controls (NUL, tab, newline...), surrogates,
# unassigned code points and private use: none of them can be part of a name or an email.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cs", "Cn", "Co", "Cf"})


@dataclass(frozen=True)
class SearchQuery:
    """A cleaned query: ``text`` is safe to send to any database, or ``problem`` says why
    there is nothing to search for (``EMPTY`` or ``TOO_LONG``)."""

    text: str
    problem: str = ""
    given_length: int = 0

    @property
    def searchable(self) -> bool:
        return not self.problem

    @property
    def prefix_only(self) -> bool:
        """Whether the query is short enough to match only at the start of a field."""
        return len(self.text) < SUBSTRING_MIN_LENGTH


def clean_text(raw: str) -> str:
    """NFC-normalized, unprintable characters turned into spaces, whitespace collapsed."""
    normalized = unicodedata.normalize("NFC", raw)
    kept = "".join(
        " " if unicodedata.category(ch) in _DROPPED_CATEGORIES else ch for ch in normalized
    )
    return " ".join(kept.split())


def parse_query(raw: str | None) -> SearchQuery:
    """The query to run for what the box sent (None or "" when nothing was sent).

    Length is judged on what was sent, before cleaning, so a 10,000-character paste is
    refused outright instead of being cleaned first.
    """
    raw = raw or ""
    if len(raw) > MAX_QUERY_LENGTH:
        return SearchQuery(text="", problem=TOO_LONG, given_length=len(raw))
    text = clean_text(raw)
    if not text:
        return SearchQuery(text="", problem=EMPTY, given_length=len(raw))
    return SearchQuery(text=text, given_length=len(raw))
