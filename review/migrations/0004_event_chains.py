"""Score sheets keep append-only, hash-chained events (core.audit).

The sheet events gain the chain's columns here (seq nullable until 0005 has numbered the rows
already there); 0006 makes seq required, adds its uniqueness and the PostgreSQL triggers.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0003_deduction_points_not_a_check"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="scoresheet",
            name="event_seq",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="scoresheet",
            name="event_head",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="sheetevent",
            name="seq",
            field=models.PositiveIntegerField(null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="sheetevent",
            name="actor_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="操作人姓名"),
        ),
        migrations.AddField(
            model_name="sheetevent",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="sheetevent",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="sheetevent",
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
            model_name="sheetevent",
            name="sheet",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="events", to="review.scoresheet"
            ),
        ),
    ]
