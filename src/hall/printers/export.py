"""For an inspection (seed 002 art. 34 fines a printer that cannot show its checks): the
company's checks of a date range as a table (CSV or Excel, hall.core.spreadsheets), or as a ZIP
of that table with every copy kept (the hall's rendered answer and the customer's scan).

Bounded: a range of at most :data:`MAX_DAYS` days within :data:`FIRST_DAY`-:data:`LAST_DAY`
and :data:`MAX_RECORDS` checks; a ZIP of at most :data:`MAX_ZIP_BYTES` of copies (each copy is
at most 2 MB), summed from the stored sizes before a byte is read, written to a temporary file
(on disk past :data:`SPOOL_BYTES`) and streamed; one ZIP at a time per company, and so many
exports a minute per company. A wider ask is refused with the advice to narrow the range,
never half answered.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import IO

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.core import limits
from hall.core.errors import RateLimited, TooLarge
from hall.core.spreadsheets import write_table
from hall.printers.companies import PrinterError
from hall.printers.models import CertificateCheck, PrintingCompany

logger = logging.getLogger("hall.printers")
MAX_DAYS = 800  # two years and a margin: everything kept, in one ask
#: The dates an export may name: a year of 9999 is no range, and no day after it exists.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
MAX_RECORDS = 5_000
#: A ZIP holds the copies of this many checks at most (each scan is at most 2 MB).
MAX_ZIP_RECORDS = 500
MAX_ZIP_BYTES = 200 * 2**20
#: A ZIP is built in memory up to this size, on disk past it.
SPOOL_BYTES = 8 * 2**20
#: Exports (of any format) a company may ask a minute, whichever addresses ask.
EXPORTS_PER_MINUTE = 10
#: How long one ZIP may hold its company's turn: ample for 200 MB, and a crashed worker's
#: turn ends by itself.
ZIP_LOCK_SECONDS = 300


def checks_in(company: PrintingCompany, start: date, end: date) -> QuerySet[CertificateCheck]:
    """The company's checks from ``start`` to ``end`` (both days included), oldest first."""
    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        raise PrinterError(
            _("日期应在 %(first)s 至 %(last)s 之间")
            % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
            code="date_out_of_range",
        )
    if end < start:
        raise PrinterError(_("结束日期不能早于开始日期"))
    if (end - start).days > MAX_DAYS:
        raise PrinterError(_("日期范围最长 %(days)d 天") % {"days": MAX_DAYS})
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    found = company.checks.filter(checked_at__gte=since, checked_at__lt=until)
    return found.select_related("checked_by").order_by("checked_at", "id")


def _header() -> list[str]:
    return [
        _("编号"),
        _("查验时间"),
        _("查验人"),
        _("查验方式"),
        _("录入的编号"),
        _("录入的企业名称"),
        _("查验结果"),
        _("企业名称"),
        _("物编注字"),
        _("厂商识别代码"),
        _("有效期至"),
        _("查验说明"),
        _("查验结果存档"),
        _("证书复印件"),
    ]


def _row(check: CertificateCheck) -> list[str]:
    at = timezone.localtime(check.checked_at).strftime("%Y-%m-%d %H:%M:%S")
    codes = check.prefixes + check.gtins
    return [
        str(check.pk),
        at,
        check.checked_by.mobile,
        check.get_kind_display(),
        check.entered,
        check.entered_company,
        check.get_result_display(),
        check.member_name,
        check.certificate_number,
        " ".join(codes),
        check.valid_until.isoformat() if check.valid_until else "",
        check.message,
        _in_zip(check, check.snapshot.name),
        _in_zip(check, check.scan.name),
    ]


def _in_zip(check: CertificateCheck, name: str | None) -> str:
    """Where a copy sits in the ZIP: ``<id>/<its file name>``."""
    return f"{check.pk}/{name.rsplit('/', 1)[-1]}" if name else ""


def checks_table(checks: QuerySet[CertificateCheck], kind: str) -> bytes:
    """The checks as CSV or .xlsx."""
    rows = list(checks[: MAX_RECORDS + 1])
    if len(rows) > MAX_RECORDS:
        raise TooLarge(_("记录超过 %(count)d 条：请缩小日期范围") % {"count": MAX_RECORDS})
    return write_table(kind, _header(), [_row(check) for check in rows])


def export_spend(company: PrintingCompany) -> None:
    """One export of the company's minute: a company's accounts share it, whatever their
    addresses (the view also counts per address)."""
    verdict = limits.spend(f"printer-export:{company.pk}", EXPORTS_PER_MINUTE)
    if not verdict.allowed:
        raise RateLimited(
            _("导出过于频繁，请 %(seconds)d 秒后再试") % {"seconds": verdict.retry_after}
        )


@contextmanager
def zip_turn(company: PrintingCompany) -> Iterator[None]:
    """The company's one ZIP at a time: another asked meanwhile is refused (429) rather than
    building a second 200 MB. With the cache away the turn is not kept (as rate limits fail
    open, hall.core.limits): the size cap still bounds each ZIP."""
    key, token = f"printer-zip:{company.pk}", uuid.uuid4().hex
    try:
        taken = cache.add(key, token, ZIP_LOCK_SECONDS)
    except Exception as error:  # the cache's client errors (django-redis: ConnectionInterrupted)
        logger.warning("printer ZIP turns are not kept: the cache is unavailable (%s)", error)
        taken, token = True, ""
    if not taken:
        raise RateLimited(_("本企业正在生成另一个附件包，请待其完成后再试"), code="export_running")
    try:
        yield
    finally:
        if token:
            _release(key, token)


def _release(key: str, token: str) -> None:
    """End our turn, not a later one taken after ours timed out."""
    try:
        if cache.get(key) == token:
            cache.delete(key)
    except Exception:  # the turn times out by itself
        logger.warning("printer ZIP turn %s not released: the cache is unavailable", key)


def checks_zip(checks: QuerySet[CertificateCheck]) -> IO[bytes]:
    """The table (Excel) and each check's copies under ``<id>/``, as a temporary file at its
    start (the caller streams and closes it). The copies' stored sizes are summed first: too
    many bytes are refused before one is read."""
    rows = list(checks[: MAX_ZIP_RECORDS + 1])
    if len(rows) > MAX_ZIP_RECORDS:
        raise TooLarge(
            _("附件打包一次最多 %(count)d 条记录：请缩小日期范围") % {"count": MAX_ZIP_RECORDS}
        )
    copies = [
        (check, stored) for check in rows for stored in (check.snapshot, check.scan) if stored.name
    ]
    if sum(stored.size for _check, stored in copies) > MAX_ZIP_BYTES:
        raise TooLarge(_("附件总量过大：请缩小日期范围"))
    # Not a ``with``: the file outlives this call, handed to the response that streams it.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("checks.xlsx", write_table("xlsx", _header(), [_row(c) for c in rows]))
            for check, stored in copies:
                with (
                    stored.open("rb") as source,
                    archive.open(_in_zip(check, stored.name), "w") as to,
                ):
                    shutil.copyfileobj(source, to, 2**20)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
