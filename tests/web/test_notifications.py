"""The bell and /notifications/: counts, the list, opening and marking read, and privacy."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from qualification.models import Notification, SLAAlert, UserProfile
from qualification.roles import Role
from qualification.web.context_notifications import CAP
from tests import factories

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def notify(user, *, kind: str = "breach", read: bool = False, minutes_ago: int = 5, **lead):
    item = factories.LeadFactory(
        stage="pql", queue="pql", qualification="pql", pql_kind="usage", tier=4, **lead
    )
    alert = SLAAlert.objects.create(
        lead=item, kind=kind, due_at=DUE, owner=user, created_at=timezone.now()
    )
    return Notification.objects.create(
        recipient=user,
        alert=alert,
        lead=item,
        text=f"{'Overdue' if kind == 'breach' else 'Due soon'}: {item.display_name}, hot.",
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None,
    )


def bell(html: str) -> str:
    match = re.search(r'<a class="bell[^"]*"[^>]*>.*?</a>', html, re.S)
    assert match, "the top bar has a bell"
    return match.group(0)


class TestBell:
    def test_count_is_spoken_and_shown(self, client, make_user):
        sam = make_user(Role.SDR, username="sam")
        for _ in range(3):
            notify(sam)
        notify(sam, read=True)
        notify(make_user(Role.SDR, username="kim"))  # someone else's
        client.force_login(sam)
        link = bell(client.get("/").content.decode())
        assert 'aria-label="Notifications: 3 unread notifications"' in link
        assert '<span class="bell-count" aria-hidden="true">3</span>' in link
        assert 'href="/notifications/"' in link

    def test_nothing_unread_shows_no_badge(self, client_as):
        link = bell(client_as(Role.SDR).get("/").content.decode())
        assert 'aria-label="Notifications: No unread notifications"' in link
        assert "bell-count" not in link

    def test_one_is_singular(self, client, make_user):
        sam = make_user(Role.SDR, username="sam")
        notify(sam)
        client.force_login(sam)
        assert 'Notifications: 1 unread notification"' in client.get("/").content.decode()

    def test_the_count_is_capped_in_one_query(self, client, make_user, django_assert_num_queries):
        from qualification.web.context_notifications import notifications

        sam = make_user(Role.SDR, username="sam")
        item = notify(sam)
        Notification.objects.bulk_create(
            Notification(
                recipient=sam,
                alert=factories_alert(item, n),
                lead=item.lead,
                text="x",
                created_at=timezone.now(),
            )
            for n in range(CAP + 5)
        )

        class Request:
            user = sam

        with django_assert_num_queries(1):
            context = notifications(Request())
        assert context["unread_notifications"] == CAP + 1
        assert context["unread_label"] == "99+ unread notifications"

    def test_signed_out_pages_have_no_bell(self, client):
        html = client.get(reverse("login")).content.decode()
        assert 'class="bell' not in html


def factories_alert(notification: Notification, n: int) -> SLAAlert:
    return SLAAlert.objects.create(
        lead=notification.lead,
        kind="breach",
        due_at=DUE + timedelta(minutes=n + 1),
        created_at=timezone.now(),
    )


class TestInbox:
    def test_newest_first_with_times_in_the_viewers_zone(self, client, make_user):
        sam = make_user(Role.SDR, username="sam")
        UserProfile.objects.filter(user=sam).update(timezone="America/New_York")
        old = notify(sam, kind="warning", minutes_ago=90, first_name="Older", read=True)
        new = notify(sam, minutes_ago=1, first_name="Newer")
        client.force_login(sam)
        html = client.get(reverse("notifications")).content.decode()
        assert html.index("Newer") < html.index("Older")
        # 09:00 UTC on 3 December is 04:00 in New York.
        assert 'First touch due <time datetime="2026-12-03T04:00:00-05:00">Thu 3 Dec, 04:00' in html
        assert f'href="/notifications/{new.pk}/"' in html
        assert f'href="/notifications/{old.pk}/"' in html
        assert '<span class="visually-hidden">Unread: </span>' in html
        assert html.count("notif-unread") == 1
        assert "1 unread of 2" in html
        assert ">Overdue<" in html
        assert ">Due soon<" in html

    def test_opening_marks_read_and_lands_on_the_lead(self, client, make_user):
        sam = make_user(Role.SDR, username="sam")
        item = notify(sam)
        client.force_login(sam)
        response = client.get(reverse("notification-open", args=[item.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("lead-detail", args=[item.lead_id])
        item.refresh_from_db()
        first_read = item.read_at
        assert first_read is not None
        client.get(reverse("notification-open", args=[item.pk]))  # opening again keeps the time
        item.refresh_from_db()
        assert item.read_at == first_read
        assert client.get(response["Location"]).status_code == 200

    def test_mark_all_read_is_a_post_with_csrf(self, make_user):
        from django.test import Client

        sam = make_user(Role.SDR, username="sam")
        kim = make_user(Role.SDR, username="kim")
        notify(sam)
        notify(sam)
        theirs = notify(kim)
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(sam)
        url = reverse("notifications-read-all")
        assert csrf_client.get(url).status_code == 405
        assert csrf_client.post(url).status_code == 403  # no token
        page = csrf_client.get(reverse("notifications")).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = csrf_client.post(url, {"csrfmiddlewaretoken": token}, follow=True)
        assert response.redirect_chain == [(reverse("notifications"), 302)]
        assert "Marked 2 notifications as read." in response.content.decode()
        assert Notification.objects.filter(recipient=sam, read_at__isnull=True).count() == 0
        theirs.refresh_from_db()
        assert theirs.read_at is None  # someone else's stays unread
        again = csrf_client.post(url, {"csrfmiddlewaretoken": token}, follow=True)
        assert "Nothing to mark" in again.content.decode()

    def test_empty_state_says_what_will_appear(self, client_as):
        html = client_as(Role.SDR).get(reverse("notifications")).content.decode()
        assert "No notifications" in html
        assert "Mark all read" not in html

    def test_read_notifications_offer_no_mark_all_button(self, client, make_user):
        sam = make_user(Role.SDR, username="sam")
        notify(sam, read=True)
        client.force_login(sam)
        html = client.get(reverse("notifications")).content.decode()
        assert "Mark all read" not in html
        assert "All 1 read." in html


class TestPrivacy:
    def test_someone_elses_notification_is_a_404_and_stays_unread(self, client, make_user):
        sam = make_user(Role.SDR, username="sam")
        theirs = notify(make_user(Role.MANAGER, username="mia"), first_name="Secret")
        client.force_login(sam)
        assert client.get(reverse("notification-open", args=[theirs.pk])).status_code == 404
        assert client.get(reverse("notification-open", args=[999999])).status_code == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None
        assert "Secret" not in client.get(reverse("notifications")).content.decode()

    def test_anonymous_visitors_are_sent_to_login(self, client):
        for url in (reverse("notifications"), reverse("notification-open", args=[1])):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        assert client.post(reverse("notifications-read-all")).status_code == 302
        assert Notification.objects.count() == 0

    @pytest.mark.parametrize("role", [Role.OPS, Role.MARKETING, None])
    def test_every_signed_in_person_has_an_inbox(self, client_as, role):
        assert client_as(role).get(reverse("notifications")).status_code == 200
