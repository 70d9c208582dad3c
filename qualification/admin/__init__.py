"""The LeadHub admin, split by concern. Importing a submodule registers its admins.

- ``leads``: accounts, leads, anonymous ids
- ``activity``: events, stage transitions, feedback (append-only)
- ``glossary`` and ``criteria``: the definitions teams own, with change history
- ``operations``: SLA policies, message templates, ingestion keys
- ``users``: users with their profile and roles
"""

from qualification.admin import activity, criteria, csv_upload, glossary, leads, operations, users  # noqa: F401

__all__ = ["activity", "criteria", "glossary", "leads", "operations", "users"]
