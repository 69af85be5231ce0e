"""``python -m hall bootstrap FILE``: set up a real hall from a file its operator writes.

The file (TOML; ``examples/bootstrap.toml`` shows every key) names the branch offices (分支机构)
and their regions, the prefix pools registrations draw company prefixes from, the fee schedules
(收费标准) and the center's first administrator. Every entry is checked before anything is
written, and everything is written in one transaction: a bad entry writes nothing, and the
error names its line and key. Running the command again changes nothing and says so: what
exists and matches the file is left alone, a branch's details are brought up to date, and a pool
or a fee schedule already in force that differs is refused rather than changed (that would move
the numbers a pool has given or the fees already charged: the admin adds a new one instead).

The administrator's password is asked for (twice, never echoed), or read from
``--password-file`` or ``HALL_BOOTSTRAP_PASSWORD`` (or ``HALL_BOOTSTRAP_PASSWORD_FILE``); it
is needed only when the account is made. The account has no second factor yet: as every staff
account, it enrols an authenticator app (confirmed by an SMS code to its mobile) at its first
login (hall.accounts.twofactor).
"""

from __future__ import annotations

import getpass
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.accounts import security
from hall.accounts.legacy import Say, Text, bilingual
from hall.accounts.mobile import InvalidMobile, normalise
from hall.accounts.models import SecurityEvent, User
from hall.core.env import env_str
from hall.fees.models import FeeSchedule
from hall.fees.money import fen_to_yuan, yuan_to_fen
from hall.members.models import BranchOffice, CompanyPrefix, Member, PrefixPool

#: The file's tables and the keys each entry may have.
SECTIONS = {"branch": "分支机构", "pool": "厂商识别代码池", "fee_schedule": "收费标准",
            "admin": "管理员"}  # fmt: skip
BRANCH_KEYS = ("code", "name", "region", "organisation", "address", "postcode", "email",
               "contacts", "bank_account_name", "bank_name", "bank_account")  # fmt: skip
CONTACT_KEYS = ("area", "person", "phone")
POOL_KEYS = ("block", "length", "kind", "next")
FEE_KEYS = ("company_type", "effective_from", "joining", "joining_with_ean8", "yearly", "note")
FEES_IN_YUAN = {"joining": "joining_fen", "joining_with_ean8": "joining_with_ean8_fen",
                "yearly": "yearly_fen"}  # fmt: skip
ADMIN_KEYS = ("mobile", "name")
PASSWORD_VARIABLE = "HALL_BOOTSTRAP_PASSWORD"


# -- where an entry is in the file -------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """An entry or a key of the file: ``branch[2].code``, and its line when it can be found."""

    section: str
    index: int | None = None  # 1-based, for the tables written [[section]]
    key: str | None = None

    def path(self) -> str:
        place = self.section if self.index is None else f"{self.section}[{self.index}]"
        return place if self.key is None else f"{place}.{self.key}"

    def deeper(self, key: str) -> Where:
        return Where(self.section, self.index, key if self.key is None else f"{self.key}.{key}")


class FileProblem(Exception):
    """A wrong entry of the file, with the place it is at."""

    def __init__(self, where: Where, say: Say) -> None:
        super().__init__(where.path())
        self.where, self.say = where, say


