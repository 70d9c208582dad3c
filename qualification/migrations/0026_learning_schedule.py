"""The weekly recalibration (editable in the admin under Periodic tasks: Monday 03:30 in
the crontab's zone, after the nightly rescore), and the roles' grants on the learning
models (LeadSnapshot, Recalibration and its two permissions, added by 0024)."""

from django.db import migrations

TASK = "qualification.recalibrate"


def create_schedule(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    weekly, _ = Crontab.objects.get_or_create(
        minute="30", hour="3", day_of_week="1", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name="Recalibrate from sales feedback (weekly)",
        defaults={"task": TASK, "crontab": weekly},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


def sync_roles(apps, schema_editor):
    from qualification.roles import sync_role_groups_for_migration

    sync_role_groups_for_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("qualification", "0025_lead_likelihood"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedule, remove_schedule),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
