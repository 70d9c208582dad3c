"""Prepared criteria: what preparing once per rescore must not change (no database).

The engine's prepared path is checked against fixed values and against the reference
scorer (``reference.py``; generated cases in ``test_reference.py``), its reasons against
``render_reason``, and its frozen results against their constructors.
"""

from __future__ import annotations

import dataclasses

import pytest

from qualification.core.scoring import (
    Contribution,
    EventSignal,
    NearMiss,
    PolicySpec,
    PreparedCriteria,
    ReasonContext,
    ScoreResult,
    apply_operator,
    prepare_criteria,
    render_reason,
    score_lead,
)
from qualification.core.scoring.types import build_frozen, field_template
from tests.core.scoring.builders import (
    ACME,
    NOW,
    attribute_criterion,
    days_ago,
    event_criterion,
    lead_signals,
    seen,
)
from tests.core.scoring.reference import engine_view, reference_score

POLICY = PolicySpec(mql_threshold=20, mql_min_fit=0)

CRITERIA = [
    attribute_criterion("industry", "account.industry", "in", ["Fintech", "saas"]),
    attribute_criterion("size", "account.employee_count", "between", [10, "1,000"]),
    attribute_criterion("unknown_trait", "lead.traits.seats", "gte", 5),
    attribute_criterion(
        "personal", "lead.email_domain", "in", ["gmail.com"], kind="disqualifier", points=0
    ),
    event_criterion("pricing", half_life_days=7, reason_template="Pricing {times}, {last_seen}"),
    event_criterion(
        "docs",
        threshold=4,
        points=2,
        points_mode="per_occurrence",
        max_occurrences=3,
        property_filter={"section": "api", "lang": "en"},
        reason_template="Read {count} {value} docs {window} at {account} ({country})",
    ),
]

SIGNALS = [
    lead_signals(events={"pricing": seen(3, last=2, decayed=2.0), "docs": seen(6)}),
    lead_signals(events={"docs": seen(2)}, account=None),
    lead_signals(lead={"email": "ada@gmail.com"}, events={"pricing": seen(1, last=0)}),
]


# Worked out by hand from the rules in conditions.py: SIGNALS with what each scores.
CASES = [
    pytest.param(
        # Fintech is in the list, 40 is within [10, 1,000]; pricing decays from its last
        # event 2 days ago (10 x 0.5 ** (2 / 7) = 8.2 → 8); docs pays 2 x min(6, 3).
        SIGNALS[0],
        (20, 14, 0),
        [("industry", 10), ("size", 10), ("pricing", 8), ("docs", 6)],
        [],
        ["lead.traits.seats"],
        [],
        id="fires-decays-and-caps",
    ),
    pytest.param(
        # No account: both account attributes unknown. Docs: 2 of 4 is half, a near miss.
        SIGNALS[1],
        (0, 0, 0),
        [],
        [("docs", 2)],
        ["account.employee_count", "account.industry", "lead.traits.seats"],
        [],
        id="no-account-near-miss",
    ),
    pytest.param(
        # A gmail.com address disqualifies; the points still count (today's pricing: no decay).
        SIGNALS[2],
        (20, 10, 0),
        [("industry", 10), ("size", 10), ("pricing", 10)],
        [],
        ["lead.traits.seats"],
        ["personal"],
        id="disqualified",
    ),
]


@pytest.mark.parametrize(
    ("signals", "subscores", "paid", "near", "unknown", "disqualifiers"), CASES
)
def test_prepared_criteria_score_as_the_rules_say(
    signals, subscores, paid, near, unknown, disqualifiers
):
    result = score_lead(prepare_criteria(CRITERIA), signals, POLICY, NOW)
    assert (result.fit, result.intent, result.usage) == subscores
    assert result.total == sum(subscores)
    assert [(c.key, c.points) for c in result.contributions] == paid
    assert [(n.key, n.have) for n in result.near_misses] == near
    assert list(result.unknown_attributes) == unknown
    assert [d.key for d in result.disqualifiers] == disqualifiers
    assert result.disqualified is bool(disqualifiers)
    assert engine_view(result) == reference_score(CRITERIA, signals, NOW)


def test_prepared_criteria_are_a_read_only_sequence_of_the_specs():
    prepared = prepare_criteria(CRITERIA)
    assert isinstance(prepared, PreparedCriteria)
    assert list(prepared) == CRITERIA
    assert len(prepared) == len(CRITERIA)
    assert prepared[0] is CRITERIA[0]
    assert prepared[-2:] == tuple(CRITERIA[-2:])
    assert {spec.key: spec.id for spec in prepared} == {spec.key: spec.id for spec in CRITERIA}
    assert prepare_criteria(prepared) is prepared


def test_plain_specs_are_prepared_on_each_call_so_a_changed_list_counts_as_it_is_now():
    criteria = [event_criterion("pricing", points=10)]
    signals = lead_signals(events={"pricing": seen(1), "demo": seen(1)})
    assert score_lead(criteria, signals, POLICY, NOW).intent == 10
    criteria[0] = event_criterion("pricing", points=25)
    assert score_lead(criteria, signals, POLICY, NOW).intent == 25
    criteria.append(event_criterion("demo", points=5))
    assert score_lead(criteria, signals, POLICY, NOW).intent == 30
    criteria.pop(0)
    assert score_lead(criteria, signals, POLICY, NOW).intent == 5


