"""An account edit rescores the leads at that account, and only when something changed."""

from __future__ import annotations

import pytest

from qualification.models import Lead
from qualification.services.accounts import account_save
from tests import factories

pytestmark = pytest.mark.django_db


def _marked() -> set[int]:
    return set(Lead.objects.filter(needs_rescore=True).values_list("pk", flat=True))


def test_an_account_edit_rescores_its_leads_only():
    account = factories.AccountFactory(country="DE")
    mine = factories.LeadFactory(account=account)
    factories.LeadFactory()  # at another account
    Lead.objects.update(needs_rescore=False)
    account.country = "FR"
    account_save(account=account, changed_fields=["country"])
    assert _marked() == {mine.pk}


def test_an_unchanged_or_new_account_rescores_no_one():
    account = factories.AccountFactory()
    factories.LeadFactory(account=account)
    Lead.objects.update(needs_rescore=False)
    account_save(account=account, changed_fields=[])
    account_save(account=factories.AccountFactory.build(), changed_fields=["name", "domain"])
    assert _marked() == set()
