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

__all__ = [
    "Account",
    "AnonymousId",
    "Criterion",
    "Event",
    "EventType",
    "Feedback",
    "GlossaryTerm",
    "IngestKey",
    "Lead",
    "LeadActivity",
    "MessageTemplate",
    "QualificationPolicy",
    "SLAPolicy",
    "StageTransition",
    "UserProfile",
    "hash_ingest_key",
    "user_display_name",
]
