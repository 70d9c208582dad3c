"""Every SLA policy now has a calendar; the business-time columns moved there."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("qualification", "0020_sla_calendars_data"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalslapolicy',
            name='business_day_end',
        ),
        migrations.RemoveField(
            model_name='historicalslapolicy',
            name='business_day_start',
        ),
        migrations.RemoveField(
            model_name='historicalslapolicy',
            name='timezone',
        ),
        migrations.RemoveField(
            model_name='historicalslapolicy',
            name='warning_minutes',
        ),
        migrations.RemoveField(
            model_name='historicalslapolicy',
            name='workdays',
        ),
        migrations.RemoveField(
            model_name='slapolicy',
            name='business_day_end',
        ),
        migrations.RemoveField(
            model_name='slapolicy',
            name='business_day_start',
        ),
        migrations.RemoveField(
            model_name='slapolicy',
            name='timezone',
        ),
        migrations.RemoveField(
            model_name='slapolicy',
            name='warning_minutes',
        ),
        migrations.RemoveField(
            model_name='slapolicy',
            name='workdays',
        ),
        migrations.AlterField(
            model_name="slapolicy",
            name="calendar",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="policies",
                to="qualification.businesscalendar",
            ),
        ),
    ]
