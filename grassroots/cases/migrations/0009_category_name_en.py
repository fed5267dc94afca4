"""English names for the default rows (filled here; an administrator edits the rest)."""

from django.db import migrations, models


# The English names of the default rows (a row an administrator added keeps an empty one).
ENGLISH = {
    "roads": "Roads and traffic",
    "roads-repair": "Damaged roads",
    "roads-lights": "Street lighting",
    "utilities": "Water, power and gas",
    "utilities-water": "Water supply",
    "utilities-power": "Power supply",
    "utilities-gas": "Gas supply",
    "sanitation": "Sanitation",
    "disputes": "Neighbour disputes",
    "welfare": "Social security",
    "health": "Health care",
    "farming": "Farming",
    "safety": "Safety hazards",
    "other": "Other",
}


def fill(apps, schema_editor):
    Model = apps.get_model("cases.Category")
    for row in Model.objects.filter(code__in=list(ENGLISH), name_en=""):
        row.name_en = ENGLISH[row.code]
        row.save(update_fields=["name_en"])


def unfill(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_rated_once"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="name_en",
            field=models.CharField(blank=True, max_length=60, verbose_name="English name"),
        ),
        migrations.RunPython(fill, unfill),
    ]
