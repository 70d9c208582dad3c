"""PreviewTally: the effect of a draft over every lead, tallied lead by lead (no database)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification.core.governance import PreviewLead, PreviewTally
from qualification.core.scoring import ScoreResult
from tests.core.governance.builders import contribution, result

NAMES = {"pricing": "Pricing page views", "spam": "Spam domain", "fit": "Fit"}
ALIASES = {"d_pricing": "pricing", "d_spam": "spam"}


def lead(id: int, stage: str) -> PreviewLead:
    return PreviewLead(id, f"Lead {id}", f"lead{id}@acme.io", stage)


# (lead, published, draft), see each comment for what the lead does.
ROWS: list[tuple[PreviewLead, ScoreResult, ScoreResult]] = [
    # 1: enters the MQL queue; tier cool → warm; +25.
    (
        lead(1, "new"),
        result(40, 2, contributions=(contribution("pricing", 0), contribution("fit", 30, "CTO"))),
        result(
            65,
            3,
            "mql",
            contributions=(
                contribution("webinar", 10, "Webinar"),
                contribution("d_pricing", 25, "Pricing 5 times"),
                contribution("zero", 0, "Nothing"),
                contribution("fit", 30, "CTO"),
                contribution("blog", 5, "Blog"),
            ),
        ),
    ),
    # 2: leaves the MQL queue (the stage stays mql, the queue empties); -15.
    (
        lead(2, "mql"),
        result(
            70,
            3,
            "mql",
            contributions=(contribution("pricing", 20, "Pricing"), contribution("fit", 50, "VP")),
        ),
        result(55, 3, contributions=(contribution("pricing", 20), contribution("fit", 35))),
    ),
    # 3: moves from the MQL queue to the PQL queue; no score change.
    (lead(3, "mql"), result(85, 4, "mql"), result(85, 4, "pql")),
    # 4: in sales, so in no queue on either side; hot → cold; -70.
    (lead(4, "sql"), result(90, 4, "mql"), result(20, 1)),
    # 5: the draft disqualifies it: leaves the PQL queue; warm → cold.
    (
        lead(5, "pql"),
        result(50, 3, "pql", contributions=(contribution("usage", 50, "Active"),)),
        result(50, 1, disqualifiers=(contribution("d_spam", 0, "Spam domain", "disqualifier"),)),
    ),
    # 6: nothing happens.
    (lead(6, "new"), result(10, 1), result(10, 1)),
]


def tally_of(rows, **options) -> PreviewTally:
    tally = PreviewTally({"pricing", "spam"}, NAMES, ALIASES, **options)
    for row in rows:
        tally.add(*row)
    return tally


def sample(id: int, before: int, after: int, tiers: tuple[int, int], reasons: list[str]):
    return {
        "id": id,
        "name": f"Lead {id}",
        "email": f"lead{id}@acme.io",
        "before": before,
        "after": after,
        "tier_before": tiers[0],
        "tier_after": tiers[1],
        "reasons": reasons,
    }


def mover(id: int, before: int, after: int):
    return {
        "id": id,
        "name": f"Lead {id}",
        "email": f"lead{id}@acme.io",
        "before": before,
        "after": after,
        "delta": after - before,
    }


def test_figures_of_the_fixture():
    figures = tally_of(ROWS).figures()
    assert figures == {
        "leads": 6,
        "entering": 2,
        "leaving": 3,
        "queues_moves": {
            "mql": {"entering": 1, "leaving": 2},
            "pql": {"entering": 1, "leaving": 1},
        },
        "samples": {
            "entering": {
                # The draft's top three contributions by size, zero points left out.
                "mql": [sample(1, 40, 65, (2, 3), ["CTO", "Pricing 5 times", "Webinar"])],
                "pql": [sample(3, 85, 85, (4, 4), [])],
            },
            "leaving": {
                "mql": [
                    sample(3, 85, 85, (4, 4), []),
                    sample(2, 70, 55, (3, 3), ["VP", "Pricing"]),
                ],
                "pql": [sample(5, 50, 50, (3, 1), ["Spam domain"])],
            },
        },
        "tier_changes": [
            {"from": 2, "to": 3, "count": 1},
            {"from": 3, "to": 1, "count": 1},
            {"from": 4, "to": 1, "count": 1},
        ],
        "tier_changed": 3,
        "top_movers": [mover(4, 90, 20), mover(1, 40, 65), mover(2, 70, 55)],
        "queue_sizes": {
            "published": {
                "mql": {"total": 2, "hot": 1, "warm": 1, "cool": 0, "cold": 0},
                "pql": {"total": 1, "hot": 0, "warm": 1, "cool": 0, "cold": 0},
            },
            "draft": {
                "mql": {"total": 1, "hot": 0, "warm": 1, "cool": 0, "cold": 0},
                "pql": {"total": 1, "hot": 1, "warm": 0, "cool": 0, "cold": 0},
            },
        },
        "criteria_fires": [
            {"key": "pricing", "name": "Pricing page views", "published": 1, "draft": 2},
            {"key": "spam", "name": "Spam domain", "published": 0, "draft": 1},
        ],
    }
    assert json.loads(json.dumps(figures)) == figures


def test_samples_and_movers_are_bounded_best_first_ties_by_id():
    rows = [
        (lead(i, "new"), result(0, 1), result(70 if i % 2 else 60, 3, "mql")) for i in range(1, 9)
    ]
    figures = tally_of(rows, sample_size=3, movers=2).figures()
    assert [s["id"] for s in figures["samples"]["entering"]["mql"]] == [1, 3, 5]
    assert [m["id"] for m in figures["top_movers"]] == [1, 3]
    assert figures["entering"] == 8


def test_a_zero_sample_size_keeps_counting():
    figures = tally_of(ROWS, sample_size=0, movers=0).figures()
    assert figures["samples"]["leaving"]["mql"] == []
    assert figures["top_movers"] == []
    assert figures["leaving"] == 3


@pytest.mark.parametrize("cut", [0, 2, 3, 6])
def test_merging_two_halves_equals_one_pass(cut: int):
    one_pass = tally_of(ROWS, sample_size=1, movers=2).figures()
    first = tally_of(ROWS[:cut], sample_size=1, movers=2)
    merged = first.merge(tally_of(ROWS[cut:], sample_size=1, movers=2))
    assert merged is first
    assert merged.figures() == one_pass


def test_state_round_trips_through_json_and_resumes():
    stored = json.dumps(tally_of(ROWS[:3], sample_size=1).state())
    resumed = PreviewTally.from_state(json.loads(stored))
    for row in ROWS[3:]:
        resumed.add(*row)
    assert resumed.figures() == tally_of(ROWS, sample_size=1).figures()


def test_an_unknown_state_version_is_refused():
    state = tally_of(ROWS).state()
    state["version"] = 99
    with pytest.raises(ValueError, match="version"):
        PreviewTally.from_state(state)


_stage = st.sampled_from(["new", "mql", "active_user", "pql", "sql"])
_side = st.tuples(
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=1, max_value=4),
    st.sampled_from(["none", "mql", "pql", "cs"]),
    st.booleans(),
)


def _result(side) -> ScoreResult:
    total, tier, queue, pricing = side
    return result(
        total, tier, queue, contributions=(contribution("pricing", 10),) if pricing else ()
    )


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(_stage, _side, _side), max_size=30), st.data())
def test_chunks_in_any_split_equal_one_pass(specs, data):
    rows = [(lead(i, stage), _result(a), _result(b)) for i, (stage, a, b) in enumerate(specs)]
    cut = data.draw(st.integers(min_value=0, max_value=len(rows)))
    options = {"sample_size": 2, "movers": 3}
    whole = tally_of(rows, **options).figures()
    first = PreviewTally.from_state(json.loads(json.dumps(tally_of(rows[:cut], **options).state())))
    assert first.merge(tally_of(rows[cut:], **options)).figures() == whole
    assert whole["entering"] == sum(q["entering"] for q in whole["queues_moves"].values())
    assert whole["tier_changed"] == sum(1 for _, a, b in rows if a.tier != b.tier)
