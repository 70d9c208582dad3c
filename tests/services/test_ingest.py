"""Ingestion and identity: stitching, account matching, dedupe, races, broker outages."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from qualification.core.tracking.parsing import messages_parse
from qualification.models import Account, AnonymousId, Event, Lead
from qualification.services.ingest import (
    IdentityError,
    account_group,
    anonymous_alias,
    events_ingest,
    lead_identify,
)
from tests.factories import AccountFactory, LeadFactory, account_typed_in_admin

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def ingest(*items: dict, source: str = "product"):
    messages, refusals = messages_parse({"batch": list(items)}, endpoint="batch", now=NOW)
    assert refusals == []
    return events_ingest(source=source, messages=messages)


@pytest.mark.django_db
def test_anonymous_events_are_stitched_when_the_visitor_identifies():
    ingest(
        {"type": "page", "anonymousId": "anon-1", "messageId": "p1", "name": "Pricing"},
        {"type": "track", "anonymousId": "anon-1", "messageId": "t1", "event": "Demo Requested"},
        source="marketing",
    )
    assert Event.objects.filter(lead__isnull=True).count() == 2
    ingest(
        {
            "type": "identify",
            "userId": "u-1",
            "anonymousId": "anon-1",
            "traits": {"email": "ada@acme.io"},
        }
    )
    lead = Lead.objects.get(user_id="u-1")
    assert lead.events.count() == 2
    assert lead.needs_rescore is True
    # Later anonymous events from the same device land on the lead directly.
    ingest({"type": "track", "anonymousId": "anon-1", "messageId": "t2", "event": "Webinar Joined"})
    assert lead.events.count() == 3


@pytest.mark.django_db
def test_alias_stitches_the_previous_id():
    ingest({"type": "track", "anonymousId": "anon-2", "messageId": "t1", "event": "Signed Up"})
    ingest({"type": "alias", "userId": "u-2", "previousId": "anon-2"})
    assert Lead.objects.get(user_id="u-2").events.count() == 1
    assert AnonymousId.objects.get(anonymous_id="anon-2").lead.user_id == "u-2"


@pytest.mark.django_db
def test_identify_then_track_in_one_batch_and_track_with_both_ids_stitches():
    ingest(
        {"type": "track", "anonymousId": "anon-3", "messageId": "t0", "event": "Page Scrolled"},
        {
            "type": "track",
            "userId": "u-3",
            "anonymousId": "anon-3",
            "messageId": "t1",
            "event": "Signed Up",
        },
        {"type": "track", "anonymousId": "anon-3", "messageId": "t2", "event": "Report Exported"},
    )
    lead = Lead.objects.get(user_id="u-3")
    assert lead.events.count() == 3


@pytest.mark.django_db
def test_an_anonymous_id_stays_with_the_first_lead():
    lead_identify(user_id="u-a", anonymous_id="shared", traits={})
    lead_identify(user_id="u-b", anonymous_id="shared", traits={})
    assert AnonymousId.objects.get(anonymous_id="shared").lead.user_id == "u-a"


@pytest.mark.django_db
def test_identify_stores_traits_merged_and_named_fields():
    lead_identify(user_id="u", anonymous_id=None, traits={"email": "Ada@Acme.io", "plan": "free"})
    lead = lead_identify(
        user_id="u", anonymous_id=None, traits={"name": "Ada Lovelace", "title": "CTO", "seats": 4}
    )
    lead.refresh_from_db()
    assert (lead.email, lead.first_name, lead.last_name, lead.title) == (
        "Ada@Acme.io",
        "Ada",
        "Lovelace",
        "CTO",
    )
    assert lead.traits == {
        "email": "Ada@Acme.io",
        "plan": "free",
        "name": "Ada Lovelace",
        "title": "CTO",
        "seats": 4,
    }


@pytest.mark.django_db
def test_identify_finds_an_existing_lead_by_email_case_insensitively():
    existing = LeadFactory(email="grace@navy.mil", user_id="")
    lead = lead_identify(user_id="u-g", anonymous_id=None, traits={"email": "GRACE@navy.mil"})
    assert lead.pk == existing.pk
    assert Lead.objects.get(pk=existing.pk).user_id == "u-g"


@pytest.mark.django_db
def test_an_email_held_by_another_user_is_not_moved():
    LeadFactory(email="team@acme.io", user_id="u-1")
    lead = lead_identify(user_id="u-2", anonymous_id=None, traits={"email": "team@acme.io"})
    assert lead.email == ""
    assert lead.traits["email"] == "team@acme.io"


@pytest.mark.django_db
def test_lead_is_matched_to_an_account_by_email_domain():
    acme = AccountFactory(domain="acme.io")
    lead = lead_identify(user_id="u", anonymous_id=None, traits={"email": "ada@ACME.io"})
    assert lead.account == acme


@pytest.mark.django_db
@pytest.mark.parametrize("domain", ["gmail.com", "yahoo.com", "gmx.de", "proton.me", "qq.com"])
def test_free_mail_domains_are_never_matched(domain):
    AccountFactory(domain=domain)
    lead = lead_identify(user_id="u", anonymous_id=None, traits={"email": f"someone@{domain}"})
    assert lead.account is None
    account_group(group_id="g", traits={"domain": domain})
    assert Lead.objects.get(pk=lead.pk).account is None


@pytest.mark.django_db
def test_group_creates_the_account_links_the_lead_and_same_domain_leads():
    colleague = LeadFactory(email="bob@acme.io", account=None)
    stranger = LeadFactory(email="eve@other.io", account=None)
    ingest({"type": "track", "userId": "u-1", "messageId": "t1", "event": "Signed Up"})
    account, affected = account_group(
        group_id="grp-1",
        user_id="u-1",
        traits={
            "name": "Acme",
            "website": "https://www.Acme.io/about",
            "industry": "Software",
            "employees": "250",
            "country": "de",
            "plan": "Trial",
            "founded": 2019,
        },
    )
    assert (account.domain, account.name, account.industry, account.employee_count) == (
        "acme.io",
        "Acme",
        "Software",
        250,
    )
    assert (account.country, account.plan, account.traits["founded"]) == ("DE", "trial", 2019)
    lead = Lead.objects.get(user_id="u-1")
    assert lead.account == account
    assert lead.events.get().account == account
    colleague.refresh_from_db()
    stranger.refresh_from_db()
    assert (colleague.account, stranger.account) == (account, None)
    assert affected == {lead.pk, colleague.pk}
    # The next group call may carry only the groupId.
    again, _ = account_group(group_id="grp-1", traits={"plan": "paid"})
    assert again.pk == account.pk
    assert Account.objects.get(pk=account.pk).plan == "paid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("traits", "domain"),
    [
        ({"domain": "acme.io"}, "acme.io"),
        ({"website": "HTTP://Shop.acme.co.uk:8080"}, "shop.acme.co.uk"),
        ({"domain": "", "website": "https://www.acme.io/x?y"}, "acme.io"),
    ],
)
def test_group_traits_give_the_cleaned_domain(traits, domain):
    account, _ = account_group(group_id="g", traits=traits)
    assert account.domain == domain


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("traits", "message"),
    [
        ({"domain": "acme"}, "traits.domain: “acme” is not a domain or website"),
        ({"website": "ftp:"}, "traits.website: “ftp:” is not a domain or website"),
        ({"domain": 7}, "traits.domain: must be a string"),
    ],
)
def test_a_bad_group_domain_is_refused_naming_the_trait(traits, message):
    with pytest.raises(IdentityError, match=message):
        account_group(group_id="g", traits=traits)
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_identify_finds_the_account_ops_typed_in_the_admin_with_a_port():
    """Issue 9: the admin stored "acme.com:8443", so the email's domain never matched it."""
    account = account_typed_in_admin("https://www.Acme.com:8443/")
    lead = lead_identify(user_id="u-1", anonymous_id=None, traits={"email": "ada@acme.com"})
    assert lead.account == account


