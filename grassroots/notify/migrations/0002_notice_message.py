from django.db import migrations, models


class Migration(migrations.Migration):
    """Notices store a message key and parameters; the old title is kept as a fallback."""

    dependencies = [("notify", "0001_initial")]

    operations = [
        migrations.RenameField("notice", "title", "fallback_title"),
        migrations.AddField(
            model_name='notice',
            name='message',
            field=models.CharField(blank=True, max_length=100, verbose_name='message'),
        ),
        migrations.AddField(
            model_name='notice',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='parameters'),
        ),
        migrations.AddField(
            model_name='preference',
            name='language',
            field=models.CharField(choices=[('zh-hans', 'Simplified Chinese'), ('en', 'English')], default='zh-hans', help_text='The language of e-mail, robot and SMS messages.', max_length=10, verbose_name='language of messages'),
        ),
        migrations.AlterField(
            model_name='notice',
            name='fallback_title',
            field=models.CharField(blank=True, max_length=200, verbose_name='stored title'),
        ),
    ]
