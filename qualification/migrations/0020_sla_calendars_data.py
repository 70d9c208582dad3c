"""Move each SLA policy's business time into a calendar, turn "warn N minutes before" into
"warn at P % used", add the periodic SLA alert scan, and give the roles the new models."""

from django.db import migrations


def forwards(apps, schema_editor):
    Calendar = apps.get_model("qualification", "BusinessCalendar")
    Policy = apps.get_model("qualification", "SLAPolicy")
    calendars: dict[tuple, object] = {}
    for policy in Policy.objects.all():
        key = (
            policy.timezone,
            policy.business_day_start,
            policy.business_day_end,
            tuple(policy.workdays or ["mon", "tue", "wed", "thu", "fri"]),
        )
        if key not in calendars:
            zone, start, end, days = key
            name = f"{zone} {start:%H:%M}-{end:%H:%M}"
            if Calendar.objects.filter(name=name).exists():
                name = f"{name} ({len(calendars) + 1})"
            calendars[key] = Calendar.objects.create(
                name=name, timezone=zone, day_start=start, day_end=end, workdays=list(days)
            )
        used = policy.response_minutes - (policy.warning_minutes or 0)
        percent = round(100 * used / policy.response_minutes) if policy.warning_minutes else 75
        policy.warning_percent = min(99, max(1, percent))
        policy.calendar = calendars[key]
        policy.save(update_fields=["warning_percent", "calendar"])

    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = Interval.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="SLA warnings and breaches (notify owners and managers)",
        defaults={"task": "qualification.sla_alerts_scan", "interval": every_minute},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="qualification.sla_alerts_scan"
    ).delete()


def sync_roles(apps, schema_editor):
    from qualification.roles import sync_role_groups_for_migration

    sync_role_groups_for_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("qualification", "0019_sla_calendars_alerts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
