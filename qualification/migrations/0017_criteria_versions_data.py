"""Put the criteria and policies that existed before versions into versions.

The criteria and the active policy become version 1, published: they are what every stored
score was computed with, so every lead records version 1. Each inactive policy becomes a
draft holding a copy of those criteria, so nothing ops kept is lost. A database with no
criteria and no policy still gets an empty version 1 with the default policy: exactly one
version is published at a time.
"""

from django.db import migrations
from django.utils import timezone

CRITERION_COPY_EXCLUDE = {"id", "version", "version_id", "created_at", "updated_at"}


def forwards(apps, schema_editor):
    Version = apps.get_model("qualification", "CriteriaVersion")
    Criterion = apps.get_model("qualification", "Criterion")
    Policy = apps.get_model("qualification", "QualificationPolicy")
    Lead = apps.get_model("qualification", "Lead")
    now = timezone.now()
    first = Version.objects.create(
        status="published",
        number=1,
        title="The criteria before versions",
        note="Recorded when criteria versions were introduced.",
        published_at=now,
        rescore_finished_at=now,
    )
    Criterion.objects.update(version=first)
    active = Policy.objects.filter(is_active=True).first()
    if active is None:
        Policy.objects.create(version=first, name="Version 1", is_active=False)
    else:
        active.version = first
        active.save(update_fields=["version"])
    criteria = list(Criterion.objects.filter(version=first))
    for policy in Policy.objects.filter(version__isnull=True).order_by("id"):
        draft = Version.objects.create(
            status="draft",
            title=f"Policy “{policy.name}” (kept when versions were introduced)",
            base=first,
        )
        policy.version = draft
        policy.save(update_fields=["version"])
        Criterion.objects.bulk_create(
            [
                Criterion(
                    version=draft,
                    **{
                        f.attname: getattr(c, f.attname)
                        for f in Criterion._meta.concrete_fields
                        if f.name not in CRITERION_COPY_EXCLUDE
                    },
                )
                for c in criteria
            ]
        )
    Lead.objects.update(criteria_version=first)


class Migration(migrations.Migration):
    dependencies = [("qualification", "0016_criteria_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
