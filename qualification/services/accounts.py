"""Account writes from the admin: the fields ops edit by hand.

Ingestion and CSV import write accounts too (``ingest.account_group``, ``csv_import``),
each with its own matching rules; this is the plain edit of one account.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from qualification.models import Account
from qualification.services.rescore_requests import leads_mark_for_rescore


def account_save(*, account: Account, changed_fields: Collection[str]) -> Account:
    """Save an account whose fields the caller has set; rescore its leads if any changed.

    Every account field can reach a lead's score: size, country, industry, plan and traits
    feed fit criteria, the name appears in reasons, the domain decides which events are
    the account's. A new account has no leads yet, so only an edit marks any.
    """
    with transaction.atomic():
        is_new = account._state.adding
        account.save()
        if changed_fields and not is_new:
            leads_mark_for_rescore(lead_ids=account.leads.values_list("pk", flat=True))
    return account
