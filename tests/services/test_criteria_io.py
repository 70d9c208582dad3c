"""Criteria as JSON: export a version, import a file as a draft (all or nothing)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qualification.models import CriteriaVersion, Criterion, QualificationPolicy, VersionStatus
from qualification.roles import Role
from qualification.services.criteria import (
    SCHEMA_VERSION,
    CriteriaImportError,
    criteria_draft_import,
    criteria_export,
)
from qualification.services.versions import NotAllowed, draft_changes, draft_publish
from tests import factories
from tests.factories import criterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops():
    return factories.user(Role.OPS, username="olivia")


@pytest.fixture
def catalog():
    term = factories.term(term="Intent", slug="intent", owner_team="marketing")
    criterion(
        key="pricing-views",
        name="Pricing page views",
        kind="intent",
        applies_to="mql",
        signal_type="event",
        event_name="Pricing Page Viewed",
        threshold=3,
        window_days=7,
        points=15,
        half_life_days=14.0,
        reason_template="Viewed the pricing page {times} {window}",
        glossary_term=term,
        owner_team="marketing",
    )
    criterion(
        key="country-not-served",
        name="Country not served",
        kind="disqualifier",
        signal_type="attribute",
        attribute="account.country",
        operator="not_in",
        value=["DE", "FR", "US"],
        points=0,
        reason_template="Based in {value}, which we do not serve",
        owner_team="sales",
    )
    factories.policy(mql_threshold=55, hand_raiser_events=["Demo Requested"])
    return term


def _write(tmp_path: Path, data) -> str:
    path = tmp_path / "criteria.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def _import(path: str, *args: str) -> None:
    call_command("criteria_import", path, "--draft", "--user", "olivia", *args)


def _drafts() -> list[CriteriaVersion]:
    return list(CriteriaVersion.objects.filter(status=VersionStatus.DRAFT))


# --- export --------------------------------------------------------------------------------


def test_export_prints_the_published_version_with_its_policy(catalog, capsys):
    call_command("criteria_export")
    exported = json.loads(capsys.readouterr().out)
    assert exported["version"] == SCHEMA_VERSION == 2
    assert exported["criteria_version"] == 1
    assert exported["draft"] is None
    assert [c["key"] for c in exported["criteria"]] == ["country-not-served", "pricing-views"]
    pricing = exported["criteria"][1]
    assert pricing["glossary_term"] == "intent"
    assert pricing["half_life_days"] == 14.0
    assert exported["policy"]["mql_threshold"] == 55
    assert exported["policy"]["hand_raiser_events"] == ["Demo Requested"]


def test_export_a_draft_or_an_earlier_version(catalog, ops, capsys):
    draft = factories.draft(author=ops, title="More for pricing")
    Criterion.objects.filter(version=draft, key="pricing-views").update(points=25)
    call_command("criteria_export", "--draft", str(draft.pk))
    exported = json.loads(capsys.readouterr().out)
    assert (exported["criteria_version"], exported["draft"]) == (None, draft.pk)
    assert exported["criteria"][1]["points"] == 25

    draft_publish(user=ops, draft=draft, note="Pricing matters more")
    call_command("criteria_export", "--version", "1")
    assert json.loads(capsys.readouterr().out)["criteria"][1]["points"] == 15
    call_command("criteria_export")
    assert json.loads(capsys.readouterr().out)["criteria_version"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--version", "9"], "No published version 9"), (["--draft", "1"], "use --version 1")],
)
def test_export_of_an_unknown_version_or_draft_is_refused(catalog, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("criteria_export", *args)


# --- import as a draft ---------------------------------------------------------------------


def test_round_trip_makes_a_draft_with_no_changes(catalog, ops, tmp_path, capsys):
    exported = criteria_export()
    _import(_write(tmp_path, exported), "--title", "Same again")
    out = capsys.readouterr().out
    [draft] = _drafts()
    assert f"Draft {draft.pk} created: Same again (based on Version 1)." in out
    assert "No changes against Version 1." in out
    assert draft_changes(draft) == []
    assert draft.author == ops
    assert criteria_export(version=draft)["criteria"] == exported["criteria"]
    # The live rules did not move: the published version is still the only published one.
    assert Criterion.objects.published().get(key="pricing-views").points == 15


def test_import_lists_the_changes_and_the_criteria_it_removes(catalog, ops, tmp_path, capsys):
    data = criteria_export()
    data["criteria"] = [c for c in data["criteria"] if c["key"] == "pricing-views"]
    data["criteria"][0]["points"] = 25
    data["policy"]["mql_threshold"] = 60
    _import(_write(tmp_path, data))
    out = capsys.readouterr().out
    [draft] = _drafts()
    assert draft.title == "Imported from criteria.json"
    assert "Removed: country-not-served" in out
    assert "Pricing page views: 15 → 25 points" in out
    assert "MQL threshold 55 → 60" in out
    assert f"criteria_publish {draft.pk}" in out
    assert set(Criterion.objects.filter(version=draft).values_list("key", flat=True)) == {
        "pricing-views"
    }
    assert QualificationPolicy.objects.get(version=draft).mql_threshold == 60


def test_schema_version_1_file_keeps_the_published_policy(catalog, ops, tmp_path, capsys):
    entries = criteria_export()["criteria"]
    entries[1]["points"] = 30
    _import(_write(tmp_path, {"version": 1, "criteria": entries}))
    out = capsys.readouterr().out
    assert "The file has no policy: the draft keeps Version 1's." in out
    [draft] = _drafts()
    policy = QualificationPolicy.objects.get(version=draft)
    assert (policy.mql_threshold, policy.hand_raiser_events) == (55, ["Demo Requested"])
    assert [c[5] for c in draft_changes(draft)] == ["Pricing page views: 15 → 30 points"]


def test_a_partial_policy_keeps_the_other_published_fields(catalog, ops):
    data = criteria_export()
    data["policy"] = {"tier_hot": 90}
    made = criteria_draft_import(user=ops, data=data)
    policy = QualificationPolicy.objects.get(version=made.draft)
    assert (policy.tier_hot, policy.mql_threshold) == (90, 55)
    assert [c.text for c in made.changes] == ["Hot tier at 80 → 90"]


def test_two_bad_entries_are_both_named_and_nothing_is_created(catalog, ops, tmp_path):
    data = criteria_export()
    data["criteria"][0]["operator"] = "approx"
    data["criteria"][1]["window_days"] = -3
    data["policy"]["tier_warm"] = 500
    with pytest.raises(CommandError) as exc:
        _import(_write(tmp_path, data))
    message = str(exc.value)
    assert "3 problem(s); nothing was created" in message
    assert "criteria[1] (country-not-served).operator:" in message
    assert "criteria[2] (pricing-views).window_days:" in message
    assert "policy.tier_warm: Tier thresholds must descend" in message
    assert _drafts() == []
    assert CriteriaVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda c: c.update(window_days=-3), "window_days"),
        (lambda c: c.update(operator="approx"), "operator"),
        (lambda c: c.update(reason_template="Viewed {pages}"), "reason_template"),
        (lambda c: c.update(glossary_term="nope"), "glossary_term"),
        (lambda c: c.pop("points"), "points"),
        (lambda c: c.update(colour="red"), "colour"),
        (lambda c: c.update(kind="vibes"), "kind"),
        (lambda c: c.update(event_name="Pricing Page Vewed"), "event_name"),
        (lambda c: c.update(points="lots"), "points"),
    ],
    ids=[
        "negative-window",
        "unknown-operator",
        "bad-placeholder",
        "unknown-term",
        "missing",
        "extra",
        "bad-kind",
        "unknown-event",
        "not-a-number",
    ],
)
def test_invalid_entry_names_entry_key_and_field(catalog, ops, mutate, field):
    data = copy.deepcopy(criteria_export())
    data["criteria"][0]["points"] = 0  # a valid change that must not land either
    mutate(data["criteria"][0] if field == "operator" else data["criteria"][1])
    with pytest.raises(CriteriaImportError) as exc:
        criteria_draft_import(user=ops, data=data)
    [problem] = exc.value.problems
    assert problem.field == field
    assert problem.entry == (1 if field == "operator" else 2)
    assert problem.key == ("country-not-served" if field == "operator" else "pricing-views")
    assert _drafts() == []


def test_duplicate_keys_and_unknown_policy_fields_are_refused(catalog, ops):
    data = criteria_export()
    data["criteria"].append(copy.deepcopy(data["criteria"][0]))
    data["policy"]["mql_treshold"] = 50
    with pytest.raises(CriteriaImportError) as exc:
        criteria_draft_import(user=ops, data=data)
    assert [str(p) for p in exc.value.problems] == [
        "criteria[3] (country-not-served).key: Appears twice in the file.",
        "policy.mql_treshold: Unknown field.",
    ]


def test_marketing_imports_changes_to_its_own_criteria_only(catalog):
    marketer = factories.user(Role.MARKETING, username="mia")
    data = criteria_export()
    data["criteria"][1]["points"] = 20  # pricing-views: marketing's
    assert criteria_draft_import(user=marketer, data=data).draft.author == marketer

    data["criteria"][0]["points"] = -5  # country-not-served: sales'
    data["policy"]["mql_threshold"] = 40
    with pytest.raises(NotAllowed, match=r"country-not-served \(sales\).*policy"):
        criteria_draft_import(user=marketer, data=data)
    sdr = factories.user(Role.SDR, username="sam")
    with pytest.raises(NotAllowed, match="make criteria drafts"):
        criteria_draft_import(user=sdr, data=criteria_export())
    assert len(_drafts()) == 1


def test_import_without_draft_explains_that_criteria_change_through_drafts(catalog, tmp_path):
    with pytest.raises(CommandError, match=r"use --draft.*criteria_preview.*criteria_publish"):
        call_command("criteria_import", _write(tmp_path, criteria_export()))
    assert _drafts() == []


@pytest.mark.parametrize(
    ("user", "message"), [(None, "--user USERNAME"), ("ghost", "No active user named 'ghost'")]
)
def test_import_needs_a_known_user(catalog, tmp_path, user, message):
    args = ["--user", user] if user else []
    with pytest.raises(CommandError, match=message):
        call_command("criteria_import", _write(tmp_path, criteria_export()), "--draft", *args)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"version": 3, "criteria": []}', "Unsupported version 3"),
        ('{"version": 2, "criteria": {}}', "Expected a list"),
        ('{"version": 1, "criteria": [], "policy": {}}', "Version 1 files have no policy"),
        ('{"version": 2, "criteria": [], "colour": 1}', "colour: Unknown field"),
        ("[1, 2]", "Expected a JSON object"),
    ],
)
def test_command_reports_bad_files(ops, tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        _import(_write(tmp_path, content))
    assert _drafts() == []


def test_command_reports_missing_file(ops, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _import(str(tmp_path / "absent.json"))
