"""Criteria governance, the pure part: content snapshots, their diff and rebase, the
preview of a draft's effect on every lead, and the backtest on leads with outcomes.

Plain Python like the rest of ``qualification.core``: the services fetch versions and
leads, score them, and hand the results here.
"""

from qualification.core.governance.backtest import OutcomeLead, backtest
from qualification.core.governance.content import (
    CHOICE_LABELS,
    CRITERION_FIELDS,
    POLICY_FIELDS,
    POLICY_LIST_FIELDS,
    criteria_of,
    display_value,
    field_label,
    policy_of,
)
from qualification.core.governance.diff import (
    Change,
    changed_criterion_keys,
    diff_summary,
    version_diff,
)
from qualification.core.governance.preview import PreviewLead, PreviewTally
from qualification.core.governance.rebase import Conflict, RebaseResult, rebase

__all__ = [
    "CHOICE_LABELS",
    "CRITERION_FIELDS",
    "POLICY_FIELDS",
    "POLICY_LIST_FIELDS",
    "Change",
    "Conflict",
    "OutcomeLead",
    "PreviewLead",
    "PreviewTally",
    "RebaseResult",
    "backtest",
    "changed_criterion_keys",
    "criteria_of",
    "diff_summary",
    "display_value",
    "field_label",
    "policy_of",
    "rebase",
    "version_diff",
]
