"""Clean the stored account domains with the rule every entry point now shares.

Until now the admin stored a domain as typed ("acme.com:8080", "user@acme.com", "ftp:"),
so such an account never met its events, which ingestion and CSV file under "acme.com".
Nothing is merged: accounts that would end up sharing a domain, and domains that are no
domain at all, are left as they are and listed, for ops to merge or fix by hand. The leads
of every changed account are marked for the rescore sweep (their account's domain is an
attribute criteria may read).
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from django.db import migrations
from django.utils import timezone

from qualification.core.domains import DomainCleanup, domains_cleanup_plan


def clean_account_domains(apps: Any, schema_editor: Any, out: TextIO = sys.stdout) -> None:
    Account = apps.get_model("qualification", "Account")
    Lead = apps.get_model("qualification", "Lead")
    accounts = {
        pk: (name, domain)
        for pk, name, domain in Account.objects.values_list("pk", "name", "domain")
    }
    plan = domains_cleanup_plan({pk: domain for pk, (_name, domain) in accounts.items()})
    Account.objects.bulk_update(
        [Account(pk=pk, domain=domain) for pk, domain in plan.updates.items()],
        ["domain"],
        batch_size=500,
    )
    if plan.updates:
        Lead.objects.filter(account_id__in=list(plan.updates)).update(
            needs_rescore=True, rescore_requested_at=timezone.now()
        )
    for line in cleanup_report(plan, accounts):
        out.write(line + "\n")


def cleanup_report(plan: DomainCleanup, accounts: dict[int, tuple[str, str]]) -> list[str]:
    """What ops read after ``migrate``: counts, then each account left for them to fix."""
    left = sum(len(ids) for ids in plan.collisions.values()) + len(plan.invalid)
    if not plan.updates and not left:
        return []

    def named(pk: int) -> str:
        name, domain = accounts[pk]
        return f"    account {pk} “{name}” ({domain})"

    lines = [
        "",
        f"Account domains: {len(plan.updates)} cleaned; {left} left unchanged for ops to fix.",
    ]
    for domain, ids in plan.collisions.items():
        lines.append(f"  These would all become {domain}: merge them by hand, then clean it.")
        lines += [named(pk) for pk in ids]
    if plan.invalid:
        lines.append("  Not a domain or website: correct these by hand.")
        lines += [f"{named(pk)}: {reason}" for pk, reason in plan.invalid.items()]
    return lines


class Migration(migrations.Migration):
    dependencies = [("qualification", "0014_lead_queue_priority_include_stage")]

    # Backwards there is nothing to restore: the cleaned domains are valid either way.
    operations = [migrations.RunPython(clean_account_domains, migrations.RunPython.noop)]
