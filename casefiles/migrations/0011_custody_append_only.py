"""The chain of custody is a core.audit chain: its common fields take the shared verbose names (no
change in the database), and on PostgreSQL its table refuses UPDATE and DELETE, as the case history's
does (workflow/migrations/0002)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.audit import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("casefiles", "0010_procedure_records_from_workflow"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="custodyevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.AlterField(
            model_name="custodyevent",
            name="actor_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="操作人姓名"),
        ),
        migrations.AlterField(
            model_name="custodyevent",
            name="at",
            field=models.DateTimeField(verbose_name="时间"),
        ),
        migrations.AlterField(
            model_name="custodyevent",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="数据"),
        ),
        migrations.AlterField(
            model_name="custodyevent",
            name="seq",
            field=models.PositiveIntegerField(verbose_name="序号"),
        ),
        append_only_trigger("casefiles_custodyevent", label="保管记录"),
    ]
