"""API keys are credentials: they move here from hall.lookup (lookup.0003 renames the table)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from hall.core.migrating import content_types_follow


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0006_sms_moves_out"),
        ("lookup", "0003_api_keys_move_out"),
        ("members", "0007_name_search"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='名称')),
                        ('prefix', models.CharField(max_length=12, verbose_name='密钥前缀')),
                        ('digest', models.CharField(max_length=64, unique=True)),
                        ('per_minute', models.PositiveIntegerField(blank=True, null=True, verbose_name='每分钟请求数')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('last_used_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='停用时间')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                        ('member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to='members.member', verbose_name='系统成员')),
                    ],
                    options={
                        'verbose_name': 'API 密钥',
                        'verbose_name_plural': 'API 密钥',
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_follow("lookup", "accounts", ('apikey',)),
    ]
