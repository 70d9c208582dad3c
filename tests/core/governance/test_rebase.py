"""rebase: a stale draft's edits replayed on the newly published content (no database)."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from qualification.core.governance import Conflict, changed_criterion_keys, rebase, version_diff
from tests.core.governance.builders import criterion, snapshot


def test_non_overlapping_edits_are_combined_without_conflict():
    base = snapshot()
    draft = snapshot({"pricing": criterion(points=25)}, mql_threshold=55)
    published = snapshot({"pricing": criterion(threshold=5)}, tier_hot=90)
    merged, conflicts = rebase(base, draft, published)
    assert conflicts == []
    assert merged == snapshot(
        {"pricing": criterion(points=25, threshold=5)}, mql_threshold=55, tier_hot=90
    )


def test_a_field_changed_differently_on_both_sides_keeps_the_draft_value():
    base = snapshot()
    draft = snapshot({"pricing": criterion(points=25)})
    published = snapshot({"pricing": criterion(points=30)})
    merged, conflicts = rebase(base, draft, published)
    assert merged["criteria"]["pricing"]["points"] == 25
    assert conflicts == [
        Conflict(
            "pricing",
            "points",
            20,
            25,
            30,
            "Pricing page views points: you set 25, the published version now has 30; kept yours",
        )
    ]


def test_the_same_edit_on_both_sides_is_no_conflict():
    draft = snapshot({"pricing": criterion(points=25)}, mql_threshold=55)
    merged, conflicts = rebase(snapshot(), draft, copy.deepcopy(draft))
    assert conflicts == []
    assert merged == draft


def test_policy_conflict_reads_with_the_policy_label():
    merged, conflicts = rebase(
        snapshot(), snapshot(window_days=None, mql_threshold=55), snapshot(mql_threshold=65)
    )
    assert merged["policy"]["mql_threshold"] == 55
    [conflict] = conflicts
    assert (conflict.key, conflict.field) == ("", "mql_threshold")
    assert (
        conflict.text == "MQL threshold: you set 55, the published version now has 65; kept yours"
    )


def test_window_conflict_shows_ever_for_no_window():
    draft = snapshot({"pricing": criterion(window_days=None)})
    published = snapshot({"pricing": criterion(window_days=30)})
    [conflict] = rebase(snapshot(), draft, published).conflicts
    assert (
        conflict.text
        == "Pricing page views window: you set ever, the published version now has 30; kept yours"
    )


def test_event_lists_merge_as_sets():
    base = snapshot(hand_raiser_events=["A", "B"])
    draft = snapshot(hand_raiser_events=["B", "C"])  # removed A, added C
    published = snapshot(hand_raiser_events=["A", "B", "D"])  # added D
    merged, conflicts = rebase(base, draft, published)
    assert conflicts == []
    assert merged["policy"]["hand_raiser_events"] == ["B", "D", "C"]


def test_criterion_added_by_the_draft_only_is_added():
    demo = criterion(name="Demo", points=25)
    published = snapshot(mql_threshold=50)
    merged, conflicts = rebase(
        snapshot(), snapshot({"pricing": criterion(), "demo": demo}), published
    )
    assert conflicts == []
    assert merged["criteria"] == {"pricing": criterion(), "demo": demo}
    assert merged["policy"]["mql_threshold"] == 50


def test_criterion_added_on_both_sides_differently_is_a_conflict():
    mine, theirs = criterion(name="Demo", points=25), criterion(name="Demo", points=10)
    merged, conflicts = rebase(
        snapshot(),
        snapshot({"pricing": criterion(), "demo": mine}),
        snapshot({"pricing": criterion(), "demo": theirs}),
    )
    assert merged["criteria"]["demo"] == mine
    assert conflicts == [
        Conflict(
            "demo",
            "",
            None,
            mine,
            theirs,
            "Demo: you and the published version both added it, differently; kept yours",
        )
    ]


def test_changed_here_removed_there_keeps_the_draft_criterion():
    mine = criterion(points=25)
    merged, conflicts = rebase(snapshot(), snapshot({"pricing": mine}), snapshot({}))
    assert merged["criteria"] == {"pricing": mine}
    [conflict] = conflicts
    assert (conflict.key, conflict.field, conflict.published) == ("pricing", "", None)
    assert (
        conflict.text
        == "Pricing page views: you changed it, the published version removed it; kept yours"
    )


def test_removed_here_changed_there_removes_it_and_says_so():
    theirs = criterion(points=30)
    merged, conflicts = rebase(snapshot(), snapshot({}), snapshot({"pricing": theirs}))
    assert merged["criteria"] == {}
    [conflict] = conflicts
    assert (conflict.key, conflict.draft, conflict.published) == ("pricing", None, theirs)
    assert "you removed it" in conflict.text


def test_removed_here_unchanged_there_is_removed_quietly():
    merged, conflicts = rebase(snapshot(), snapshot({}), snapshot(mql_threshold=70))
    assert (merged["criteria"], conflicts) == ({}, [])


def test_published_only_changes_survive_and_inputs_are_not_mutated():
    base, draft = snapshot(), snapshot()
    published = snapshot({"pricing": criterion(points=40), "fit": criterion(name="Fit")})
    frozen = copy.deepcopy(published)
    merged, conflicts = rebase(base, draft, published)
    assert (merged, conflicts) == (published, [])
    merged["criteria"]["pricing"]["points"] = 1
    assert published == frozen


_value = st.integers(min_value=0, max_value=3)


@settings(max_examples=50, deadline=None)
@given(st.tuples(_value, _value, _value), st.tuples(_value, _value, _value))
def test_the_draft_edits_survive_and_unrelated_published_edits_too(mine, theirs):
    """Over three criteria: every field the draft changed has the draft's value; every
    field only the published side changed has the published value."""
    base = snapshot({k: criterion(name=k) for k in "abc"})
    draft = snapshot(
        {k: criterion(name=k, points=20 + p) for k, p in zip("abc", mine, strict=True)}
    )
    published = snapshot(
        {k: criterion(name=k, points=20 + p) for k, p in zip("abc", theirs, strict=True)}
    )
    merged, conflicts = rebase(base, draft, published)
    for key, m, t in zip("abc", mine, theirs, strict=True):
        expected = 20 + (m if m else t)
        assert merged["criteria"][key]["points"] == expected
    assert {c.key for c in conflicts} == {
        k for k, m, t in zip("abc", mine, theirs, strict=True) if m and t and m != t
    }
    # Against the draft, the merge differs only where published alone changed something.
    published_only = {k for k, m, t in zip("abc", mine, theirs, strict=True) if not m and t}
    assert changed_criterion_keys(version_diff(draft, merged)) == published_only
