"""The search box's input, cleaned without a database (core.search)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification.core.search import (
    EMPTY,
    MAX_QUERY_LENGTH,
    TOO_LONG,
    clean_text,
    parse_query,
)


@pytest.mark.parametrize(
    ("raw", "text", "problem"),
    [
        (None, "", EMPTY),
        ("", "", EMPTY),
        ("   \t\n ", "", EMPTY),
        ("\x00", "", EMPTY),
        ("  Ada   Lovelace ", "Ada Lovelace", ""),
        ("ada\x00lovelace", "ada lovelace", ""),
        ("50%_off\\", "50%_off\\", ""),  # LIKE's wildcards are the lookup's to escape
        ("Zoë", "Zoë", ""),
        ("Zoe\u0308", "Zoë", ""),  # decomposed: NFC matches what was stored
        ("bad\ud800surrogate", "bad surrogate", ""),
        ("zero\u200bwidth", "zero width", ""),
        ("株式会社", "株式会社", ""),
        ("x" * MAX_QUERY_LENGTH, "x" * MAX_QUERY_LENGTH, ""),
        ("x" * (MAX_QUERY_LENGTH + 1), "", TOO_LONG),
    ],
)
def test_parse_query(raw, text, problem):
    query = parse_query(raw)
    assert (query.text, query.problem) == (text, problem)
    assert query.searchable is (problem == "")


def test_too_long_keeps_the_length_it_was_given():
    assert parse_query("y" * 5000).given_length == 5000


@pytest.mark.parametrize(("raw", "prefix_only"), [("a", True), ("ab", True), ("abc", False)])
def test_short_queries_match_from_the_start_only(raw, prefix_only):
    assert parse_query(raw).prefix_only is prefix_only


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=MAX_QUERY_LENGTH))
def test_cleaned_text_is_safe_for_any_database(raw):
    """No NUL, no surrogate, no control character, no edge or double spaces; idempotent."""
    text = parse_query(raw).text
    assert "\x00" not in text
    text.encode("utf-8")  # a lone surrogate would raise here (and in the driver)
    assert text == text.strip()
    assert "  " not in text
    assert all(ch.isprintable() or ch == " " for ch in text)
    assert clean_text(text) == text
