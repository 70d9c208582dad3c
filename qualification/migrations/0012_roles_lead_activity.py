"""Give the roles their view permission on lead activities."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from qualification.roles import sync_role_groups_for_migration

    sync_role_groups_for_migration(apps)


class Migration(migrations.Migration):
    dependencies = [("qualification", "0011_lead_activity")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
