"""The demo's products at scale (``python -m hall demo`` calls :func:`seed` after it made the
demo member's products): a pallet of the green tea's case (each → case → pallet, for the tree),
and a product line of 120 drafts with their data filed, for the search, the pages and a bulk
change. Run again, it adds nothing twice."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction
from django.utils import timezone

from hall.members.models import CompanyPrefix
from hall.products import bank
from hall.products.models import Product
from tiaoma import gtin

PREFIX = "69212345"
CASE = "16921234500023"  # the demo's case of 24 green teas
PALLET_INDICATOR = "5"
LINE = 120
LINE_FIRST = 300
LINE_DATA = {"name": "示例苏打水", "brand": "示例", "specification": "350mL 罐装",
             "net_content": 350, "net_content_unit": "mL", "gpc_brick": "10000232"}  # fmt: skip


def seed(out: TextIO) -> list[str]:
    """The pallet and the product line; the lines to print about them (no new logins)."""
    prefix = CompanyPrefix.objects.filter(prefix=PREFIX).select_related("member").first()
    case = Product.objects.filter(gtin=CASE, superseded=False).first()
    if prefix is None or case is None:
        out.write("demo products at scale: skipped (no demo member or case)\n")
        return []
    with transaction.atomic():
        pallet = _pallet(case)
        made = _line(prefix)
    out.write(f"demo products at scale: pallet {pallet} of 40 cases {CASE}; "
              f"{made} drafts named {LINE_DATA['name']}\n")  # fmt: skip
    return [f"  products: tree each → case → pallet at the product 6921234500026; "
            f"{LINE} drafts “{LINE_DATA['name']}” for the search and a bulk change"]  # fmt: skip


def _pallet(case: Product) -> str:
    number = gtin.to_gtin14(case.gtin, indicator=PALLET_INDICATOR)
    if not Product.objects.filter(gtin=number, superseded=False).exists():
        bank.case_create(member=case.member, contained=case, indicator=PALLET_INDICATOR,
                         quantity=40, actor=None, today=timezone.localdate(),
                         level=Product.Level.PALLET)  # fmt: skip
    return number


def _line(prefix: CompanyPrefix) -> int:
    """The line's GTINs as a block of item references (300-419), chosen as a clerk may: the
    prefix's next free number stays where the demo left it."""
    taken = set(Product.objects.filter(prefix=prefix).values_list("gtin", flat=True))
    made = 0
    for item in range(LINE_FIRST, LINE_FIRST + LINE):
        if bank.gtin14_of(prefix, item) not in taken:
            bank.gtin_allocate(member=prefix.member, prefix=PREFIX, actor=None, item=item,
                               today=timezone.localdate(), data=LINE_DATA)  # fmt: skip
            made += 1
    return made
