"""The number bank (domain.md §2.4): GTINs from a member's company prefixes.

Each service takes a row lock on what it changes (the prefix's counter, the product), so two
clerks asking at once never get the same GTIN; the database's unique constraint on live GTINs is
the last word. A GTIN once given stays with its product: discontinued, it is kept, and given
again only under the legacy rule (``HALL_GTIN_REUSE_MONTHS``, 0 = never, as GS1 asks today).

>>> gtin_body("69212345", 1)
'692123450001'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.accounts.roles import require_member_role
from hall.core.errors import HallError
from hall.core.inserting import insert
from hall.members.models import CompanyPrefix, Ean8Code, Member
from hall.products.history import Actor, event, record
from hall.products.models import NumberBank, Product, Reservation
from tiaoma import checksum, gtin
from tiaoma.errors import TiaomaError

Kind = Product.Kind


class BankError(HallError):
    """A refused request; the message says why, in the hall's language."""

    code = "number_bank"


def body_length(prefix: CompanyPrefix) -> int:
    """Digits before the check digit: 12 for an EAN prefix, 11 for a UPC (GTIN-12) one."""
    return 11 if prefix.kind == CompanyPrefix.Kind.UPC else 12


def number_kind(prefix: CompanyPrefix) -> str:
    """GTIN-12 from a UPC prefix, GTIN-13 from an EAN one."""
    return Kind.GTIN12 if prefix.kind == CompanyPrefix.Kind.UPC else Kind.GTIN13


def item_count(prefix: CompanyPrefix) -> int:
    """How many item references the prefix gives (10,000 for an 8-digit EAN prefix)."""
    return int(10 ** (body_length(prefix) - len(prefix.prefix)))


def gtin_body(prefix: str, item: int, length: int = 12) -> str:
    """The prefix and the item reference, zero-padded to ``length`` digits."""
    return f"{prefix}{item:0{length - len(prefix)}d}"


def gtin14_of(prefix: CompanyPrefix, item: int) -> str:
    body = gtin_body(prefix.prefix, item, body_length(prefix))
    return (body + checksum.calc_check_digit(body)).zfill(14)


def item_of(prefix: CompanyPrefix, gtin14: str) -> int:
    """The item reference of a GTIN from ``prefix`` (its digits after the prefix)."""
    digits = gtin14[-body_length(prefix) - 1 : -1]
    return int(digits[len(prefix.prefix) :])


@dataclass(frozen=True)
class Capacity:
    total: int
    used: int
    reserved: int  # reserved and not yet used

    @property
    def free(self) -> int:
        return self.total - self.used - self.reserved


def capacity(prefix: CompanyPrefix) -> Capacity:
    """Item references in all, given to products (superseded rows not counted twice), and kept
    in reservations but not yet given."""
    numbers = _numbers_of(prefix)
    used = numbers.count()
    reserved = 0
    for reservation in prefix.reservations.all():
        inside = numbers.filter(
            gtin__range=_gtin_range(prefix, reservation.first, reservation.last)
        )
        reserved += reservation.last - reservation.first + 1 - inside.count()
    return Capacity(item_count(prefix), used, reserved)


def _numbers_of(prefix: CompanyPrefix) -> QuerySet[Product]:
    return Product.objects.filter(prefix=prefix, superseded=False).exclude(kind=Kind.GTIN14)


def _gtin_range(prefix: CompanyPrefix, first: int, last: int) -> tuple[str, str]:
    length = body_length(prefix)
    low = gtin_body(prefix.prefix, first, length).zfill(13) + "0"
    high = gtin_body(prefix.prefix, last, length).zfill(13) + "9"
    return low, high


def _can_allocate(member: Member, prefix: CompanyPrefix | None, today: date) -> None:
    if member.status != Member.Status.ACTIVE or member.valid_until < today:
        raise BankError(_("系统成员资格已过期或注销，不能分配新的商品条码，请先办理续展"))
    if prefix is not None and (prefix.member_id != member.pk or prefix.retired_on is not None):
        raise BankError(
            _("厂商识别代码 %(prefix)s 不属于本企业或已停用") % {"prefix": prefix.prefix}
        )


