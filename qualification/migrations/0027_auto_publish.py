"""Auto-publish: the bounds ops set (one row, with history), the mark on a version that
published itself, and the ops role's grant to change the bounds."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def sync_roles(apps, schema_editor):
    from qualification.roles import sync_role_groups_for_migration

    sync_role_groups_for_migration(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('qualification', '0026_learning_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='criteriaversion',
            name='published_automatically',
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name='AutoPublishBounds',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enabled', models.BooleanField(default=False, help_text='Off: every suggestion waits for ops as a draft.', verbose_name='publish small point changes automatically')),
                ('max_change', models.PositiveSmallIntegerField(default=5, help_text="A criterion's points may move by at most this many points on their own.", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(50)], verbose_name='largest change (points)')),
                ('min_outcomes', models.PositiveIntegerField(default=200, help_text='Only a run that learned from at least this many outcomes publishes.', validators=[django.core.validators.MinValueValidator(40)], verbose_name='outcomes needed')),
                ('changed_at', models.DateTimeField(auto_now=True)),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'auto-publish bounds',
                'verbose_name_plural': 'auto-publish bounds',
            },
        ),
        migrations.CreateModel(
            name='HistoricalAutoPublishBounds',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('enabled', models.BooleanField(default=False, help_text='Off: every suggestion waits for ops as a draft.', verbose_name='publish small point changes automatically')),
                ('max_change', models.PositiveSmallIntegerField(default=5, help_text="A criterion's points may move by at most this many points on their own.", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(50)], verbose_name='largest change (points)')),
                ('min_outcomes', models.PositiveIntegerField(default=200, help_text='Only a run that learned from at least this many outcomes publishes.', validators=[django.core.validators.MinValueValidator(40)], verbose_name='outcomes needed')),
                ('changed_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('changed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical auto-publish bounds',
                'verbose_name_plural': 'historical auto-publish bounds',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
