"""Who may do what in the admin: staff roles only, and teams edit only what they own."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, User
from django.urls import reverse

from qualification.models import (
    CriteriaVersion,
    Criterion,
    Event,
    Feedback,
    GlossaryTerm,
    StageTransition,
    VersionStatus,
)
from qualification.roles import Role
from tests import factories
from tests.admin.helpers import admin_url, form_data, post_change

pytestmark = pytest.mark.django_db


def _draft() -> CriteriaVersion:
    """The draft the test edits (team rules apply in drafts: published rows are read-only)."""
    return CriteriaVersion.objects.filter(status=VersionStatus.DRAFT).first() or factories.draft()


def _in_draft(**fields) -> Criterion:
    return factories.criterion(version=_draft(), **fields)


def _draft_list() -> str:
    return admin_url(Criterion, "changelist") + f"?version__id__exact={_draft().pk}"


@pytest.mark.parametrize("role", [Role.SDR, Role.MANAGER])
@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/qualification/lead/", "/admin/qualification/criterion/add/"]
)
def test_non_staff_roles_are_sent_to_the_admin_login(client_as, role, url):
    response = client_as(role).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", [Role.MARKETING, Role.PRODUCT, Role.OPS])
def test_staff_roles_reach_the_admin(client_as, role):
    assert client_as(role).get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [(Role.MARKETING, "marketing", "product"), (Role.PRODUCT, "product", "marketing")],
)
def test_team_changes_its_own_term_and_gets_403_on_another_teams(client_as, role, own, other):
    client = client_as(role)
    mine, theirs = factories.term(owner_team=own), factories.term(owner_team=other)

    response = post_change(client, mine, definition="Sharper definition.")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.definition == "Sharper definition."

    data = {"term": theirs.term, "slug": theirs.slug, "owner_team": other, "definition": "Hijacked"}
    response = client.post(admin_url(theirs, "change", theirs.pk), data)
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.definition == "What we mean by it."


def test_marketing_sees_another_teams_criterion_read_only(client_as):
    client = client_as(Role.MARKETING)
    theirs = _in_draft(owner_team="product", points=15)
    page = client.get(admin_url(theirs, "change", theirs.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()

    response = client.post(admin_url(theirs, "change", theirs.pk), {"points": "99"})
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.points == 15


def test_marketing_changes_its_own_criterion(client_as):
    client = client_as(Role.MARKETING)
    mine = _in_draft(owner_team="marketing")
    assert post_change(client, mine, points="20").status_code == 302
    mine.refresh_from_db()
    assert mine.points == 20


def test_add_offers_only_the_users_team_and_refuses_another(client_as):
    client = client_as(Role.MARKETING)
    add_url = admin_url(Criterion, "add") + f"?version={_draft().pk}"
    page = client.get(add_url)
    choices = [
        value for value, _label in page.context["adminform"].form.fields["owner_team"].choices
    ]
    assert [c for c in choices if c] == ["marketing"]

    data = {**form_data(page), **_criterion_post(owner_team="product")}
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "owner_team" in response.context["adminform"].form.errors
    assert not Criterion.objects.exists()

    data["owner_team"] = "marketing"
    assert client.post(add_url, data).status_code == 302
    assert Criterion.objects.get().owner_team == "marketing"
    assert Criterion.objects.get().version == _draft()


def test_team_cannot_hand_its_term_to_another_team(client_as):
    client = client_as(Role.PRODUCT)
    mine = factories.term(owner_team="product")
    response = post_change(client, mine, owner_team="marketing")
    assert response.status_code == 200
    assert "owner_team" in response.context["adminform"].form.errors
    mine.refresh_from_db()
    assert mine.owner_team == "product"


def test_ops_changes_every_teams_terms_and_criteria(ops_client):
    for team in ("marketing", "product", "sales"):
        term = factories.term(owner_team=team)
        assert post_change(ops_client, term, definition=f"Ops edit {team}").status_code == 302
        crit = _in_draft(owner_team=team)
        assert post_change(ops_client, crit, points="30").status_code == 302
    assert set(GlossaryTerm.objects.values_list("definition", flat=True)) == {
        "Ops edit marketing",
        "Ops edit product",
        "Ops edit sales",
    }
    assert set(Criterion.objects.values_list("points", flat=True)) == {30}


def test_marketing_cannot_delete_even_its_own_criterion(client_as):
    client = client_as(Role.MARKETING)
    mine = _in_draft(owner_team="marketing")
    assert client.get(admin_url(mine, "delete", mine.pk)).status_code == 403


def _list_edit(client, crit: Criterion, points: int):
    return client.post(
        _draft_list(),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(crit.pk),
            "form-0-points": str(points),
            "form-0-is_active": "on",
            "_save": "Save",
        },
    )


def test_list_editing_is_for_ops_only(client_as, ops_client):
    theirs = _in_draft(owner_team="product", points=15)
    marketing = client_as(Role.MARKETING, username="mkt")
    page = marketing.get(_draft_list())
    assert 'name="form-0-points"' not in page.content.decode()
    _list_edit(marketing, theirs, 99)
    theirs.refresh_from_db()
    assert theirs.points == 15

    ops = client_as(Role.OPS, username="ops2")
    assert _list_edit(ops, theirs, 40).status_code == 302
    theirs.refresh_from_db()
    assert theirs.points == 40


def test_activate_action_changes_only_the_users_own_criteria(client_as):
    mine = _in_draft(owner_team="marketing", is_active=False)
    theirs = _in_draft(owner_team="product", is_active=False)
    client = client_as(Role.MARKETING)
    client.post(
        _draft_list(),
        {"action": "activate_criteria", ACTION_CHECKBOX_NAME: [mine.pk, theirs.pk], "index": "0"},
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.is_active, theirs.is_active) == (True, False)
    assert mine.history.first().history_user.username == "marketing"


def test_reverting_from_history_obeys_team_ownership(client_as):
    theirs = _in_draft(owner_team="product", points=15)
    theirs.points = 25
    theirs.save()
    old_version = theirs.history.order_by("history_date").first()
    client = client_as(Role.MARKETING)
    url = reverse(
        "admin:qualification_criterion_simple_history", args=[theirs.pk, old_version.history_id]
    )
    assert client.get(url).status_code == 200  # reading history is allowed
    assert client.post(url, _criterion_post(owner_team="product", points="15")).status_code == 403
    theirs.refresh_from_db()
    assert theirs.points == 25


@pytest.mark.parametrize("model", [Event, StageTransition, Feedback])
def test_append_only_records_cannot_be_changed(ops_client, model):
    made = factories.populate(1)
    obj = model._default_manager.get(lead=made["lead"][0])
    page = ops_client.get(admin_url(obj, "change", obj.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert ops_client.post(admin_url(obj, "change", obj.pk), {}).status_code == 403
    assert ops_client.get(admin_url(model, "add")).status_code == 403


def test_ops_may_delete_events_but_not_transitions_or_feedback(ops_client):
    made = factories.populate(1)
    lead = made["lead"][0]
    lead.__class__.objects.filter(pk=lead.pk).update(needs_rescore=False)
    event = Event.objects.get(lead=lead)
    response = ops_client.post(admin_url(event, "delete", event.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()
    lead.refresh_from_db()
    assert lead.needs_rescore is True  # its score must stop counting the deleted event

    for model in (StageTransition, Feedback):
        obj = model.objects.get(lead=lead)
        assert ops_client.get(admin_url(obj, "delete", obj.pk)).status_code == 403


def test_bulk_event_delete_marks_each_lead_for_rescoring(ops_client):
    made = factories.populate(2)
    from qualification.models import Lead

    Lead.objects.update(needs_rescore=False)
    ids = list(Event.objects.values_list("pk", flat=True))
    response = ops_client.post(
        admin_url(Event, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: ids, "post": "yes", "index": "0"},
    )
    assert response.status_code == 302
    assert not Event.objects.exists()
    assert set(Lead.objects.values_list("needs_rescore", flat=True)) == {True}
    assert len(made["lead"]) == 2


def test_marketing_cannot_see_ingest_keys(client_as):
    factories.ingest_key()
    client = client_as(Role.MARKETING)
    assert client.get("/admin/qualification/ingestkey/").status_code == 403


def test_ops_cannot_make_anyone_superuser_or_edit_a_superuser(ops_client):
    target = factories.user(team="sales")
    response = post_change(ops_client, target, is_superuser="on")
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_superuser is False

    root = User.objects.create_superuser("root", "root@example.com", "pw-123456")
    assert ops_client.post(admin_url(root, "change", root.pk), {"username": "x"}).status_code == 403


def test_ops_assigns_roles_and_team_on_the_user_page(ops_client):
    target = factories.user(team="sales")
    sdr = Group.objects.get(name=Role.SDR.value)
    response = post_change(
        ops_client,
        target,
        groups=[str(sdr.pk)],
        **{"profile-0-team": "sales", "profile-0-timezone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert list(target.groups.values_list("name", flat=True)) == ["SDR"]
    assert target.profile.timezone == "Europe/Berlin"


def test_an_unknown_timezone_is_an_inline_error_on_the_user_page(ops_client):
    target = factories.user(team="sales")
    response = post_change(ops_client, target, **{"profile-0-timezone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "not a known time zone" in response.content.decode()
    target.refresh_from_db()
    assert target.profile.timezone == "UTC"


def _criterion_post(**overrides) -> dict[str, str]:
    fields = factories.criterion_fields(**overrides)
    data = {k: str(v) for k, v in fields.items() if v is not None}
    data["property_filter"] = "{}"
    data["is_active"] = "on"
    return data
