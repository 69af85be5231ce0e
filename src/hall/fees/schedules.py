"""The known fee schedules of domain.md §5, in yuan. The figures and dates marked so are not
verified: they are data the center edits in the admin, loaded once by a migration."""

from __future__ import annotations

from datetime import date
from typing import Any

KNOWN = [
    # effective from, joining, joining with EAN-8, yearly single / group / import-export, note
    (date(2011, 1, 1), 1000, 1400, (1000, 1500, 2000), "2011 年标准（含缩短码入网费未核实）"),
    (date(2019, 1, 1), 800, 1200, (640, 1200, 1200), "调整后标准（生效日期未核实）"),
    (date(2020, 1, 1), 720, 1120, (580, 1080, 1080), "2020-2022 年阶段性降费（日期未核实）"),
    (date(2023, 1, 1), 800, 1200, (640, 1200, 1200), "阶段性降费结束（日期未核实）"),
]
TYPES = ("single", "group", "import_export")


def load_known(fee_schedule: Any) -> None:
    """Write the known schedules with ``fee_schedule`` (the model, or a migration's copy)."""
    for day, joining, with_ean8, yearly, note in KNOWN:
        for company_type, fee in zip(TYPES, yearly, strict=True):
            fee_schedule.objects.update_or_create(
                company_type=company_type, effective_from=day,
                defaults={"joining_fen": joining * 100, "joining_with_ean8_fen": with_ean8 * 100,
                          "yearly_fen": fee * 100, "note": note},
            )  # fmt: skip
