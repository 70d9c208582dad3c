"""Steps the browser tests share."""

from __future__ import annotations


def sign_in(page, live_server, username: str, next_url: str) -> None:
    """Log in through the login form (password ``test-pass-123``, as ``make_user`` sets it)
    and wait until ``next_url`` has loaded with its deferred scripts."""
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("test-pass-123")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{next_url}")
    page.wait_for_load_state()
