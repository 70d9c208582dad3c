"""LeadHub's models, one module per concern, re-exported here."""

from qualification.models.accounts import Account, AnonymousId, Lead
from qualification.models.activity import Feedback, LeadActivity, StageTransition
from qualification.models.alerts import (
    AlertKind,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    SLAAlert,
)
from qualification.models.criteria import Criterion, QualificationPolicy
from qualification.models.events import Event, EventType
from qualification.models.glossary import GlossaryTerm
from qualification.models.learning import (
    AutoPublishBounds,
    LeadSnapshot,
    Recalibration,
    RecalibrationStatus,
    RecalibrationTrigger,
    SnapshotMoment,
)
from qualification.models.operations import (
    ApiToken,
    IngestKey,
    MessageTemplate,
    SavedView,
    UserProfile,
    hash_secret,
    user_display_name,
)
from qualification.models.rescore_runs import RescoreChunk, RescoreKind, RescoreRun
from qualification.models.sla import (
    BusinessCalendar,
    ClockStart,
    Holiday,
    SDRTeam,
    SLAPolicy,
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
    "AlertKind",
    "AnonymousId",
    "ApiToken",
    "AutoPublishBounds",
    "BusinessCalendar",
    "ClockStart",
    "CriteriaNoticeDismissal",
    "CriteriaPreview",
    "CriteriaVersion",
    "Criterion",
    "DeliveryChannel",
    "DeliveryStatus",
    "Event",
    "EventType",
    "Feedback",
    "GlossaryTerm",
    "Holiday",
    "IngestKey",
    "Lead",
    "LeadActivity",
    "LeadSnapshot",
    "MessageTemplate",
    "Notification",
    "NotificationDelivery",
    "PreviewStatus",
    "QualificationPolicy",
    "Recalibration",
    "RecalibrationStatus",
    "RecalibrationTrigger",
    "RescoreChunk",
    "RescoreKind",
    "RescoreRun",
    "SDRTeam",
    "SLAAlert",
    "SLAPolicy",
    "SavedView",
    "SnapshotMoment",
    "StageTransition",
    "UserProfile",
    "VersionFrozen",
    "VersionStatus",
    "hash_secret",
    "user_display_name",
]
