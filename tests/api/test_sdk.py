"""The unmodified segment-analytics-python SDK against a live LeadHub server."""

from __future__ import annotations

import pytest
from segment.analytics import Client
from segment.analytics import request as sdk_request
from segment.analytics.request import APIError

from qualification.models import Account, Event, Lead
from qualification.tasks import rescore_sweep

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def close_sdk_connections():
    """Drop the SDK's keep-alive sockets, so the live server's threads (and their database
    connections) end before the test database is torn down."""
    yield
    sdk_request._session.close()


def sdk(live_server, key: str, **options) -> Client:
    return Client(key, host=live_server.url, max_retries=0, **options)


@pytest.mark.parametrize("use_gzip", [False, True])
def test_sdk_batches_land_exactly_once(live_server, product_key, use_gzip):
    client = sdk(live_server, product_key, gzip=use_gzip, upload_size=50)
    errors: list[Exception] = []
    client.on_error = lambda exc, batch: errors.append(exc)
    client.track(event="Viewed Docs", anonymous_id="device-1")  # before signing in
    client.identify(
        "u-sdk",
        {"email": "ada@acme.io", "name": "Ada Lovelace", "title": "CTO"},
        anonymous_id="device-1",
    )
    client.group("u-sdk", "acme-1", {"name": "Acme", "website": "acme.io", "employees": 80})
    for n in range(3):
        client.track("u-sdk", "Teammate Invited", {"n": n}, message_id=f"invite-{n}")
    client.page("u-sdk", "Docs", "Pricing", {"path": "/pricing"})
    client.flush()
    client.join()
    assert errors == []

    lead = Lead.objects.get(user_id="u-sdk")
    assert (lead.email, lead.first_name, lead.title) == ("ada@acme.io", "Ada", "CTO")
    assert lead.account == Account.objects.get(domain="acme.io")
    assert lead.events.filter(name="Teammate Invited").count() == 3
    assert lead.events.get(name="Page Viewed").properties["name"] == "Pricing"
    assert lead.events.get(name="Viewed Docs").anonymous_id == "device-1"  # stitched
    assert Event.objects.count() == 5

    # The SDK resends the same messages (e.g. after a timeout): still stored once.
    again = sdk(live_server, product_key, sync_mode=True, gzip=use_gzip)
    for n in range(3):
        again.track("u-sdk", "Teammate Invited", {"n": n}, message_id=f"invite-{n}")
    assert Event.objects.count() == 5


def test_sdk_sync_mode_surfaces_errors(live_server, product_key):
    bad = sdk(live_server, "lh_wrong", sync_mode=True)
    with pytest.raises(APIError) as exc:
        bad.track("u", "X")
    assert (exc.value.status, exc.value.code) == (401, "invalid_write_key")


def test_ingestion_succeeds_while_the_broker_is_down(live_server, product_key, broker_down):
    """Events are kept and the leads stay marked; the sweep scores them once the broker is back."""
    client = sdk(live_server, product_key, sync_mode=True)
    client.track("u-outage", "Usage Limit Reached", message_id="m-outage")  # raises unless 2xx
    lead = Lead.objects.get(user_id="u-outage")
    assert lead.events.count() == 1
    assert lead.needs_rescore is True
    assert lead.scored_at is None
    report = rescore_sweep.apply().get()
    assert report["picked_up"] >= 1
    lead.refresh_from_db()
    assert lead.needs_rescore is False
