"""The criteria_publish command: publish a draft with a note, or say plainly why not."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from qualification.models import CriteriaVersion, Criterion, VersionStatus
from qualification.roles import Role
from qualification.services.versions import draft_publish
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops():
    return factories.user(Role.OPS, username="olivia")


@pytest.fixture
def draft(ops):
    factories.criterion(key="pricing", name="Pricing page views", points=20)
    made = factories.draft(author=ops, title="More for pricing")
    Criterion.objects.filter(version=made, key="pricing").update(points=25)
    return made


def _publish(*args: str) -> None:
    call_command("criteria_publish", *args)


def test_publish_prints_the_version_and_the_rescore(draft, capsys):
    factories.LeadFactory.create_batch(3)
    _publish(str(draft.pk), "--note", "Pricing views predict demos", "--user", "olivia")
    assert capsys.readouterr().out.strip() == (
        "Version 2 published; rescoring 3 leads in the background."
    )
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (VersionStatus.PUBLISHED, 2)
    assert draft.note == "Pricing views predict demos"
    assert draft.published_by.username == "olivia"
    assert Criterion.objects.published().get(key="pricing").points == 25


def test_a_stale_draft_is_refused_with_the_services_message(ops, draft):
    other = factories.draft(author=ops, title="Something else")
    draft_publish(user=ops, draft=other, note="First")
    with pytest.raises(CommandError, match=r"Version 2 was published by olivia.*Rebase the draft"):
        _publish(str(draft.pk), "--note", "Second", "--user", "olivia")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_an_invalid_draft_lists_its_problems(ops, draft):
    Criterion.objects.filter(version=draft, key="pricing").update(reason_template="Viewed {pages}")
    with pytest.raises(CommandError) as exc:
        _publish(str(draft.pk), "--note", "Why", "--user", "olivia")
    assert "1 problem(s) to fix first" in str(exc.value)
    assert "Pricing page views · reason_template:" in str(exc.value)
    assert CriteriaVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "olivia"], "Give a --note"),
        (["--note", "  ", "--user", "olivia"], "Give a --note"),
        (["--note", "Why"], "--user USERNAME"),
        (["--note", "Why", "--user", "ghost"], "No active user named 'ghost'"),
    ],
)
def test_missing_note_or_user_is_refused(draft, args, message):
    with pytest.raises(CommandError, match=message):
        _publish(str(draft.pk), *args)
    assert CriteriaVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_unknown_id_is_refused(ops):
    with pytest.raises(CommandError, match="No draft with id 999"):
        _publish("999", "--note", "Why", "--user", "olivia")


def test_only_ops_publish_and_four_eyes_applies(draft):
    factories.user(Role.MARKETING, username="mia")
    with pytest.raises(CommandError, match="does not allow you to publish"):
        _publish(str(draft.pk), "--note", "Why", "--user", "mia")
    with (
        override_settings(LEADHUB_CRITERIA_FOUR_EYES=True),
        pytest.raises(CommandError, match="second ops user must approve"),
    ):
        _publish(str(draft.pk), "--note", "Why", "--user", "olivia")
    assert CriteriaVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_an_already_published_draft_says_so(ops, draft):
    _publish(str(draft.pk), "--note", "Why", "--user", "olivia")
    with pytest.raises(CommandError, match="already published as Version 2 by olivia"):
        _publish(str(draft.pk), "--note", "Again", "--user", "olivia")


def test_criteria_as_code_export_edit_import_publish(ops, draft, tmp_path, capsys):
    """What a team's CI runs: the file in Git becomes a draft, then the published version."""
    call_command("criteria_export")
    data = json.loads(capsys.readouterr().out)
    data["criteria"][0]["points"] = 30
    path = tmp_path / "criteria.json"
    path.write_text(json.dumps(data))
    call_command("criteria_import", str(path), "--draft", "--user", "olivia")
    out = capsys.readouterr().out
    imported = int(re.search(r"Draft (\d+) created", out).group(1))
    assert "Pricing page views: 20 → 30 points" in out

    _publish(str(imported), "--note", "From Git", "--user", "olivia")
    assert capsys.readouterr().out.startswith("Version 2 published")
    call_command("criteria_export")
    exported = json.loads(capsys.readouterr().out)
    assert (exported["criteria_version"], exported["criteria"][0]["points"]) == (2, 30)
