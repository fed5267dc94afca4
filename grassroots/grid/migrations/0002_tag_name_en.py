"""English names for the default rows (filled here; an administrator edits the rest)."""

from django.db import migrations, models


# The English names of the default rows (a row an administrator added keeps an empty one).
ENGLISH = {
    "独居老人": "Elderly living alone",
    "留守儿童": "Left-behind children",
    "退役军人": "Veteran",
    "低保户": "Subsistence allowance",
    "残疾人": "Disability",
    "脱贫户": "Lifted out of poverty",
}


def fill(apps, schema_editor):
    Model = apps.get_model("grid.Tag")
    for row in Model.objects.filter(name__in=list(ENGLISH), name_en=""):
        row.name_en = ENGLISH[row.name]
        row.save(update_fields=["name_en"])


def unfill(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="name_en",
            field=models.CharField(blank=True, max_length=60, verbose_name="English name"),
        ),
        migrations.RunPython(fill, unfill),
    ]
