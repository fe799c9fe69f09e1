"""Load the shipped default scoring standard (review/data/penalty_standard.json), once.

Idempotent: a standard with the file's code and version already present is left as it is. Runs with
the historical models; `manage.py load_review_standard` does the same for later files.
"""

from django.db import migrations


def load_default_standard(apps, schema_editor):
    from review.standards import standard_file_read, standard_write

    Standard = apps.get_model("review", "ScoringStandard")
    spec = standard_file_read()
    if Standard.objects.filter(code=spec.code, version=spec.version).exists():
        return
    standard_write(
        spec,
        version=spec.version,
        created_by_id=None,
        standard_model=Standard,
        category_model=apps.get_model("review", "StandardCategory"),
        item_model=apps.get_model("review", "StandardItem"),
        veto_model=apps.get_model("review", "VetoItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]

    operations = [migrations.RunPython(load_default_standard, migrations.RunPython.noop)]
