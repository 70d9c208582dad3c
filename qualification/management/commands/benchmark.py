"""Generate (or reuse) a data set in the configured database and print timed figures as JSON."""

from __future__ import annotations

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from qualification.db.maintenance import table_vacuum_analyze
from qualification.devdata.benchmark import dataset, ingest, learning, measure, queues, sales, sla
from qualification.devdata.benchmark import search as search_bench
from qualification.devdata.benchmark.workers import chunked_rescore_figures
from qualification.models import Lead
from qualification.services.rescoring import lead_table_maintain


class Command(BaseCommand):
    help = (
        "Benchmark rescoring, previews, queues, the manager dashboard, the SLA alert scan "
        "and recalibration "
        "on a synthetic data set: "
        "`benchmark --leads 100000 --events 2000000 --json`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--leads", type=int, default=10_000)
        parser.add_argument("--events", type=int, default=200_000)
        parser.add_argument("--json", action="store_true", help="Print only the JSON object.")
        parser.add_argument(
            "--regenerate", action="store_true", help="Rebuild the data set even if present."
        )
        parser.add_argument(
            "--no-ingest",
            action="store_true",
            help="Skip the ingestion figures (they start gunicorn against this database).",
        )
        parser.add_argument(
            "--no-workers",
            action="store_true",
            help="Skip the chunked full rescore through 1 and 2 Celery workers (needs REDIS_URL).",
        )
        parser.add_argument(
            "--no-learning",
            action="store_true",
            help="Skip the recalibration figures (a fit and four full rescores).",
        )

    def handle(
        self,
        *args,
        leads: int,
        events: int,
        json: bool,
        regenerate: bool,
        no_ingest: bool,
        no_learning: bool,
        no_workers: bool = False,
        **options,
    ):
        if leads < 1 or events < 0:
            raise CommandError("--leads must be at least 1 and --events at least 0.")
        # Query logging under DEBUG would keep every statement (and its megabytes of
        # parameters) in memory; production runs without it, so the benchmark does too.
        settings.DEBUG = False
        connection.force_debug_cursor = False
        say = (lambda msg: None) if json else (lambda msg: self.stderr.write(msg))

        size = dataset.DatasetSize(leads=leads, events=events)
        criteria = dataset.ensure_criteria()
        reused = dataset.present(size) and not regenerate
        generate_s = 0.0
        if not reused:
            say(f"Generating {leads:,} leads and {events:,} events in {connection.vendor}…")
            generate_s, _ = measure.timed(lambda: dataset.generate(size))
        say("Timing the bare aggregation SQL…")
        sql_s, sql_rows = measure.sql_aggregate_seconds()
        say("Timing a criteria preview (5 criteria re-pointed, 1 added) over every lead…")
        preview_start_ms, preview_s, preview = measure.preview_seconds()
        say("Timing a full rescore…")
        full_s, report = measure.rescore_full()
        # What the nightly task does next (not timed): keep queue counts fast after rewrites.
        lead_table_maintain(report=report, total_leads=report.scored)
        say("Timing the chunked full rescore through 1 and 2 Celery worker processes…")
        chunked = {} if no_workers else chunked_rescore_figures()
        say("Timing 1,000 dirty leads…")
        sample_s = measure.rescore_sample(1000)
        say("Timing the PQL queue page…")
        page_ms = queues.queue_page_ms()
        page_sql_ms = queues.queue_sql_ms()
        all_qualified = queues.queue_figures_with_all_qualified()
        say("Timing a name and a company search…")
        searched = search_bench.search_figures()
        say("Writing the sales history and SLA clocks (after the rescore, which rewrites them)…")
        sales_s, sales_counts = measure.timed(sales.sales_layer_apply)
        # Not timed: the sales layer rewrote most lead rows, and the dashboard's period index
        # answers from the index alone only once the visibility map is current again (what
        # autovacuum does shortly after such a rewrite in a running database).
        table_vacuum_analyze(Lead)
        say("Timing the manager dashboard…")
        dashboard_ms = sla.dashboard_ms()
        dashboard_sql_ms, dashboard_sql_source = sla.dashboard_sql_ms()
        say("Timing the SLA alert scan over every lead as an open clock…")
        alert = sla.alert_scan_figures(dataset.bench_lead_ids())
        learned = {}
        if not no_learning:
            say("Recalibrating from the sales outcomes; timing the rescore with the likelihood…")
            learned = learning.learning_figures(sql_aggregate_s=sql_s)
        figures = {
            "database": connection.vendor,
            "leads": leads,
            "events": events,
            "criteria": criteria,
            "dataset_reused": reused,
            "generate_s": round(generate_s, 2),
            "sql_aggregate_s": round(sql_s, 3),
            "sql_aggregate_rows": sql_rows,
            "rescore_full_s": round(full_s, 3),
            "rescore_ratio": round(full_s / sql_s, 2) if sql_s else None,
            **chunked,
            "preview_s": round(preview_s, 3),
            "preview_ratio": round(preview_s / sql_s, 2) if sql_s else None,
            "preview_start_ms": round(preview_start_ms, 1),
            "preview_status": preview.status,
            "preview_entering": preview.figures.get("entering"),
            "preview_leaving": preview.figures.get("leaving"),
            "rescore_1000_s": round(sample_s, 3),
            "rescored": report.scored,
            "rescore_written": report.written,
            "rescore_failed": len(report.failed),
            "pql_queue_leads": Lead.objects.filter(queue="pql").count(),
            "queue_page_ms": round(page_ms, 1),
            "queue_sql_ms": round(page_sql_ms, 1),
            **all_qualified,
            **searched,
            "sales_layer_s": round(sales_s, 2),
            "sales_transitions": sales_counts["transitions"],
            "sales_feedback": sales_counts["feedback"],
            "sales_activities": sales_counts["activities"],
            "dashboard_ms": dashboard_ms,
            "dashboard_sql_ms": dashboard_sql_ms,
            "dashboard_ratio": round(dashboard_ms / dashboard_sql_ms, 2)
            if dashboard_sql_ms
            else None,
            "dashboard_sql_source": dashboard_sql_source,
            **alert,
            **learned,
        }
        if not no_ingest:
            say("Timing ingestion through /v1/batch (gunicorn) and raw inserts…")
            ingest_rate = ingest.ingest_events_per_s()
            raw_rate = ingest.raw_insert_events_per_s()
            figures["ingest_events_per_s"] = round(ingest_rate)
            figures["raw_insert_events_per_s"] = round(raw_rate)
            figures["ingest_share_of_raw"] = round(ingest_rate / raw_rate, 3)
            say("Timing one full 500 KB batch of new users (track, then identify)…")
            figures.update(ingest.ingest_new_users())
        figures["peak_rss_mb"] = measure.peak_rss_mb()
        self.stdout.write(json_dumps(figures))
        sys.stdout.flush()


def json_dumps(data: dict) -> str:
    return json.dumps(data, indent=2)
