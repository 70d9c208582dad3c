"""Every admin page renders for ops with data present, and no list runs a query per row."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualification.models import (
    AutoPublishBounds,
    BusinessCalendar,
    CriteriaVersion,
    Criterion,
    Event,
    Feedback,
    Holiday,
    Lead,
    LeadActivity,
    LeadSnapshot,
    NotificationDelivery,
    QualificationPolicy,
    Recalibration,
    SLAAlert,
    StageTransition,
)
from qualification.roles import Role
from qualification.services.api_tokens import api_token_create
from tests import factories
from tests.admin.helpers import admin_url

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)
# Alerts and their deliveries are written by the alert scan, and their admin is tested with
# it (tests/admin/test_alerts*); here they only join the superuser's every-page check.
ALERT_RECORDS = {SLAAlert, NotificationDelivery}
LEADHUB = [
    m
    for m in REGISTERED
    if (m._meta.app_label == "qualification" or m is User) and m not in ALERT_RECORDS
]
APPEND_ONLY = {Event, StageTransition, Feedback, LeadActivity}
# Versions and their policies come from "Edit in a new draft", never from an add form; a
# criterion is added to a draft, and with none yet the add page says to make one first.
# Snapshots and recalibration runs are written by learning (tests/services), never added.
LEARNING_RECORDS = {LeadSnapshot, Recalibration}
ADD_STATUS = dict.fromkeys(APPEND_ONLY | ALERT_RECORDS | LEARNING_RECORDS, 403) | {
    CriteriaVersion: 403,
    QualificationPolicy: 403,
    # One row of bounds: added once (populate() adds it), then only changed.
    AutoPublishBounds: 403,
    # populate() makes drafts, so a criterion can be added to one (without a draft: 302).
    Criterion: 200,
}


def test_every_leadhub_model_is_registered():
    assert {m._meta.model_name for m in LEADHUB} == {
        "account",
        "lead",
        "anonymousid",
        "event",
        "eventtype",
        "glossaryterm",
        "criterion",
        "qualificationpolicy",
        "criteriaversion",
        "stagetransition",
        "feedback",
        "leadactivity",
        "slapolicy",
        "businesscalendar",
        "sdrteam",
        "messagetemplate",
        "ingestkey",
        "apitoken",
        "userprofile",
        "leadsnapshot",
        "recalibration",
        "autopublishbounds",
        "user",
    }


_people = itertools.count()


def _populate(rows: int) -> None:
    """``factories.populate`` plus what the SLA admin lists: teams, and holidays per calendar."""
    factories.populate(rows)
    for _ in range(rows):
        n = next(_people)
        manager = factories.user(Role.MANAGER, username=f"manager{n}")
        factories.team(
            manager=manager, members=[manager, factories.user(Role.SDR, username=f"sdr{n}")]
        )
        api_token_create(user=manager, name=f"Script {n}")
    for cal in BusinessCalendar.objects.filter(holidays__isnull=True):
        Holiday.objects.create(calendar=cal, day=date(2026, 12, 25), name="Christmas")
    # What learning writes: snapshots of leads sales acted on, and recalibration runs.
    now = timezone.now()
    for lead in Lead.objects.filter(snapshot__isnull=True)[:rows]:
        LeadSnapshot.objects.create(lead=lead, moment="first_touch", taken_at=now, inputs={})
    for _ in range(rows):
        Recalibration.objects.create(trigger="command", status="done", n_outcomes=40)
    if not AutoPublishBounds.objects.exists():
        AutoPublishBounds.objects.create(changed_by=User.objects.order_by("pk").first())


@pytest.mark.parametrize("model", LEADHUB, ids=lambda m: m._meta.label)
def test_ops_can_open_list_add_and_change_pages(ops_client, model):
    _populate(3)
    assert ops_client.get(admin_url(model, "changelist")).status_code == 200
    add = ops_client.get(admin_url(model, "add"))
    assert add.status_code == ADD_STATUS.get(model, 200)
    obj = model._default_manager.order_by("pk").last()
    assert ops_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_no_admin_page_fails_for_a_superuser(client, model):
    """Third-party admins (periodic tasks, groups) included: nothing answers 500."""
    _populate(2)
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw-123456"))
    assert client.get(admin_url(model, "changelist")).status_code == 200
    # django-axes' lock-out records are written by sign-ins only: no add form.
    expected = 403 if model._meta.app_label == "axes" else ADD_STATUS.get(model, 200)
    assert client.get(admin_url(model, "add")).status_code == expected


def _grow(model, rows: int) -> None:
    """``rows`` more of everything; versions come as drafts (each listed with its author)."""
    _populate(rows)
    if model in (CriteriaVersion, QualificationPolicy, Criterion):
        for _ in range(rows):
            factories.draft()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


# The auto-publish bounds are one row: their list cannot grow.
@pytest.mark.parametrize(
    "model", [m for m in LEADHUB if m is not AutoPublishBounds], ids=lambda m: m._meta.label
)
def test_changelist_queries_do_not_grow_with_rows(ops_client, model, django_assert_max_num_queries):
    _grow(model, 2)
    url = admin_url(model, "changelist")
    baseline = _queries(ops_client, url)
    _grow(model, 6)
    assert model._default_manager.count() >= 6
    with django_assert_max_num_queries(baseline):
        ops_client.get(url)