class Lines:
    """Finds the line of a table or key in the file's text (tomllib keeps no positions): the
    ``index``-th ``[[section]]`` header, then the first ``key =`` under it."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def of(self, where: Where) -> int | None:
        header = re.compile(r"^\s*\[\[?\s*" + re.escape(where.section) + r"\s*\]\]?\s*(#.*)?$")
        starts = [n for n, line in enumerate(self.lines) if header.match(line)]
        index = (where.index or 1) - 1
        if index >= len(starts):
            return None
        start = starts[index]
        if where.key is None:
            return start + 1
        key = re.compile(r"^\s*" + re.escape(where.key.split(".")[0]) + r"\s*=")
        for number in range(start + 1, len(self.lines)):
            if self.lines[number].lstrip().startswith("["):
                break
            if key.match(self.lines[number]):
                return number + 1
        return start + 1


# -- reading the entries ---------------------------------------------------------------------


def _problem(where: Where, say: Say) -> FileProblem:
    return FileProblem(where, say)


def _table(value: object, where: Where) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _problem(where, lambda: _("应为一个表（键 = 值）"))
    return value


def _entries(data: dict[str, Any], section: str) -> Iterator[tuple[Where, dict[str, Any]]]:
    """The entries of a ``[[section]]`` array of tables, each with its place."""
    found = data.get(section, [])
    if not isinstance(found, list):
        raise _problem(Where(section), lambda: _("应写作 [[%(section)s]] 表的数组")
                       % {"section": section})  # fmt: skip
    for index, entry in enumerate(found, 1):
        where = Where(section, index)
        yield where, _table(entry, where)


def _known_keys(entry: dict[str, Any], keys: tuple[str, ...], where: Where) -> None:
    """A misspelt key would be silently ignored: refuse it, naming the keys allowed."""
    for key in entry:
        if key not in keys:
            raise _problem(where.deeper(key), lambda: _("未知的键；可用的键：%(keys)s")
                           % {"keys": ", ".join(keys)})  # fmt: skip


def _text(entry: dict[str, Any], key: str, where: Where, *, required: bool = False) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise _problem(where.deeper(key), lambda: _('应为带引号的文字，例如 "692"'))
    if required and not value.strip():
        raise _problem(where.deeper(key), lambda: _("必须填写"))
    return value.strip()


def _whole(entry: dict[str, Any], key: str, where: Where, default: int | None = None) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _problem(where.deeper(key), lambda: _("应为整数"))
    return value


def _day(entry: dict[str, Any], key: str, where: Where) -> date:
    value = entry.get(key)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _problem(where.deeper(key), lambda: _("应为日期，例如 2026-01-01"))


def _fen(entry: dict[str, Any], key: str, where: Where) -> int:
    """An amount written in yuan (800, 800.5 or "800.50"), kept in fen."""
    value = entry.get(key)
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(value)
        return yuan_to_fen(str(Decimal(str(value))))
    except (ValueError, ArithmeticError):
        raise _problem(where.deeper(key), _amount_expected) from None


def _amount_expected() -> str:
    return _('应为以元为单位的金额，例如 800 或 "800.00"')


def _validated(instance: models.Model, where: Where, exclude: list[str] | None = None) -> None:
    """The model's own field checks (lengths, choices, e-mail); uniqueness is judged apart."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        name, found = next(iter(error.error_dict.items()))
        problem = ValidationError(found)  # its messages are made again in each language
        raise _problem(where.deeper(name), lambda: " ".join(problem.messages)) from None


# -- the entries -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one entry: made, brought up to date, or already as the file says."""

    CREATED: ClassVar[str] = "created"
    UPDATED: ClassVar[str] = "updated"
    UNCHANGED: ClassVar[str] = "unchanged"

    what: Say
    result: str

    def line(self) -> str:
        words: dict[str, Callable[[], str]] = {
            Outcome.CREATED: lambda: _("新建"), Outcome.UPDATED: lambda: _("已更新"),
            Outcome.UNCHANGED: lambda: _("无变化"),
        }  # fmt: skip
        said = {"what": self.what, "outcome": words[self.result]}
        return bilingual(lambda: _("%(what)s：%(outcome)s") % {k: v() for k, v in said.items()})


