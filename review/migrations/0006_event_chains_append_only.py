"""Every sheet event is numbered now (0005): seq is required and unique per sheet, and on PostgreSQL
the sheet events refuse UPDATE and DELETE (core.audit.append_only_trigger)."""

from django.db import migrations, models

from core.audit import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("review", "0005_sheet_events_backfill")]

    operations = [
        migrations.AlterField(
            model_name="sheetevent",
            name="seq",
            field=models.PositiveIntegerField(verbose_name="序号"),
        ),
        migrations.AlterModelOptions(
            name="sheetevent",
            options={
                "ordering": ["sheet", "seq"],
                "verbose_name": "评查表记录",
                "verbose_name_plural": "评查表记录",
            },
        ),
        migrations.AddConstraint(
            model_name="sheetevent",
            constraint=models.UniqueConstraint(fields=("sheet", "seq"), name="review_sheet_event_seq_unique"),
        ),
        append_only_trigger("review_sheetevent", label="评查表记录"),
    ]
