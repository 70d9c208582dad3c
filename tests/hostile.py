"""Hypothesis strategies for hostile query-string values (issue 14: no 5xx from input).

Each family is one that broke a page or the API once, or sits at an edge a parser must
know: Unicode digits that ``str.isdigit()`` accepts, numbers at and past the PostgreSQL
integer and bigint limits, times at and past ±15:59 offsets and the calendar's ends, NUL
bytes, and any other text (surrogates aside: they cannot travel in a URL).
"""

from __future__ import annotations

from datetime import datetime

from hypothesis import strategies as st

INT_EDGES = (2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64)

unicode_digits = st.sampled_from(["\u00b3", "\u00b9", "\u0663", "\uff11", "\u00bd", "\u2163"])
numbers = st.one_of(
    st.integers(-5, 250).map(str),
    st.sampled_from(INT_EDGES).map(str),
    st.sampled_from(INT_EDGES).map(lambda n: f"-{n}"),
    st.sampled_from(["1e3", "1.5", " 1", "1 ", "+1", "0x1f", "1_000", "9" * 40, "0" * 30 + "1"]),
)
offsets = st.sampled_from(["", "Z", "+00:00", "+15:59", "-15:59", "+16:00", "-16:00", "+23:59"])
times = st.builds(
    lambda moment, offset: moment.isoformat() + offset,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    offsets,
)
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
with_nul = st.builds(lambda a, b: f"{a}\x00{b}", any_text, any_text)


# Values that each broke something once (or sit on the edge of breaking it).
edges = st.sampled_from(
    [
        "\u00b3",
        "\u00b9",
        "",
        "0",
        "-1",
        str(2**31),
        str(2**63),
        "\x00",
        "2026-01-31T09:00:00+16:00",
        "2026-01-31T09:00:00-16:00",
        "9999-12-31T23:59:59-15:00",
        "0001-01-01T00:00:00+15:00",
    ]
)
hostile = st.one_of(edges, unicode_digits, numbers, times, any_text, with_nul)


def values(*known: str) -> st.SearchStrategy[str]:
    """A parameter's value: about half the time one it accepts (``known``), else hostile."""
    return st.one_of(st.sampled_from(known), hostile) if known else hostile
