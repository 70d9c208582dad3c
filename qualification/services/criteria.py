"""Criteria as JSON, so a team can keep its rules in version control and review them there.

The file is a whole criteria version: export writes one (the published version by
default), import turns one into a *draft* (never into the live rules: a change is
previewed and published like any other, see ``services.versions``).

Schema (version 2)::

    {
      "version": 2,                             # the schema version of this file
      "criteria_version": 3,                    # informational: the version exported
      "draft": null,                            # informational: the draft id, if a draft
      "criteria": [
        {
          "key": "pricing-page-views",          # unique, stable id (slug)
          "name": "Pricing page views",
          "description": "",
          "kind": "intent",                     # fit | intent | usage | negative | disqualifier
          "applies_to": "mql",                  # mql | pql | both
          "signal_type": "event",               # event | attribute
          "event_name": "Pricing Page Viewed",  # event signals
          "property_filter": {},                #   only events whose properties match
          "measure": "count",                   #   count | distinct_days
          "threshold": 3,
          "window_days": 7,                     #   null: ever
          "attribute": "",                      # attribute signals: lead.x, account.x, *.traits.x
          "operator": "",                       #   eq in not_in gte lte between contains is_set
          "value": null,
          "points": 15,                         # negative allowed
          "points_mode": "once",                # once | per_occurrence
          "max_occurrences": null,              # the cap for per_occurrence
          "half_life_days": null,               # decay; null: none
          "reason_template": "Viewed the pricing page {times} {window}",
          "owner_team": "marketing",            # marketing | product | sales | ops
          "is_active": true,
          "glossary_term": "intent"             # a glossary term's slug, or null
        }
      ],
      "policy": {                               # the qualification policy (all optional)
        "mql_threshold": 60, "mql_min_fit": 10, "pql_usage_threshold": 40,
        "tier_hot": 80, "tier_warm": 50, "tier_cool": 25,
        "outreach_order": "pql_first",          # mql_first | pql_first | parallel
        "hand_raiser_events": [], "limit_events": [], "purchase_events": [],
        "account_pql_min_users": 3, "account_pql_window_days": 7
      }
    }

Version 1 files (no ``policy``, no ``criteria_version``) are still read: without a policy,
or for the policy fields a file leaves out, the draft keeps the published policy.
The file lists *every* criterion of the draft: a published criterion it leaves out is
removed from the draft (the import says which). Import validates the whole file first and
creates nothing when any entry is wrong, listing every problem with entry, key and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from qualification.core.governance import Change, version_diff
from qualification.core.governance.content import CRITERION_FIELDS, POLICY_FIELDS
from qualification.models import CriteriaVersion, Criterion, GlossaryTerm, QualificationPolicy
from qualification.models.criteria import DEFINITION_FIELDS
from qualification.roles import Perm, editable_teams
from qualification.selectors.versions import version_content_read
from qualification.services.versions import NotAllowed, draft_create, published_version_ensure

SCHEMA_VERSION = 2
READABLE_SCHEMA_VERSIONS = (1, 2)
# The criterion fields the API shows (one list with the file's, kept on the model).
EXPORT_FIELDS = (
    "key",
    "name",
    "description",
    "applies_to",
    *DEFINITION_FIELDS,
    "owner_team",
    "is_active",
)
REQUIRED_FIELDS = ("key", "name", "kind", "signal_type", "points", "reason_template", "owner_team")
ENTRY_FIELDS = frozenset({"key", *CRITERION_FIELDS})
TOP_LEVEL_FIELDS = frozenset({"version", "criteria_version", "draft", "criteria", "policy"})


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in the file: which entry (0: not an entry), key and field, what."""

    entry: int  # 1-based position in "criteria"; 0 for the policy or the file itself
    key: str
    field: str  # "points"; "policy.tier_warm" for the policy; "version" for the file
    message: str

    def __str__(self) -> str:
        if not self.entry:
            return f"{self.field}: {self.message}"
        where = f"criteria[{self.entry}]" + (f" ({self.key})" if self.key else "")
        return f"{where}.{self.field}: {self.message}"


