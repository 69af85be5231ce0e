"""Bulk import and export of product data as Excel or CSV (产品信息批量通报).

A file is refused before its rows are read when it holds more than :data:`MAX_ROWS`: a workbook
by what its zip directory and its sheet's XML say, any file by its rows counted as they are read
(in bounded memory, stopping at the limit). Its rows are judged one by one by the same form as
the hall's page (:class:`ProductForm`);
good rows are saved a thousand at a time, set-based (one lock per prefix, one query for the
numbers already given, one insert), and every bad row comes back in an error file with its
original row number and its reason, in the file's order, ready to be fixed and uploaded again.
A bad row never stops a good one. A workbook's formula cells are refused as formulas (the value
Excel last computed is not in every file: an empty one would take the next free GTIN in
silence); a file that is no table is named so before a row is read.

Each chunk commits with a :class:`Checkpoint` of its outcome in the same transaction: an
import that was stopped (its worker killed, a deploy's SIGTERM) and run again skips the chunks
already committed and writes each row once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Protocol

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.accounts.roles import require_member_role
from hall.core import sheetscan
from hall.core.errors import Forbidden
from hall.core.inserting import insert
from hall.core.reasons import reason
from hall.core.spreadsheets import TableError, kind_of, read_rows, write_table
from hall.members.models import CompanyPrefix, Member
from hall.products import bank, gpc
from hall.products.bank import BankError
from hall.products.forms import ProductForm
from hall.products.history import event, label
from hall.products.models import Product
from hall.products.services import EDITABLE, missing_for_filing
from tiaoma import gtin
from tiaoma.errors import TiaomaError

#: (field, Chinese header, English header): the template's columns, in order.
COLUMNS: list[tuple[str, str, str]] = [
    ("gtin", "商品条码", "GTIN"),
    ("prefix", "厂商识别代码", "Company prefix"),
    ("name", "产品名称", "Name"),
    ("name_en", "英文名称", "English name"),
    ("brand", "品牌", "Brand"),
    ("brand_en", "英文品牌", "English brand"),
    ("specification", "规格型号", "Specification"),
    ("net_content", "净含量", "Net content"),
    ("net_content_unit", "净含量单位", "Unit"),
    ("gpc_brick", "GPC细块代码", "GPC brick"),
    ("classification", "全国产品分类代码", "National classification"),
    ("level", "包装层级", "Packaging level"),
    ("market_date", "上市日期", "Market date"),
    ("description", "描述", "Description"),
    ("status", "状态", "Status"),
]
ERROR_HEADER = "错误 / Error"
#: The row's number in the uploaded file, beside its reason (the error file's rows are the bad
#: ones only, so their own numbers are not the original's). Not a template column: a fixed
#: error file uploaded again ignores it.
LINE_HEADER = "原行号 / Row"
EXAMPLE = ["", "69212345", "示例矿泉水", "Sample water", "示例", "Sample", "550mL 瓶装", "550",
           "mL", "10000232", "", "零售单元", "2026-01-01", "", "使用中"]  # fmt: skip
CHUNK = 1000
MAX_ROWS = 200_000
#: An Excel sheet has at most this many rows: a file that yields more (blank rows, or a row
#: numbered past the end, which openpyxl fills in with a million blank ones) is not a table.
MAX_LINES = 1_048_576
#: What a workbook may unpack to: 200,000 rows of every column, as openpyxl writes them, are
#: 184 MB of sheet; a zip bomb declares gigabytes in a few KB.
MAX_UNPACKED = 400 * 2**20
LIMITS = sheetscan.Limits(rows=MAX_ROWS, lines=MAX_LINES, unpacked=MAX_UNPACKED)
Progress = Callable[[int, int], None]


class Checkpoint(Protocol):
    """Where an import keeps the chunks it has committed (a job's steps, hall.jobs.queue)."""

    def done(self) -> dict[int, dict[str, Any]]:
        """The outcomes of the chunks committed by earlier runs, by chunk number."""
        ...

    def commit(self, number: int, outcome: dict[str, Any]) -> None:
        """Record a chunk, inside the transaction that writes its rows."""
        ...


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    header: list[str] = field(default_factory=list)
    #: (line number in the file, the row as uploaded, the reason)
    failed: list[tuple[int, list[str], str]] = field(default_factory=list)

    def error_file(self, kind: str) -> bytes:
        """The bad rows in the order of the file, each with its original row number and its
        reason after the uploaded columns."""
        width = len(self.header)
        rows = [[*row[:width], *[""] * (width - len(row)), str(line), problem]
                for line, row, problem in sorted(self.failed, key=_line_of)]  # fmt: skip
        return write_table(kind, [*self.header, LINE_HEADER, ERROR_HEADER], rows)


def _line_of(failure: tuple[int, list[str], str]) -> int:
    return failure[0]


def template(kind: str) -> bytes:
    """The empty table to fill in, with one example row."""
    header = [f"{zh} / {en}" for _f, zh, en in COLUMNS]
    return write_table(kind, header, [EXAMPLE])


def export(products: QuerySet[Product], kind: str) -> bytes:
    """A member's products in the template's columns: what is exported can be imported again."""
    header = [f"{zh} / {en}" for _f, zh, en in COLUMNS]
    rows = (_export_row(p) for p in products.select_related("prefix").order_by("gtin"))
    return write_table(kind, header, rows)


def _export_row(product: Product) -> list[str]:
    values = {name: getattr(product, name, "") for name, _zh, _en in COLUMNS}
    values.update(gtin=product.display_gtin, prefix=product.prefix.prefix if product.prefix else "",
                  level=product.get_level_display(), status=product.get_status_display(),
                  net_content=_plain(product.net_content))  # fmt: skip
    return ["" if values[name] is None else str(values[name]) for name, _zh, _en in COLUMNS]


def _plain(value: object) -> str:
    return "" if value is None else f"{value:f}".rstrip("0").rstrip(".")


# -- reading ---------------------------------------------------------------------------------


def _columns(header: list[str]) -> dict[int, str]:
    """Which field each column holds, from its header (Chinese, English, both, or the name)."""
    names: dict[str, str] = {}
    for name, zh, en in COLUMNS:
        for spelling in (name, zh, en, f"{zh} / {en}", f"{zh}/{en}"):
            names[_normal(spelling)] = name
    return {i: names[_normal(text)] for i, text in enumerate(header) if _normal(text) in names}


def _normal(text: str) -> str:
    return "".join(text.split()).lower().lstrip("\ufeff")


def _choice(value: str, choices: type[models.TextChoices]) -> str:
    """A choice given by its value or by the label the hall shows in the current language."""
    return _spellings(choices, translation.get_language()).get(_normal(value), value)


@cache
def _spellings(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    """Each value's and label's normal spelling → the value (built once, not once per row)."""
    found: dict[str, str] = {}
    for key, shown in reversed(choices.choices):  # the first choice wins where two spell alike
        found[_normal(str(shown))] = found[_normal(str(key))] = str(key)
    return found


UNIT_ALIASES = {"ml": "mL", "l": "L", "m²": "m2", "个": "piece", "件": "piece", "片": "sheet",
                "张": "sheet", "克": "g", "千克": "kg", "毫升": "mL", "升": "L"}  # fmt: skip
STATUS_WORDS = {"": "draft", "草稿": "draft", "draft": "draft", "使用中": "in_use",
                "inuse": "in_use", "in_use": "in_use"}  # fmt: skip


@dataclass
class _Row:
    line: int
    raw: list[str]
    data: dict[str, Any]
    gtin14: str | None
    prefix: str
    status: str


#: What a spreadsheet would run as a formula: ``=``, ``@``, or a sign before a reference, a
#: function or a bracket (``+A1``, ``-SUM(``); a sign before a number or a word (``-18℃``) is
#: text. (A leading ``'`` is the escape our own exports write: it is dropped, see _unescaped.)
_FORMULA = re.compile(r"[=@]|[+\-]\s*(?:\$?[A-Za-z]{1,3}\$?[0-9]|[A-Za-z_.]+\(|\()")


def _unescaped(text: str) -> str:
    """A cell as written: our exports put ``'`` before a cell a spreadsheet would run
    (:func:`hall.core.spreadsheets.csv_safe`), so that what is exported imports again as it was."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def _formula(name: str, text: str) -> str:
    return _("%(column)s：“%(text)s”是公式，导入只取单元格中的值：请将公式“粘贴为数值”，"
             "或填写值本身") % {"column": _field_label(name), "text": text[:40]}  # fmt: skip


def _problem(name: str, text: str, messages: list[str]) -> str:
    """A refused cell's reason: a formula-like cell said to be one, not judged as a value."""
    if _FORMULA.match(text):
        return _formula(name, text)
    return f"{_field_label(name)}：{' '.join(messages)}"


def _parse(line: int, raw: list[str], columns: dict[int, str], *,
           workbook: bool = False) -> _Row | str:  # fmt: skip
    """A row's cleaned values, or the reason it is refused. A workbook's formula cells (read as
    their formulas) are refused as such: what Excel last computed is not in every file, and
    an empty one would take the next free GTIN in silence. A CSV cell is text: one that looks
    like a formula is kept as text if its field accepts it (and exported escaped)."""
    written = {name: (raw[i].strip() if i < len(raw) else "") for i, name in columns.items()}
    if workbook and (formulas := [n for n, text in written.items() if text[:1] == "="]):
        return "；".join(_formula(name, written[name]) for name in formulas)
    values = {name: _unescaped(text) for name, text in written.items()}
    unit = values.get("net_content_unit", "")
    values["net_content_unit"] = UNIT_ALIASES.get(unit.lower(), _choice(unit, Product.Unit))
    values["level"] = _choice(values.get("level", ""), Product.Level) or "each"
    status = STATUS_WORDS.get(_normal(values.get("status", "")))
    if status is None:
        return _("状态应为“草稿”或“使用中”")
    cleaned, errors = ProductForm.clean_row(
        {**values, "quantity": values.get("quantity") or "1"}, check_bricks=False
    )  # a chunk's at once: save()
    if errors:
        return "；".join(_problem(name, written.get(name, ""), messages)
                        for name, messages in errors.items())  # fmt: skip
    number = None
    if values.get("gtin"):
        try:
            number = gtin.validate(values["gtin"]).zfill(14)
        except TiaomaError as error:
            if _FORMULA.match(values["gtin"]):
                return _formula("gtin", values["gtin"])
            return _("商品条码：%(reason)s") % {"reason": reason(error)}
    data = {k: v for k, v in cleaned.items() if k in EDITABLE}
    return _Row(line, raw, data, number, values.get("prefix", ""), status)


def _field_label(name: str) -> str:
    return _("表格") if name == "__all__" else label(name)


# -- saving ----------------------------------------------------------------------------------


def import_table(*, member: Member, actor: User | None, data: bytes, today: date,
                 on_progress: Progress | None = None,
                 checkpoint: Checkpoint | None = None) -> Report:  # fmt: skip
    """Import every good row of the file; the report lists the bad ones with their reasons.
    With a checkpoint, the chunks an earlier run committed are counted, not written again."""
    rows = _rows(data)
    header = next(rows, None) or []
    if len(header) > sheetscan.COLUMNS:
        raise TableError(sheetscan.too_wide())
    columns = _columns(header)
    if not columns:
        raise TableError(_("第一行应为表头（请使用下载的模板）"))
    body = _body(rows)
    importing = _Import(member, actor, today, columns, Report(header=list(header)), checkpoint,
                        workbook=kind_of(data) == "xlsx")  # fmt: skip
    committed = checkpoint.done() if checkpoint is not None else {}
    for number, start in enumerate(range(0, len(body), CHUNK)):
        chunk = body[start : start + CHUNK]
        if number in committed:
            importing.recount(chunk, committed[number])
        else:
            still_allowed(member, actor)
            importing.chunk(number, chunk)
        if on_progress is not None:
            on_progress(min(start + CHUNK, len(body)), len(body))
    importing.report.failed.sort(key=_line_of)  # a row refused when saved, after one parsed
    return importing.report


def still_allowed(member: Member, actor: User | None) -> None:
    """The account that started an import still acts for the member, with a role that changes
    things: read again before each chunk, so an import queued or running when its clerk was
    removed or made read-only writes nothing more (Forbidden, 403 ``role_forbidden``)."""
    if actor is None:  # the hall itself (a command staff run)
        return
    now = User.objects.filter(pk=actor.pk).first()
    if now is None or not now.is_active or now.member_id != member.pk:
        raise Forbidden(_("导入由已不属于本企业的账号发起，已停止"), code="role_forbidden")
    require_member_role(now)


def _rows(data: bytes) -> Iterator[list[str]]:
    """The file's rows; a workbook checked first by what it says of itself, before openpyxl
    reads a cell (a millisecond a row: 200,001 rows take minutes)."""
    if kind_of(data) == "xlsx":
        sheetscan.check(data, LIMITS)
    return _parsed(read_rows(data, formulas=True))


def _parsed(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    try:
        yield from rows
    except csv.Error as error:  # a field of more than 128 KB (no product has one), a stray quote
        # The csv module's words ("field larger than field limit") are not the member's.
        raise TableError(_("CSV 文件格式有误：有单元格超过 128 KB 或引号不成对，请在 Excel "
                           "中另存为 CSV 或 .xlsx 后再上传")) from error  # fmt: skip


def _body(rows: Iterator[list[str]]) -> list[tuple[int, list[str]]]:
    """The non-blank rows with their line numbers, refused as soon as there are too many."""
    body: list[tuple[int, list[str]]] = []
    for number, row in enumerate(rows, 2):
        if number > MAX_LINES:
            raise TableError(sheetscan.too_many_lines(MAX_LINES))
        if len(row) > sheetscan.COLUMNS:  # a row of commas would be kept cell by cell
            raise TableError(sheetscan.too_wide())
        if any(map(str.strip, row)):  # (map: no generator made for each of a million rows)
            if len(body) == MAX_ROWS:
                raise TableError(sheetscan.too_many_rows(MAX_ROWS))
            body.append((number, row))
    return body


@dataclass
class _Import:
    """One file's import: the rules applied a chunk at a time, each chunk one transaction."""

    member: Member
    actor: User | None
    today: date
    columns: dict[int, str]
    report: Report
    checkpoint: Checkpoint | None = None
    workbook: bool = False
    seen: set[str] = field(default_factory=set)
    prefixes: dict[str, CompanyPrefix] = field(default_factory=dict)
    existing: dict[str, Product] = field(default_factory=dict)
    new: list[tuple[_Row, Product]] = field(default_factory=list)
    updated: list[tuple[_Row, Product, dict[str, Any]]] = field(default_factory=list)
    wanting: dict[str, list[_Row]] = field(default_factory=dict)

    def fail(self, row: _Row, problem: str) -> None:
        self.report.failed.append((row.line, row.raw, problem))

    def chunk(self, number: int, chunk: list[tuple[int, list[str]]]) -> None:
        before = (self.report.created, self.report.updated, len(self.report.failed))
        parsed: list[_Row] = []
        for line, raw in chunk:
            row = _parse(line, raw, self.columns, workbook=self.workbook)
            if isinstance(row, str):
                self.report.failed.append((line, raw, row))
            elif row.gtin14 is not None and row.gtin14 in self.seen:
                self.fail(row, _("商品条码在文件中重复"))
            else:
                self.seen.update([row.gtin14] if row.gtin14 else [])
                parsed.append(row)
        with transaction.atomic():
            self.save(parsed)
            if self.checkpoint is not None:
                self.checkpoint.commit(number, self.outcome(before, parsed))

    def outcome(self, before: tuple[int, int, int], parsed: list[_Row]) -> dict[str, Any]:
        """What the chunk did, as a run taking the import over needs it (:meth:`recount`)."""
        created, updated, failed = before
        return {
            "created": self.report.created - created,
            "updated": self.report.updated - updated,
            "failed": [[line, problem] for line, _raw, problem in self.report.failed[failed:]],
            "seen": [row.gtin14 for row in parsed if row.gtin14],
        }

    def recount(self, chunk: list[tuple[int, list[str]]], outcome: dict[str, Any]) -> None:
        """A chunk an earlier run committed: its counts and refused rows, nothing written."""
        raw = dict(chunk)
        self.report.created += outcome["created"]
        self.report.updated += outcome["updated"]
        self.report.failed.extend((line, raw[line], problem) for line, problem in outcome["failed"])
        self.seen.update(outcome["seen"])

    def save(self, rows: list[_Row]) -> None:
        rows = self.known_bricks(rows)
        held = CompanyPrefix.objects.filter(member=self.member, retired_on__isnull=True)
        self.prefixes = {p.prefix: p for p in held.select_for_update().order_by("prefix")}
        numbers = [r.gtin14 for r in rows if r.gtin14]
        self.existing = {p.gtin: p for p in Product.objects.select_for_update()
                         .filter(gtin__in=numbers, superseded=False)}  # fmt: skip
        self.new, self.updated, self.wanting = [], [], {}
        for row in rows:
            if problem := self.place(row):
                self.fail(row, problem)
        for prefix, waiting in self.wanting.items():
            self.take_next_free(self.prefixes[prefix], waiting)
        self.write()

    def known_bricks(self, rows: list[_Row]) -> list[_Row]:
        """Once GS1's GPC is loaded, rows naming a brick it does not hold are refused (one
        query for the chunk)."""
        strangers = gpc.unknown(str(row.data.get("gpc_brick") or "") for row in rows)
        for row in rows:
            if row.data.get("gpc_brick") in strangers:
                self.fail(row, _("GPC 细块代码 %(code)s 不在已导入的 GS1 GPC 中，请核对或查询细块")
                          % {"code": row.data["gpc_brick"]})  # fmt: skip
        return [row for row in rows if row.data.get("gpc_brick") not in strangers]

    def place(self, row: _Row) -> str | None:
        """Decide what the row does (update, take a chosen GTIN, wait for the next free one),
        or say why it cannot."""
        if row.gtin14 is not None and row.gtin14 in self.existing:
            product = self.existing[row.gtin14]
            if product.member_id != self.member.pk:
                return _("商品条码已分配给其他企业")
            changed = {k: v for k, v in row.data.items() if getattr(product, k) != v}
            self.updated.append((row, product, changed))
            return None
        if self.member.status != Member.Status.ACTIVE or self.member.valid_until < self.today:
            return _("系统成员资格已过期或注销，不能分配新的商品条码")
        if row.gtin14 is not None:
            return self.place_chosen(row, row.gtin14)
        only = next(iter(self.prefixes)) if len(self.prefixes) == 1 else ""
        prefix = row.prefix or only
        if prefix not in self.prefixes:
            return _("请填写本企业的厂商识别代码（%(prefixes)s）") % {
                "prefixes": "、".join(self.prefixes)}  # fmt: skip
        self.wanting.setdefault(prefix, []).append(row)
        return None

    def place_chosen(self, row: _Row, number: str) -> str | None:
        held = self.prefixes.values()
        owner = next((p for p in held if number[-bank.body_length(p) - 1 :].startswith(p.prefix)),
                     None)  # fmt: skip
        if owner is None:
            return _("商品条码不属于本企业的厂商识别代码")
        try:  # the chunk's live holders are already known (self.existing): no query per row
            bank.check_in_range(owner, bank.item_of(owner, number))
        except BankError as error:
            return str(error)
        self.new.append((row, self.product(owner, number, row)))
        return None

    def take_next_free(self, prefix: CompanyPrefix, waiting: list[_Row]) -> None:
        pending = frozenset(product.gtin for _row, product in self.new)
        items = bank.next_free_items(prefix, len(waiting), pending)
        for row, item in zip(waiting, items, strict=False):
            self.new.append((row, self.product(prefix, bank.gtin14_of(prefix, item), row)))
        for row in waiting[len(items) :]:
            self.fail(row, _("厂商识别代码 %(prefix)s 的可分配编码已用完") % {"prefix": prefix})

    def product(self, prefix: CompanyPrefix, number: str, row: _Row) -> Product:
        return Product(member=self.member, prefix=prefix, gtin=number,
                       kind=bank.number_kind(prefix), status=row.status, **row.data)  # fmt: skip

    def write(self) -> None:
        creating = [p for row, p in self.new if not self.incomplete(row, p)]
        made = insert(creating)
        now = timezone.now()
        events = [event(p, actor=self.actor, action="imported", before={},
                        after={"gtin": p.gtin, "status": p.status}, at=now)
                  for p in made]  # fmt: skip
        changing = [(p, c) for row, p, c in self.updated if c and not self.badly(row, p, c)]
        for product, changed in changing:
            events.append(event(product, actor=self.actor, action="imported",
                                before={k: getattr(product, k) for k in changed},
                                after=changed, at=now))  # fmt: skip
            for name, value in changed.items():
                setattr(product, name, value)
            product.version += 1
            product.updated_at = now
        fields = sorted({k for _p, c in changing for k in c} | {"version", "updated_at"})
        Product.objects.bulk_update([p for p, _c in changing], fields)
        insert(events)
        self.report.created += len(made)
        self.report.updated += len(changing) + sum(1 for _r, _p, c in self.updated if not c)

    def incomplete(self, row: _Row, product: Product) -> bool:
        if product.status == Product.Status.DRAFT or not (missing := missing_for_filing(product)):
            return False
        self.fail(row, _("状态为“使用中”的产品须填写：%(fields)s") % {"fields": "、".join(missing)})
        return True

    def badly(self, row: _Row, product: Product, changed: dict[str, Any]) -> bool:
        """A product in use whose new data would be incomplete is left as it was."""
        trial = Product(**{f.attname: getattr(product, f.attname)
                           for f in Product._meta.concrete_fields})  # fmt: skip
        for name, value in changed.items():
            setattr(trial, name, value)
        return self.incomplete(row, trial)


def lines(report: Report) -> Iterable[str]:
    """The bad rows as one line each, for a page or a log."""
    return (f"{line}: {problem}" for line, _raw, problem in report.failed)