@dataclass(frozen=True)
class BranchEntry:
    where: Where
    values: dict[str, Any]

    @classmethod
    def read(cls, where: Where, entry: dict[str, Any]) -> BranchEntry:
        _known_keys(entry, BRANCH_KEYS, where)
        values: dict[str, Any] = {key: _text(entry, key, where, required=key in
                                             ("code", "name", "region", "address"))
                                  for key in BRANCH_KEYS if key != "contacts"}  # fmt: skip
        values["contacts"] = _contacts(entry.get("contacts", []), where.deeper("contacts"))
        _validated(BranchOffice(**values), where)
        return cls(where, values)

    def label(self) -> str:
        return _("分支机构 %(code)s %(name)s") % self.values

    def apply(self) -> Outcome:
        what = self.label
        found = BranchOffice.objects.select_for_update().filter(code=self.values["code"]).first()
        if found is None:
            BranchOffice.objects.create(**self.values)
            return Outcome(what, Outcome.CREATED)
        changed = {k: v for k, v in self.values.items() if getattr(found, k) != v}
        if not changed:
            return Outcome(what, Outcome.UNCHANGED)
        BranchOffice.objects.filter(pk=found.pk).update(**changed)
        return Outcome(what, Outcome.UPDATED)


def _contacts(value: object, where: Where) -> list[dict[str, str]]:
    """``contacts = [{area = "杭州地区", person = "胡老师", phone = "0571-85786900"}, ...]``."""
    if not isinstance(value, list):
        raise _problem(where, lambda: _("应为联系方式的列表"))
    contacts = []
    for index, item in enumerate(value, 1):
        place = where.deeper(str(index))
        contact = _table(item, place)
        _known_keys(contact, CONTACT_KEYS, place)
        contacts.append({key: _text(contact, key, place, required=key != "area")
                         for key in CONTACT_KEYS})  # fmt: skip
    return contacts


@dataclass(frozen=True)
class PoolEntry:
    where: Where
    block: str
    length: int
    kind: str
    next_number: int

    @classmethod
    def read(cls, where: Where, entry: dict[str, Any]) -> PoolEntry:
        _known_keys(entry, POOL_KEYS, where)
        block = _text(entry, "block", where, required=True)
        if not re.fullmatch(r"[0-9]{1,11}", block):
            raise _problem(where.deeper("block"), lambda: _("前缀段应为 1 至 11 位数字"))
        length = _whole(entry, "length", where)
        if not max(6, len(block) + 1) <= length <= 12:
            raise _problem(where.deeper("length"), lambda: _(
                "厂商识别代码长度应在 %(low)d 至 12 位之间，且长于前缀段"
            ) % {"low": max(6, len(block) + 1)})  # fmt: skip
        kind = _text(entry, "kind", where) or CompanyPrefix.Kind.EAN
        if kind not in CompanyPrefix.Kind.values:
            raise _problem(where.deeper("kind"), lambda: _("类型应为 ean 或 upc"))
        next_number = _whole(entry, "next", where, default=0)
        if not 0 <= next_number < 10 ** (length - len(block)):
            raise _problem(where.deeper("next"), lambda: _("下一个候选号超出此前缀段的范围"))
        return cls(where, block, length, kind, next_number)

    def overlaps(self, block: str, length: int) -> bool:
        """Two pools whose blocks nest but whose lengths differ would give prefixes that
        nest (69212345 and 692123456): a GTIN of one would be read as the other's."""
        nested = self.block.startswith(block) or block.startswith(self.block)
        return nested and length != self.length

    def label(self) -> str:
        return _("厂商识别代码池 %(block)s…（%(length)d 位）") % {"block": self.block,
                                                             "length": self.length}  # fmt: skip

    def apply(self) -> Outcome:
        what = self.label
        self._no_nesting()
        found = PrefixPool.objects.filter(block=self.block, length=self.length).first()
        if found is None:
            PrefixPool.objects.create(block=self.block, length=self.length, kind=self.kind,
                                      next_number=self.next_number)  # fmt: skip
            return Outcome(what, Outcome.CREATED)
        if found.kind != self.kind:
            raise _problem(self.where.deeper("kind"), lambda: _(
                "已有此代码池，类型为 %(kind)s：类型不能改变（已分配的代码属于原类型）"
            ) % {"kind": found.kind})  # fmt: skip
        # ``next`` starts a new pool only: an existing pool's counter has moved on since.
        return Outcome(what, Outcome.UNCHANGED)

    def _no_nesting(self) -> None:
        """Neither another pool nor a prefix already given (a legacy 7-digit one, say) may
        nest with this pool's numbers at another length."""
        for pool in PrefixPool.objects.exclude(block=self.block, length=self.length):
            if self.overlaps(pool.block, pool.length):
                raise _problem(self.where.deeper("block"), Text(gettext_lazy(
                    "与已有的代码池 %(pool)s 重叠而长度不同"), {"pool": pool}))  # fmt: skip
        shorter = [self.block[:n] for n in range(6, len(self.block) + 1)]
        within = Q(prefix__startswith=self.block) | Q(prefix__in=shorter)
        nested = (CompanyPrefix.objects.filter(within).annotate(digits=Length("prefix"))
                  .exclude(digits=self.length).first())  # fmt: skip
        if nested is not None:
            raise _problem(self.where.deeper("block"), lambda: _(
                "已分配的厂商识别代码 %(prefix)s 与此代码池的号段重叠而长度不同"
            ) % {"prefix": nested.prefix})  # fmt: skip


