"""For an inspection (seed 002 art. 34 fines a printer that cannot show its checks): the
company's checks of a date range as a table (CSV or Excel, hall.core.spreadsheets), or as a ZIP
of that table with every copy kept (the hall's rendered answer and the customer's scan).

Bounded: a range of at most :data:`MAX_DAYS` days and :data:`MAX_RECORDS` checks; a ZIP of at
most :data:`MAX_ZIP_BYTES` of copies (each copy is at most 2 MB). A wider ask is refused with
the advice to narrow the range, never half answered.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.core.errors import TooLarge
from hall.core.spreadsheets import write_table
from hall.printers.companies import PrinterError
from hall.printers.models import CertificateCheck, PrintingCompany

MAX_DAYS = 800  # two years and a margin: everything kept, in one ask
MAX_RECORDS = 5_000
#: A ZIP holds the copies of this many checks at most (each scan is at most 2 MB).
MAX_ZIP_RECORDS = 500
MAX_ZIP_BYTES = 200 * 2**20


def checks_in(company: PrintingCompany, start: date, end: date) -> QuerySet[CertificateCheck]:
    """The company's checks from ``start`` to ``end`` (both days included), oldest first."""
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


def checks_zip(checks: QuerySet[CertificateCheck]) -> bytes:
    """The table (Excel) and each check's copies under ``<id>/``."""
    rows = list(checks[: MAX_ZIP_RECORDS + 1])
    if len(rows) > MAX_ZIP_RECORDS:
        raise TooLarge(
            _("附件打包一次最多 %(count)d 条记录：请缩小日期范围") % {"count": MAX_ZIP_RECORDS}
        )
    out, written = io.BytesIO(), 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("checks.xlsx", write_table("xlsx", _header(), [_row(c) for c in rows]))
        for check in rows:
            for stored in (check.snapshot, check.scan):
                if not stored.name:
                    continue
                with stored.open("rb") as source:
                    data = source.read(MAX_ZIP_BYTES - written + 1)
                written += len(data)
                if written > MAX_ZIP_BYTES:
                    raise TooLarge(_("附件总量过大：请缩小日期范围"))
                archive.writestr(_in_zip(check, stored.name), data)
    return out.getvalue()
