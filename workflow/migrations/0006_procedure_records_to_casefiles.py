"""The procedure's records now belong to the casefiles app (casefiles 0010); their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('casefiles', '0010_procedure_records_from_workflow'),
        ('workflow', '0005_annual_figures_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveField(
            model_name='deliberation',
            name='case',
        ),
        migrations.RemoveField(
            model_name='deliberation',
            name='meeting',
        ),
        migrations.RemoveField(
            model_name='vote',
            name='deliberation',
        ),
        migrations.RemoveField(
            model_name='hearing',
            name='activity',
        ),
        migrations.RemoveField(
            model_name='hearing',
            name='case',
        ),
        migrations.RemoveField(
            model_name='hearing',
            name='hearing_officer',
        ),
        migrations.RemoveField(
            model_name='legalcheck',
            name='case',
        ),
        migrations.RemoveField(
            model_name='legalcheck',
            name='organisation',
        ),
        migrations.RemoveField(
            model_name='legalcheck',
            name='reviewer',
        ),
        migrations.RemoveField(
            model_name='meeting',
            name='attendees',
        ),
        migrations.RemoveField(
            model_name='meeting',
            name='cases',
        ),
        migrations.RemoveField(
            model_name='meeting',
            name='chair',
        ),
        migrations.RemoveField(
            model_name='meeting',
            name='invited',
        ),
        migrations.RemoveField(
            model_name='meeting',
            name='organisation',
        ),
        migrations.RemoveField(
            model_name='vote',
            name='member',
        ),
        migrations.DeleteModel(
            name='CaseEvent',
        ),
        migrations.DeleteModel(
            name='Deliberation',
        ),
        migrations.DeleteModel(
            name='Hearing',
        ),
        migrations.DeleteModel(
            name='LegalCheck',
        ),
        migrations.DeleteModel(
            name='Meeting',
        ),
        migrations.DeleteModel(
            name='Vote',
        ),
            ],
            database_operations=[],
        ),
    ]
