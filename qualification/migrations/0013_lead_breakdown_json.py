"""The score breakdown becomes a ``json`` column compressed with lz4 (PostgreSQL).

Both measured on a full rescore's bulk UPDATE: ``json`` skips jsonb's parse and re-encode
of every stored document; lz4 compresses it at a fraction of pglz's cost. Where the server
was built without lz4 (or is older than PostgreSQL 14) the column keeps the default.
"""

from django.db import migrations, transaction

import qualification.models.fields


def breakdown_lz4(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE qualification_lead ALTER COLUMN breakdown SET COMPRESSION lz4"
            )
    except Exception:  # noqa: BLE001 - a server without lz4 support keeps pglz
        pass


class Migration(migrations.Migration):
    dependencies = [
        ("qualification", "0012_roles_lead_activity"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lead",
            name="breakdown",
            field=qualification.models.fields.DocumentJSONField(
                blank=True, default=dict, help_text="Itemized contributions."
            ),
        ),
        migrations.RunPython(breakdown_lz4, migrations.RunPython.noop),
    ]
