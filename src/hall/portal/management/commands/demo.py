"""``python -m hall demo``: branch offices, a member due for renewal, and one login per role.

Safe to run again: it updates what it made before. The logins are printed; they are demo
accounts with known passwords, for a development machine only.
"""

from __future__ import annotations

import base64
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TextIO, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from hall.accounts.models import MemberRole, User
from hall.applications.models import Application, ApplicationEvent
from hall.members.models import BranchOffice, CompanyPrefix, Member, PrefixPool
from hall.notices import demo as notices_demo
from hall.payments import demo as payments_demo
from hall.portal.year import make_year
from hall.printers import demo as printers_demo
from hall.products import demo as products_demo
from hall.products.models import Product
from tiaoma import uscc

#: The made-up year's size (hall.portal.year): the homes' charts over twelve months.
YEAR_APPLICATIONS, YEAR_PRODUCTS = 1200, 6000

#: Seed 000 §4: the Zhejiang branch's address, phones per city and the center's bank account.
BRANCHES: list[dict[str, Any]] = [
    {
        "code": "3301",
        "name": "浙江分中心",
        "region": "浙江",
        "organisation": "浙江省标准化研究院",
        "address": "杭州市西湖区天目山路 222 号 2 号楼 207 室",
        "email": "zjancc@sina.com",
        "contacts": [
            {"area": "杭州地区", "person": "胡老师", "phone": "0571-85786900"},
            {"area": "金华、绍兴、丽水、舟山", "person": "张老师", "phone": "0571-85786917"},
            {"area": "温州、台州、嘉兴、湖州、衢州", "person": "王老师", "phone": "0571-85786931"},
        ],
    },
    {
        "code": "1101",
        "name": "北京分中心",
        "region": "北京",
        "address": "北京市（示例地址）",
        "contacts": [{"area": "北京", "person": "李老师", "phone": "010-00000000"}],
    },
    {
        "code": "3101",
        "name": "上海分中心",
        "region": "上海",
        "address": "上海市（示例地址）",
        "contacts": [{"area": "上海", "person": "陈老师", "phone": "021-00000000"}],
    },
]
BANK = {
    "bank_account_name": "中国物品编码中心",
    "bank_name": "交通银行北京分行和平里支行",
    "bank_account": "1100 6022 4010 1490 84052",
}

#: The demo logins: mobile, password, role, and what the account is bound to.
LOGINS = [
    ("13800000001", "Member2026demo", User.Role.MEMBER, "系统成员用户（已激活，企业管理员）"),
    ("13800000002", "Branch2026demo", User.Role.BRANCH, "分支机构审核员（浙江 3301）"),
    ("13800000003", "Center2026demo", User.Role.CENTER, "编码中心审核员"),
    ("13800000004", "Clerk2026demo", User.Role.MEMBER, "系统成员用户（经办人）"),
    ("13800000005", "Viewer2026demo", User.Role.MEMBER, "系统成员用户（只读）"),
]
#: The demo member's accounts other than its administrator: their company roles and names.
MEMBER_ROLES = {"13800000004": (MemberRole.CLERK, "周敏"),
                "13800000005": (MemberRole.READ_ONLY, "吴静")}  # fmt: skip


#: The demo staff's authenticator key (base 32 for an app: printed by the command) and their
#: recovery codes: a demonstration's, never a real hall's.
DEMO_TOTP_KEY = b"tiaoma-demo-staffkey"  # 20 bytes: 32 base-32 letters, no padding
DEMO_RECOVERY_CODES = [f"demo{n:04d}" for n in range(1, 11)]


def _uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


