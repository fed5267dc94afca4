"""Three indexes fewer on the cases' tables: `case.town`, `case.handler` and `event.case` are
the prefixes of (town, place_path), (handler, status) and (case, at). Dropped in place
(`core.migration_indexes`, as grid 0003): instant at province scale.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from grassroots.core.migration_indexes import drop_and_rename


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_rated_once_per_reply'),
        ('grid', '0003_fewer_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                drop_and_rename(
                    dropped=[
                        ("cases_case", "town_id"),
                        ("cases_case", "handler_id"),
                        ("cases_caseevent", "case_id"),
                    ]
                )
            ],
            state_operations=[
            migrations.AlterField(
                model_name='case',
                name='handler',
                field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='cases_handled', to=settings.AUTH_USER_MODEL, verbose_name='handler'),
            ),
            migrations.AlterField(
                model_name='case',
                name='town',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grid.place', verbose_name='town'),
            ),
            migrations.AlterField(
                model_name='caseevent',
                name='case',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='cases.case'),
            ),
            ],
        ),
    ]
