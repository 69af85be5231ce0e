"""``python -m hall import_members FILE``: bring in an existing center's members, their company
prefixes and certificates from a CSV or Excel file (the columns: hall.accounts.legacy).

All or nothing by default: one bad row and nothing is written, every bad row listed by its line.
``--dry-run`` checks the whole file against the hall and writes nothing; ``--keep-good`` writes
the good rows and lists the bad; ``--update`` brings members already in the hall up to date
from the file (otherwise they are left as they are, and the differences are listed). Run it
again with the same file and nothing changes. ``--template FILE.csv|FILE.xlsx`` writes the
empty table to fill in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts import legacy
from hall.accounts.legacy import Report, bilingual
from hall.core.errors import HallError

#: The rows shown of the members left as they were (the counts are always shown).
SHOWN = 50


def _differing(line: int, number: str, columns: list[str]) -> Callable[[], str]:
    def say() -> str:
        shown = "、".join(legacy.column_label(name) for name in columns)
        return _(
            "第 %(line)d 行：%(number)s 已在大厅中，与文件不同（%(columns)s），未改动"
            "（--update 可更新）"
        ) % {"line": line, "number": number, "columns": shown}

    return say


class Command(BaseCommand):
    help = "Import an existing center's members, prefixes and certificates from CSV or Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?", help="the CSV or .xlsx file")
        flags = {"--dry-run": "check every row against the hall; write nothing",
                 "--update": "bring the members already in the hall up to date from the file",
                 "--keep-good": "write the good rows even if some are refused"}  # fmt: skip
        for flag, what in flags.items():
            parser.add_argument(flag, action="store_true", help=what)
        parser.add_argument("--template", type=Path, metavar="OUT",
                            help="write the empty table (.csv or .xlsx) to OUT")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"] is not None:
            self._template(options["template"])
            return
        if options["file"] is None:
            raise CommandError("name the file to import (or --template OUT)")
        try:
            report = legacy.import_members(
                self._read(options["file"]), today=timezone.localdate(),
                update=options["update"], dry_run=options["dry_run"],
                keep_good=options["keep_good"],
            )  # fmt: skip
        except HallError as error:  # the file is not a table the import can read
            said = str(error)
            raise CommandError(f"{options['file']}: {said}") from error
        self._show(report, dry_run=options["dry_run"])

    def _read(self, path: Path) -> bytes:
        try:
            if path.stat().st_size > legacy.MAX_BYTES:  # refused before it is read into memory
                raise CommandError(bilingual(lambda: _("文件过大（上限 %(limit)d MB）")
                                             % {"limit": legacy.MAX_BYTES // 2**20}))  # fmt: skip
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error

    def _template(self, path: Path) -> None:
        kind = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
        path.write_bytes(legacy.template(kind))
        self.stdout.write(f"{path}")

    def _show(self, report: Report, *, dry_run: bool) -> None:
        for problem in report.problems:
            self.stderr.write(problem.text())
        for line, number, columns in report.differing[:SHOWN]:
            self.stdout.write(bilingual(_differing(line, number, columns)))
        counts = {"rows": report.rows, "created": len(report.created),
                  "updated": len(report.updated), "unchanged": len(report.unchanged),
                  "differing": len(report.differing), "refused": len(report.problems)}  # fmt: skip
        self.stdout.write(bilingual(lambda: _(
            "共 %(rows)d 行：新建 %(created)d，更新 %(updated)d，无变化 %(unchanged)d，"
            "与大厅不同而未改动 %(differing)d，错误 %(refused)d 处"
        ) % counts))  # fmt: skip
        if report.problems:  # the exit status says so too, for scripts
            raise CommandError(bilingual(self._refusal(report, dry_run=dry_run)))
        if dry_run:
            self.stdout.write(bilingual(lambda: _("试运行：未写入任何内容")))
        elif not (report.created or report.updated):
            self.stdout.write(bilingual(lambda: _("大厅中已有这些成员，没有任何改动")))

    @staticmethod
    def _refusal(report: Report, *, dry_run: bool) -> Callable[[], str]:
        if dry_run:
            return lambda: _("试运行：有错误的行须改正；未写入任何内容")
        if report.written:
            return lambda: _("已写入正确的行；有错误的行未导入")
        return lambda: _("有错误，未写入任何内容（全部或全不）")
