"""Every event the hall tells an account of: its words and the channels it may go by.

A notice keeps its event's name and parameters, not its words: the notification center draws
it in the reader's language, an e-mail in the recipient's (``Preference.language``). Words are
Chinese msgids (gettext_noop'd here, English in the catalogue); a parameter named in
``translated`` holds a msgid too (an application's kind or status), translated when drawn.

SMS goes only for the events that have an SMS template (``sms=True``): China's providers
send registered templates only, so a new SMS would need every operator to register one first
(hall.sms.templates); the others reach the account in the hall and by e-mail.

>>> EVENTS["returned"].channels
('sms', 'email')
>>> EVENTS["paid"].channels
('email',)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

SMS, EMAIL = "sms", "email"


@dataclass(frozen=True)
class Event:
    """One kind of notice: ``title`` and ``body`` are msgids, ``params`` what ``body`` takes."""

    name: str
    title: str
    body: str
    params: tuple[str, ...]
    translated: frozenset[str] = frozenset()
    sms: bool = False

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels an account may choose for it besides the hall itself."""
        return (SMS, EMAIL) if self.sms else (EMAIL,)

    def check(self, params: Mapping[str, object]) -> dict[str, str]:
        """The parameters as stored (strings), exactly this event's: a missing or unknown one
        is the caller's mistake, found before anything is written."""
        if set(params) != set(self.params):
            raise ValueError(f"notice {self.name} takes {list(self.params)}, "
                             f"was given {sorted(params)}")  # fmt: skip
        return {name: str(params[name]) for name in self.params}

    def render(self, params: Mapping[str, str]) -> tuple[str, str]:
        """The title and body in the active language."""
        values = {name: _(value) if name in self.translated and value else value
                  for name, value in params.items()}  # fmt: skip
        try:
            return _(self.title), _(self.body) % values
        except (KeyError, TypeError, ValueError):  # a notice stored before its words changed
            return _(self.title), ""


#: An application's events: its kind, number and status, and the reviewer's reason (shown
#: under the words, and blank where none was given).
_APPLICATION = ("kind", "number", "status", "reason")
_KIND_AND_STATUS = frozenset({"kind", "status"})


def _catalogue(*events: Event) -> dict[str, Event]:
    return {each.name: each for each in events}


#: Every event, in the order the preferences page lists them.
EVENTS = _catalogue(
    Event("approved", gettext_noop("申请已批准"),
          gettext_noop("您的%(kind)s申请（编号 %(number)s）已批准。"), _APPLICATION,
          _KIND_AND_STATUS, sms=True),
    Event("returned", gettext_noop("申请被退回"),
          gettext_noop("您的%(kind)s申请（编号 %(number)s）已退回修改，请按原因修改后重新提交。"),
          _APPLICATION, _KIND_AND_STATUS, sms=True),
    Event("rejected", gettext_noop("申请未获批准"),
          gettext_noop("您的%(kind)s申请（编号 %(number)s）未获批准。"), _APPLICATION,
          _KIND_AND_STATUS, sms=True),
    Event("application", gettext_noop("申请状态更新"),
          gettext_noop("您的%(kind)s申请（编号 %(number)s）状态：%(status)s。"), _APPLICATION,
          _KIND_AND_STATUS, sms=True),
    Event("paid", gettext_noop("费用已到账"),
          gettext_noop("申请（编号 %(number)s）的费用 %(amount)s 元已到账（订单号 %(order)s），"
                       "申请已转入审核。"), ("number", "amount", "order")),
    Event("refund", gettext_noop("退款已受理"),
          gettext_noop("订单 %(order)s 的 %(amount)s 元退款已受理（退款单号 %(refund)s），"
                       "将原路退回。"), ("order", "amount", "refund")),
    Event("renewal", gettext_noop("续展提醒"),
          gettext_noop("%(name)s：系统成员证书（%(number)s）将于 %(until)s 到期，"
                       "请在到期前办理续展。"), ("name", "number", "until"), sms=True),
    Event("data_problem", gettext_noop("产品数据问题"),
          gettext_noop("产品导入任务（编号 %(job)s）有 %(failed)s 行未能导入，"
                       "请下载错误清单，修改后重新导入。"), ("job", "failed")),
    Event("import_refused", gettext_noop("产品导入未能进行"),
          gettext_noop("产品导入任务（编号 %(job)s）未能导入：%(problem)s"), ("job", "problem")),
)  # fmt: skip


def event(name: str) -> Event:
    """The event called ``name``; a name the hall does not have is a programming error."""
    try:
        return EVENTS[name]
    except KeyError:
        raise LookupError(f"no notice event {name!r} (hall.notices.events.EVENTS)") from None