class CriteriaImportError(Exception):
    """The file was refused; nothing was created."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class DraftImport:
    """What an import made: the draft and how it differs from the published version."""

    draft: CriteriaVersion
    published: CriteriaVersion
    changes: list[Change]
    removed: list[str]  # published criteria the file leaves out, so the draft drops them
    policy_from_file: bool
    exported_from: int | None  # the file's "criteria_version", when it says


# --- export ------------------------------------------------------------------------------


def criteria_export(*, version: CriteriaVersion | None = None) -> dict[str, Any]:
    """A version (the published one by default) in the documented schema, ordered by key."""
    version = version or published_version_ensure()
    content = version_content_read(version)
    return {
        "version": SCHEMA_VERSION,
        "criteria_version": version.number,
        "draft": version.pk if version.is_draft else None,
        "criteria": [{"key": key, **fields} for key, fields in content["criteria"].items()],
        "policy": content["policy"],
    }


# --- import ------------------------------------------------------------------------------


def criteria_file_check(
    data: Any, *, base_policy: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], bool]:
    """The file as a content snapshot, and whether it carried a policy.

    The policy fields the file leaves out come from ``base_policy`` (the published
    version's by default). Raises ``CriteriaImportError`` listing every problem of every
    entry (and of the policy) at once, so one run shows all there is to fix. Reads only.
    """
    entries = _entries(data)
    terms = {t.slug: t for t in GlossaryTerm.objects.all()}
    problems: list[ImportProblem] = []
    criteria: dict[str, dict[str, Any]] = {}
    for position, entry in enumerate(entries, start=1):
        key, fields, entry_problems = _criterion_check(position, entry, terms)
        problems += entry_problems
        if key and key in criteria:
            problems.append(ImportProblem(position, key, "key", "Appears twice in the file."))
        elif key and fields is not None:
            criteria[key] = fields
    has_policy = data.get("policy") is not None
    if base_policy is None:
        base_policy = version_content_read(published_version_ensure())["policy"]
    policy, policy_problems = _policy_check(data.get("policy"), base_policy)
    problems += policy_problems
    if problems:
        raise CriteriaImportError(problems)
    return {"criteria": criteria, "policy": policy}, has_policy


def criteria_draft_import(
    *, user: AbstractBaseUser | None, data: Any, title: str = "Imported from JSON"
) -> DraftImport:
    """Make a draft holding exactly the file's criteria (and its policy, if it has one).

    All or nothing: an invalid file raises ``CriteriaImportError`` and a role that may not
    make the change raises ``NotAllowed``, both before anything is created.
    """
    if user is None or not user.has_perm(Perm.DRAFT_CRITERIA):
        raise NotAllowed("Your role does not allow you to make criteria drafts.")
    published = published_version_ensure()
    current = version_content_read(published)
    content, has_policy = criteria_file_check(data, base_policy=current["policy"])
    removed = sorted(set(current["criteria"]) - set(content["criteria"]))
    changes = version_diff(current, content)
    _changes_allowed(user, current, content, changes)
    draft = draft_create(user=user, title=title, content=content)
    exported_from = data.get("criteria_version")
    return DraftImport(
        draft=draft,
        published=published,
        changes=changes,
        removed=removed,
        policy_from_file=has_policy,
        exported_from=exported_from if isinstance(exported_from, int) else None,
    )


def command_user(username: str | None) -> AbstractBaseUser:
    """The user a management command acts as, by username.

    Commands name a real person (or a service account for CI) rather than acting as an
    anonymous superuser: the draft records its author and the changelog its publisher,
    and the role checks apply exactly as in the app.
    """
    if not username:
        raise LookupError(
            "Say who is acting with --user USERNAME: drafts name their author and "
            "publications their publisher, and that user's role decides what is allowed."
        )
    model = get_user_model()
    user = model.objects.filter(**{model.USERNAME_FIELD: username}).first()
    if user is None or not user.is_active:
        raise LookupError(f"No active user named {username!r}.")
    return user


def _entries(data: Any) -> list[Any]:
    def refuse(field: str, message: str) -> CriteriaImportError:
        return CriteriaImportError([ImportProblem(0, "", field, message)])

    if not isinstance(data, Mapping):
        raise refuse("(file)", 'Expected a JSON object {"version": 2, "criteria": [...]}.')
    if data.get("version") not in READABLE_SCHEMA_VERSIONS:
        raise refuse(
            "version",
            f"Unsupported version {data.get('version')!r}; expected 1 or {SCHEMA_VERSION}.",
        )
    unknown = sorted(set(data) - TOP_LEVEL_FIELDS)
    if unknown:
        raise refuse(
            unknown[0], f"Unknown field; the file has {', '.join(sorted(TOP_LEVEL_FIELDS))}."
        )
    if data.get("version") == 1 and "policy" in data:
        raise refuse("policy", "Version 1 files have no policy; write version 2.")
    entries = data.get("criteria")
    if not isinstance(entries, list):
        raise refuse("criteria", "Expected a list of criteria.")
    return entries


def _criterion_check(
    position: int, entry: Any, terms: Mapping[str, GlossaryTerm]
) -> tuple[str, dict[str, Any] | None, list[ImportProblem]]:
    """One entry: its key, its fields as the model cleaned them, and what is wrong."""
    if not isinstance(entry, Mapping):
        return "", None, [ImportProblem(position, "", "(entry)", "Expected a JSON object.")]
    key = str(entry.get("key") or "")
    problems = [
        ImportProblem(position, key, name, "This field is required.")
        for name in REQUIRED_FIELDS
        if entry.get(name) in (None, "")
    ]
    problems += [
        ImportProblem(position, key, name, "Unknown field.")
        for name in sorted(set(entry) - ENTRY_FIELDS)
    ]
    if problems:
        return key, None, problems
    values = {name: entry[name] for name in ENTRY_FIELDS - {"glossary_term"} if name in entry}
    criterion = Criterion(**values)
    if criterion.property_filter is None:
        criterion.property_filter = {}
    slug = entry.get("glossary_term")
    if slug and slug not in terms:
        problems.append(
            ImportProblem(position, key, "glossary_term", f"No glossary term {slug!r}.")
        )
    criterion.glossary_term = terms.get(slug) if slug else None
    problems += [
        ImportProblem(position, key, name, message)
        for name, message in _clean_problems(criterion).items()
    ]
    fields = {
        name: getattr(criterion, name) for name in CRITERION_FIELDS if name != "glossary_term"
    }
    fields["glossary_term"] = slug or None
    return key, fields, problems


def _policy_check(
    policy: Any, published: Mapping[str, Any]
) -> tuple[dict[str, Any], list[ImportProblem]]:
    """The file's policy over the published one (missing fields keep theirs), checked."""
    if policy is None:
        return dict(published), []
    if not isinstance(policy, Mapping):
        return dict(published), [ImportProblem(0, "", "policy", "Expected a JSON object.")]
    problems = [
        ImportProblem(0, "", f"policy.{name}", "Unknown field.")
        for name in sorted(set(policy) - set(POLICY_FIELDS))
    ]
    merged = {**published, **{k: v for k, v in policy.items() if k in POLICY_FIELDS}}
    candidate = QualificationPolicy(**merged)
    problems += [
        ImportProblem(0, "", f"policy.{name}", message)
        for name, message in _clean_problems(candidate).items()
    ]
    return {name: getattr(candidate, name) for name in POLICY_FIELDS}, problems


def _clean_problems(row: Criterion | QualificationPolicy) -> dict[str, str]:
    """What the admin would refuse, one message per field.

    Django's field check and the model's own ``clean`` often both object to the same
    value ("not a valid choice", then "use one of …"); the last is the specific one, and
    one line per field keeps a long list of problems readable.
    """
    try:
        row.full_clean(validate_unique=False, exclude=["version"])
    except ValidationError as exc:
        return {name: messages[-1] for name, messages in exc.message_dict.items()}
    return {}


def _changes_allowed(
    user: AbstractBaseUser,
    current: Mapping[str, Any],
    content: Mapping[str, Any],
    changes: list[Change],
) -> None:
    """Marketing and product import changes to their own team's criteria only (as in the
    admin), and the policy only with the permission to change it."""
    teams = editable_teams(user)
    refused: list[str] = []
    if teams is not None:
        for key in sorted({c.key for c in changes if c.key}):
            owners = {
                side["criteria"][key]["owner_team"]
                for side in (current, content)
                if key in side["criteria"]
            }
            if not owners <= teams:
                refused.append(f"{key} ({', '.join(sorted(owners))})")
    if any(not c.key for c in changes) and not user.has_perm(
        "qualification.change_qualificationpolicy"
    ):
        refused.append("the qualification policy")
    if refused:
        allowed = ", ".join(sorted(teams)) if teams else "no"
        raise NotAllowed(
            f"Your role changes {allowed} team criteria only; this file also changes: "
            f"{'; '.join(refused)}."
        )
