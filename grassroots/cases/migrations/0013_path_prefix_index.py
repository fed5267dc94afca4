"""The cases' (place_path, submitted_at) index with the pattern opclass on place_path: a
subtree's `LIKE 'prefix%'` then uses it under any collation (issue #15: with 1,000,000 cases
in one town, every other town's recompute read them all)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_fewer_indexes'),
        ('grid', '0003_fewer_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_path_submitted',
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['place_path', 'submitted_at'], name='case_path_submitted', opclasses=['varchar_pattern_ops', 'timestamptz_ops']),
        ),
    ]
