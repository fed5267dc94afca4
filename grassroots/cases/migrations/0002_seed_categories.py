"""A default category tree; administrators edit it afterwards."""

from django.db import migrations

# (code, name, parent code, public, default priority, limits, keywords)
CATEGORIES = [
    ("roads", "道路交通", None, True, "normal", {}, "道路,路面,坑,桥,路灯,交通,公交,塌陷"),
    ("roads-repair", "道路破损", "roads", True, "normal", {}, "破损,坑洼,塌陷,修路"),
    ("roads-lights", "路灯照明", "roads", True, "normal", {}, "路灯,照明,不亮"),
    ("utilities", "供水供电供气", None, True, "urgent", {"normal": [24, 3], "urgent": [24, 3]}, "停水,停电,水管,电线,燃气,漏水,水压,供水,供电,天然气"),
    ("utilities-water", "供水", "utilities", True, "urgent", {}, "停水,水管,漏水,水压,自来水,水质"),
    ("utilities-power", "供电", "utilities", True, "urgent", {}, "停电,电线,电压,电表,跳闸"),
    ("utilities-gas", "供气", "utilities", True, "urgent", {}, "燃气,天然气,煤气,漏气"),
    ("sanitation", "环境卫生", None, True, "normal", {}, "垃圾,污水,臭,卫生,清扫,厕所,河道,堆放"),
    ("disputes", "邻里纠纷", None, False, "normal", {}, "纠纷,吵架,矛盾,宅基地,边界,噪音,占用"),
    ("welfare", "社会保障", None, False, "normal", {}, "低保,养老,医保,社保,补贴,救助,残疾,五保"),
    ("health", "医疗卫生", None, True, "normal", {}, "看病,医疗,卫生室,药,疫苗,体检,医生"),
    ("farming", "农业生产", None, True, "normal", {}, "农田,灌溉,水渠,种子,化肥,病虫,农机,稻,养殖"),
    ("safety", "安全隐患", None, True, "emergency", {}, "危房,火灾,隐患,安全,倒塌,触电,溺水"),
    ("other", "其他", None, True, "normal", {}, ""),
]


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    by_code = {}
    for sort, (code, name, parent, public, priority, limits, keywords) in enumerate(CATEGORIES):
        by_code[code] = Category.objects.create(
            code=code,
            name=name,
            parent=by_code.get(parent),
            public=public,
            default_priority=priority,
            limits=limits,
            keywords=keywords,
            sort=sort,
        )


def unseed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
