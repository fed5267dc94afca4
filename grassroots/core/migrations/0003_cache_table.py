"""The shared cache's table (rate-limit counters), so nobody runs `createcachetable` by hand."""

from __future__ import annotations

from django.db import migrations

from grassroots.core.cache import TABLE, create_table


def create(apps, schema_editor):
    create_table(schema_editor.connection.alias)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_seed_calendar")]

    operations = [migrations.RunPython(create, drop)]