@dataclass(frozen=True)
class FeeEntry:
    where: Where
    values: dict[str, Any]

    @classmethod
    def read(cls, where: Where, entry: dict[str, Any]) -> FeeEntry:
        _known_keys(entry, FEE_KEYS, where)
        values: dict[str, Any] = {
            "company_type": _text(entry, "company_type", where, required=True),
            "effective_from": _day(entry, "effective_from", where),
            "note": _text(entry, "note", where),
        }
        for key, name in FEES_IN_YUAN.items():
            values[name] = _fen(entry, key, where)
        if values["yearly_fen"] <= 0:
            raise _problem(where.deeper("yearly"), lambda: _("年度维护费应大于零"))
        _validated(FeeSchedule(**values), where)
        return cls(where, values)

    def label(self) -> str:
        return _("收费标准 %(type)s %(day)s") % {
            "type": Member.CompanyType(self.values["company_type"]).label,
            "day": self.values["effective_from"]}  # fmt: skip

    def apply(self, today: date) -> Outcome:
        what = self.label
        key = {name: self.values[name] for name in ("company_type", "effective_from")}
        found = FeeSchedule.objects.select_for_update().filter(**key).first()
        if found is None:
            FeeSchedule.objects.create(**self.values)
            return Outcome(what, Outcome.CREATED)
        changed = {k: v for k, v in self.values.items() if getattr(found, k) != v}
        if not changed:
            return Outcome(what, Outcome.UNCHANGED)
        if found.effective_from <= today and set(changed) - {"note"}:
            name = next(k for k in changed if k != "note")
            raise _problem(self.where.deeper(_yuan_key(name)), lambda: _(
                "此收费标准已生效，原为 %(old)s 元：已生效的标准不能修改（已按它收费），"
                "请以新的生效日期另加一条"
            ) % {"old": fen_to_yuan(getattr(found, name))})  # fmt: skip
        FeeSchedule.objects.filter(pk=found.pk).update(**changed)
        return Outcome(what, Outcome.UPDATED)


def _yuan_key(name: str) -> str:
    return next((key for key, fen in FEES_IN_YUAN.items() if fen == name), name)


