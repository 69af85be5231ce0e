"""The SMS models, moved from hall.accounts (accounts.0006 renamed their tables)."""

import django.utils.timezone
from django.db import migrations, models

from hall.core.migrating import content_types_follow


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('accounts', '0006_sms_moves_out'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SmsCode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('mobile', models.CharField(db_index=True, max_length=11)),
                        ('purpose', models.CharField(choices=[('register', '注册'), ('reset', '找回密码'), ('change_mobile', '修改手机'), ('change_mobile_old', '修改手机（原号码）'), ('activate', '激活'), ('second_factor', '绑定身份验证器')], max_length=20)),
                        ('code_hash', models.CharField(max_length=128)),
                        ('client_address', models.GenericIPAddressField(db_index=True, null=True)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField()),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        'verbose_name': '短信验证码',
                        'verbose_name_plural': '短信验证码',
                    },
                ),
                migrations.CreateModel(
                    name='SmsMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('mobile', models.CharField(db_index=True, max_length=11)),
                        ('text', models.TextField()),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'verbose_name': '短信（开发发件箱）',
                        'verbose_name_plural': '短信（开发发件箱）',
                        'ordering': ['-id'],
                    },
                ),
                migrations.CreateModel(
                    name='SmsThrottle',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('mobile', models.CharField(max_length=11, unique=True)),
                        ('last_sent_at', models.DateTimeField()),
                    ],
                ),
            ],
            database_operations=[],
        ),
        content_types_follow("accounts", "sms", ('smscode', 'smsmessage', 'smsthrottle')),
    ]
