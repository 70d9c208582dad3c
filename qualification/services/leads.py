"""Lead writes from the admin: the person's fields ops correct by hand.

Stage moves, claims and feedback have their own services (``lead_actions``, ``claims``)
because each is logged; this is the plain edit of a lead's details and owner.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from qualification.models import Lead
from qualification.services.rescore_requests import leads_mark_for_rescore


def lead_save(*, lead: Lead, changed_fields: Collection[str]) -> Lead:
    """Save a lead whose fields the caller has set; rescore it if any changed.

    A lead's attributes (title, email domain, source, traits, its account) feed fit
    criteria, so any change asks for a fresh score once the save commits.
    """
    with transaction.atomic():
        lead.save()
        if changed_fields:
            leads_mark_for_rescore(lead_ids=[lead.pk])
    return lead
