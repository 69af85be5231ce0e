"""Numbers the center hands out: company prefixes from its pools, certificate numbers, GDS card
numbers and archive index numbers. Each takes a row lock, so concurrent approvals never get the
same one, and a prefix once allocated is never allocated again (its row stays when retired)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hall.core.errors import Unavailable
from hall.members.models import CompanyPrefix, Member, PrefixPool, Sequence


class PoolExhausted(Unavailable):
    """No free prefix is left in the pool."""

    code = "prefix_pool_exhausted"


def next_in_sequence(name: str, count: int = 1) -> int:
    """The next value of the named counter (1, 2, 3, ...), under a row lock; with ``count``, the
    last of that many taken at once."""
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        counter = Sequence.objects.select_for_update().get(name=name)
        counter.value += count
        counter.save(update_fields=["value"])
        return counter.value


def certificate_number() -> str:
    """``物编注字第NNNNNN号`` (domain.md §3.1, our design), six digits at least."""
    return f"物编注字第{next_in_sequence('certificate'):06d}号"


#: The serial's digits in a card number the hall issues: one more than the old system's
#: ten-digit cards (``3301000123``) have, so that an old card imported later never meets one
#: the hall issued (our design).
CARD_SERIAL_DIGITS = 7


def gds_card_number(branch_code: str) -> str:
    """The member's GDS card number (条码卡号, seed 000's 登录选择 GDS卡号): the branch's code and a
    serial of the branch (``33010000001``)."""
    return gds_card_numbers(branch_code, 1)[0]


def gds_card_numbers(branch_code: str, count: int, taken: Collection[str] = ()) -> list[str]:
    """``count`` new card numbers of the branch at once (an import's members); a number a
    member holds, or one of ``taken`` (an import's own cards), is passed over."""
    cards: list[str] = []
    while len(cards) < count:
        wanted = count - len(cards)
        last = next_in_sequence(f"gds-{branch_code}", wanted)
        batch = [f"{branch_code}{n:0{CARD_SERIAL_DIGITS}d}"
                 for n in range(last - wanted + 1, last + 1)]  # fmt: skip
        held = set(Member.objects.filter(gds_card__in=batch).values_list("gds_card", flat=True))
        cards += [card for card in batch if card not in held and card not in taken]
    return cards


def archive_index(today: date) -> str:
    """The year and a serial, as seed 000's ``2018023…``."""
    return f"{today.year}{next_in_sequence(f'archive-{today.year}'):06d}"


def prefix_allocate(*, member: Member, block: str, length: int, today: date) -> CompanyPrefix:
    """The next free prefix of ``length`` digits in ``block`` for ``member``."""
    with transaction.atomic():
        pool = PrefixPool.objects.select_for_update().filter(block=block, length=length).first()
        if pool is None:
            raise PoolExhausted(
                _("没有 %(block)s 开头、%(length)d 位的厂商识别代码池，请先在管理后台设置")
                % {"block": block, "length": length}
            )
        width = length - len(block)
        while pool.next_number < 10**width:
            candidate = f"{block}{pool.next_number:0{width}d}"
            pool.next_number += 1
            if not _overlapping(candidate).exists():
                pool.save(update_fields=["next_number"])
                return CompanyPrefix.objects.create(
                    member=member, prefix=candidate, kind=pool.kind, allocated_on=today
                )
        raise PoolExhausted(_("厂商识别代码池 %(pool)s 已无可分配的代码") % {"pool": pool})


def _overlapping(candidate: str) -> QuerySet[CompanyPrefix]:
    """The prefixes a new ``candidate`` would collide with: itself, one it starts with (a
    shorter prefix holds all its numbers) or one that starts with it (a longer one is inside
    it). Prefixes of another length can meet where pools or imported members overlap."""
    shorter = [candidate[:end] for end in range(1, len(candidate) + 1)]
    return CompanyPrefix.objects.filter(Q(prefix__in=shorter) | Q(prefix__startswith=candidate))
