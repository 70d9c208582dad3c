"""The queue's freshness-weighted priority (core.scoring.priority), and its index.

Existing leads get their key from what they store: the score and the time of the signal
they were ranked by (``last_signal_at``, else their qualification). The next rescore writes
the exact key (the digest holds it, so every lead is rewritten once).
"""

from django.conf import settings
from django.db import migrations, models

from qualification.core.scoring.priority import priority_key


def backfill(apps, schema_editor):
    Lead = apps.get_model("qualification", "Lead")
    rows = Lead.objects.values_list("pk", "total_score", "last_signal_at", "qualified_at")
    batch = []
    for pk, score, signal_at, qualified_at in rows.order_by("pk").iterator(chunk_size=2000):
        batch.append(Lead(pk=pk, priority=priority_key(score, signal_at or qualified_at)))
        if len(batch) >= 2000:
            Lead.objects.bulk_update(batch, ["priority"])
            batch.clear()
    if batch:
        Lead.objects.bulk_update(batch, ["priority"])


class Migration(migrations.Migration):
    dependencies = [
        ("qualification", "0029_search_trigram_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="lead",
            options={
                "ordering": ["-tier", "-priority", "-total_score", "-last_signal_at", "-id"],
                "permissions": [
                    ("work_queue", "Can work the SDR queues (claim, touch, feedback)"),
                    ("assign_lead", "Can assign leads to other reps"),
                    ("view_manager_dashboard", "Can view SLA and funnel dashboards"),
                ],
            },
        ),
        migrations.RemoveIndex(
            model_name="lead",
            name="lead_queue_priority",
        ),
        migrations.AddField(
            model_name="lead",
            name="priority",
            field=models.FloatField(db_default=-1000000000.0, default=-1000000000.0),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(
                fields=["queue", "-tier", "-priority"],
                include=("stage",),
                name="lead_queue_priority",
            ),
        ),
    ]