def _constructed(item):
    """The same dataclass built by its own constructor."""
    values = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    return type(item)(**values)


def test_results_are_the_dataclasses_their_constructors_make():
    # The engine builds them with types.build_frozen; they must be indistinguishable
    # (the service reads vars() of contributions and near misses, in field order).
    docs_near = lead_signals(events={"docs": seen(2), "pricing": seen(2, last=1)})
    for signals in [*SIGNALS, docs_near]:
        result = score_lead(CRITERIA, signals, POLICY, NOW)
        items = [result, *result.contributions, *result.disqualifiers, *result.near_misses]
        for item in items:
            assert item == _constructed(item)
            assert repr(item) == repr(_constructed(item))
            assert list(vars(item)) == [f.name for f in dataclasses.fields(item)]
            with pytest.raises(dataclasses.FrozenInstanceError):
                item.key = "changed"  # type: ignore[misc]
    assert score_lead(CRITERIA, docs_near, POLICY, NOW).near_misses


@pytest.mark.parametrize("cls", [Contribution, NearMiss, ScoreResult])
def test_build_frozen_equals_the_constructor(cls):
    values = field_template(cls)
    assert list(values) == [f.name for f in dataclasses.fields(cls)]
    values.update({name: index for index, name in enumerate(values)})
    first = next(iter(values))
    built = build_frozen(cls, values, **{first: "changed"})
    expected = cls(**{**values, first: "changed"})
    assert built == expected
    assert list(vars(built).items()) == list(vars(expected).items())


@pytest.mark.parametrize(
    "template",
    [
        "Works in {industry}",
        "  Works\tin   {industry} ",
        "{industry}{value}",
        "Based in {country}, {employees} people at {account} ({users} users)",
        "Read {count} docs {window} ({days} days, {times}) {last_seen} {event} {window_days}",
        "{bogus} {value[0]} {count!r:>5}",
        "no placeholder  at all ",
        "broken {",
        "",
    ],
)
@pytest.mark.parametrize(
    "account",
    [
        ACME,
        {**ACME, "name": "  Acme\u00a0 Corp ", "industry": "fin\ttech", "country": " us "},
        {**ACME, "name": "", "industry": "", "employee_count": "1,200", "country": None},
        None,
    ],
)
def test_reasons_read_as_render_reason_renders_them(template, account):
    signal = seen(3, last=1, days=2)
    event = event_criterion(
        "pricing", reason_template=template, property_filter={"page": " /pricing  "}
    )
    attribute = attribute_criterion("title", "lead.title", "is_set", reason_template=template)
    signals = lead_signals(
        lead={"email": "ada@acme.io", "title": " Head  of\nData"},
        account=account,
        events={"pricing": signal},
        account_active_users=4,
    )
    by_key = {
        c.key: c.reason for c in score_lead([event, attribute], signals, POLICY, NOW).contributions
    }
    facts = account or {}
    shared = {
        "account": (account or {}).get("name") or (account or {}).get("domain") or None,
        "employees": facts.get("employee_count"),
        "industry": facts.get("industry") or None,
        "country": facts.get("country") or None,
        "users": 4,
    }
    event_ctx = ReasonContext(
        count=3,
        days=2,
        window_days=30,
        last_seen=days_ago(1),
        value=" /pricing  ",
        event="Pricing",
        **shared,
    )
    attribute_ctx = ReasonContext(value=" Head  of\nData", has_window=False, **shared)
    assert by_key["pricing"] == render_reason(template, event_ctx, NOW)
    assert by_key["title"] == render_reason(template, attribute_ctx, NOW)


@pytest.mark.parametrize(
    ("operator", "actual", "expected", "holds"),
    [
        pytest.param("in", 1200, ["1,200", "x"], True, id="number-vs-numeric-text-option"),
        pytest.param("in", "1,200", [1200], True, id="numeric-text-vs-number-option"),
        pytest.param("in", "1,200", ["1200"], False, id="two-texts-compare-as-text"),
        pytest.param("in", True, [1, "TRUE"], True, id="bool-vs-word"),
        pytest.param("in", 1, [True], False, id="number-is-not-a-bool"),
        pytest.param("eq", float("nan"), float("nan"), False, id="nan-equals-nothing"),
        pytest.param("in", "x", [], False, id="in-no-options"),
        pytest.param("not_in", "x", [], True, id="not-in-no-options"),
        pytest.param("eq", "1e3", 1000, True, id="scientific-text"),
        pytest.param("eq", ["a", "b"], ["a", "b"], False, id="eq-list-is-one-option"),
        pytest.param("between", 5, ["1", "x"], False, id="between-bound-not-a-number"),
        pytest.param("lte", "3", "4", True, id="lte-texts-as-numbers"),
    ],
)
def test_operator_edge_cases(operator, actual, expected, holds):
    assert apply_operator(operator, actual, expected) is holds


def test_an_event_entry_of_none_counts_as_no_events():
    spec = event_criterion("pricing", threshold=2)
    signals = lead_signals(events={"pricing": None})  # type: ignore[dict-item]
    result = score_lead([spec], signals, POLICY, NOW)
    assert (result.intent, result.near_misses) == (0, ())
    assert score_lead([spec], lead_signals(events={"pricing": EventSignal()}), POLICY, NOW) == (
        result
    )
