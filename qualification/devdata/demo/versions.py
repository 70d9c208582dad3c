"""The demo's criteria history: two publications and one draft with a finished preview.

So the governance pages show real figures on first start: version 2 holds the criteria
the demo company launched with, version 3 the current ones (``criteria.CRITERIA`` and
``catalog.POLICY``) with the reason sales asked for the change, and a draft proposes a
lower MQL threshold, previewed over every demo lead. Each publication is applied by the
same rescore a worker would run, here in-process, so its measured effect is real.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from django.contrib.auth.models import User

from qualification.core.governance.content import CRITERION_FIELDS, POLICY_FIELDS
from qualification.devdata.demo.catalog import POLICY
from qualification.devdata.demo.criteria import CRITERIA
from qualification.models import CriteriaVersion, Criterion
from qualification.services.rescoring import publication_rescore
from qualification.services.versions import draft_create, draft_publish, published_version_ensure

LAUNCH_NOTE = (
    "The criteria we launched with, agreed by marketing, product and sales in the kickoff."
)
CURRENT_NOTE = (
    "Sales accepted two in three MQLs that had looked at pricing, and few that only came "
    "to webinars: pricing page views count more, webinars less, and the MQL bar is higher."
)
DRAFT_TITLE = "Lower the MQL threshold to 65"
# What the launch criteria did differently from today's (key -> field -> value).
LAUNCH_CHANGES: dict[str, dict[str, Any]] = {
    "pricing-page-views": {"points": 15},
    "webinar-attended": {"points": 20},
}
LAUNCH_POLICY = {"mql_threshold": 60}


def current_content(terms: dict[str, Any]) -> dict[str, Any]:
    """Today's demo criteria and policy as a version snapshot."""
    criteria = {}
    for spec in CRITERIA:
        entry = {name: spec.get(name, _default(name)) for name in CRITERION_FIELDS}
        entry["is_active"] = True
        entry["glossary_term"] = spec["term"] if spec["term"] in terms else None
        criteria[spec["key"]] = entry
    policy = {name: deepcopy(POLICY[name]) for name in POLICY_FIELDS if name in POLICY}
    return {"criteria": criteria, "policy": policy}


def _default(name: str) -> Any:
    field = Criterion._meta.get_field(name)
    return field.get_default()


def _with_changes(content: dict[str, Any], policy: dict[str, Any]) -> dict[str, Any]:
    changed = deepcopy(content)
    for key, fields in LAUNCH_CHANGES.items():
        changed["criteria"][key].update(fields)
    changed["policy"].update(policy)
    return changed


def demo_versions_needed() -> bool:
    """True in a fresh database: the published version holds no criteria yet."""
    published = published_version_ensure()
    return not Criterion.objects.filter(version=published).exists()


def publish_versions(*, terms: dict[str, Any], users: dict[str, User]) -> None:
    """Publish the launch criteria, then today's, applying each over the demo's leads."""
    ops = users["ops"]
    current = current_content(terms)
    launch = draft_create(
        user=ops, title="Launch criteria", content=_with_changes(current, LAUNCH_POLICY)
    )
    _publish(launch, ops, LAUNCH_NOTE)
    update = draft_create(user=users["marketing"], title="Pricing counts more", content=current)
    _publish(update, ops, CURRENT_NOTE)


def draft_with_preview(*, terms: dict[str, Any], users: dict[str, User]) -> None:
    """A marketing draft (lower MQL bar, guides count more) with its preview run."""
    proposal = deepcopy(current_content(terms))
    proposal["policy"]["mql_threshold"] = 65
    proposal["criteria"]["content-downloads"]["points"] = 10
    draft = draft_create(user=users["marketing"], title=DRAFT_TITLE, content=proposal)
    _preview(draft, users["ops"])


def _publish(draft: CriteriaVersion, user: User, note: str) -> None:
    published = draft_publish(user=user, draft=draft, note=note)
    publication_rescore(version_id=published.pk)


def _preview(draft: CriteriaVersion, user: User) -> None:
    # Imported here: the preview service is the one heavy module the demo needs only once.
    # Created and run in-process (not requested): no worker runs it a second time.
    from qualification.services.previews import preview_create, preview_run_chunks

    preview = preview_create(draft=draft, requested_by=user)
    preview_run_chunks(preview.pk)