@dataclass(frozen=True)
class AdminEntry:
    where: Where
    mobile: str
    name: str

    @classmethod
    def read(cls, where: Where, entry: dict[str, Any]) -> AdminEntry:
        _known_keys(entry, ADMIN_KEYS, where)
        try:
            mobile = normalise(_text(entry, "mobile", where, required=True))
        except InvalidMobile:
            raise _problem(where.deeper("mobile"), lambda: _(
                "手机号无效：应为 11 位、以 13-19 开头的大陆手机号")) from None  # fmt: skip
        return cls(where, mobile, _text(entry, "name", where))

    def existing(self) -> User | None:
        """The account already made for this mobile; refused if it is not an administrator
        (a member's account cannot be turned into the center's)."""
        user = User.objects.filter(mobile=self.mobile).first()
        if user is not None and not (user.role == User.Role.ADMIN and user.is_superuser):
            raise _problem(self.where.deeper("mobile"), lambda: _(
                "此手机号已是其他账号（%(role)s）：请换一个手机号"
            ) % {"role": user.get_role_display()})  # fmt: skip
        return user

    def label(self) -> str:
        return _("编码中心管理员 %(mobile)s") % {"mobile": self.mobile}

    def apply(self, password: str | None) -> Outcome:
        """The account, made with ``password`` (None only in a check: nothing is kept)."""
        what = self.label
        if self.existing() is not None:
            return Outcome(what, Outcome.UNCHANGED)  # its password is its own now
        user = User.objects.create_superuser(self.mobile, password, name=self.name)
        security.record(SecurityEvent.Kind.REGISTERED, user=user, detail="bootstrap")
        return Outcome(what, Outcome.CREATED)


# -- the whole file ----------------------------------------------------------------------------


@dataclass
class Plan:
    branches: list[BranchEntry] = field(default_factory=list)
    pools: list[PoolEntry] = field(default_factory=list)
    fees: list[FeeEntry] = field(default_factory=list)
    admin: AdminEntry | None = None

    @classmethod
    def read(cls, data: dict[str, Any]) -> Plan:
        for section in data:
            if section not in SECTIONS:
                raise _problem(Where(section), lambda: _("未知的表；可用的表：%(keys)s")
                               % {"keys": ", ".join(SECTIONS)})  # fmt: skip
        plan = cls(
            branches=[BranchEntry.read(w, e) for w, e in _entries(data, "branch")],
            pools=[PoolEntry.read(w, e) for w, e in _entries(data, "pool")],
            fees=[FeeEntry.read(w, e) for w, e in _entries(data, "fee_schedule")],
        )
        if "admin" in data:
            where = Where("admin")
            plan.admin = AdminEntry.read(where, _table(data["admin"], where))
        plan.no_twins()
        return plan

    def no_twins(self) -> None:
        """The same branch, pool or schedule twice, or two pools that nest, is a typing slip."""
        _once([(e.where.deeper("code"), e.values["code"]) for e in self.branches])
        _once([(e.where.deeper("block"), (e.block, e.length)) for e in self.pools])
        _once([(e.where.deeper("effective_from"), (e.values["company_type"],
                e.values["effective_from"])) for e in self.fees])  # fmt: skip
        for index, pool in enumerate(self.pools):
            for other in self.pools[:index]:
                if pool.overlaps(other.block, other.length):
                    nests = gettext_lazy("与 %(other)s 的前缀段重叠而长度不同")
                    raise _problem(pool.where.deeper("block"),
                                   Text(nests, {"other": other.where.path()}))  # fmt: skip

    def apply(self, password: str | None, today: date) -> list[Outcome]:
        outcomes = [entry.apply() for entry in self.branches]
        outcomes += [entry.apply() for entry in self.pools]
        outcomes += [entry.apply(today) for entry in self.fees]
        if self.admin is not None:
            outcomes.append(self.admin.apply(password))
        return outcomes


def _once(keyed: list[tuple[Where, object]]) -> None:
    seen: dict[object, Where] = {}
    for where, key in keyed:
        if key in seen:
            first = seen[key]
            raise _problem(where, Text(gettext_lazy("与 %(first)s 重复"),
                                       {"first": first.path()}))  # fmt: skip
        seen[key] = where


