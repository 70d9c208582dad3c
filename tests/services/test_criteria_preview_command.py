"""``criteria_preview DRAFT_ID [--json]``: the preview run in the command, for CI."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qualification.models import CriteriaPreview, CriteriaVersion, VersionStatus
from qualification.roles import Role
from tests import factories
from tests.services.preview_helpers import fixture

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("criteria_preview", *args, stdout=out)
    return out.getvalue()


def test_json_has_the_headline_keys_and_every_figure():
    made = fixture()
    factories.feedback(lead=made.leads["L2"], outcome="won", reason="")
    factories.feedback(lead=made.leads["L5"], outcome="rejected", reason="not_icp")
    report = json.loads(_run(str(made.draft.pk), "--json"))
    assert (report["entering"], report["leaving"], report["n_outcomes"]) == (2, 0, 2)
    # One positive above one negative on both sides.
    assert (report["auc_published"], report["auc_draft"]) == (1.0, 1.0)
    assert report["figures"]["queue_sizes"]["draft"]["mql"]["total"] == 3
    assert report["backtest"]["enough"] is False
    assert report["draft_id"] == made.draft.pk
    stored = CriteriaPreview.objects.get(pk=report["preview_id"])  # kept with the draft
    assert (stored.status, stored.figures) == ("done", report["figures"])
    assert stored.requested_by is None


def test_readable_summary():
    made = fixture()
    text = _run(str(made.draft.pk))
    assert f"Preview of draft {made.draft.pk}" in text
    assert "MQL queue: 2 entering, 0 leaving (1 → 3 leads)" in text
    assert "Demo request: fires for 1 → 4 leads" in text
    assert "Too few outcomes to tell" in text


def test_unknown_id_and_published_version_are_refused():
    fixture()
    with pytest.raises(CommandError, match="No draft with id 9999"):
        _run("9999")
    published = CriteriaVersion.objects.get(status=VersionStatus.PUBLISHED)
    with pytest.raises(CommandError, match="is published: only drafts are previewed"):
        _run(str(published.pk))
    assert not CriteriaPreview.objects.exists()


def test_an_invalid_draft_is_refused_naming_criterion_and_field():
    made = fixture()
    made.draft.criteria.filter(key="demo").update(reason_template="Asked {nonsense")
    with pytest.raises(CommandError) as refused:
        _run(str(made.draft.pk), "--json")
    message = str(refused.value)
    assert f"Draft {made.draft.pk} cannot be previewed: 1 problem(s)" in message
    assert "Demo request · reason_template:" in message
    assert not CriteriaPreview.objects.exists()


def test_user_option_applies_the_role():
    made = fixture()
    factories.user(Role.SDR, username="sam")
    with pytest.raises(CommandError, match="does not allow you to preview"):
        _run(str(made.draft.pk), "--user", "sam")
    ops = factories.user(Role.OPS, username="olivia")
    report = json.loads(_run(str(made.draft.pk), "--user", "olivia", "--json"))
    assert CriteriaPreview.objects.get(pk=report["preview_id"]).requested_by == ops