class Command(BaseCommand):
    help = "Create the demo branch offices, a member due for renewal and one login per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--year", action="store_true",
            help="also a made-up year of other members' business, for the homes' charts",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEVELOPMENT:  # its staff's passwords and second factor are printed
            raise CommandError("the demo data is for a development hall (HALL_DEBUG=1) only")
        with transaction.atomic():
            branches = {row["code"]: self._branch(row) for row in BRANCHES}
            # New members get the next free 8-digit 692... prefix (domain.md §2.1).
            PrefixPool.objects.get_or_create(block="692", length=8)
            member = self._member(branches["3301"])
            self._member_without_accounts(branches["3301"])
            self._logins(member, branches["3301"])
            self._registration(member, branches["3301"])
            self._products(member)
            # Each app's own demo rows: a pallet and a product line, a paid registration and a
            # refund, the member's notices and address, a printing company (after the center's
            # reviewer: it approves it).
            seeds = (products_demo.seed, payments_demo.seed, notices_demo.seed,
                     printers_demo.seed)  # fmt: skip
            told = [line for seed in seeds for line in seed(cast("TextIO", self.stdout))]
        if options.get("year"):
            self._year()

        self.stdout.write(
            f"demo member: {member.name}, {member.certificate_number}, "
            f"prefix 69212345, valid until {member.valid_until}"
        )
        self.stdout.write(
            "demo products: 6921234500019, 6921234500026, case 16921234500023 "
            "(public query: /query/, Digital Link: /01/06921234500019)"
        )
        for mobile, password, _role, what in LOGINS:
            self.stdout.write(f"  login {mobile} / {password}   {what}")
        for line in told:
            self.stdout.write(line)
        key = base64.b32encode(DEMO_TOTP_KEY).decode()
        self.stdout.write(
            f"  reviewers' second factor: authenticator key {key}, or a recovery code "
            f"{DEMO_RECOVERY_CODES[0]} ... {DEMO_RECOVERY_CODES[-1]} (each once)\n"
            "  activation: register a new account, then 654321 + 宁波示例饮料有限公司; the code "
            "goes to the member's contact mobile 13800000008 (Django admin's SMS outbox)\n"
            f"  the member's login by card (登录选择 GDS卡号): {member.gds_card} / Member2026demo"
        )

    def _year(self) -> None:
        """A year of other members' business: the homes' figures and charts have something to
        show (``make run``; the tests' demo goes without, its queues kept to the demo's own)."""
        year = make_year(today=date.today(), applications=YEAR_APPLICATIONS, products=YEAR_PRODUCTS)
        if year.applications:
            made = f"{year.members} members, {year.applications} applications"
            self.stdout.write(f"a year of business: {made}, {year.products} products")

    def _branch(self, row: dict[str, Any]) -> BranchOffice:
        branch, _ = BranchOffice.objects.update_or_create(
            code=row["code"], defaults={**row, **BANK}
        )
        return branch

    def _member(self, branch: BranchOffice) -> Member:
        today = date.today()
        # Due for renewal: two years from registration, ending within the next three months.
        until = today + timedelta(days=45)
        member, _ = Member.objects.update_or_create(
            certificate_number="物编注字第123456号",
            defaults={
                "name": "杭州示例食品有限公司",
                "uscc": _uscc("91330106MA27XK5Q0"),
                "company_type": Member.CompanyType.SINGLE,
                "registered_address": "杭州市西湖区文三路 1 号",
                "legal_representative": "张三",
                "contact": "李四",
                "contact_phone": "0571-88888888",
                # The contact mobile the center holds: activation codes go here (the outbox).
                "mobile": "13800000009",
                "archive_index": "2018023001",
                "gds_card": "3301000123",
                "branch": branch,
                "valid_from": until - timedelta(days=730),
                "valid_until": until,
            },
        )
        CompanyPrefix.objects.update_or_create(
            prefix="69212345",
            defaults={
                "member": member,
                "kind": CompanyPrefix.Kind.EAN,
                "allocated_on": member.valid_from,
            },
        )
        return member

    def _member_without_accounts(self, branch: BranchOffice) -> None:
        """A member no account acts for yet: a newcomer's account activates it by the code
        sent to its contact mobile (found in the SMS outbox)."""
        today = date.today()
        member, _ = Member.objects.update_or_create(
            certificate_number="物编注字第654321号",
            defaults={"name": "宁波示例饮料有限公司", "uscc": _uscc("91330201MA2GL8XK0"),
                      "registered_address": "宁波市海曙区中山西路 2 号",
                      "legal_representative": "王五", "contact": "赵六",
                      "mobile": "13800000008", "archive_index": "2025023002", "branch": branch,
                      "gds_card": "3301000124",
                      "valid_from": today - timedelta(days=100),
                      "valid_until": today + timedelta(days=630)},
        )  # fmt: skip
        CompanyPrefix.objects.update_or_create(
            prefix="69298765",
            defaults={"member": member, "allocated_on": member.valid_from},
        )

    def _registration(self, member: Member, branch: BranchOffice) -> None:
        """The member's registration, approved when its membership began: the entry of the
        public register (/query/register/)."""
        approved = timezone.make_aware(datetime.combine(member.valid_from, time(10)))
        application, made = Application.objects.update_or_create(
            member=member, kind=Application.Kind.REGISTRATION,
            status=Application.Status.APPROVED,
            defaults={"applicant": User.objects.get(mobile=LOGINS[0][0]), "branch": branch,
                      "data": {"name": member.name}, "created_at": approved,
                      "submitted_at": approved},
        )  # fmt: skip
        if made:
            ApplicationEvent.objects.create(
                application=application, action="center_approve",
                old_status=Application.Status.CENTER_REVIEW,
                new_status=Application.Status.APPROVED, at=approved,
            )  # fmt: skip

    def _products(self, member: Member) -> None:
        """Two filed products and a case, for the product pages and the public query."""
        prefix = CompanyPrefix.objects.get(prefix="69212345")
        items = [("06921234500019", "示例矿泉水", "550mL 瓶装", Decimal(550), "mL"),
                 ("06921234500026", "示例绿茶", "500mL 瓶装", Decimal(500), "mL")]  # fmt: skip
        for number, name, specification, content, unit in items:
            unit_product, _ = Product.objects.update_or_create(
                gtin=number, superseded=False,
                defaults={"member": member, "prefix": prefix, "kind": Product.Kind.GTIN13,
                          "status": Product.Status.IN_USE, "name": name, "brand": "示例",
                          "specification": specification, "net_content": content,
                          "net_content_unit": unit, "gpc_brick": "10000232"},
            )  # fmt: skip
        Product.objects.update_or_create(
            gtin="16921234500023", superseded=False,
            defaults={"member": member, "prefix": prefix, "kind": Product.Kind.GTIN14,
                      "status": Product.Status.IN_USE, "name": "示例绿茶（箱）", "brand": "示例",
                      "level": Product.Level.CASE, "contains": unit_product, "quantity": 24},
        )  # fmt: skip

    def _logins(self, member: Member, branch: BranchOffice) -> None:
        bindings = {
            User.Role.MEMBER: {
                "member": member,
                "name": "李四",
                "member_role": MemberRole.ADMIN,
                "gds_card": member.gds_card,
            },
            User.Role.BRANCH: {"branch": branch, "name": "胡老师"},
            User.Role.CENTER: {"name": "编码中心审核员", "is_staff": True},
        }
        for mobile, password, role, _what in LOGINS:
            binding = dict(bindings[role])
            if mobile in MEMBER_ROLES:  # the administrator's clerk and read-only colleague
                member_role, name = MEMBER_ROLES[mobile]
                binding.update(member_role=member_role, gds_card=None, name=name)
            user, _ = User.objects.update_or_create(
                mobile=mobile, defaults={"role": role, **binding}
            )
            user.set_password(password)
            user.save()
            if role != User.Role.MEMBER:
                self._second_factor(user)

    def _second_factor(self, user: User) -> None:
        """Staff log in with a second factor: the demo's accounts have an authenticator with a
        printed key, and recovery codes a newcomer without an app can use (each once)."""
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY.hex(), confirmed=True)
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        for code in DEMO_RECOVERY_CODES:
            recovery.token_set.create(token=code)
