"""Fee schedules, moved from hall.payments (payments.0007 renamed the table)."""

from django.db import migrations, models

from hall.core.migrating import content_types_follow


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('payments', '0007_fee_schedules_move_out'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FeeSchedule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('company_type', models.CharField(choices=[('single', '单一企业'), ('group', '集团企业'), ('import_export', '进出口企业')], max_length=20, verbose_name='企业类型')),
                        ('effective_from', models.DateField(verbose_name='生效日期')),
                        ('joining_fen', models.PositiveIntegerField(verbose_name='入网费（分）')),
                        ('joining_with_ean8_fen', models.PositiveIntegerField(verbose_name='含缩短码的入网费（分）')),
                        ('yearly_fen', models.PositiveIntegerField(verbose_name='年度维护费（分）')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                    ],
                    options={
                        'verbose_name': '收费标准',
                        'verbose_name_plural': '收费标准',
                        'ordering': ['company_type', '-effective_from'],
                        'constraints': [models.UniqueConstraint(fields=('company_type', 'effective_from'), name='one_schedule_per_type_and_date'), models.CheckConstraint(condition=models.Q(('yearly_fen__gt', 0)), name='yearly_fee_positive')],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_follow("payments", "fees", ('feeschedule',)),
    ]
