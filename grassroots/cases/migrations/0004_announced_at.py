"""Cases are announced to their dispatchers by the worker (decision 0007).

Cases filed before this migration were announced inside the filing request, so
they are marked announced at their filing time.
"""

from __future__ import annotations

from django.db import migrations, models


def mark_existing(apps, schema_editor) -> None:
    Case = apps.get_model("cases", "Case")
    Case.objects.update(announced_at=models.F("submitted_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_handler_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="announced_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="announced"
            ),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("announced_at__isnull", True)),
                fields=["submitted_at"],
                name="case_unannounced",
            ),
        ),
    ]
