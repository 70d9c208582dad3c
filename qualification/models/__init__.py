"""LeadHub's models, one module per concern, re-exported here."""

from qualification.models.accounts import Account, AnonymousId, Lead
from qualification.models.activity import Feedback, LeadActivity, StageTransition
from qualification.models.criteria import Criterion, QualificationPolicy
from qualification.models.events import Event, EventType
from qualification.models.glossary import GlossaryTerm
from qualification.models.operations import (
    IngestKey,
    MessageTemplate,
    SLAPolicy,
    UserProfile,
    hash_ingest_key,
    user_display_name,
)
from qualification.models.versions import (
    CriteriaNoticeDismissal,
    CriteriaPreview,
    CriteriaVersion,
    PreviewStatus,
    VersionFrozen,
    VersionStatus,
)

__all__ = [
    "Account",
    "AnonymousId",
    "CriteriaNoticeDismissal",
    "CriteriaPreview",
    "CriteriaVersion",
    "Criterion",
    "Event",
    "EventType",
    "Feedback",
    "GlossaryTerm",
    "IngestKey",
    "Lead",
    "LeadActivity",
    "MessageTemplate",
    "PreviewStatus",
    "QualificationPolicy",
    "SLAPolicy",
    "StageTransition",
    "UserProfile",
    "VersionFrozen",
    "VersionStatus",
    "hash_ingest_key",
    "user_display_name",
]
