"""Give the notices written before message keys their key and parameters.

The case notices stored their title already translated, in Chinese or in
English. Each known title (both languages, as the templates read when they
were written) is matched and turned back into its message key and parameters;
a row that matches nothing keeps only its stored text (`fallback_title`), which
is what it shows. Frozen here on purpose: the live templates may change later.
"""

import datetime as dt
import re

from django.db import migrations

# key, English template, Chinese template (as they were before this migration).
OLD_TITLES = [
    ("case.submitted", "New case %(code)s: %(title)s", "新诉求 %(code)s：%(title)s"),
    ("case.assigned", "Case %(code)s assigned to you", "诉求 %(code)s 已派给您"),
    (
        "case.to_town",
        "Case %(code)s needs the town to designate a handler",
        "诉求 %(code)s 需由镇里指定承办人",
    ),
    ("case.suspension_requested", "Case %(code)s: suspension requested", "诉求 %(code)s 申请挂起"),
    ("case.replied", "Case %(code)s answered: please call back", "诉求 %(code)s 已答复，请回访"),
    (
        "case.rework",
        "Case %(code)s: resident not satisfied, rework",
        "诉求 %(code)s 群众不满意，请返工",
    ),
    (
        "case.reopened.designate",
        "Case %(code)s reopened: designate a handler",
        "诉求 %(code)s 已重新启动，请指定承办人",
    ),
    ("case.reopened", "Case %(code)s reopened", "诉求 %(code)s 已重新启动"),
    ("case.supervised", "Case %(code)s is under supervision (督办)", "诉求 %(code)s 已列入督办"),
    ("case.whistle", "Whistle on case %(code)s: report now (报到)", "诉求 %(code)s 吹哨，请及时报到"),
    ("case.warning", "Case %(code)s is due on %(due)s", "诉求 %(code)s 将于 %(due)s 到期"),
    (
        "case.overdue",
        "Case %(code)s is overdue: supervised (督办), level %(level)d",
        "诉求 %(code)s 已超期，列入督办（第%(level)d级）",
    ),
    (
        "case.handler_late",
        "Case %(code)s: %(handler)s has neither taken nor returned it within one working day",
        "诉求 %(code)s：%(handler)s 在1个工作日内未签收也未退回",
    ),
]

PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def pattern(template):
    out, pos = "", 0
    for m in PLACEHOLDER.finditer(template):
        out += re.escape(template[pos : m.start()])
        out += rf"(?P<{m.group(1)}>\d+)" if m.group(2) == "d" else rf"(?P<{m.group(1)}>.+?)"
        pos = m.end()
    return re.compile(out + re.escape(template[pos:]) + r"\Z", re.DOTALL)


PATTERNS = [(key, pattern(t)) for key, *templates in OLD_TITLES for t in templates]


def parse(title):
    for key, regex in PATTERNS:
        m = regex.match(title)
        if m is None:
            continue
        params = dict(m.groupdict())
        if "level" in params:
            params["level"] = int(params["level"])
        if "due" in params:
            # The old warning printed the deadline as stored: in UTC.
            try:
                due = dt.datetime.strptime(params["due"], "%Y-%m-%d %H:%M")
            except ValueError:
                return None
            params["due"] = due.replace(tzinfo=dt.UTC).isoformat()
        return key, params
    return None


def forwards(apps, schema_editor):
    Notice = apps.get_model("notify", "Notice")
    batch = []
    rows = Notice.objects.filter(message="").only("pk", "fallback_title", "object_id")
    for notice in rows.iterator(chunk_size=2000):
        found = parse(notice.fallback_title)
        if found is None:
            continue
        notice.message, notice.params = found
        if notice.object_id.isdigit():
            notice.params["case"] = int(notice.object_id)
        batch.append(notice)
        if len(batch) >= 2000:
            Notice.objects.bulk_update(batch, ["message", "params"])
            batch = []
    if batch:
        Notice.objects.bulk_update(batch, ["message", "params"])


def backwards(apps, schema_editor):
    # The stored text was never removed: forgetting the keys is enough.
    apps.get_model("notify", "Notice").objects.update(message="", params={})


class Migration(migrations.Migration):
    dependencies = [("notify", "0002_notice_message")]

    operations = [migrations.RunPython(forwards, backwards)]
