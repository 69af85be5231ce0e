"""Bringing in the members of an existing center (issue 21): its member companies, their
company prefixes and certificates, from the CSV or Excel file its old system exports.

One row a member; a header row names the columns (:data:`COLUMNS`, in Chinese, English, or
both as the template writes them, in any order). Each row is checked on its own (the USCC's
GB 32100 check character, the dates, the mobile number, the branch, GS1 China's prefixes) and
against the hall and the rest of the file: a USCC, certificate number, card number or archive
index appears once; a prefix already held by another member, or nesting with another's
(6921234 and 69212345: a GTIN would be read as both), is refused, and so is one inside a prefix
pool's block at another length, since the pool would later give out a nesting one.

The import is all or nothing unless asked otherwise: one bad row and nothing is written, and
every bad row is listed with its line number and column, in Chinese and English. A member
already in the hall (the same USCC) is never made twice: it is left as it is, or with
``update`` brought up to date from the file (its data before kept as a version, as a change
application keeps it). The counters of certificate and archive index numbers are moved past
the numbers imported, so the hall's next certificate never repeats one. A member imported with
its contact mobile activates its first account as any member does (hall.accounts.membership:
the code sent to that mobile).
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise, StrPromise

from hall.accounts.mobile import InvalidMobile, normalise
from hall.core import sheetscan
from hall.core.inserting import insert
from hall.core.reasons import reason
from hall.core.spreadsheets import TableError, kind_of, read_rows, write_table
from hall.members.facts import certificate_forms
from hall.members.lifecycle import member_cancel
from hall.members.models import (
    BranchOffice,
    CompanyPrefix,
    Member,
    MemberVersion,
    PrefixPool,
    Sequence,
)
from hall.members.numbering import CARD_SERIAL_DIGITS, gds_card_numbers
from tiaoma import prefixes, uscc
from tiaoma.errors import TiaomaError
from tiaoma.text import halfwidth

#: A message in the active language, made when it is shown (so it can be shown in both).
Say = Callable[[], str]


@dataclass(frozen=True)
class Text:
    """A :data:`Say` of a lazy message and its parameters: made in the language active when
    it is shown (a loop's messages each keep their own values)."""

    template: StrPromise
    params: Mapping[str, object] = field(default_factory=dict)

    def __call__(self) -> str:
        return str(self.template) % self.params if self.params else str(self.template)


def bilingual(say: Say) -> str:
    """``say`` in Chinese, then in English: what an operator's terminal shows."""
    with translation.override("zh-hans"):
        chinese = say()
    with translation.override("en"):
        english = say()
    return chinese if chinese == english else f"{chinese} / {english}"


@dataclass(frozen=True)
class Column:
    name: str
    chinese: str
    english: str
    required: bool = False
    #: Other headers an old system may have written.
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return f"{self.chinese} / {self.english}"


#: The file's columns. Company prefixes: one or more in a cell, separated by commas, 、 or
#: spaces. Dates: 2024-03-01, 2024/3/1, 2024年3月1日 or 20240301 (or an Excel date).
COLUMNS = (
    Column("name", "企业名称", "Company name", required=True),
    Column("uscc", "统一社会信用代码", "USCC", required=True, aliases=("信用代码",)),
    Column("certificate_number", "物编注字", "Certificate number", required=True,
           aliases=("证书编号", "证书号")),
    Column("valid_from", "有效期起", "Valid from", required=True),
    Column("valid_until", "有效期至", "Valid until", required=True),
    Column("branch", "分支机构", "Branch", required=True, aliases=("分支机构代码",)),
    Column("prefixes", "厂商识别代码", "Company prefixes", aliases=("Company prefix",)),
    Column("upc_prefixes", "UPC厂商识别代码", "UPC company prefixes"),
    Column("allocated_on", "分配日期", "Allocated on"),
    Column("gds_card", "GDS卡号", "Member card number", aliases=("会员卡号", "系统成员卡号")),
    Column("mobile", "联系手机", "Contact mobile", aliases=("手机",)),
    Column("company_type", "企业类型", "Company type"),
    Column("registered_address", "注册地址", "Registered address"),
    Column("legal_representative", "法定代表人", "Legal representative"),
    Column("contact", "联系人", "Contact"),
    Column("contact_phone", "联系人电话", "Contact phone"),
    Column("email", "电子邮箱", "Email"),
    Column("archive_index", "档案索引号", "Archive index"),
    Column("status", "状态", "Status"),
)  # fmt: skip
BY_NAME = {column.name: column for column in COLUMNS}
#: Member fields an old system may not have had: kept empty, the member fills them in later.
MAY_BE_EMPTY = ("registered_address", "legal_representative", "contact")
#: The columns that are the member's own fields, compared with the hall's on a second run.
MEMBER_COLUMNS = ("name", "uscc", "certificate_number", "valid_from", "valid_until", "gds_card",
                  "mobile", "company_type", "registered_address", "legal_representative",
                  "contact", "contact_phone", "email", "archive_index", "status")  # fmt: skip
EXAMPLE = ["杭州示例食品有限公司", "91330106MA27XK5Q0G", "物编注字第100001号", "2025-01-01",
           "2027-01-01", "3301", "69212345", "", "2011-05-01", "3301000123", "13800000009",
           "单一企业", "杭州市西湖区文三路 1 号", "张三", "李四", "0571-88888888", "", "2011023001",
           "有效"]  # fmt: skip

#: Bounds on what one file may ask of the hall: a large center's members, with room to spare.
MAX_BYTES = 20 * 2**20
MAX_ROWS = 50_000
MAX_LINES = 100_000
LIMITS = sheetscan.Limits(rows=MAX_ROWS, lines=MAX_LINES, unpacked=200 * 2**20)
#: How many values one ``IN (...)`` query asks about (SQLite's limit on parameters).
BATCH = 900


# -- problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a row is refused: its line in the file, the column, and the reason."""

    line: int
    column: str | None
    say: Say

    def text(self) -> str:
        def said() -> str:
            where = _("第 %(line)d 行") % {"line": self.line}
            if self.column is not None:
                where = f"{where} {column_label(self.column)}"
            return _("%(where)s：%(reason)s") % {"where": where, "reason": self.say()}

        return bilingual(said)


def column_label(name: str) -> str:
    """A column's header in the active language."""
    column = BY_NAME[name]
    return column.english if (translation.get_language() or "").startswith("en") else column.chinese


class RowRefused(Exception):
    """One cell of a row is wrong (raised while the row is read, caught for the report)."""

    def __init__(self, column: str | None, say: Say) -> None:
        super().__init__(column)
        self.column, self.say = column, say


def _refuse(column: str | None, say: Say) -> RowRefused:
    return RowRefused(column, say)


# -- reading the file --------------------------------------------------------------------------


def _normal(text: str) -> str:
    return "".join(halfwidth(text).split()).lower()


def _headers() -> dict[str, str]:
    found: dict[str, str] = {}
    for column in COLUMNS:
        spellings = (column.name, column.chinese, column.english, column.header,
                     f"{column.chinese}/{column.english}", *column.aliases)  # fmt: skip
        found.update({_normal(spelling): column.name for spelling in spellings})
    return found


def columns_of(header: list[str]) -> dict[str, int]:
    """Which cell of a row holds each column, from the header; refused if a column that must
    be there is missing, or one is there twice."""
    known, found = _headers(), {}
    for index, text in enumerate(header):
        name = known.get(_normal(text))
        if name is None:
            continue
        if name in found:
            raise TableError(_("表头中“%(column)s”出现了两次") % {"column": text.strip()})
        found[name] = index
    missing = [c.header for c in COLUMNS if c.required and c.name not in found]
    if not {"prefixes", "upc_prefixes"} & found.keys():
        missing.append(BY_NAME["prefixes"].header)
    if missing:
        raise TableError(_("表头缺少这些列：%(columns)s（请使用模板）")
                         % {"columns": "、".join(missing)})  # fmt: skip
    return found


def table_rows(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows with their line numbers, within the bounds."""
    if len(data) > MAX_BYTES:
        raise TableError(_("文件过大（上限 %(limit)d MB）") % {"limit": MAX_BYTES // 2**20})
    if kind_of(data) == "xlsx":
        sheetscan.check(data, LIMITS)  # what the workbook says of itself, before a cell is read
    rows = read_rows(data)
    try:
        header = next(rows, None) or []
        body: list[tuple[int, list[str]]] = []
        for line, row in enumerate(rows, 2):
            if line > MAX_LINES or len(row) > sheetscan.COLUMNS:
                raise TableError(sheetscan.too_many_lines(MAX_LINES) if line > MAX_LINES
                                 else sheetscan.too_wide())  # fmt: skip
            if any(cell.strip() for cell in row):
                if len(body) == MAX_ROWS:
                    raise TableError(sheetscan.too_many_rows(MAX_ROWS))
                body.append((line, row))
    except csv.Error as error:
        raise TableError(_("CSV 文件格式有误：%(error)s") % {"error": error}) from error
    return header, body


def template(kind: str) -> bytes:
    """The empty table to fill in (CSV or .xlsx), with one example row."""
    return write_table(kind, [column.header for column in COLUMNS], [EXAMPLE])


# -- one row -----------------------------------------------------------------------------------


@dataclass
class Entry:
    """A row as the hall will keep it."""

    line: int
    fields: dict[str, Any]  # the member's fields the row gives (blank cells left out)
    branch: BranchOffice
    prefixes: list[tuple[str, str]]  # (prefix, kind)
    allocated_on: date | None


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")


def _day(text: str, column: str) -> date:
    written = halfwidth(text).strip()
    found = _DATE.fullmatch(written) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", written)
    try:
        if found is None:
            raise ValueError(written)
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise _refuse(column, lambda: _("不是日期：“%(text)s”（例如 2024-03-01）")
                      % {"text": written}) from None  # fmt: skip


def _choice(text: str, column: str, choices: Iterable[tuple[str, StrOrPromise]]) -> str:
    """A choice by its value, its Chinese label or its English one."""
    wanted = _normal(text)
    for value, label in choices:
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            chinese = str(label)
        if wanted in (_normal(value), _normal(chinese), _normal(english)):
            return value
    shown = "、".join(str(label) for _value, label in choices)
    raise _refuse(column, lambda: _("应为以下之一：%(choices)s") % {"choices": shown})


def _uscc(text: str) -> str:
    try:
        return uscc.validate(halfwidth(text).strip().upper())
    except TiaomaError as error:
        refusal = error  # (the name ``error`` ends with the except block)
        raise _refuse("uscc", lambda: reason(refusal)) from None


def _certificate(text: str) -> str:
    """As the hall keeps it: 物编注字第100001号 for any of its written forms (the digits alone,
    第100001号); a number written otherwise by the old system is kept as written."""
    forms = certificate_forms(text)
    if len(forms) == 1 or not re.fullmatch(r"(物编注字)?第?\d+号?", forms[0]):
        return forms[0]
    return forms[-1]


def _prefixes(text: str, column: str) -> list[str]:
    found = [part for part in re.split(r"[\s,，、;；/]+", halfwidth(text)) if part]
    upc = column == "upc_prefixes"
    digits = "6-11" if upc else "6-12"
    for prefix in found:
        if not re.fullmatch(r"[0-9]{6,11}" if upc else r"[0-9]{6,12}", prefix):
            raise _refuse(column, Text(gettext_lazy(
                "厂商识别代码“%(prefix)s”应为 %(digits)s 位数字"
            ), {"prefix": prefix, "digits": digits}))  # fmt: skip
        issuer = prefixes.issuer(prefix.ljust(13, "0"))
        if not upc and (issuer is None or issuer.organisation != "GS1 China"):
            raise _refuse(column, Text(gettext_lazy(
                "厂商识别代码 %(prefix)s 不是中国物品编码中心的前缀（690-699、680-681）"
            ), {"prefix": prefix}))  # fmt: skip
    return found


class Reader:
    """Reads rows into :class:`Entry`, knowing the hall's branch offices by code and name."""

    def __init__(self, columns: dict[str, int], today: date) -> None:
        self.columns, self.today = columns, today
        branches = list(BranchOffice.objects.all())
        self.branches = {b.code: b for b in branches} | {b.name: b for b in branches}

    def read(self, line: int, row: list[str]) -> Entry | list[Problem]:
        cells = {name: (row[index].strip() if index < len(row) else "")
                 for name, index in self.columns.items()}  # fmt: skip
        problems: list[Problem] = []
        fields: dict[str, Any] = {}
        for name, read in self._readers().items():
            if cells.get(name):
                try:
                    fields[name] = read(cells[name])
                except RowRefused as refused:
                    problems.append(Problem(line, refused.column, refused.say))
            elif BY_NAME[name].required:
                problems.append(Problem(line, name, lambda: _("必须填写")))
        read_wrong = {problem.column for problem in problems}
        problems += self._whole_row(line, fields, read_wrong)
        if problems:
            return problems
        return self._entry(line, fields)

    def _readers(self) -> dict[str, Callable[[str], Any]]:
        text = str.strip
        return {
            "name": text, "uscc": _uscc, "certificate_number": _certificate,
            "valid_from": lambda t: _day(t, "valid_from"),
            "valid_until": lambda t: _day(t, "valid_until"),
            "branch": self._branch,
            "prefixes": lambda t: _prefixes(t, "prefixes"),
            "upc_prefixes": lambda t: _prefixes(t, "upc_prefixes"),
            "allocated_on": lambda t: _day(t, "allocated_on"),
            "gds_card": text, "mobile": _mobile,
            "company_type": lambda t: _choice(t, "company_type", Member.CompanyType.choices),
            "registered_address": text, "legal_representative": text, "contact": text,
            "contact_phone": text, "email": text, "archive_index": text,
            "status": lambda t: _choice(t, "status", Member.Status.choices),
        }  # fmt: skip

    def _branch(self, text: str) -> BranchOffice:
        found = self.branches.get(text.strip())
        if found is None:
            raise _refuse("branch", lambda: _(
                "没有代码或名称为“%(branch)s”的分支机构（请先用 bootstrap 设置分支机构）"
            ) % {"branch": text.strip()})  # fmt: skip
        return found

    def _whole_row(self, line: int, fields: dict[str, Any], read_wrong: set[str | None],
                   ) -> list[Problem]:  # fmt: skip
        """What the cells read well say together (of cells read wrong, nothing more)."""
        problems = []
        start, end = fields.get("valid_from"), fields.get("valid_until")
        if start is not None and end is not None and end <= start:
            problems.append(Problem(line, "valid_until", lambda: _("有效期至应晚于有效期起")))
        given = read_wrong & {"prefixes", "upc_prefixes"}
        if not (given or fields.get("prefixes") or fields.get("upc_prefixes")):
            problems.append(Problem(line, "prefixes", lambda: _("至少填写一个厂商识别代码")))
        return problems

    def _entry(self, line: int, fields: dict[str, Any]) -> Entry | list[Problem]:
        branch = fields.pop("branch")
        held = [(p, CompanyPrefix.Kind.EAN.value) for p in fields.pop("prefixes", [])]
        held += [(p, CompanyPrefix.Kind.UPC.value) for p in fields.pop("upc_prefixes", [])]
        allocated_on = fields.pop("allocated_on", None)
        fields.setdefault("status", Member.Status.EXPIRED if fields["valid_until"] < self.today
                          else Member.Status.ACTIVE)  # fmt: skip
        problems = _model_problems(line, Member(**fields, branch=branch))
        return problems or Entry(line, fields, branch, held, allocated_on)


def _mobile(text: str) -> str:
    try:
        return normalise(text)
    except InvalidMobile:
        raise _refuse("mobile", lambda: _(
            "手机号无效：应为 11 位、以 13-19 开头的大陆手机号")) from None  # fmt: skip


def _messages(errors: list[ValidationError]) -> Say:
    """Django's field errors, made again in the language active when shown."""
    return lambda: " ".join(ValidationError(errors).messages)


def _model_problems(line: int, member: Member) -> list[Problem]:
    """The model's own field checks: lengths, the e-mail address."""
    # (The branch was found by the reader: no query a row to find it again.)
    exclude = ["archive_index", "branch",
               *(name for name in MAY_BE_EMPTY if not getattr(member, name))]  # fmt: skip
    try:
        member.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [Problem(line, name if name in BY_NAME else None, _messages(found))
                for name, found in error.error_dict.items()]  # fmt: skip
    return []


# -- the rows against each other and against the hall ------------------------------------------

#: The values a member holds alone: each may appear once in the file and once in the hall.
UNIQUE = ("uscc", "certificate_number", "gds_card", "archive_index")


def _prefix_column(kind: str) -> str:
    return "upc_prefixes" if kind == CompanyPrefix.Kind.UPC else "prefixes"


def _twins(entries: list[Entry]) -> list[Problem]:
    """Values the file gives twice, and prefixes of two rows that nest."""
    first: dict[tuple[str, str], int] = {}
    problems = []
    for entry in entries:
        keys = [(name, str(entry.fields[name])) for name in UNIQUE if name in entry.fields]
        keys += [(_prefix_column(kind), prefix) for prefix, kind in entry.prefixes]
        for column, value in keys:
            line = first.setdefault((column if column in UNIQUE else "prefix", value), entry.line)
            if line != entry.line:
                problems.append(Problem(entry.line, column, Text(
                    gettext_lazy("与第 %(line)d 行重复"), {"line": line})))  # fmt: skip
    in_file = {prefix: (entry.line, kind) for entry in reversed(entries)
               for prefix, kind in entry.prefixes}  # fmt: skip
    for entry in entries:
        for prefix, kind in entry.prefixes:
            for shorter in (prefix[:n] for n in range(6, len(prefix))):
                line, its_kind = in_file.get(shorter, (entry.line, ""))
                if line != entry.line and its_kind == kind:
                    problems.append(Problem(entry.line, _prefix_column(kind), Text(gettext_lazy(
                        "厂商识别代码 %(prefix)s 与第 %(line)d 行的 %(other)s 重叠"
                    ), {"prefix": prefix, "line": line, "other": shorter})))  # fmt: skip
    return problems


def _batches(values: Iterable[str]) -> Iterator[list[str]]:
    unique = sorted(set(values))
    for start in range(0, len(unique), BATCH):
        yield unique[start : start + BATCH]


@dataclass(frozen=True)
class Holder:
    """The member that holds a number in the hall."""

    member_id: int
    name: str


class Hall:
    """What the hall already holds that the rows must agree with, loaded a batch at a time."""

    def __init__(self, entries: list[Entry]) -> None:
        self.members: dict[str, Member] = {}
        for batch in _batches(e.fields["uscc"] for e in entries):
            self.members.update((m.uscc, m) for m in Member.objects.filter(uscc__in=batch))
        self.holders = {name: self._holders(name, entries) for name in UNIQUE}
        blocks = {prefix[:3] for entry in entries for prefix, _kind in entry.prefixes}
        self.prefixes: dict[str, tuple[Holder, str]] = {}
        if blocks:
            near = CompanyPrefix.objects.filter(reduce(or_, (Q(prefix__startswith=b)
                                                             for b in blocks)))  # fmt: skip
            for prefix, member_id, name, kind in near.values_list(
                "prefix", "member_id", "member__name", "kind"
            ).iterator():
                self.prefixes[prefix] = (Holder(member_id, name), kind)
        self.ordered = sorted(self.prefixes)
        self.pools = list(PrefixPool.objects.all())

    @staticmethod
    def _holders(name: str, entries: list[Entry]) -> dict[str, Holder]:
        found: dict[str, Holder] = {}
        for batch in _batches(str(e.fields[name]) for e in entries if name in e.fields):
            rows = Member.objects.filter(**{f"{name}__in": batch})
            found.update((str(value), Holder(pk, holder))
                         for value, pk, holder in rows.values_list(name, "pk", "name"))  # fmt: skip
        return found

    def judge(self, entry: Entry) -> list[Problem]:
        """Why the row cannot go in beside what the hall holds (nothing: it can)."""
        existing = self.members.get(entry.fields["uscc"])
        own = existing.pk if existing is not None else None
        problems = []
        for name in UNIQUE:
            holder = self.holders[name].get(str(entry.fields.get(name)))
            if holder is not None and holder.member_id != own:
                taken = Text(gettext_lazy("已属于系统成员“%(member)s”"), {"member": holder.name})
                problems.append(Problem(entry.line, name, taken))
        for prefix, kind in entry.prefixes:
            if (say := self._prefix_refusal(prefix, kind, own)) is not None:
                problems.append(Problem(entry.line, _prefix_column(kind), say))
        return problems

    def _prefix_refusal(self, prefix: str, kind: str, own: int | None) -> Say | None:
        """A prefix held by another member, nesting with another's, or inside a pool's block
        at another length (the pool would give a nesting one later)."""
        held = self.prefixes.get(prefix)
        if held is not None and held[0].member_id != own:
            return lambda: _("厂商识别代码 %(prefix)s 已分配给系统成员“%(member)s”") % {
                "prefix": prefix, "member": held[0].name}  # fmt: skip
        for other in self._nesting(prefix, kind):
            holder = self.prefixes[other][0]
            if holder.member_id != own:
                return lambda: _(
                    "厂商识别代码 %(prefix)s 与系统成员“%(member)s”的 %(other)s 重叠"
                ) % {"prefix": prefix, "member": holder.name, "other": other}  # fmt: skip
        for pool in self.pools:
            nests = prefix.startswith(pool.block) or pool.block.startswith(prefix)
            if pool.kind == kind and nests and len(prefix) != pool.length:
                return lambda: _(
                    "厂商识别代码 %(prefix)s 在代码池 %(pool)s 的号段内而长度不同"
                ) % {"prefix": prefix, "pool": pool}  # fmt: skip
        return None

    def _nesting(self, prefix: str, kind: str) -> Iterator[str]:
        """The hall's prefixes of ``kind`` that are a leading part of ``prefix`` or start with
        it (the sorted list holds those together, right after ``prefix``)."""
        for shorter in (prefix[:n] for n in range(6, len(prefix))):
            if shorter in self.prefixes and self.prefixes[shorter][1] == kind:
                yield shorter
        index = bisect.bisect_right(self.ordered, prefix)
        while index < len(self.ordered) and self.ordered[index].startswith(prefix):
            if self.prefixes[self.ordered[index]][1] == kind:
                yield self.ordered[index]
            index += 1

    def holds(self, member: Member, prefix: str) -> bool:
        held = self.prefixes.get(prefix)
        return held is not None and held[0].member_id == member.pk


# -- writing -------------------------------------------------------------------------------------


@dataclass
class Report:
    """What the import did (or, in a dry run, would do)."""

    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: Members already in the hall that the file describes otherwise, left as they are (no
    #: ``update``): (line, certificate number, the columns that differ).
    differing: list[tuple[int, str, list[str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False


def _jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BranchOffice):
        return value.code
    return value


def _differences(member: Member, entry: Entry, hall: Hall) -> dict[str, Any]:
    """The member's fields the row gives otherwise, and the prefixes it does not hold yet."""
    changed = {name: value for name, value in entry.fields.items()
               if getattr(member, name) != value}  # fmt: skip
    if member.branch_id != entry.branch.pk:  # (by id: the member's branch is not loaded)
        changed["branch"] = entry.branch
    if new := [prefix for prefix, _kind in entry.prefixes if not hall.holds(member, prefix)]:
        changed["prefixes"] = new
    return changed


class Writer:
    """Writes the good rows: new members in bulk, members already there left or updated."""

    def __init__(self, hall: Hall, report: Report, *, today: date, update: bool) -> None:
        self.hall, self.report, self.today, self.update = hall, report, today, update

    def write(self, entries: list[Entry]) -> None:
        _counters_past(entries)  # before a new archive index is handed out below
        new: list[Entry] = []
        for entry in entries:
            existing = self.hall.members.get(entry.fields["uscc"])
            if existing is None:
                new.append(entry)
            else:
                self._existing(existing, entry)
        self._new(new)

    def _existing(self, member: Member, entry: Entry) -> None:
        changed = _differences(member, entry, self.hall)
        number = member.certificate_number
        if not changed:
            self.report.unchanged.append(number)
        elif not self.update:
            columns = [name if name in BY_NAME else "prefixes" for name in changed]
            self.report.differing.append((entry.line, number, columns))
        else:
            self._bring_up_to_date(member, entry, changed)
            self.report.updated.append(entry.fields["certificate_number"])

    def _bring_up_to_date(self, member: Member, entry: Entry, changed: dict[str, Any]) -> None:
        """As an approved change application does: the data before kept as a version."""
        new_prefixes = changed.pop("prefixes", [])
        MemberVersion.objects.create(
            member=member, data={k: _jsonable(getattr(member, k)) for k in changed},
            changed={k: _jsonable(v) for k, v in changed.items()},
        )  # fmt: skip
        for name, value in changed.items():
            setattr(member, name, value)
        member.save()
        kinds = dict(entry.prefixes)
        insert([self._prefix(member, entry, prefix, kinds[prefix]) for prefix in new_prefixes])
        if changed.get("status") == Member.Status.CANCELLED:
            member_cancel(member=member, today=self.today)

    def _new(self, entries: list[Entry]) -> None:
        members = [Member(**entry.fields, branch=entry.branch) for entry in entries]
        unnumbered = [member for member in members if not member.archive_index]
        for member, number in zip(unnumbered, _archive_indexes(len(unnumbered), self.today),
                                  strict=True):  # fmt: skip
            member.archive_index = number
        _cards_for(members)
        insert(members)
        insert([self._prefix(member, entry, prefix, kind)
                for member, entry in zip(members, entries, strict=True)
                for prefix, kind in entry.prefixes])  # fmt: skip
        for member in members:
            if member.status == Member.Status.CANCELLED:  # its prefixes never given again
                member_cancel(member=member, today=self.today)
        self.report.created += [member.certificate_number for member in members]

    @staticmethod
    def _prefix(member: Member, entry: Entry, prefix: str, kind: str) -> CompanyPrefix:
        allocated = entry.allocated_on or entry.fields["valid_from"]
        return CompanyPrefix(member=member, prefix=prefix, kind=kind, allocated_on=allocated)


def _cards_for(members: list[Member]) -> None:
    """A member the old system gave no card number gets one, as an approved member does (none
    that another member of the file holds)."""
    held = {member.gds_card for member in members if member.gds_card}
    uncarded: dict[str, list[Member]] = {}
    for member in members:
        if not member.gds_card:
            uncarded.setdefault(member.branch.code, []).append(member)
    for code, group in uncarded.items():
        for member, card in zip(group, gds_card_numbers(code, len(group), held), strict=True):
            member.gds_card = card


#: A card number of the form the hall issues: a branch's code and its serial.
HALL_CARD = re.compile(rf"([0-9]{{4}})([0-9]{{{CARD_SERIAL_DIGITS}}})")


def _counters_past(entries: list[Entry]) -> None:
    """Move the hall's counters past the numbers imported in its own forms (物编注字第000123号,
    2018000123, 33010000123): its next certificate, archive index or card repeats none."""
    highest: dict[str, int] = {}
    for entry in entries:
        number = str(entry.fields.get("certificate_number", ""))
        if (found := re.fullmatch(r"物编注字第(\d{6,})号", number)) and _plain(found[1]):
            highest["certificate"] = max(highest.get("certificate", 0), int(found[1]))
        index = str(entry.fields.get("archive_index", ""))
        if (found := re.fullmatch(r"(\d{4})(\d{6,})", index)) and _plain(found[2]):
            name = f"archive-{found[1]}"
            highest[name] = max(highest.get(name, 0), int(found[2]))
        card = str(entry.fields.get("gds_card") or "")
        if found := HALL_CARD.fullmatch(card):  # of the hall's own form (an export, re-imported)
            name = f"gds-{found[1]}"
            highest[name] = max(highest.get(name, 0), int(found[2]))
    for name, value in highest.items():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name, value__lt=value).update(value=value)


def _archive_indexes(count: int, today: date) -> list[str]:
    """``count`` archive index numbers at once, as ``numbering.archive_index`` gives them one by
    one (the year and a serial; a row lock each: 4 ms a member, minutes for a large center)."""
    name = f"archive-{today.year}"
    Sequence.objects.get_or_create(name=name)
    counter = Sequence.objects.select_for_update().get(name=name)
    first, counter.value = counter.value + 1, counter.value + count
    counter.save(update_fields=["value"])
    return [f"{today.year}{serial:06d}" for serial in range(first, first + count)]


def _plain(digits: str) -> bool:
    """Written as the hall writes its numbers (six digits at least, no zeros beyond them)."""
    return f"{int(digits):06d}" == digits


def import_members(data: bytes, *, today: date, update: bool = False, dry_run: bool = False,
                   keep_good: bool = False) -> Report:  # fmt: skip
    """Import the file's members. All or nothing unless ``keep_good`` (then the good rows go
    in and the bad ones are reported); ``dry_run`` checks and counts, and writes nothing."""
    header, body = table_rows(data)
    reader = Reader(columns_of(header), today)
    report = Report(rows=len(body))
    entries: list[Entry] = []
    for line, row in body:
        read = reader.read(line, row)
        if isinstance(read, list):
            report.problems += read
        else:
            entries.append(read)
    with transaction.atomic():
        hall = Hall(entries)
        report.problems += _twins(entries) + [p for e in entries for p in hall.judge(e)]
        bad = {problem.line for problem in report.problems}
        if not bad or keep_good:
            good = [entry for entry in entries if entry.line not in bad]
            Writer(hall, report, today=today, update=update).write(good)
            report.written = not dry_run
        if dry_run:
            transaction.set_rollback(True)
    report.problems.sort(key=lambda problem: problem.line)
    return report