class Command(BaseCommand):
    help = ("Set up a real hall from a TOML file: branch offices, prefix pools, fee schedules "
            "and the first center administrator (see examples/bootstrap.toml).")  # fmt: skip

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the TOML file (examples/bootstrap.toml)")
        parser.add_argument("--password-file", type=Path,
                            help="the first administrator's password, read from this file "
                                 f"(else {PASSWORD_VARIABLE}, else asked for)")  # fmt: skip
        parser.add_argument(
            "--check", action="store_true", help="show what would change, and write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        text = self._read(path)
        try:
            plan = Plan.read(self._parsed(path, text))
            write = not options["check"]
            password = self._password_if_needed(plan, options["password_file"]) if write else None
            outcomes = self._apply(plan, password, write=write)
        except FileProblem as problem:
            line = Lines(text).of(problem.where)
            place = f"{path}:{line}" if line else str(path)
            raise CommandError(f"{place}: {problem.where.path()}: {bilingual(problem.say)}\n"
                               + bilingual(lambda: _("未写入任何内容"))) from None  # fmt: skip
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        self._summary(plan, outcomes, wrote=write)

    def _read(self, path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error

    def _parsed(self, path: Path, text: str) -> dict[str, Any]:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:  # its message ends "(at line 3, column 7)"
            said = str(error)
            raise CommandError(f"{path}: " + bilingual(lambda: _("TOML 格式错误：%(error)s")
                                                       % {"error": said})) from error  # fmt: skip

    def _password_if_needed(self, plan: Plan, password_file: Path | None) -> str | None:
        """The new administrator's password, checked by the hall's password rules; asked for
        only when the account is still to be made (never echoed, never printed)."""
        if plan.admin is None or plan.admin.existing() is not None:
            return None
        password = self._password(password_file)
        account = User(mobile=plan.admin.mobile, name=plan.admin.name)

        def refusal() -> str:  # run in each language: the validators' messages are made so
            try:
                validate_password(password, account)
            except ValidationError as error:
                return _("管理员密码不符合要求：%(reason)s") % {"reason": " ".join(error.messages)}
            return ""

        if refusal():
            raise _problem(plan.admin.where, refusal)
        return password

    def _password(self, password_file: Path | None) -> str:
        if password_file is not None:
            try:
                return password_file.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise CommandError(f"{password_file}: {error.strerror}") from error
        if found := env_str(PASSWORD_VARIABLE, default=""):
            return found
        if not sys.stdin.isatty():
            raise CommandError(bilingual(lambda: _(
                "需要新管理员的密码：请用 --password-file 或环境变量 %(variable)s 提供"
            ) % {"variable": PASSWORD_VARIABLE}))  # fmt: skip
        first = getpass.getpass("管理员密码 / administrator's password: ")
        if getpass.getpass("再输入一次 / again: ") != first:
            raise CommandError(bilingual(lambda: _("两次输入的密码不一致")))
        return first

    def _apply(self, plan: Plan, password: str | None, *, write: bool) -> list[Outcome]:
        with transaction.atomic():
            outcomes = plan.apply(password, timezone.localdate())
            if not write:
                transaction.set_rollback(True)
        return outcomes

    def _summary(self, plan: Plan, outcomes: list[Outcome], *, wrote: bool) -> None:
        if all(outcome.result == Outcome.UNCHANGED for outcome in outcomes):
            self.stdout.write(bilingual(lambda: _("与文件一致，没有任何改动")))
        elif not wrote:
            self.stdout.write(bilingual(lambda: _("仅检查：未写入任何内容")))
        block, length = settings.REGISTRATION_POOL
        if not PrefixPool.objects.filter(block=block, length=length).exists():
            self.stderr.write(bilingual(lambda: _(
                "注意：注册从 %(block)s 开头、%(length)d 位的代码池分配厂商识别代码"
                "（REGISTRATION_POOL），该代码池尚不存在"
            ) % {"block": block, "length": length}))  # fmt: skip
        admin = plan.admin
        if admin is not None and wrote and outcomes[-1].result == Outcome.CREATED:  # (the last)
            self.stdout.write(bilingual(lambda: _(
                "管理员首次登录时须绑定身份验证器（短信验证码发至 %(mobile)s）"
            ) % {"mobile": admin.mobile}))  # fmt: skip
