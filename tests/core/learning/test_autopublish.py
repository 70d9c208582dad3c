"""Which suggested point changes may publish themselves: small, clear, from enough outcomes."""

from __future__ import annotations

from qualification.core.learning.autopublish import Bounds, PointChange, changes_within_bounds

BOUNDS = Bounds(max_change=5, min_outcomes=200)


def _criterion(key, points, suggested, low, high, *, active=True):
    return {
        "key": key,
        "name": key.replace("_", " ").title(),
        "points": points,
        "suggested_points": suggested,
        "ci_low": low,
        "ci_high": high,
        "is_active": active,
    }


def test_only_small_changes_whose_interval_excludes_the_current_points_qualify():
    figures = {
        "criteria": [
            _criterion("demo_request", 30, 34, 31, 38),  # +4, interval clear of 30: yes
            _criterion("pricing_page", 10, 7, 5, 9),  # -3, interval clear of 10: yes
            _criterion("webinar", 10, 14, 8, 20),  # +4 but the interval holds 10: noise
            _criterion("free_limit", 20, 35, 30, 40),  # +15: more than a nudge
            _criterion("title_fit", 15, 15, 13, 17),  # no change
            _criterion("never_fired", 10, None, None, None),  # no suggestion
            _criterion("retired", 10, 13, 11, 15, active=False),  # inactive
        ]
    }
    changes, reason = changes_within_bounds(figures, 250, BOUNDS)
    assert changes == [
        PointChange("demo_request", "Demo Request", 30, 34),
        PointChange("pricing_page", "Pricing Page", 10, 7),
    ]
    assert reason == ""
    assert str(changes[0]) == "Demo Request 30 -> 34"


def test_a_change_of_exactly_the_bound_qualifies_and_one_more_does_not():
    figures = {"criteria": [_criterion("a", 10, 15, 12, 18), _criterion("b", 10, 16, 12, 18)]}
    changes, _ = changes_within_bounds(figures, 200, BOUNDS)
    assert [c.key for c in changes] == ["a"]


def test_too_few_outcomes_publishes_nothing_and_says_how_many_are_needed():
    figures = {"criteria": [_criterion("demo_request", 30, 34, 31, 38)]}
    changes, reason = changes_within_bounds(figures, 199, BOUNDS)
    assert changes == []
    assert "199 outcomes" in reason
    assert "200" in reason


def test_nothing_within_bounds_says_why():
    figures = {"criteria": [_criterion("webinar", 10, 14, 8, 20)], "new_criteria": [{"key": "x"}]}
    changes, reason = changes_within_bounds(figures, 500, BOUNDS)
    assert changes == []
    assert "within 5 points" in reason