def _locked_prefix(member: Member, prefix: str) -> CompanyPrefix:
    found = CompanyPrefix.objects.select_for_update().filter(prefix=prefix, member=member).first()
    if found is None:
        raise BankError(_("厂商识别代码 %(prefix)s 不属于本企业") % {"prefix": prefix})
    return found


def gtin_allocate(*, member: Member, prefix: str, actor: Actor, today: date,
                  item: int | None = None,
                  data: dict[str, object] | None = None) -> Product:  # fmt: skip
    """A draft product with the next free GTIN of ``prefix``, or with item reference ``item``."""
    require_member_role(actor)
    with transaction.atomic():
        locked = _locked_prefix(member, prefix)
        _can_allocate(member, locked, today)
        if item is None:
            item = _next_free(locked)
        else:
            check_chosen(locked, item, today)
        return _create(member=member, prefix=locked, gtin=gtin14_of(locked, item),
                       kind=number_kind(locked),
                       actor=actor, data=data or {})  # fmt: skip


#: The most GTINs one request allocates (a product line's worth; an import takes more).
MAX_BATCH = 1000


def gtins_allocate(*, member: Member, prefix: str, count: int, actor: Actor, today: date,
                   data: dict[str, object] | None = None) -> list[Product]:  # fmt: skip
    """``count`` draft products with the next free GTINs of ``prefix``, in one locked step: all
    of them or, when the prefix has fewer free numbers, none (the counter is not moved)."""
    require_member_role(actor)
    if not 1 <= count <= MAX_BATCH:
        raise BankError(_("一次可分配 1 至 %(most)d 个商品条码") % {"most": MAX_BATCH})
    with transaction.atomic():
        locked = _locked_prefix(member, prefix)
        _can_allocate(member, locked, today)
        items = next_free_items(locked, count)
        if len(items) < count:
            short = _("厂商识别代码 %(prefix)s 只剩 %(free)d 个可分配的编码，不够 %(count)d 个")
            raise BankError(short % {"prefix": locked.prefix, "free": len(items), "count": count})
        made = [Product(member=member, prefix=locked, gtin=gtin14_of(locked, item),
                        kind=number_kind(locked), **(data or {})) for item in items]  # fmt: skip
        try:
            with transaction.atomic():
                made = insert(made)
        except IntegrityError as error:  # a chosen number taken by another clerk meanwhile
            raise BankError(_("有编码刚被分配，请重试")) from error
        now = timezone.now()
        insert([event(p, actor=actor, action="allocated", before={}, after={"gtin": p.gtin},
                      at=now) for p in made])  # fmt: skip
        return made


def _next_free(prefix: CompanyPrefix) -> int:
    found = next_free_items(prefix, 1)
    if found:
        return found[0]
    if capacity(prefix).reserved:
        raise BankError(_("厂商识别代码 %(prefix)s 的未预留编码已用完，请从预留号段中选择编码")
                        % {"prefix": prefix.prefix})  # fmt: skip
    full = _("厂商识别代码 %(prefix)s 的编码已全部分配（%(total)d 个），请申请新的厂商识别代码")
    raise BankError(full % {"prefix": prefix.prefix, "total": item_count(prefix)})


def next_free_items(prefix: CompanyPrefix, count: int,
                    pending: frozenset[str] = frozenset()) -> list[int]:  # fmt: skip
    """Up to ``count`` free item references outside the reservations, counting up from the
    prefix's counter, which moves past them; ``pending`` GTINs are about to be saved. The
    caller holds the prefix's row lock."""
    bank, _created = NumberBank.objects.get_or_create(prefix=prefix)
    total = item_count(prefix)
    reservations = list(prefix.reservations.order_by("first"))
    taken = set(
        Product.objects.filter(gtin__range=_gtin_range(prefix, bank.next_item, total - 1))
        .values_list("gtin", flat=True)
    ) if bank.next_item < total else set()  # fmt: skip
    found: list[int] = []
    candidate = bank.next_item
    while candidate < total and len(found) < count:
        held = next((r for r in reservations if r.first <= candidate <= r.last), None)
        if held is not None:
            candidate = held.last + 1
            continue
        number = gtin14_of(prefix, candidate)
        if number not in taken and number not in pending:
            found.append(candidate)
        candidate += 1
    if found:
        bank.next_item = found[-1] + 1
        bank.save(update_fields=["next_item"])
    return found


