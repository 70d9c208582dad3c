"""An index for the manager dashboard: stage transitions by target stage and time.

Seven of the dashboard's aggregates start from "transitions into MQL or PQL in the period"
(arrivals per day, the heatmap, the weekly trend, the funnel and false-positive cohorts).
EXPLAIN over 100,000 leads (about 175,000 transitions) showed each as a sequential scan
filtering out ~95 % of the table; with this index each is an index-only range scan (the lead
id rides along in INCLUDE on PostgreSQL, so the cohort subqueries never touch the heap).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("qualification", "0021_sla_policy_calendar_required")]

    operations = [
        migrations.AddIndex(
            model_name="stagetransition",
            index=models.Index(
                fields=["to_stage", "occurred_at"],
                include=["lead"],
                name="transition_stage_time",
            ),
        ),
    ]
