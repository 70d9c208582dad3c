"""A synthetic, reproducible data set for the benchmark, written fast and in bounded memory.

Leads and events are written with COPY on PostgreSQL (executemany elsewhere) in chunks, so
generating two million events needs neither the ORM nor much memory. Everything it makes
is recognisable (domains end in ``.bench``, criteria keys start with ``bench-``) so a rerun
with the same sizes reuses it and a rerun with other sizes replaces it.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from qualification.models import (
    Account,
    Criterion,
    Event,
    EventType,
    Lead,
    QualificationPolicy,
)
from qualification.services.versions import published_version_ensure

DOMAIN_SUFFIX = ".bench"
CHUNK = 20_000
SEED = 20261124


class EventKind(NamedTuple):
    """One kind of generated event and how often it occurs relative to the others."""

    name: str
    source: str
    weight: int
    properties: dict


EVENT_MIX: list[EventKind] = [
    EventKind("Page Viewed", "marketing", 30, {}),
    EventKind("Pricing Page Viewed", "marketing", 8, {}),
    EventKind("Content Downloaded", "marketing", 6, {}),
    EventKind("Email Clicked", "marketing", 10, {}),
    EventKind("Webinar Attended", "marketing", 2, {}),
    EventKind("Demo Requested", "marketing", 1, {}),
    EventKind("Email Unsubscribed", "marketing", 1, {}),
    EventKind("Signed Up", "product", 2, {}),
    EventKind("Activation Step Completed", "product", 6, {}),
    EventKind("Feature Used", "product", 14, {"feature": "reports"}),
    EventKind("Feature Used", "product", 10, {"feature": "dashboards"}),
    EventKind("Teammate Invited", "product", 3, {}),
    EventKind("Integration Connected", "product", 2, {}),
    EventKind("Usage Limit Reached", "product", 1, {}),
    EventKind("Upgrade Page Viewed", "product", 2, {}),
    EventKind("Contact Sales Requested", "product", 1, {}),
    EventKind("Order Completed", "product", 1, {}),
]

INDUSTRIES = ["software", "fintech", "healthcare", "retail", "logistics", "education", "media"]
COUNTRIES = ["DE", "FR", "US", "GB", "NL", "ES", "BR", "IN", "JP", "RU"]


def _event(name: str, **fields) -> dict:
    base = {
        "signal_type": "event",
        "event_name": name,
        "measure": "count",
        "threshold": 1,
        "window_days": None,
        "points_mode": "once",
        "owner_team": "ops",
    }
    base.update(fields)
    return base


def _attr(attribute: str, operator: str, value, **fields) -> dict:
    base = {
        "signal_type": "attribute",
        "attribute": attribute,
        "operator": operator,
        "value": value,
        "owner_team": "ops",
    }
    base.update(fields)
    return base


BENCH_CRITERIA: dict[str, dict] = {
    "fit-industry": _attr("account.industry", "in", ["software", "fintech", "healthcare"], kind="fit", points=15, reason_template="Works in {value}"),
    "fit-size": _attr("account.employee_count", "between", [50, 5000], kind="fit", points=15, reason_template="{employees} employees"),
    "fit-country": _attr("account.country", "in", ["DE", "FR", "US", "GB", "NL", "ES"], kind="fit", points=10, reason_template="Based in {country}"),
    "fit-b2b": _attr("account.business_model", "eq", "b2b", kind="fit", points=5, reason_template="Sells to businesses"),
    "fit-title": _attr("lead.title", "contains", "Head", kind="fit", points=10, reason_template="Title: {value}"),
    "fit-role-trait": _attr("lead.traits.role", "in", ["admin", "owner"], kind="fit", points=5, reason_template="Is an {value} in the product"),
    "intent-pricing": _event("Pricing Page Viewed", kind="intent", threshold=3, window_days=7, points=20, half_life_days=7.0, reason_template="Viewed the pricing page {times} {window}"),
    "intent-pricing-30": _event("Pricing Page Viewed", kind="intent", threshold=5, window_days=30, points=10, reason_template="Viewed pricing {times} {window}"),
    "intent-demo": _event("Demo Requested", kind="intent", window_days=30, points=35, reason_template="Requested a demo {last_seen}"),
    "intent-webinar": _event("Webinar Attended", kind="intent", window_days=60, points=10, reason_template="Attended a webinar {window}"),
    "intent-content": _event("Content Downloaded", kind="intent", threshold=2, window_days=30, points=4, points_mode="per_occurrence", max_occurrences=3, reason_template="Downloaded {count} pieces of content {window}"),
    "intent-email": _event("Email Clicked", kind="intent", threshold=2, window_days=14, points=5, half_life_days=10.0, reason_template="Clicked {count} emails {window}"),
    "intent-pages": _event("Page Viewed", kind="intent", threshold=10, window_days=30, points=5, reason_template="Viewed {count} pages {window}"),
    "usage-activation": _event("Activation Step Completed", kind="usage", threshold=3, points=15, reason_template="Completed {count} activation steps"),
    "usage-reports": _event("Feature Used", kind="usage", property_filter={"feature": "reports"}, threshold=3, window_days=14, points=15, half_life_days=14.0, reason_template="Built reports {times} {window}"),
    "usage-dashboards": _event("Feature Used", kind="usage", property_filter={"feature": "dashboards"}, threshold=3, window_days=14, points=10, reason_template="Used dashboards {times} {window}"),
    "usage-active-days": _event("Feature Used", kind="usage", measure="distinct_days", threshold=4, window_days=14, points=15, reason_template="Active on {days} days {window}"),
    "usage-invites": _event("Teammate Invited", kind="usage", points=8, points_mode="per_occurrence", max_occurrences=3, reason_template="Invited {count} teammates"),
    "usage-integration": _event("Integration Connected", kind="usage", points=15, reason_template="Connected an integration"),
    "usage-limit": _event("Usage Limit Reached", kind="usage", window_days=30, points=20, reason_template="Hit a plan limit {last_seen}"),
    "usage-upgrade-page": _event("Upgrade Page Viewed", kind="usage", threshold=2, window_days=14, points=10, reason_template="Viewed the upgrade page {times} {window}"),
    "neg-unsubscribed": _event("Email Unsubscribed", kind="negative", applies_to="mql", points=-20, reason_template="Unsubscribed from email"),
    "neg-pages-only": _event("Page Viewed", kind="negative", applies_to="mql", threshold=40, window_days=7, points=-5, reason_template="Viewed {count} pages in a week without converting"),
    "dq-country": _attr("account.country", "in", ["RU"], kind="disqualifier", points=0, reason_template="Based in {country}, which we do not serve"),
    "dq-small": _attr("account.employee_count", "lte", 5, kind="disqualifier", points=0, reason_template="Company too small ({employees} people)"),
    "dq-personal": _attr("lead.email_domain", "in", ["gmail.com", "yahoo.com"], kind="disqualifier", points=0, reason_template="Uses a personal email address ({value})"),
    "dq-b2c": _attr("account.business_model", "eq", "b2c", kind="disqualifier", points=0, reason_template="Sells to consumers (B2C)"),
}  # fmt: skip


@dataclass(frozen=True)
class DatasetSize:
    leads: int
    events: int

    @property
    def accounts(self) -> int:
        return max(1, self.leads // 8)


def ensure_criteria() -> int:
    """Put the benchmark criteria and policy events in the published version; return how
    many active criteria it has.

    Tooling, not product: published rows refuse ``save()``, so missing criteria are
    validated like the admin would (``full_clean``) and then inserted with set-based
    writes (the fixture path, as in the tests' factories). A benchmark database then
    scores with them at once, without a publication and its background rescore.
    """
    EventType.objects.bulk_create(
        [EventType(name=kind.name, source=kind.source) for kind in EVENT_MIX],
        ignore_conflicts=True,
    )
    version = published_version_ensure()
    present = set(Criterion.objects.filter(version=version).values_list("key", flat=True))
    missing = []
    for key, fields in BENCH_CRITERIA.items():
        if f"bench-{key}" not in present:
            criterion = Criterion(
                version=version,
                key=f"bench-{key}",
                name=key.replace("-", " ").capitalize(),
                **fields,
            )
            criterion.full_clean(validate_unique=False)
            missing.append(criterion)
    Criterion.objects.bulk_create(missing)
    policy = QualificationPolicy.objects.filter(version=version)
    if not policy.exists():
        QualificationPolicy.objects.bulk_create([QualificationPolicy(version=version)])
    policy.filter(hand_raiser_events=[], limit_events=[], purchase_events=[]).update(
        hand_raiser_events=["Contact Sales Requested", "Demo Requested"],
        limit_events=["Usage Limit Reached"],
        purchase_events=["Order Completed"],
    )
    return Criterion.objects.filter(version=version, is_active=True).count()


def bench_lead_ids() -> list[int]:
    return list(
        Lead.objects.filter(account__domain__endswith=DOMAIN_SUFFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def present(size: DatasetSize) -> bool:
    """Whether a data set of exactly this size is already there."""
    leads = Lead.objects.filter(account__domain__endswith=DOMAIN_SUFFIX).count()
    if leads != size.leads:
        return False
    return Event.objects.filter(message_id__startswith="bench-").count() == size.events


def remove() -> None:
    """Drop an earlier benchmark data set with set-based deletes (no per-row collector)."""
    from qualification.models import (
        AnonymousId,
        Feedback,
        LeadActivity,
        LeadSnapshot,
        SLAAlert,
        StageTransition,
    )

    lead_ids = Lead.objects.filter(account__domain__endswith=DOMAIN_SUFFIX).values("pk")
    with transaction.atomic():
        Event.objects.filter(message_id__startswith="bench-")._raw_delete(Event.objects.db)
        for model in (StageTransition, Feedback, AnonymousId, LeadActivity, SLAAlert, LeadSnapshot):
            model.objects.filter(lead_id__in=lead_ids)._raw_delete(model.objects.db)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Lead._meta.db_table} WHERE account_id IN "
                f"(SELECT id FROM {Account._meta.db_table} WHERE domain LIKE %s)",
                [f"%{DOMAIN_SUFFIX}"],
            )
        Account.objects.filter(domain__endswith=DOMAIN_SUFFIX)._raw_delete(Account.objects.db)


def _accounts(size: DatasetSize, rng: random.Random, now: datetime) -> Iterator[tuple]:
    for i in range(size.accounts):
        employees = rng.choice([3, 20, 80, 250, 1200, 8000])
        yield (
            f"Bench Co {i}",
            f"co{i}{DOMAIN_SUFFIX}",
            rng.choice(INDUSTRIES),
            employees,
            rng.choice(COUNTRIES),
            "b2c" if rng.random() < 0.1 else "b2b",
            rng.choice(["free", "trial", "paid"]),
            "{}",
            now,
            now,
        )


def _leads(
    size: DatasetSize, rng: random.Random, now: datetime, first_account: int
) -> Iterator[tuple]:
    titles = ["Head of Data", "Engineer", "CTO", "Marketing Manager", "Analyst", "Founder"]
    for i in range(size.leads):
        yield (
            first_account + i % size.accounts,
            f"lead{i}@co{i % size.accounts}{DOMAIN_SUFFIX}",
            f"u-bench-{i}",
            "Lead",
            str(i),
            rng.choice(titles),
            "benchmark",
            "{}",
            json.dumps({"role": rng.choice(["admin", "member", "owner", "viewer"])}),
            "new",
            0, 0, 0, 0, 1, "none", "", "none", "[]", "{}", "[]", True, "", now, now, "[]",
        )  # fmt: skip


def _events(
    size: DatasetSize, rng: random.Random, now: datetime, lead_ids: list[int], accounts: dict
) -> Iterator[tuple]:
    kinds = list(EVENT_MIX)
    cum_weights = list(itertools.accumulate(kind.weight for kind in EVENT_MIX))
    # Skewed activity: a few leads are very active, most are quiet (as in real funnels).
    for i in range(size.events):
        lead_id = lead_ids[min(len(lead_ids) - 1, int(len(lead_ids) * rng.random() ** 2))]
        kind = rng.choices(kinds, cum_weights=cum_weights)[0]
        occurred = now - timedelta(seconds=rng.random() * 90 * 86400)
        yield (
            lead_id,
            accounts[lead_id],
            "",
            kind.name,
            kind.source,
            json.dumps(kind.properties),
            occurred,
            now,
            f"bench-{i}",
        )


def _write(table: str, columns: list[str], rows: Iterator[tuple]) -> None:
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        raw = connection.connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({cols}) VALUES ({placeholders})"
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)


LEAD_COLUMNS = [
    "account_id", "email", "user_id", "first_name", "last_name", "title", "source",
    "external_ids", "traits", "stage", "fit_score", "intent_score", "usage_score",
    "total_score", "tier", "qualification", "pql_kind", "queue", "reasons", "breakdown",
    "disqualified_reasons", "needs_rescore", "score_digest", "created_at", "updated_at",
    "likelihood_factors",
]  # fmt: skip
ACCOUNT_COLUMNS = [
    "name", "domain", "industry", "employee_count", "country", "business_model", "plan",
    "traits", "created_at", "updated_at",
]  # fmt: skip
EVENT_COLUMNS = [
    "lead_id", "account_id", "anonymous_id", "name", "source", "properties", "occurred_at",
    "received_at", "message_id",
]  # fmt: skip


def generate(size: DatasetSize, now: datetime | None = None) -> None:
    """Write accounts, leads and events of the given size (replacing any other size)."""
    now = now or timezone.now()
    rng = random.Random(SEED)
    remove()
    with transaction.atomic():
        _write(Account._meta.db_table, ACCOUNT_COLUMNS, _accounts(size, rng, now))
        first_account = (
            Account.objects.filter(domain__endswith=DOMAIN_SUFFIX)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        _write(Lead._meta.db_table, LEAD_COLUMNS, _leads(size, rng, now, first_account))
    accounts = dict(
        Lead.objects.filter(account__domain__endswith=DOMAIN_SUFFIX).values_list("pk", "account_id")
    )
    lead_ids = sorted(accounts)
    with transaction.atomic():
        _write(Event._meta.db_table, EVENT_COLUMNS, _events(size, rng, now, lead_ids, accounts))
    if connection.vendor == "postgresql":
        # As autovacuum would soon after a bulk load: planner statistics, and hint bits
        # and the visibility map set, so the first timed pass does not pay for them.
        # (Inside a transaction, as in tests, VACUUM cannot run; statistics still can.)
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (Lead, Event, Account):
                cursor.execute(f"{command} {model._meta.db_table}")
