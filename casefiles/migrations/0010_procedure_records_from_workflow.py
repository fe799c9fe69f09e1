"""The procedure's records (history, legal checks, hearings, meetings, deliberations, votes) move
from the workflow app to the case kernel. The tables keep their names and rows: only Django's
state moves (the workflow app drops them from its state in workflow 0006)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0005_annual_figures_indexes'),
        ('accounts', '0001_initial'),
        ('casefiles', '0009_case_legal_check_flags'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('held_at', models.DateTimeField(verbose_name='会议时间')),
                ('minutes', models.TextField(verbose_name='会议纪要')),
                ('committee_size', models.PositiveSmallIntegerField(verbose_name='委员总数')),
                ('attendees', models.ManyToManyField(related_name='meetings_attended', to=settings.AUTH_USER_MODEL, verbose_name='出席委员')),
                ('cases', models.ManyToManyField(blank=True, related_name='meetings', to='casefiles.case', verbose_name='议题案件')),
                ('chair', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='主持人')),
                ('invited', models.ManyToManyField(blank=True, related_name='meetings_invited', to=settings.AUTH_USER_MODEL, verbose_name='通知参会委员')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='机构')),
            ],
            options={
                'verbose_name': '集体讨论会议',
                'verbose_name_plural': '集体讨论会议',
                'db_table': 'workflow_meeting',
            },
        ),
        migrations.CreateModel(
            name='Deliberation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('conclusion', models.TextField(verbose_name='讨论结论')),
                ('concluded_at', models.DateTimeField(verbose_name='结论时间')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliberations', to='casefiles.case')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliberations', to='casefiles.meeting')),
            ],
            options={
                'verbose_name': '集体讨论',
                'verbose_name_plural': '集体讨论',
                'db_table': 'workflow_deliberation',
            },
        ),
        migrations.CreateModel(
            name='Vote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('choice', models.CharField(choices=[('agree', '同意'), ('disagree', '不同意'), ('abstain', '弃权')], max_length=10, verbose_name='表决')),
                ('opinion', models.TextField(blank=True, verbose_name='意见')),
                ('deliberation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='casefiles.deliberation')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '表决',
                'verbose_name_plural': '表决',
                'db_table': 'workflow_vote',
            },
        ),
        migrations.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveIntegerField(verbose_name='序号')),
                ('transition', models.CharField(max_length=40, verbose_name='操作')),
                ('from_state', models.CharField(max_length=30, verbose_name='原状态')),
                ('to_state', models.CharField(max_length=30, verbose_name='新状态')),
                ('actor_name', models.CharField(blank=True, max_length=100, verbose_name='操作人姓名')),
                ('at', models.DateTimeField(verbose_name='时间')),
                ('opinion', models.TextField(blank=True, verbose_name='意见')),
                ('data', models.JSONField(blank=True, default=dict, verbose_name='数据')),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='casefiles.case')),
            ],
            options={
                'verbose_name': '办案履历',
                'verbose_name_plural': '办案履历',
                'db_table': 'workflow_caseevent',
                'ordering': ['case_id', 'seq'],
                'indexes': [models.Index(fields=['transition', 'at'], name='workflow_ca_transit_a5ad29_idx')],
                'constraints': [models.UniqueConstraint(fields=('case', 'seq'), name='case_event_seq_unique')],
            },
        ),
        migrations.CreateModel(
            name='Hearing',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('requested_on', models.DateField(verbose_name='申请日期')),
                ('notified_on', models.DateField(blank=True, null=True, verbose_name='通知日期')),
                ('hearing_date', models.DateField(blank=True, null=True, verbose_name='听证日期')),
                ('place', models.CharField(blank=True, max_length=200, verbose_name='地点')),
                ('held_on', models.DateField(blank=True, null=True, verbose_name='举行日期')),
                ('record', models.TextField(blank=True, verbose_name='听证笔录')),
                ('report', models.TextField(blank=True, verbose_name='听证报告')),
                ('activity', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='casefiles.caseactivity')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='hearing', to='casefiles.case')),
                ('hearing_officer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='听证主持人')),
            ],
            options={
                'verbose_name': '听证',
                'verbose_name_plural': '听证',
                'db_table': 'workflow_hearing',
                'indexes': [models.Index(fields=['held_on'], name='workflow_he_held_on_2c0cfd_idx')],
            },
        ),
        migrations.CreateModel(
            name='LegalCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('pre_notice', '告知前法制审核'), ('pre_decision', '决定前法制审核')], max_length=14, verbose_name='环节')),
                ('level', models.PositiveSmallIntegerField(default=1, help_text='1 = 本级，2 = 上级（两级法制审核）', verbose_name='审核层级')),
                ('outcome', models.CharField(choices=[('approved', '同意'), ('returned', '退回')], max_length=10, verbose_name='结论')),
                ('opinion', models.TextField(verbose_name='审核意见')),
                ('findings', models.JSONField(default=list, verbose_name='自动预审结果')),
                ('override_reason', models.TextField(blank=True, verbose_name='对不通过项的处理理由')),
                ('points', models.JSONField(blank=True, default=list, verbose_name='逐项审核意见')),
                ('items_to_fix', models.JSONField(blank=True, default=list, verbose_name='需补正的事项')),
                ('concluded_at', models.DateTimeField(verbose_name='审核时间')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='legal_checks', to='casefiles.case')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='审核机构')),
                ('reviewer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人')),
            ],
            options={
                'verbose_name': '法制审核',
                'verbose_name_plural': '法制审核',
                'db_table': 'workflow_legalcheck',
                'indexes': [models.Index(fields=['concluded_at'], include=('case', 'outcome'), name='legalcheck_concluded_stats'), models.Index(fields=['case', 'stage'], include=('outcome',), name='legalcheck_case_stage_outcome')],
            },
        ),
        migrations.AddIndex(
            model_name='deliberation',
            index=models.Index(fields=['concluded_at'], include=('case',), name='deliberation_concluded_stats'),
        ),
        migrations.AddConstraint(
            model_name='vote',
            constraint=models.UniqueConstraint(fields=('deliberation', 'member'), name='one_vote_per_member'),
        ),
            ],
            database_operations=[],
        ),
    ]
