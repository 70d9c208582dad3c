"""The LeadHub admin, split by concern. Importing a submodule registers its admins.

- ``leads``: accounts, leads, anonymous ids
- ``activity``: events, stage transitions, feedback (append-only)
- ``glossary`` and ``criteria``: the definitions teams own, with change history
- ``versions`` (and ``drafts``): criteria versions; published ones read-only, edited in drafts
- ``operations``: message templates, ingestion keys
- ``api_tokens``: REST API tokens (hashed, shown once)
- ``sla``: SLA policies, business calendars and holidays, SDR teams
- ``users``: users with their profile and roles
- ``learning``: lead snapshots and recalibration runs (read-only)
"""

from qualification.admin import (  # noqa: F401
    activity,
    alerts,
    api_tokens,
    criteria,
    csv_upload,
    glossary,
    leads,
    learning,
    operations,
    sla,
    users,
    versions,
)

__all__ = ["activity", "criteria", "glossary", "leads", "operations", "sla", "users", "versions"]
