"""axe-core in Chromium on the security pages added after tests/browser/test_accessibility.py:
the sign-in lock-out page (django-axes) and the API-token admin.

Same rules, widths and failure message as that file, whose helpers these tests use. The
lock-out page is reached as a person gets there: wrong passwords until the lock, with the
lock-out turned on for the test (the suite runs with it off, tests/conftest.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from qualification.models import ApiToken
from qualification.roles import Role
from qualification.services.api_tokens import api_token_create, api_token_revoke
from tests import factories
from tests.browser.conftest import DESKTOP
from tests.browser.test_accessibility import _axe, _check, _check_widths, _report, _signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILURE_LIMIT = 3


def _locked_out(page, url: str, username: str) -> None:
    """Sign in with a wrong password until django-axes locks ``username`` out; the page then
    shows the lock-out response (a 429 to the form's post, not a page of its own)."""
    statuses = []
    for _ in range(FAILURE_LIMIT):
        page.goto(url)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("not-the-password")
        with page.expect_navigation() as navigation:
            page.locator("form [type=submit]").click()
        statuses.append(navigation.value.status)
    assert statuses == [200] * (FAILURE_LIMIT - 1) + [429], statuses


@pytest.mark.parametrize(
    ("login", "name"), [("/accounts/login/", "81-a11y-locked-out"), ("/admin/login/", None)]
)
def test_lock_out_page_has_no_serious_violations(
    live_server, chromium_browser, settings, screenshot, login, name
):
    from playwright.sync_api import expect

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = FAILURE_LIMIT
    factories.user(Role.OPS, username="olga", first_name="Olga", last_name="Ops")
    context = chromium_browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    _locked_out(page, f"{live_server.url}{login}", "olga")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")
    expect(page.get_by_role("alert")).to_contain_text("locked for 15 minutes")
    shot = (screenshot, name) if name else None
    found = _check_widths(_axe(), page, f"lock-out after {login}", shot=shot)
    context.close()
    assert not found, _report(found)


def _seed_tokens() -> dict:
    olga = factories.user(Role.OPS, username="olga", first_name="Olga", last_name="Ops")
    sam = factories.user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    active, _ = api_token_create(
        user=sam, name="CRM sync", expires_at=timezone.now() + timedelta(days=90)
    )
    api_token_create(user=olga, name="Nightly export")
    revoked, _ = api_token_create(user=sam, name="Old laptop script")
    api_token_revoke(token=revoked)
    expired, _ = api_token_create(user=olga, name="Trial integration")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    return {"active": active, "sam": sam}


def test_api_token_admin_has_no_serious_violations(live_server, chromium_browser, screenshot):
    """Ops list the tokens, issue one (the add form, refused once, then saved) and see the
    new raw token the one time it is shown; then open a token's page."""
    from playwright.sync_api import expect

    seeded = _seed_tokens()
    base = f"{live_server.url}/admin/qualification/apitoken"
    axe = _axe()
    context, page = _signed_in(chromium_browser, live_server, "olga")
    found = _check(axe, page, f"{base}/", shot=(screenshot, "82-a11y-admin-api-tokens"))
    found += _check(axe, page, f"{base}/add/", shot=(screenshot, "83-a11y-admin-api-token-add"))

    # Refused: a past expiry (the form's own check), so the errors are judged too.
    page.set_viewport_size(DESKTOP)
    page.get_by_label("User").select_option(label=str(seeded["sam"]))
    page.get_by_label("Name").fill("Data warehouse")
    # By id, not label: were the split inputs unnamed, axe's report should say so, not a
    # locator's timeout.
    page.locator("#id_expires_at_0").fill("2001-01-01")
    page.locator("#id_expires_at_1").fill("12:00:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    found += _check_widths(
        axe, page, f"{base}/add/ (refused)", shot=(screenshot, "84-a11y-admin-api-token-refused")
    )

    # Saved: the raw token is shown once, in the message on the page the admin goes on to.
    page.set_viewport_size(DESKTOP)
    page.locator("#id_expires_at_0").fill("")
    page.locator("#id_expires_at_1").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    issued = page.locator(".messagelist .success").first
    expect(issued).to_contain_text(re.compile(r"New API token “Data warehouse” for sam: \S+"))
    found += _check_widths(
        axe, page, f"{base}/ (token issued)", shot=(screenshot, "85-a11y-admin-api-token-issued")
    )
    # At the phone width (the last one checked) the token wraps rather than run off screen.
    right = issued.locator("code").evaluate("e => e.getBoundingClientRect().right")
    assert right <= page.viewport_size["width"], right
    found += _check(axe, page, f"{base}/{seeded['active'].pk}/change/")
    context.close()
    assert not found, _report(found)