@pytest.mark.django_db
def test_a_group_call_updates_the_account_typed_in_the_admin_not_a_second_one():
    account = account_typed_in_admin("sales@acme.com")
    found, _ = account_group(group_id="g-1", user_id="u-1", traits={"website": "acme.com"})
    assert found.pk == account.pk
    assert Account.objects.count() == 1


@pytest.mark.django_db
def test_alias_function_returns_the_lead():
    lead = anonymous_alias(user_id="u", previous_id="p", anonymous_id="a")
    assert set(lead.anonymous_ids.values_list("anonymous_id", flat=True)) == {"a", "p"}


@pytest.mark.django_db
def test_leads_are_marked_and_rescoring_enqueued_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        report = ingest({"type": "track", "userId": "u", "messageId": "t", "event": "X"})
    assert len(callbacks) == 1
    assert report.lead_ids == [Lead.objects.get(user_id="u").pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_for_one_user_make_one_lead(postgres):
    """Two requests racing for a new user: one creates the lead, the other reuses it."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            messages, _ = messages_parse(
                {
                    "batch": [
                        {
                            "type": "identify",
                            "userId": "racer",
                            "anonymousId": f"a{n}",
                            "traits": {"email": "racer@acme.io"},
                        },
                        {"type": "track", "userId": "racer", "messageId": f"m{n}", "event": "X"},
                    ]
                },
                endpoint="batch",
                now=NOW,
            )
            barrier.wait(timeout=10)
            events_ingest(source="product", messages=messages)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    for _round in range(5):
        Lead.objects.all().delete()
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        lead = Lead.objects.get(user_id="racer")
        assert lead.email == "racer@acme.io"
        assert lead.events.count() == 2
        Event.objects.all().delete()
        AnonymousId.objects.all().delete()
