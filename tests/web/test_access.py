"""Every page needs a login; each role sees, and may open, only its places."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qualification.models import UserProfile
from qualification.roles import Role
from tests.web.conftest import nav_labels

PAGES = ["/", "/glossary/", "/glossary/some-term/", "/criteria/", "/criteria/?kind=fit"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitor_is_sent_to_login_with_next(client, url):
    response = client.get(url)
    assert response.status_code == 302
    login = reverse("login")
    assert response["Location"].startswith(f"{login}?next=")
    # The visitor comes back to the page asked for.
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert 'name="next"' in follow.content.decode()


HEALTH = "Criteria health"
API = "API"  # the API docs: every role may read the REST API (view_lead)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.SDR, ["Overview", "Queues", "Glossary", "Criteria", API]),
        (Role.MANAGER, ["Overview", "Queues", "Dashboard", "Glossary", "Criteria", HEALTH, API]),
        (
            Role.OPS,
            ["Overview", "Queues", "Dashboard", "Glossary", "Criteria", HEALTH, API, "Admin"],
        ),
        (Role.MARKETING, ["Overview", "Queues", "Glossary", "Criteria", HEALTH, API, "Admin"]),
        (Role.PRODUCT, ["Overview", "Queues", "Glossary", "Criteria", HEALTH, API, "Admin"]),
        (None, ["Overview"]),
    ],
)
def test_each_role_sees_its_navigation(client_as, role, expected):
    html = client_as(role).get("/").content.decode()
    assert nav_labels(html) == expected


def test_sdr_has_no_admin_link_anywhere(client_as):
    html = client_as(Role.SDR).get("/").content.decode()
    assert 'href="/admin/"' not in html


def test_current_page_is_marked_in_navigation(client_as):
    html = client_as(Role.SDR).get("/glossary/").content.decode()
    assert '<a href="/glossary/" aria-current="page">Glossary</a>' in html
    assert '<a href="/" aria-current="page">' not in html


@pytest.mark.parametrize("url", ["/glossary/", "/glossary/anything/", "/criteria/"])
def test_user_without_role_is_refused(client_as, url):
    response = client_as(None).get(url)
    assert response.status_code == 403
    html = response.content.decode()
    # The custom 403 page, inside the layout, explaining what to do.
    assert "Your role can't open this page" in html
    assert "with no role yet" in html
    assert 'class="topbar"' in html


def test_user_without_role_gets_a_home_page_that_says_why_it_is_empty(client_as):
    response = client_as(None).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your account has no role yet" in html
    assert "MQL queue" not in html


def test_sdr_is_refused_by_the_admin(client_as):
    response = client_as(Role.SDR).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_unknown_page_uses_the_404_template(client_as):
    response = client_as(Role.SDR).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is nothing at this address" in html
    assert "Page not found · LeadHub" in html


def test_layout_shows_who_is_signed_in_and_a_post_logout(client_as):
    client = client_as(Role.MANAGER, first_name="Mia", last_name="Manager")
    html = client.get("/").content.decode()
    assert "Mia Manager" in html
    assert '<span class="role-badge">Manager</span>' in html
    assert '<form method="post" action="/accounts/logout/"' in html
    assert 'href="#main"' in html  # skip link
    assert "<title>Overview · LeadHub</title>" in html


def test_times_are_in_the_users_timezone(client, make_user, make_term):
    user = make_user(Role.SDR)
    UserProfile.objects.filter(user=user).update(timezone="Asia/Tokyo")
    term = make_term("MQL")
    client.force_login(user)
    html = client.get(term.get_absolute_url()).content.decode()
    assert "Times are shown in <strong>Asia/Tokyo</strong>" in html
    # The last change is shown as Tokyo wall-clock time (JST).
    assert "JST" in html


def test_without_a_profile_times_are_in_the_site_default(client, make_user):
    client.force_login(make_user(None))
    assert "Times are shown in <strong>UTC</strong>" in client.get("/").content.decode()


def test_500_page_renders_without_any_context(rf):
    """Django renders 500.html with no request context; it must not need one."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "/static/css/leadhub.css" in html


def test_htmx_is_vendored_and_loaded_by_the_layout(client_as):
    from django.contrib.staticfiles import finders

    script = finders.find("vendor/htmx/htmx.min.js")
    assert script is not None
    assert finders.find("vendor/htmx/LICENSE") is not None
    html = client_as(Role.SDR).get("/").content.decode()
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in html
    assert "hx-headers" in html  # htmx requests carry the CSRF token
