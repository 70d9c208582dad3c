"""The feature space: columns and labels, dropped constants, JSON, random trait dicts."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qualification.core.learning import FeatureSpace, LeadInputs
from qualification.core.learning.attributes import attribute_path, input_attribute
from qualification.core.learning.features import MAX_CATEGORIES


def _leads(n: int = 30) -> list[LeadInputs]:
    return [
        LeadInputs(
            criteria={"demo": 2} if i % 2 else {},
            events={"pricing_viewed": (i % 2, i % 3, i % 4)},
            lead={
                "trait.occupation": "Rare"
                if i % 10 == 9
                else ["Student", "Working Professional"][i % 2],
                "trait.constant": "same",
                "trait.empty": None,
                "trait.age": 20 + i if i % 3 else None,
                "trait.newsletter": i % 2 == 0,
            },
            account={"employee_count": 10 * (i + 1), "name": f"Acme {i}"},
        )
        for i in range(n)
    ]


def test_columns_are_labelled_in_plain_words():
    space = FeatureSpace.fit(_leads(), criterion_names={"demo": "Asked for a demo"})
    labels = set(space.labels)
    assert "Asked for a demo" in labels
    assert "pricing_viewed events in the last 30 days" in labels
    assert "Occupation is Working Professional" in labels
    assert "Occupation is another value" in labels  # "Rare" is on fewer than 5 leads
    assert "Occupation is Rare" not in labels
    assert "Employee count" in labels
    assert "Age unknown" in labels
    assert "Newsletter: yes" in labels


def test_a_single_value_or_all_missing_is_dropped_not_a_crash():
    space = FeatureSpace.fit(_leads())
    read = {tuple(column[1:3]) for column in space.columns if len(column) > 2}
    assert ("lead", "trait.constant") not in read
    assert ("lead", "trait.empty") not in read
    assert ("account", "name") not in read  # identity, not a feature
    matrix = space.transform(_leads())
    assert (matrix.max(axis=0) > matrix.min(axis=0)).all()


def test_numbers_are_standardized_and_missing_flagged():
    leads = _leads()
    space = FeatureSpace.fit(leads)
    matrix = space.transform(leads)
    age = space.labels.index("Age")
    unknown = space.labels.index("Age unknown")
    known = matrix[:, unknown] == 0
    assert abs(matrix[known, age].mean()) < 1e-9
    assert abs(matrix[known, age].std() - 1) < 1e-9
    assert (matrix[~known, age] == 0).all()
    assert known.sum() == sum(1 for lead in leads if lead.lead["trait.age"] is not None)


def test_unseen_values_and_unknown_keys_transform_without_error():
    space = FeatureSpace.fit(_leads())
    odd = LeadInputs(
        criteria={"never_seen": 1},
        events={"new_event": (1, 1, 1)},
        lead={"trait.occupation": "Astronaut", "trait.age": "n/a", "trait.brand_new": [1, {}]},
    )
    row = space.transform([odd])[0]
    assert row[space.labels.index("Occupation is another value")] == 1
    assert row[space.labels.index("Age unknown")] == 1


def test_json_round_trip_transforms_identically():
    leads = _leads()
    space = FeatureSpace.fit(leads)
    again = FeatureSpace.from_json(space.to_json())
    assert np.array_equal(again.transform(leads), space.transform(leads))
    assert again.event_names == {"pricing_viewed"}


def test_attribute_paths_are_the_engines():
    assert attribute_path("lead", "trait.occupation") == "lead.traits.occupation"
    assert attribute_path("account", "industry") == "account.industry"
    assert input_attribute("account.traits.tech") == ("account", "trait.tech")
    assert input_attribute("nonsense") is None


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
traits = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), values, max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(traits, min_size=0, max_size=25))
# Found by this test: "0" was constant (dropped) and then read as "another value", so the
# live rows differed from the training matrix.
@example(dicts=[{"a": ["0"]}, {"a": ["0", "00"]}])
def test_any_trait_dicts_give_a_finite_matrix_of_the_right_shape(dicts):
    leads = [LeadInputs(lead={f"trait.{k}": v for k, v in d.items()}) for d in dicts]
    space = FeatureSpace.fit(leads, min_count=2)
    matrix = space.transform(leads)
    assert matrix.shape == (len(leads), len(space))
    assert len(space.labels) == len(space.columns)
    assert all(math.isfinite(v) for v in matrix.ravel())
    if len(leads):
        assert (matrix.max(axis=0) > matrix.min(axis=0)).all()
    _, fitted = FeatureSpace.fit_transform(leads, min_count=2)
    assert np.array_equal(fitted, matrix)  # live rows read as the training rows did
    again = FeatureSpace.from_json(space.to_json())
    assert np.array_equal(again.transform(leads), matrix)


def test_a_categorical_attribute_keeps_only_its_most_frequent_values():
    """2,000 e-mail domains on 20 leads each once made 2,000 columns (3 GB at 40,000
    outcomes): the most frequent ``MAX_CATEGORIES`` values keep a column, the rest share
    "another value"."""
    leads = [
        LeadInputs(criteria={}, events={}, lead={"email_domain": f"co{d}.example"}, account={})
        for d in range(MAX_CATEGORIES + 30)
        for _ in range(6 + (d < 10) * 10)  # the first ten domains are the most frequent
    ]
    space, matrix = FeatureSpace.fit_transform(leads)
    kept = [c[3] for c in space.columns if c[0] == "cat"]
    assert len(kept) == MAX_CATEGORIES
    assert {f"co{d}.example" for d in range(10)} <= set(kept)
    other = next(i for i, c in enumerate(space.columns) if c[0] == "other")
    assert matrix[:, other].sum() == 6 * (MAX_CATEGORIES + 30 - MAX_CATEGORIES)


def test_numbers_near_the_float_limit_stay_finite_and_ordered():
    """A trait sent through ``identify`` may hold any number: -1e308 squared is infinite,
    which made the spread infinite and the column NaN (the model then cannot fit)."""
    values = [-1.7e308, -5.0, 0.0, 3.0, 1.7e308, 1e99]
    leads = [LeadInputs(lead={"trait.balance": value}) for value in values * 2]
    with np.errstate(all="raise"):
        space, matrix = FeatureSpace.fit_transform(leads, min_count=1)
        live = space.transform([LeadInputs(lead={"trait.balance": -1e308})])
    column = space.labels.index("Balance")
    assert np.isfinite(matrix).all()
    assert np.isfinite(live).all()
    assert list(np.argsort(matrix[: len(values), column], kind="stable")) == [0, 1, 2, 3, 5, 4]
    assert live[0, column] == matrix[0, column]  # beyond the limit counts as the limit
