"""Running a rescore: read a batch, score it, write it, for some leads or for all of them.

A batch costs a fixed number of queries (its leads' facts and stored state, the
aggregation pass, account users, one bulk update, one bulk insert of stage transitions)
whatever the number of criteria or leads. A full rescore reads the account activity once
for all batches and, with ``pipeline=True`` on PostgreSQL, runs reads and writes on their
own threads (``pipeline``) while this thread scores.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection
from django.utils import timezone

from qualification.core.scoring import (
    CriterionSpec,
    PolicySpec,
    PreparedCriteria,
    prepare_criteria,
)
from qualification.db.maintenance import table_vacuum_analyze
from qualification.models import CriteriaVersion, Lead
from qualification.selectors.aggregation import (
    AccountActivity,
    LeadBatch,
    LeadRange,
    account_active_users_read,
)
from qualification.selectors.learning_live import LiveModel, live_model_read
from qualification.selectors.rescoring import lead_range_account_ids_read, lead_ranges_read
from qualification.selectors.scoring_specs import (
    criteria_specs_read,
    policy_spec_read,
    published_version_read,
)
from qualification.selectors.signals import BatchRows, lead_batch_build, lead_batch_fetch
from qualification.selectors.sla import PolicyMap, sla_policies_read
from qualification.services.rescoring.batch import ScoredBatch, batch_score
from qualification.services.rescoring.pipeline import (
    BackgroundWriter,
    prefetched,
    sparse_collections,
)
from qualification.services.rescoring.report import RescoreReport
from qualification.services.rescoring.writes import batch_write

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 2000


def lead_rescore(
    *, lead_ids: Iterable[int], now: datetime | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> RescoreReport:
    """Rescore the given leads in batches; failures are logged and reported, not raised."""
    started = timezone.now()
    now = now or started
    ids = sorted(set(lead_ids))
    version_id, criteria, policy = _published_read()
    clocks = sla_policies_read()
    live = live_model_read()
    report = RescoreReport()
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        report.merge(
            _rescore_inline(chunk, criteria, policy, now, started, version_id, clocks, live=live)
        )
    if report.failed:
        logger.warning(
            "Rescore finished with %d failed lead(s): %s", len(report.failed), report.failed[:20]
        )
    return report


@sparse_collections()
def lead_rescore_all(
    *,
    now: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    pipeline: bool = False,
    lead_range: LeadRange | None = None,
) -> RescoreReport:
    """Rescore every lead (windows and decay move with time), batch by batch by id.

    ``pipeline=True`` (the nightly run, the benchmark) overlaps reads, scoring and writes
    on PostgreSQL outside a transaction; elsewhere it is the same as ``False``.
    ``lead_range`` limits it to the leads whose ids are in that range (one chunk of a
    chunked full rescore, ``services.rescoring.runs``).
    """
    started = timezone.now()
    now = now or started
    version_id, criteria, policy = _published_read()
    clocks = sla_policies_read()
    live = live_model_read()  # once per run: every batch is estimated by the same model
    model_events = _model_events(live)
    # Every lead is scored at the same ``now``: read the account-level activity once.
    accounts = None if lead_range is None else lead_range_account_ids_read(lead_range)
    activity = account_active_users_read(accounts, criteria, policy, now)
    report = RescoreReport()
    ranges = (
        lead_ranges_read(batch_size=batch_size)
        if lead_range is None
        else lead_ranges_read(
            batch_size=batch_size, after=lead_range.first - 1, upto=lead_range.last
        )
    )
    if not (pipeline and connection.vendor == "postgresql" and not connection.in_atomic_block):
        for batch in ranges:
            report.merge(
                _rescore_inline(
                    batch, criteria, policy, now, started, version_id, clocks, activity, live=live
                )
            )
        return report

    def fetch(batch: LeadRange) -> BatchRows:  # on a reader thread: only the queries
        return lead_batch_fetch(batch, criteria, policy, now, model_events=model_events)

    def write(scored: ScoredBatch) -> None:  # on the writer thread
        batch_write(scored, started=started)

    writer = BackgroundWriter(write)
    try:
        for _batch, fetched in prefetched(ranges, fetch):
            built = lead_batch_build(fetched, criteria, policy, now, activity)
            scored = batch_score(
                built,
                criteria,
                policy,
                now,
                version_id=version_id,
                sla_policies=clocks,
                live=live,
            )
            writer.submit(scored)
            report.merge(_report(scored))
    finally:
        writer.close()
    return report


def leads_rescore_nightly(*, batch_size: int = DEFAULT_BATCH_SIZE) -> RescoreReport:
    """The full rescore the nightly task and ``rescore --all`` run: pipelined, then VACUUM.

    Windows and decay move every day, so every lead is rescored; when that rewrote a large
    share of the lead table, the table is vacuumed at once (``lead_table_maintain``).
    """
    report = lead_rescore_all(batch_size=batch_size, pipeline=True)
    lead_table_maintain(report=report, total_leads=report.scored + len(report.failed))
    publication_finish_check()
    return report


def publication_rescore(*, version_id: int, batch_size: int = DEFAULT_BATCH_SIZE) -> RescoreReport:
    """Apply a publication: rescore every lead with it, then mark the publication applied.

    Leads already scored with it are recomputed but not rewritten (their digest holds the
    version), so a worker that died halfway resumes cheaply when the task is redelivered.
    A version published again meanwhile is left to its own task.
    """
    version = published_version_read()
    if version is None or version.pk != version_id:
        return RescoreReport()
    report = leads_rescore_nightly(batch_size=batch_size)
    return report


def publication_finish_check() -> bool:
    """Mark the published version applied once no lead is left on another version's score.

    Leads that failed to score keep their old version; they are retried by the sweep, and
    the banner keeps showing until they are done.
    """
    version = published_version_read()
    if version is None or version.rescore_finished_at is not None:
        return False
    if Lead.objects.exclude(criteria_version_id=version.pk).exists():
        return False
    CriteriaVersion.objects.filter(pk=version.pk, rescore_finished_at__isnull=True).update(
        rescore_finished_at=timezone.now()
    )
    return True


def lead_table_maintain(*, report: RescoreReport, total_leads: int) -> bool:
    """VACUUM ANALYZE the lead table after a rescore that rewrote a large share of it.

    Below a tenth of the table (and 1,000 rows) autovacuum's own pace is fine. PostgreSQL
    only, outside transactions; returns whether it ran.
    """
    if total_leads == 0 or report.written < max(1000, total_leads // 10):
        return False
    return table_vacuum_analyze(Lead)


def _rescore_inline(
    batch: LeadBatch,
    criteria: Sequence[CriterionSpec],
    policy: PolicySpec,
    now: datetime,
    started: datetime,
    version_id: int | None,
    clocks: PolicyMap,
    activity: AccountActivity | None = None,
    *,
    live: LiveModel | None = None,
) -> RescoreReport:
    """Read, score and write one batch on this thread's connection (and transaction)."""
    fetched = lead_batch_fetch(batch, criteria, policy, now, model_events=_model_events(live))
    built = lead_batch_build(fetched, criteria, policy, now, activity)
    scored = batch_score(
        built, criteria, policy, now, version_id=version_id, sla_policies=clocks, live=live
    )
    batch_write(scored, started=started)
    return _report(scored)


def _model_events(live: LiveModel | None) -> tuple[str, ...]:
    """The event names the live model reads, counted by the aggregation pass for it."""
    return tuple(sorted(live.model.event_names)) if live is not None else ()


def _published_read() -> tuple[int | None, PreparedCriteria, PolicySpec]:
    """The published version's id, prepared criteria and policy, read together.

    The id is read first and the rules by that id, so a publication landing in between
    cannot pair one version's id with another's rules.
    """
    version = published_version_read()
    version_id = version.pk if version is not None else None
    if version_id is None:
        return None, prepare_criteria([]), PolicySpec()
    return (
        version_id,
        prepare_criteria(criteria_specs_read(version_id)),
        policy_spec_read(version_id),
    )


def _report(scored: ScoredBatch) -> RescoreReport:
    return RescoreReport(
        scored=len(scored.rows) + len(scored.unchanged),
        written=len(scored.rows),
        failed=scored.failed,
        transitions=len(scored.transitions),
        batches=1,
    )
