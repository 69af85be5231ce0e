"""The product search: filters, whitelisted sort keys and the query string kept across pages.

One form reads the list page's (and the export's, and a bulk change's) query string: words
(name, brand, GTIN), status, packaging level, GPC brick (a code or words of a loaded brick's
name), company prefix, and ranges of the dates a product was allocated and last changed. Only
the sort keys below are accepted: a hand-made one is refused with a message. Every filter is
on an indexed column of the member's rows ("member, <column>", see the model's indexes), and
the page reads 50 rows: the cost does not grow with what the member holds beyond a count.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.core.typed import digits, halfwidth_text, typed
from hall.products import gpc
from hall.products.models import Product

#: The sort keys a page may ask for, each to its columns (the GTIN breaks ties: a stable order
#: across pages). A leading "-" sorts downwards.
SORTS: dict[str, tuple[str, ...]] = {
    "gtin": ("gtin",),
    "name": ("name", "gtin"),
    "brand": ("brand", "gtin"),
    "status": ("status", "gtin"),
    "level": ("level", "gtin"),
    "gpc": ("gpc_brick", "gtin"),
    "created": ("created_at", "gtin"),
    "changed": ("updated_at", "gtin"),
}
DEFAULT_SORT = "gtin"
#: The filters a link keeps when it moves to another page or sorts by another column.
KEPT = ("q", "status", "level", "gpc", "prefix", "created_from", "created_to", "changed_from",
        "changed_to", "sort")  # fmt: skip


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("名称、品牌或条码"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False,
        choices=[("", gettext_lazy("全部状态")), *Product.Status.choices],
    )  # fmt: skip
    level = forms.ChoiceField(
        label=gettext_lazy("包装层级"), required=False,
        choices=[("", gettext_lazy("全部层级")), *Product.Level.choices],
    )  # fmt: skip
    gpc = forms.CharField(label=gettext_lazy("GPC 细块（代码或名称）"), required=False,
                          max_length=100)  # fmt: skip
    prefix = forms.CharField(label=gettext_lazy("厂商识别代码"), required=False, max_length=12)  # type: ignore[assignment]  # a form field, not BaseForm.prefix
    created_from = _date(gettext_lazy("分配日期自"))
    created_to = _date(gettext_lazy("分配日期至"))
    changed_from = _date(gettext_lazy("更新日期自"))
    changed_to = _date(gettext_lazy("更新日期至"))
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_sort(self) -> str:
        key = self.cleaned_data.get("sort") or DEFAULT_SORT
        if key.removeprefix("-") not in SORTS:
            raise forms.ValidationError(
                _("不能按“%(key)s”排序；可用的排序为：%(keys)s")
                % {"key": key[:30], "keys": "、".join(SORTS)}
            )
        return str(key)

    def clean_prefix(self) -> str:
        value = digits(typed(self.cleaned_data.get("prefix") or "")).strip()
        if value and not (value.isdigit() and 6 <= len(value) <= 12):
            raise forms.ValidationError(_("厂商识别代码为 6 至 12 位数字"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for start, end in (("created_from", "created_to"), ("changed_from", "changed_to")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, _("结束日期不能早于开始日期"))
        return data


def _words(products: QuerySet[Product], query: str) -> QuerySet[Product]:
    """As typed and made half-width (a name kept with full-width letters is found either way);
    a GTIN by its digits, full-width or in groups (６９２１ ２３４５)."""
    query = typed(query).strip()[:100]
    if not query:
        return products
    plain = halfwidth_text(query).strip()
    match = Q()
    for words in {query, plain}:
        match |= Q(name__icontains=words) | Q(brand__icontains=words)
    number = "".join(c for c in digits(query) if c in "0123456789")
    return products.filter(match | Q(gtin__contains=number) if number else match)


def _gpc(products: QuerySet[Product], text: str) -> QuerySet[Product]:
    text = typed(text).strip()
    if not text:
        return products
    code = digits(text)
    if code.isdigit():
        return products.filter(gpc_brick=code)
    return products.filter(gpc_brick__in=gpc.codes_named(text))


def _day(value: Any, end: bool) -> datetime:
    moment = datetime.combine(value, time.max if end else time.min)
    return timezone.make_aware(moment)


def filtered(products: QuerySet[Product], data: dict[str, Any]) -> QuerySet[Product]:
    """``products`` narrowed by a valid form's ``cleaned_data`` and ordered by its sort key."""
    products = _gpc(_words(products, data.get("q") or ""), data.get("gpc") or "")
    for name in ("status", "level"):
        if data.get(name):
            products = products.filter(**{name: data[name]})
    if data.get("prefix"):
        products = products.filter(prefix__prefix=data["prefix"])
    for column, start, end in (("created_at", "created_from", "created_to"),
                               ("updated_at", "changed_from", "changed_to")):  # fmt: skip
        if data.get(start):
            products = products.filter(**{f"{column}__gte": _day(data[start], end=False)})
        if data.get(end):
            products = products.filter(**{f"{column}__lte": _day(data[end], end=True)})
    key = data.get("sort") or DEFAULT_SORT
    sign = "-" if key.startswith("-") else ""
    return products.order_by(*(sign + column for column in SORTS[key.removeprefix("-")]))


def query_string(data: dict[str, Any], **changes: Any) -> str:
    """The kept filters as a query string, with ``changes`` (another page, another sort)."""
    kept = {name: data.get(name) for name in KEPT}
    kept.update(changes)
    shown = {k: v.isoformat() if isinstance(v, date) else v for k, v in kept.items()}
    return urlencode({k: v for k, v in shown.items() if v not in (None, "")})
