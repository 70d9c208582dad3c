"""Suggestions land as a criteria draft, never applied silently; unknown keys refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qualification.models import CriteriaVersion
from qualification.roles import Role
from qualification.selectors.versions import version_content_read
from qualification.services.learning_drafts import suggestion_draft_create
from qualification.services.recalibration import recalibration_next, recalibration_run
from qualification.services.versions import NotAllowed, draft_problems
from tests.services.learning_helpers import outcome_leads, synthetic_criteria_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    synthetic_criteria_publish()
    outcome_leads(1200)
    made, _ = recalibration_next(trigger="command")
    return recalibration_run(recalibration_id=made.pk)


def test_chosen_suggestions_become_a_valid_draft_and_nothing_is_published(make_user, run):
    ops = make_user(Role.OPS)
    published_before = version_content_read(CriteriaVersion.objects.get(status="published"))
    suggested = {c["key"]: c["suggested_points"] for c in run.figures["criteria"]}
    assert suggested["demo_request"] > 10  # the true driver gains points
    proposals = {n["key"]: n for n in run.figures["new_criteria"]}
    occupation = next(k for k, n in proposals.items() if "Working Professional" in n["text"])

    draft = suggestion_draft_create(
        user=ops,
        recalibration=run,
        point_keys=["demo_request", "demo_request"],
        new_keys=[occupation],
    )
    assert draft.status == "draft"
    assert f"recalibration #{run.pk}" in draft.title
    content = version_content_read(draft)
    assert content["criteria"]["demo_request"]["points"] == suggested["demo_request"]
    assert content["criteria"]["pricing_page"] == published_before["criteria"]["pricing_page"]
    added = content["criteria"][occupation]
    assert added["value"] == "Working Professional"
    assert added["kind"] == "fit"
    assert draft_problems(draft) == []
    # The published version is untouched: a draft is reviewed and published by ops.
    now_published = CriteriaVersion.objects.get(status="published")
    assert version_content_read(now_published) == published_before


def test_keys_the_run_did_not_suggest_are_refused_by_field(make_user, run):
    ops = make_user(Role.OPS)
    with pytest.raises(ValidationError) as exc:
        suggestion_draft_create(user=ops, recalibration=run, point_keys=["no-such"])
    assert "point_keys" in exc.value.message_dict
    assert "no-such" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        suggestion_draft_create(user=ops, recalibration=run, new_keys=["made-up"])
    assert "new_keys" in exc.value.message_dict
    with pytest.raises(ValidationError):
        suggestion_draft_create(user=ops, recalibration=run)
    with pytest.raises(ValidationError):
        suggestion_draft_create(user=ops, recalibration=run, point_keys=[""])
    # A criterion that never fired has no suggestion to take.
    never = next(c for c in run.figures["criteria"] if c["key"] == "competitor_domain")
    assert never["suggested_points"] is None
    with pytest.raises(ValidationError):
        suggestion_draft_create(user=ops, recalibration=run, point_keys=["competitor_domain"])
    assert not CriteriaVersion.objects.filter(status="draft").exists()


def test_only_draft_makers_may_make_one(make_user, run):
    for role in (Role.SDR, Role.MANAGER):
        with pytest.raises(NotAllowed):
            suggestion_draft_create(
                user=make_user(role, username=f"u-{role.value}"),
                recalibration=run,
                point_keys=["demo_request"],
            )
    draft = suggestion_draft_create(
        user=make_user(Role.MARKETING), recalibration=run, point_keys=["demo_request"]
    )
    assert draft.status == "draft"
