"""Company users and roles (issue 23): ``member_admin`` becomes ``member_role``.

The administrators stay administrators; every other account of a member becomes a clerk.
"""

from typing import Any

from django.db import migrations, models


def roles_from_admin(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    User.objects.filter(member_admin=True).update(member_role="admin")
    User.objects.filter(member_admin=False).update(member_role="clerk")


def admin_from_roles(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    User.objects.filter(member_role="admin").update(member_admin=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_api_keys_move_in"),
        ("members", "0008_gds_cards"),  # which reads member_admin
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="member_role",
            field=models.CharField(
                choices=[("admin", "管理员"), ("clerk", "经办人"), ("readonly", "只读")],
                default="clerk",
                max_length=10,
                verbose_name="企业角色",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="role",
            field=models.CharField(
                choices=[("admin", "管理员"), ("clerk", "经办人"), ("readonly", "只读")],
                default="clerk",
                max_length=10,
                verbose_name="企业角色",
            ),
        ),
        migrations.RunPython(roles_from_admin, admin_from_roles),
        migrations.RemoveField(model_name="user", name="member_admin"),
        migrations.AlterField(
            model_name="securityevent",
            name="kind",
            field=models.CharField(choices=[('registered', '注册'), ('login', '登录成功'), ('login_failed', '登录失败'), ('locked', '账号锁定'), ('logout', '退出'), ('password_reset', '重置密码'), ('mobile_changed', '修改手机'), ('activated', '激活'), ('activation_failed', '激活失败'), ('activation_code', '发送激活验证码'), ('invited', '邀请加入'), ('invitation_revoked', '撤销邀请'), ('removed', '移出企业'), ('role_changed', '变更企业角色'), ('password_changed', '修改密码'), ('second_factor', '动态验证码通过'), ('second_factor_failed', '动态验证码错误'), ('second_factor_enrol', '绑定动态验证码'), ('recovery_code_used', '使用恢复码'), ('idle_logout', '闲置退出')], db_index=True, max_length=20),  # noqa: E501
        ),
    ]
