"""Seven indexes fewer on the grid's biggest tables (issue #15: every index is kept up on
every imported or synthesised row).

- `household.town`, `household.representative` and `visit.household` lose their own index:
  each is the prefix of a two-column index, (town, place_path), (representative,
  last_visit_at) and (household, -visited_at).
- The hashes of phones and ID numbers are compared whole, never by prefix: they keep a plain
  B-tree and lose the `varchar_pattern_ops` twin `db_index=True` adds on PostgreSQL.

The database side only drops and renames (`core.migration_indexes`): instant at province scale.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from grassroots.core.migration_indexes import drop_and_rename


class Migration(migrations.Migration):

    dependencies = [
        ('grid', '0002_tag_name_en'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                drop_and_rename(
                    dropped=[
                        ("grid_household", "town_id"),
                        ("grid_household", "representative_id"),
                        ("grid_visit", "household_id"),
                    ],
                    renamed=[
                        ("grid_household", "phone_hash", "household_phone_hash"),
                        ("grid_representative", "phone_hash", "representative_phone_hash"),
                        ("grid_resident", "id_number_hash", "resident_id_number_hash"),
                        ("grid_resident", "phone_hash", "resident_phone_hash"),
                    ],
                )
            ],
            state_operations=[
            migrations.AlterField(
                model_name='household',
                name='phone_hash',
                field=models.CharField(blank=True, editable=False, max_length=40),
            ),
            migrations.AlterField(
                model_name='household',
                name='representative',
                field=models.ForeignKey(blank=True, db_index=False, help_text='The active representative; history is kept in representative links.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='households', to='grid.representative', verbose_name='representative'),
            ),
            migrations.AlterField(
                model_name='household',
                name='town',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grid.place', verbose_name='town'),
            ),
            migrations.AlterField(
                model_name='representative',
                name='phone_hash',
                field=models.CharField(blank=True, editable=False, max_length=40),
            ),
            migrations.AlterField(
                model_name='resident',
                name='id_number_hash',
                field=models.CharField(blank=True, editable=False, max_length=40),
            ),
            migrations.AlterField(
                model_name='resident',
                name='phone_hash',
                field=models.CharField(blank=True, editable=False, max_length=40),
            ),
            migrations.AlterField(
                model_name='visit',
                name='household',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='grid.household', verbose_name='household'),
            ),
            migrations.AddIndex(
                model_name='household',
                index=models.Index(fields=['phone_hash'], name='household_phone_hash'),
            ),
            migrations.AddIndex(
                model_name='representative',
                index=models.Index(fields=['phone_hash'], name='representative_phone_hash'),
            ),
            migrations.AddIndex(
                model_name='resident',
                index=models.Index(fields=['id_number_hash'], name='resident_id_number_hash'),
            ),
            migrations.AddIndex(
                model_name='resident',
                index=models.Index(fields=['phone_hash'], name='resident_phone_hash'),
            ),
            ],
        ),
    ]
