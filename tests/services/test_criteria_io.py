"""Criteria JSON export/import: round trip, validation, all-or-nothing."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from qualification.models import Criterion, GlossaryTerm
from qualification.services.criteria import CriteriaImportError, criteria_export, criteria_import
from tests.factories import criterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    term = GlossaryTerm.objects.create(
        term="Intent", slug="intent", definition="Signs of buying interest.", owner_team="marketing"
    )
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
    return term


def test_round_trip_reproduces_every_field(catalog, tmp_path, capsys):
    call_command("criteria_export")
    exported = json.loads(capsys.readouterr().out)
    assert exported["version"] == 1
    assert [c["key"] for c in exported["criteria"]] == ["country-not-served", "pricing-views"]
    pricing = exported["criteria"][1]
    assert pricing["glossary_term"] == "intent"
    assert pricing["half_life_days"] == 14.0

    Criterion.objects.all().delete()
    path = tmp_path / "criteria.json"
    path.write_text(json.dumps(exported))
    call_command("criteria_import", str(path))
    assert "2 created" in capsys.readouterr().out
    assert criteria_export() == exported


def test_import_updates_by_key_and_reports_unchanged(catalog):
    data = criteria_export()
    data["criteria"][1]["points"] = 25
    report = criteria_import(data=data)
    assert report.updated == ["pricing-views"]
    assert report.unchanged == ["country-not-served"]
    assert Criterion.objects.get(key="pricing-views").points == 25
    history = Criterion.objects.get(key="pricing-views").history.first()
    assert history.history_change_reason == "Imported from JSON"


def test_deactivate_missing(catalog):
    data = criteria_export()
    data["criteria"] = [c for c in data["criteria"] if c["key"] == "pricing-views"]
    report = criteria_import(data=data, deactivate_missing=True)
    assert report.deactivated == ["country-not-served"]
    assert not Criterion.objects.get(key="country-not-served").is_active


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
    ],
    ids=[
        "negative-window",
        "unknown-operator",
        "bad-placeholder",
        "unknown-term",
        "missing",
        "extra",
        "bad-kind",
    ],
)
def test_invalid_entry_names_the_field_and_changes_nothing(catalog, mutate, field):
    before = criteria_export()
    data = copy.deepcopy(before)
    data["criteria"][0]["points"] = 0  # a valid change that must not land either
    data["criteria"][1]["points"] = 99
    if field == "operator":
        mutate(data["criteria"][0])
    else:
        mutate(data["criteria"][1])
    with pytest.raises(CriteriaImportError) as exc:
        criteria_import(data=data)
    assert any(problem.field == field for problem in exc.value.problems), exc.value.problems
    assert criteria_export() == before


def test_duplicate_keys_refused(catalog):
    data = criteria_export()
    data["criteria"].append(copy.deepcopy(data["criteria"][0]))
    with pytest.raises(CriteriaImportError, match="Appears twice"):
        criteria_import(data=data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"version": 2, "criteria": []}', "Unsupported version"),
        ('{"version": 1, "criteria": {}}', "Expected a list"),
        ("[1, 2]", "Expected a JSON object"),
    ],
)
def test_command_reports_bad_files(tmp_path, content, message):
    path = tmp_path / "c.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("criteria_import", str(path))


def test_command_reports_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("criteria_import", str(tmp_path / "absent.json"))
