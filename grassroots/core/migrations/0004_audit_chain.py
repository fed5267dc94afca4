"""Tamper evidence for the audit log (issue #14, decision 0015).

New columns (source address, roles, result, nonce, MAC, the chain's seq and hashes) and the
one-row seal. Every existing row gets its nonce and MAC here; the worker (or `grassroots
audit seal`) chains them afterwards, in id order.
"""

import secrets

from django.conf import settings
from django.db import migrations, models

import grassroots.core.models
from grassroots.core import auditmac

BATCH = 2000


def mac_existing_rows(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditSeal = apps.get_model("core", "AuditSeal")
    rows = AuditEvent.objects.order_by("id")
    last = 0
    while True:
        batch = list(rows.filter(id__gt=last)[:BATCH])
        if not batch:
            break
        for row in batch:
            row.nonce = secrets.token_hex(8)
            row.mac = auditmac.row_mac(row)
        AuditEvent.objects.bulk_update(batch, ["nonce", "mac"])
        last = batch[-1].id
    AuditSeal.objects.get_or_create(
        pk=1,
        defaults={"mac": auditmac.seal_mac(0, auditmac.GENESIS, 0, auditmac.GENESIS)},
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_cache_table'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('anchor_seq', models.BigIntegerField(default=0)),
                ('anchor_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('head_seq', models.BigIntegerField(default=0)),
                ('head_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('sealed_at', models.DateTimeField(blank=True, null=True)),
                ('mac', models.CharField(blank=True, max_length=64)),
            ],
            options={
                'verbose_name': 'audit seal',
                'verbose_name_plural': 'audit seals',
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='mac',
            field=grassroots.core.models.MacField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='nonce',
            field=models.CharField(default=grassroots.core.models.new_nonce, editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='result',
            field=models.CharField(choices=[('ok', 'done'), ('refused', 'refused'), ('failed', 'failed')], default='ok', max_length=10, verbose_name='result'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='roles',
            field=models.JSONField(blank=True, default=list, verbose_name='roles'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='source',
            field=models.CharField(blank=True, max_length=45, verbose_name='source address'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='core_audit_unsealed'),
        ),
        migrations.RunPython(mac_existing_rows, migrations.RunPython.noop),
    ]