def check_in_range(prefix: CompanyPrefix, item: int) -> None:
    if not 0 <= item < item_count(prefix):
        raise BankError(_("商品项目代码应为 0 至 %(last)d") % {"last": item_count(prefix) - 1})


def check_chosen(prefix: CompanyPrefix, item: int, today: date) -> None:
    """Refuse an item reference outside the prefix or held by a live product; under the legacy
    rule, a long-discontinued holder is marked superseded."""
    check_in_range(prefix, item)
    holder = Product.objects.filter(gtin=gtin14_of(prefix, item), superseded=False).first()
    if holder is None:
        return
    if holder.status != Product.Status.DISCONTINUED or not _may_reuse(holder, today):
        raise BankError(_("商品条码 %(gtin)s 已分配给产品“%(name)s”，不能再分配给其他产品")
                        % {"gtin": holder.display_gtin, "name": holder.name or "—"})  # fmt: skip
    holder.superseded = True
    holder.save(update_fields=["superseded"])
    record(holder, actor=None, action="superseded", before={}, after={"superseded": True})


def _may_reuse(product: Product, today: date) -> bool:
    """The legacy rule: a GTIN discontinued at least HALL_GTIN_REUSE_MONTHS months ago."""
    months = settings.GTIN_REUSE_MONTHS
    stopped = product.discontinued_on
    if not months or stopped is None:
        return False
    elapsed = (today.year - stopped.year) * 12 + today.month - stopped.month
    return elapsed > months or (elapsed == months and today.day >= stopped.day)


def _create(*, member: Member, prefix: CompanyPrefix | None, gtin: str, kind: str,
            actor: Actor, data: dict[str, object], **extra: object) -> Product:  # fmt: skip
    product = Product(member=member, prefix=prefix, gtin=gtin, kind=kind, **extra)
    for field, value in data.items():
        setattr(product, field, value)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as error:  # a concurrent writer took it between our check and now
        raise BankError(_("商品条码 %(gtin)s 刚被分配，请重试") % {"gtin": gtin}) from error
    record(product, actor=actor, action="allocated", before={}, after={"gtin": product.gtin})
    return product


def ean8_assign(*, member: Member, number: str, actor: Actor, today: date,
                data: dict[str, object] | None = None) -> Product:  # fmt: skip
    """A draft product for one of the EAN-8s the center allocated to ``member``."""
    require_member_role(actor)
    with transaction.atomic():
        _can_allocate(member, None, today)
        code = Ean8Code.objects.select_for_update().filter(member=member, number=number).first()
        if code is None:
            raise BankError(_("缩短码 %(number)s 不是编码中心分配给本企业的") % {"number": number})
        if Product.objects.filter(ean8=code).exists():
            raise BankError(_("缩短码 %(number)s 已用于其他产品") % {"number": number})
        return _create(member=member, prefix=None, gtin=number.zfill(14), kind=Kind.GTIN8,
                       actor=actor, data=data or {"name": code.product}, ean8=code)  # fmt: skip


#: What may contain what: a package's level ranks above its contents' (an each in a case in
#: a pallet, GS1 GenSpecs 4.2); so no package can end up inside itself.
LEVEL_RANK: dict[str, int] = {Product.Level.EACH: 0, Product.Level.INNER: 1, Product.Level.CASE: 2,
              Product.Level.PALLET: 3}  # fmt: skip
#: Each → inner → case → pallet: no chain of contents is longer.
MAX_DEPTH = len(LEVEL_RANK)


