"""Create the five role groups with their permissions (qualification.roles.ROLE_PERMISSIONS)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from qualification.roles import sync_role_groups_for_migration

    sync_role_groups_for_migration(apps)


def remove_roles(apps, schema_editor):
    from qualification.roles import Role

    apps.get_model("auth", "Group").objects.filter(name__in=[r.value for r in Role]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("qualification", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
