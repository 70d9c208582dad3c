"""The data migration that cleans stored account domains: changes what is safe, merges nothing."""

from __future__ import annotations

import importlib
import io

import pytest
from django.db.migrations.loader import MigrationLoader

from qualification.models import Account, Lead
from tests import factories

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("qualification.migrations.0015_account_domains_cleaned")


@pytest.fixture(scope="module")
def historical_apps():
    """The models as the migration sees them (its project state), not today's classes."""
    loader = MigrationLoader(None)  # read from disk; the test database is not consulted
    return loader.project_state(("qualification", "0015_account_domains_cleaned")).apps


def _migrate(apps) -> str:
    out = io.StringIO()
    MIGRATION.clean_account_domains(apps, None, out=out)
    return out.getvalue()


def test_dirty_domains_are_cleaned_and_collisions_and_junk_reported(historical_apps):
    # As the admin stored them before it shared the ingestion rule.
    port = factories.AccountFactory(name="Globex", domain="globex.com:8080")
    email = factories.AccountFactory(name="Initech", domain="sales@initech.io")
    clean = factories.AccountFactory(name="Acme", domain="acme.com")
    twin = factories.AccountFactory(name="Acme GmbH", domain="acme.com.")
    junk = factories.AccountFactory(name="Hooli", domain="ftp:")
    lead = factories.LeadFactory(account=port)
    untouched = factories.LeadFactory(account=clean)
    Lead.objects.update(needs_rescore=False)

    report = _migrate(historical_apps)

    domains = dict(Account.objects.values_list("pk", "domain"))
    assert domains == {
        port.pk: "globex.com",
        email.pk: "initech.io",
        clean.pk: "acme.com",
        twin.pk: "acme.com.",  # would collide with Acme: left for ops to merge
        junk.pk: "ftp:",
    }
    assert "2 cleaned; 3 left unchanged" in report
    assert "These would all become acme.com" in report
    assert f"account {clean.pk} “Acme” (acme.com)" in report
    assert f"account {twin.pk} “Acme GmbH” (acme.com.)" in report
    assert f"account {junk.pk} “Hooli” (ftp:): “ftp:” is not a domain" in report
    marked = set(Lead.objects.filter(needs_rescore=True).values_list("pk", flat=True))
    assert marked == {lead.pk}
    assert untouched.pk not in marked


def test_clean_domains_are_left_alone_silently(historical_apps):
    factories.AccountFactory(domain="acme.com")
    assert _migrate(historical_apps) == ""
    assert _migrate(historical_apps) == ""  # and running it again changes nothing


def test_the_migration_runs_the_function_forward_and_nothing_backward():
    (operation,) = MIGRATION.Migration.operations
    assert operation.code is MIGRATION.clean_account_domains
    assert operation.reversible
