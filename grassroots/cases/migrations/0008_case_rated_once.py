"""A case is rated once: the timeline keeps at most one "rate" event per case.

Before the constraint, a resident could rate again and again (issue 10); the
extra events are dropped here, keeping the first, so the constraint can hold.
"""

from django.db import migrations, models


def keep_first_rating(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    seen: set[int] = set()
    extra: list[int] = []
    for pk, case_id in (
        CaseEvent.objects.filter(kind="rate").order_by("case_id", "at", "pk").values_list("pk", "case_id")
    ):
        if case_id in seen:
            extra.append(pk)
        seen.add(case_id)
    CaseEvent.objects.filter(pk__in=extra).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_photo_random_names"),
    ]

    operations = [
        migrations.RunPython(keep_first_rating, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="caseevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "rate")), fields=("case",), name="case_rated_once"
            ),
        ),
    ]
