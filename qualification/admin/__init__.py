"""The LeadHub admin, split by concern. Importing a submodule registers its admins.

- ``leads``: accounts, leads, anonymous ids
- ``activity``: events, stage transitions, feedback (append-only)
- ``glossary`` and ``criteria``: the definitions teams own, with change history
- ``versions`` (and ``drafts``): criteria versions; published ones read-only, edited in drafts
- ``operations``: SLA policies, message templates, ingestion keys
- ``users``: users with their profile and roles
"""

from qualification.admin import (  # noqa: F401
    activity,
    criteria,
    csv_upload,
    glossary,
    leads,
    operations,
    users,
    versions,
)

__all__ = ["activity", "criteria", "glossary", "leads", "operations", "users", "versions"]