def case_create(*, member: Member, contained: Product, indicator: str, quantity: int,
                actor: User | None, today: date, level: str = Product.Level.CASE,
                data: dict[str, object] | None = None) -> Product:  # fmt: skip
    """A GTIN-14 for a package of ``quantity`` × ``contained`` (a case of eaches, a pallet of
    cases): indicator 1-8 + the contained GTIN's first 12 digits (a GTIN-14's after its
    indicator) + a new check digit (GS1 GenSpecs 3.3.4)."""
    require_member_role(actor)
    with transaction.atomic():
        _can_allocate(member, contained.prefix, today)
        if contained.member_id != member.pk:
            raise BankError(_("所含产品不属于本企业"))
        _check_nesting(contained, level)
        if quantity < 1:
            raise BankError(_("所含数量应至少为 1"))
        try:
            number = gtin.to_gtin14(contained.gtin, indicator=indicator)
        except TiaomaError as error:
            raise BankError(_("指示符应为 1 至 8 的数字")) from error
        taken = Product.objects.filter(gtin=number, superseded=False).first()
        if taken is not None:
            raise BankError(_("箱码 %(gtin)s 已分配给“%(name)s”，请换一个指示符")
                            % {"gtin": number, "name": taken.name or "—"})  # fmt: skip
        fields: dict[str, object] = {
            "name": contained.name,
            "brand": contained.brand,
            **(data or {}),
        }
        return _create(member=member, prefix=contained.prefix, gtin=number, kind=Kind.GTIN14,
                       actor=actor, data=fields, contains=contained, quantity=quantity,
                       level=level)  # fmt: skip


def _check_nesting(contained: Product, level: str) -> None:
    """A package holds only what ranks below it (a pallet: cases or eaches; a case: inners or
    eaches); the contents' own chain must be short and free of loops."""
    if level not in LEVEL_RANK or level == Product.Level.EACH:
        raise BankError(_("包装层级应为内包装、箱或托盘"))
    if contained.kind == Kind.GTIN14 and level != Product.Level.PALLET:
        raise BankError(_("箱码应由零售单元的编码（GTIN-8/12/13）生成"))
    if LEVEL_RANK.get(contained.level, 0) >= LEVEL_RANK[level]:
        raise BankError(_("“%(contained)s”不能装入“%(level)s”：外层的包装层级应高于所含产品")
                        % {"contained": contained.get_level_display(),
                           "level": str(Product.Level(level).label)})  # fmt: skip
    chain = contents_chain(contained)
    if len(chain) >= MAX_DEPTH:
        raise BankError(_("包装层级过深"))


def contents_chain(product: Product) -> list[Product]:
    """``product`` and what it contains, down to the retail unit; a loop (which the nesting
    rule keeps out, but data made another way might hold) is refused, not followed for ever."""
    chain = [product]
    seen = {product.pk}
    while chain[-1].contains_id is not None:
        inner = Product.objects.filter(pk=chain[-1].contains_id).first()
        if inner is None:
            break
        if inner.pk in seen or len(chain) > MAX_DEPTH:
            raise BankError(_("包装层级出现循环：%(gtin)s 包含了它自身")
                            % {"gtin": inner.display_gtin})  # fmt: skip
        seen.add(inner.pk)
        chain.append(inner)
    return chain


def range_reserve(*, member: Member, prefix: str, first: int, last: int, note: str,
                  actor: User | None, today: date) -> Reservation:  # fmt: skip
    """Keep item references ``first``..``last`` of ``prefix`` for choosing by hand."""
    require_member_role(actor)
    with transaction.atomic():
        locked = _locked_prefix(member, prefix)
        _can_allocate(member, locked, today)
        if not 0 <= first <= last < item_count(locked):
            raise BankError(_("号段应在 0 至 %(last)d 之间，且起始不大于结束")
                            % {"last": item_count(locked) - 1})  # fmt: skip
        overlapping = locked.reservations.filter(first__lte=last, last__gte=first).first()
        if overlapping is not None:
            raise BankError(_("与已预留的号段 %(first)d–%(last)d 重叠")
                            % {"first": overlapping.first, "last": overlapping.last})  # fmt: skip
        return Reservation.objects.create(member=member, prefix=locked, first=first, last=last,
                                          note=note)  # fmt: skip


def range_release(*, member: Member, reservation_id: int, actor: User | None) -> None:
    """Give a reserved range back to the next-free allocation (the numbers used stay used).
    ``actor`` is required, as by every change of the bank: None only where the hall acts."""
    require_member_role(actor)
    with transaction.atomic():
        deleted, _rows = Reservation.objects.filter(pk=reservation_id, member=member).delete()
        if not deleted:
            raise BankError(_("预留号段不存在"))


def member_products(member: Member) -> QuerySet[Product]:
    """A member's live products (superseded rows are history only)."""
    return Product.objects.filter(member=member, superseded=False)


def unused_ean8(member: Member) -> QuerySet[Ean8Code]:
    return member.ean8_codes.filter(~Q(product_record__isnull=False)).order_by("number")
