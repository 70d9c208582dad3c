"""The shared parameter parsers (core.params): ASCII digits in a bounded range, storable times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualification.core.params import (
    BIGINT_MAX,
    INT_MAX,
    ParameterError,
    storable_moment,
    whole_number,
    whole_number_or_none,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, None), ("", None), ("0", 0), ("7", 7), ("007", 7), (str(BIGINT_MAX), BIGINT_MAX)],
)
def test_whole_number_reads_ascii_digits(raw, expected):
    assert whole_number(raw, name="page") == expected


@pytest.mark.parametrize(
    "raw",
    [
        "\u00b3",  # superscript three: str.isdigit() is true, int() refuses it
        "\u00b9",
        "\u0663",  # Arabic-Indic three: int() reads it as 3
        "\uff11",  # fullwidth one
        "-1",
        "+1",
        " 1",
        "1 ",
        "1.0",
        "1e3",
        "0x10",
        "1_000",
        "abc",
        str(BIGINT_MAX + 1),
        "9" * 5000,  # past Python's int() conversion limit: refused before converting
    ],
)
def test_whole_number_refuses_anything_else_naming_the_parameter(raw):
    with pytest.raises(ParameterError) as refused:
        whole_number(raw, name="owner")
    assert isinstance(refused.value, ValueError)
    assert refused.value.name == "owner"
    assert str(refused.value).startswith("owner: give a whole number from 0 to ")


@pytest.mark.parametrize(("raw", "ok"), [("0", False), ("1", True), ("200", True), ("201", False)])
def test_whole_number_bounds(raw, ok):
    if ok:
        assert whole_number(raw, name="page_size", minimum=1, maximum=200) == int(raw)
    else:
        with pytest.raises(ParameterError, match=r"^page_size: give a whole number from 1 to 200"):
            whole_number(raw, name="page_size", minimum=1, maximum=200)


def test_whole_number_or_none_falls_back_instead_of_refusing():
    assert whole_number_or_none("12") == 12
    assert whole_number_or_none("³") is None
    assert whole_number_or_none(str(INT_MAX + 1), maximum=INT_MAX) is None


@given(st.text(max_size=25))
def test_whole_number_never_fails_otherwise(raw):
    try:
        number = whole_number(raw, name="n")
    except ParameterError:
        assert not (raw.isascii() and raw.isdigit() and int(raw) <= BIGINT_MAX)
    else:
        assert number is None or str(number) == (raw.lstrip("0") or "0")


@pytest.mark.parametrize(
    "hours", [timedelta(hours=15, minutes=59), -timedelta(hours=15, minutes=59)]
)
def test_storable_moment_keeps_postgresql_offsets(hours):
    when = datetime(2026, 1, 31, 9, tzinfo=timezone(hours))
    assert storable_moment(when, name="updated_since") is when


@pytest.mark.parametrize(
    ("when", "said"),
    [
        (datetime(2026, 1, 31, tzinfo=timezone(timedelta(hours=16))), "UTC offset"),
        (datetime(2026, 1, 31, tzinfo=timezone(-timedelta(hours=16))), "UTC offset"),
        (datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=15))), "years 1 and 9999"),
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=15))), "years 1 and 9999"),
    ],
)
def test_storable_moment_refuses_what_postgresql_or_utc_cannot_hold(when, said):
    with pytest.raises(ParameterError, match=f"^updated_since: .*{said}"):
        storable_moment(when, name="updated_since")


def test_storable_moment_in_utc():
    when = datetime(2026, 1, 31, tzinfo=UTC)
    assert storable_moment(when, name="since") is when
