"""Claiming: a conditional UPDATE, so two SDRs racing for a lead get exactly one winner."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from qualification.core.vocabulary import CLOSED_STAGES
from qualification.models import Lead
from qualification.roles import Role
from qualification.services.claims import ClaimError, lead_assign, lead_claim
from tests.factories import LeadFactory


def pql(**fields) -> Lead:
    return LeadFactory(queue="pql", qualification="pql", pql_kind="usage", stage="pql", **fields)


@pytest.mark.django_db
class TestClaim:
    def test_claims_an_unowned_lead(self, make_user):
        sam = make_user(Role.SDR, username="sam")
        lead = pql()
        result = lead_claim(lead_id=lead.pk, user=sam)
        lead.refresh_from_db()
        assert (lead.owner, result.changed) == (sam, True)
        assert lead.claimed_at == result.claimed_at

    def test_second_claim_names_the_owner_and_changes_nothing(self, make_user):
        sam = make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
        kim = make_user(Role.SDR, username="kim")
        lead = pql()
        lead_claim(lead_id=lead.pk, user=sam)
        with pytest.raises(ClaimError, match="Sam Rivera has Ada") as error:
            lead_claim(lead_id=lead.pk, user=kim)
        assert error.value.owner == sam
        lead.refresh_from_db()
        assert lead.owner == sam

    def test_claiming_your_own_lead_again_is_harmless(self, make_user):
        sam = make_user(Role.SDR, username="sam")
        lead = pql()
        first = lead_claim(lead_id=lead.pk, user=sam)
        again = lead_claim(lead_id=lead.pk, user=sam)
        assert (again.changed, again.claimed_at) == (False, first.claimed_at)

    # SQL, opportunity and customer leads belong to sales: claiming one from a stale queue
    # page used to succeed (only the exits were refused).
    @pytest.mark.parametrize("stage", CLOSED_STAGES)
    def test_closed_leads_cannot_be_claimed(self, make_user, stage):
        lead = pql()
        Lead.objects.filter(pk=lead.pk).update(stage=stage)
        with pytest.raises(ClaimError, match="no longer in an SDR queue"):
            lead_claim(lead_id=lead.pk, user=make_user(Role.SDR))
        assert Lead.objects.get(pk=lead.pk).owner_id is None

    @pytest.mark.parametrize("stage", ["sql", "customer"])
    def test_a_manager_cannot_assign_a_lead_sales_owns(self, make_user, stage):
        lead = pql()
        Lead.objects.filter(pk=lead.pk).update(stage=stage)
        manager, sam = make_user(Role.MANAGER), make_user(Role.SDR)
        with pytest.raises(ClaimError):
            lead_assign(lead_id=lead.pk, user=manager, assignee_id=sam.pk, expected_owner_id=None)
        assert Lead.objects.get(pk=lead.pk).owner_id is None

    def test_missing_lead(self, make_user):
        with pytest.raises(ClaimError, match="no longer exists"):
            lead_claim(lead_id=999_999, user=make_user(Role.SDR))


@pytest.mark.django_db
class TestAssign:
    def test_manager_assigns_and_unassigns(self, make_user):
        boss = make_user(Role.MANAGER, username="boss")
        sam = make_user(Role.SDR, username="sam")
        lead = pql()
        lead_assign(lead_id=lead.pk, user=boss, assignee_id=sam.pk, expected_owner_id=None)
        lead.refresh_from_db()
        assert lead.owner == sam
        assert (
            lead_assign(lead_id=lead.pk, user=boss, assignee_id=None, expected_owner_id=sam.pk)
            is None
        )
        lead.refresh_from_db()
        assert (lead.owner, lead.claimed_at) == (None, None)

    def test_assignment_never_overwrites_a_claim_made_meanwhile(self, make_user):
        boss = make_user(Role.MANAGER, username="boss")
        sam = make_user(Role.SDR, username="sam")
        kim = make_user(Role.SDR, username="kim")
        lead = pql()
        lead_claim(lead_id=lead.pk, user=kim)  # after the manager loaded the page
        with pytest.raises(ClaimError, match="kim has"):
            lead_assign(lead_id=lead.pk, user=boss, assignee_id=sam.pk, expected_owner_id=None)
        lead.refresh_from_db()
        assert lead.owner == kim

    def test_sdr_cannot_assign(self, make_user):
        sam = make_user(Role.SDR, username="sam")
        with pytest.raises(ClaimError, match="Only managers"):
            lead_assign(lead_id=pql().pk, user=sam, assignee_id=sam.pk, expected_owner_id=None)

    def test_only_to_people_who_work_the_queues(self, make_user):
        boss = make_user(Role.MANAGER, username="boss")
        ops = make_user(Role.OPS, username="olga")
        with pytest.raises(ClaimError, match="work the queues"):
            lead_assign(lead_id=pql().pk, user=boss, assignee_id=ops.pk, expected_owner_id=None)


@pytest.mark.django_db(transaction=True)
def test_two_sdrs_claiming_at_once_one_wins(make_user):
    """Two threads, two connections, released together: exactly one claim succeeds."""
    sam = make_user(Role.SDR, username="sam")
    kim = make_user(Role.SDR, username="kim")
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race runs on PostgreSQL (DATABASE_URL)")
    for _round in range(5):
        lead = pql()
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def claim(user, lead_id=lead.pk, barrier=barrier, outcomes=outcomes) -> None:
            try:
                barrier.wait(timeout=5)
                lead_claim(lead_id=lead_id, user=user)
                outcomes[user.username] = "won"
            except ClaimError as error:
                outcomes[user.username] = error.message
            finally:
                connections.close_all()

        threads = [threading.Thread(target=claim, args=(u,)) for u in (sam, kim)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert sorted(outcomes.values()).count("won") == 1, outcomes
        lead.refresh_from_db()
        loser = "kim" if outcomes["sam"] == "won" else "sam"
        winner = "sam" if loser == "kim" else "kim"
        assert lead.owner.username == winner
        assert outcomes[loser].startswith(f"{winner} has")


@pytest.mark.django_db
def test_claim_is_one_conditional_update(make_user, django_assert_num_queries):
    """The winning path is a single UPDATE ... WHERE owner IS NULL (no read-then-write)."""
    sam = make_user(Role.SDR, username="sam")
    lead = pql()
    # savepoint, UPDATE, activity INSERT, the clock refresh (policies, the lead), release
    with django_assert_num_queries(6) as ctx:
        lead_claim(lead_id=lead.pk, user=sam)
    update = next(q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE"))
    assert '"owner_id" IS NULL' in update
    assert timezone.is_aware(Lead.objects.get(pk=lead.pk).claimed_at)


@pytest.mark.django_db
def test_claim_and_assign_leave_activity_records(make_user):
    from qualification.models import Lead, LeadActivity
    from qualification.roles import Role
    from qualification.services.claims import lead_assign, lead_claim

    sdr = make_user(Role.SDR, username="act-sdr")
    other = make_user(Role.SDR, username="act-sdr2")
    manager = make_user(Role.MANAGER, username="act-manager")
    lead = Lead.objects.create(
        email="act@example.test", queue="pql", stage="pql", qualification="pql", pql_kind="usage"
    )
    lead_claim(lead_id=lead.pk, user=sdr)
    lead_assign(lead_id=lead.pk, user=manager, assignee_id=other.pk, expected_owner_id=sdr.pk)
    kinds = list(
        LeadActivity.objects.filter(lead=lead).order_by("id").values_list("kind", "actor__username")
    )
    assert kinds == [("claimed", "act-sdr"), ("assigned", "act-manager")]
    assert LeadActivity.objects.get(kind="assigned").note == "to act-sdr2"
