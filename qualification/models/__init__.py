"""LeadHub's models, one module per concern, re-exported here."""

from .accounts import Account, AnonymousId, Lead
from .activity import Feedback, LeadActivity, StageTransition
from .criteria import Criterion, QualificationPolicy
from .events import Event, EventType
from .glossary import GlossaryTerm
from .operations import IngestKey, MessageTemplate, SLAPolicy, UserProfile, hash_ingest_key

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
]
