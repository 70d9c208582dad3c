"""Fill the tracking plan from the events and criteria that already exist."""

from django.db import migrations


def backfill(apps, schema_editor):
    Event = apps.get_model("qualification", "Event")
    EventType = apps.get_model("qualification", "EventType")
    Criterion = apps.get_model("qualification", "Criterion")
    Policy = apps.get_model("qualification", "QualificationPolicy")
    known = set(EventType.objects.values_list("name", flat=True))
    found: dict[str, str] = {}
    for name, source in Event.objects.values_list("name", "source").distinct().order_by():
        found.setdefault(name, source)
    for name in Criterion.objects.filter(signal_type="event").values_list("event_name", flat=True):
        found.setdefault(name, "product")
    for policy in Policy.objects.all():
        for name in (*policy.hand_raiser_events, *policy.limit_events, *policy.purchase_events):
            found.setdefault(name, "product")
    EventType.objects.bulk_create(
        [EventType(name=n, source=s) for n, s in found.items() if n and n not in known]
    )


class Migration(migrations.Migration):
    dependencies = [("qualification", "0005_event_types")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
