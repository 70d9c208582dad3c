"""Default schedules (editable in the admin under Periodic tasks): nightly full rescore and
a sweep every five minutes for leads whose rescore was never processed."""

from django.db import migrations


def create_schedules(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = Crontab.objects.get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    every_five, _ = Interval.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Rescore all leads (nightly)",
        defaults={"task": "qualification.rescore_all", "crontab": nightly},
    )
    PeriodicTask.objects.get_or_create(
        name="Rescore sweep (leads marked but not processed)",
        defaults={"task": "qualification.rescore_sweep", "interval": every_five},
    )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=["qualification.rescore_all", "qualification.rescore_sweep"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("qualification", "0003_lead_rescore_requested_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
