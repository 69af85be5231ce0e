"""Fee schedules with their effective dates (domain.md §5): what every fee is computed from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hall.members.models import Member


class FeeSchedule(models.Model):
    """The fees of one company type from a date (domain.md §5), in fen; editable in the admin."""

    company_type = models.CharField(
        _("企业类型"), max_length=20, choices=Member.CompanyType.choices
    )
    effective_from = models.DateField(_("生效日期"))
    joining_fen = models.PositiveIntegerField(_("入网费（分）"))
    joining_with_ean8_fen = models.PositiveIntegerField(_("含缩短码的入网费（分）"))
    yearly_fen = models.PositiveIntegerField(_("年度维护费（分）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        ordering = ["company_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["company_type", "effective_from"], name="one_schedule_per_type_and_date"
            ),
            models.CheckConstraint(
                condition=models.Q(yearly_fen__gt=0), name="yearly_fee_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_company_type_display()} {self.effective_from}"
