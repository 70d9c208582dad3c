"""``manage.py demo``: migrate, load the demo data set and users, then serve on 127.0.0.1:8000.

The one command a newcomer runs. Safe on any database that already has data: it only adds
what is missing, so running it again fixes a forgotten password and changes nothing else.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from qualification.core.vocabulary import SDR_WORKABLE_STAGES
from qualification.devdata.demo.loader import load_demo
from qualification.devdata.demo.people import DEFAULT_PASSWORD, demo_password
from qualification.models import Lead, Recalibration, RecalibrationStatus, RecalibrationTrigger
from qualification.models.accounts import CLOCK_RUNNING
from qualification.services.recalibration import recalibration_next, recalibration_run
from qualification.services.rescoring import lead_rescore_all

ADDRPORT = "127.0.0.1:8000"


def _alert_scan() -> Any:
    """Run the SLA alert scan once, so the bell has notifications on first sign-in.

    Its alerts are about clocks the demo just set; the scan's emails go wherever email is
    configured (the embedded default prints them). Skipped when the scan is not installed.
    """
    try:
        from qualification.services.sla_alerts import sla_alerts_scan
    except ImportError:
        return None
    return sla_alerts_scan(now=timezone.now())


def _first_recalibration() -> Recalibration | None:
    """Recalibrate once from the demo's feedback, so the criteria health page and the
    likelihoods have figures on first sign-in; a rerun keeps the run already there."""
    if Recalibration.objects.filter(status=RecalibrationStatus.DONE).exists():
        return None
    run, _ = recalibration_next(trigger=RecalibrationTrigger.COMMAND)
    return recalibration_run(recalibration_id=run.pk)


class Command(BaseCommand):
    help = (
        "Migrate, load realistic demo data (accounts, leads, 90 days of events, criteria, "
        "glossary, SLA policies on a Berlin business calendar, SDR teams) and one user per role, then serve on http://127.0.0.1:8000. "
        "Running it again adds nothing twice. Set DEMO_PASSWORD to choose the users' password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Do everything except starting the development server.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.LEADHUB_PRODUCTION:
            # Seven users with the README's password would be an open door.
            raise CommandError(
                "manage.py demo refuses to run with LEADHUB_ENV=production: it creates one "
                "user per role with the documented demo password. Run it on a development "
                "copy (LEADHUB_ENV unset or development). Nothing was changed."
            )
        started = time.monotonic()
        self.stdout.write("Applying migrations…")
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout)
        self.stdout.write("Loading demo data…")
        try:
            result = load_demo(password=demo_password())
        except RuntimeError as exc:  # e.g. the role groups are missing; nothing was written
            raise CommandError(str(exc)) from exc
        self.stdout.write("Scoring every lead…")
        report = lead_rescore_all()
        if report.failed:
            self.stderr.write(f"  {len(report.failed)} lead(s) failed to score; see the log.")
        self.stdout.write("Scanning SLA clocks for alerts…")
        scan = _alert_scan()
        self.stdout.write("Learning from the sales feedback (a first recalibration)…")
        learned = _first_recalibration()
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {elapsed:.1f} s."))
        width = max(len(label) for label in result.totals)
        for label, total in result.totals.items():
            added = result.added[label]
            note = f"(+{added} this run)" if added else "(already loaded)"
            self.stdout.write(f"  {label:<{width}}  {total:>7,}  {note}")

        queues = dict(
            Lead.objects.exclude(queue="none").values_list("queue").annotate(n=Count("id"))
        )
        self.stdout.write(
            f"  queues: {queues.get('mql', 0)} MQL, {queues.get('pql', 0)} PQL, "
            f"{queues.get('cs', 0)} for customer success"
        )
        now = timezone.now()
        running = Lead.objects.filter(CLOCK_RUNNING, stage__in=SDR_WORKABLE_STAGES)
        warning = running.filter(sla_warn_at__lte=now, sla_due_at__gt=now).count()
        overdue = running.filter(sla_due_at__lte=now).count()
        self.stdout.write(f"  SLA clocks now: {warning} in warning, {overdue} overdue")
        if scan is not None:
            self.stdout.write(
                f"  alert scan: {scan.warnings} warning(s), {scan.breaches} breach(es), "
                f"{scan.notifications} notification(s)"
            )

        if learned is not None:
            figures = learned.figures or {}
            self.stdout.write(f"  learning: {figures.get('message') or learned.error}")
            if learned.is_live:
                self.stdout.write(
                    f"  likelihood AUC {figures.get('auc_likelihood')} on held-out outcomes "
                    f"(published points {figures.get('auc_published')}); "
                    f"{len(figures.get('new_criteria') or [])} suggested new criteria"
                )

        custom = bool(os.environ.get("DEMO_PASSWORD"))
        password = "the value of DEMO_PASSWORD" if custom else DEFAULT_PASSWORD
        self.stdout.write("")
        self.stdout.write(f"Sign in as any of these users with password: {password}")
        self.stdout.write(f"  {'username':<10} {'role':<10} {'name':<18} time zone")
        for user in result.users:
            name = f"{user.first_name} {user.last_name}"
            self.stdout.write(
                f"  {user.username:<10} {user.role.value:<10} {name:<18} {user.timezone}"
            )

        if options["no_serve"]:
            return
        self.stdout.write("")
        self.stdout.write(f"Serving on http://{ADDRPORT}/ (Ctrl+C to stop)")
        call_command("runserver", ADDRPORT, use_reloader=False)
