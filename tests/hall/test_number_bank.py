"""The number bank (domain.md §2.4): next free and chosen GTINs, reservations, capacity, EAN-8,
cases, the never-reuse rule and its legacy 48-month setting, and concurrent clerks."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connections
from django.test import override_settings

from hall.accounts.models import User
from hall.members.models import CompanyPrefix, Ean8Code, Member
from hall.products import bank, services
from hall.products.bank import BankError
from hall.products.models import Product
from tests.hall.conftest import make_member
from tiaoma import gtin

TODAY = date.today()
pytestmark = pytest.mark.django_db


def allocate(member: Member, user: User | None = None, **kwargs: object) -> Product:
    return bank.gtin_allocate(member=member, prefix="69212345", actor=user, today=TODAY,
                              **kwargs)  # type: ignore[arg-type]  # fmt: skip


def test_next_free_gtins_count_up_from_item_1_with_valid_check_digits(
    member: Member, member_user: User
) -> None:
    first, second = allocate(member, member_user), allocate(member, member_user)
    assert (first.gtin, second.gtin) == ("06921234500019", "06921234500026")
    assert first.display_gtin == "6921234500019"  # seed 001's structure: 692 · 12345 · 0001 · 9
    assert gtin.is_valid(first.display_gtin)
    assert first.status == Product.Status.DRAFT
    event = first.events.get()
    assert (event.action, event.actor, event.after) == ("allocated", member_user,
                                                        {"gtin": "06921234500019"})  # fmt: skip


def test_a_chosen_item_reference_is_given_once_and_skipped_by_next_free(member: Member) -> None:
    chosen = allocate(member, item=2)
    assert chosen.display_gtin == "6921234500026"
    assert allocate(member).display_gtin == "6921234500019"
    assert allocate(member).display_gtin == "6921234500033"  # 2 is taken: skipped
    with pytest.raises(BankError, match="已分配给产品"):
        allocate(member, item=2)
    with pytest.raises(BankError, match="商品项目代码应为 0 至 9999"):
        allocate(member, item=10_000)


def test_item_reference_0_may_be_chosen(member: Member) -> None:
    assert allocate(member, item=0).display_gtin == "6921234500002"


def test_reservations_are_skipped_and_taken_by_choice(member: Member) -> None:
    reservation = bank.range_reserve(member=member, prefix="69212345", first=1, last=10,
                                     note="新品系列", actor=None, today=TODAY)  # fmt: skip
    assert allocate(member).display_gtin.startswith("692123450011")
    assert allocate(member, item=5).gtin == bank.gtin14_of(reservation.prefix, 5)
    with pytest.raises(BankError, match="重叠"):
        bank.range_reserve(member=member, prefix="69212345", first=10, last=20, note="",
                           actor=None, today=TODAY)  # fmt: skip
    with pytest.raises(BankError, match="号段应在 0 至 9999"):
        bank.range_reserve(member=member, prefix="69212345", first=20, last=10, note="",
                           actor=None, today=TODAY)  # fmt: skip
    usage = bank.capacity(reservation.prefix)
    assert (usage.total, usage.used, usage.reserved, usage.free) == (10_000, 2, 9, 9_989)
    bank.range_release(member=member, reservation_id=reservation.pk, actor=None)
    assert bank.capacity(reservation.prefix).reserved == 0
    with pytest.raises(BankError, match="预留号段不存在"):
        bank.range_release(member=member, reservation_id=reservation.pk, actor=None)


def test_an_exhausted_prefix_says_so_and_points_at_the_reservations(member: Member) -> None:
    prefix = CompanyPrefix.objects.create(member=member, prefix="69212345678", allocated_on=TODAY)
    bank.range_reserve(member=member, prefix=prefix.prefix, first=5, last=9, note="", actor=None,
                       today=TODAY)  # fmt: skip
    given = [bank.gtin_allocate(member=member, prefix=prefix.prefix, actor=None, today=TODAY)
             for _ in range(4)]  # fmt: skip
    assert [bank.item_of(prefix, p.gtin) for p in given] == [1, 2, 3, 4]
    with pytest.raises(BankError, match="未预留编码已用完"):
        bank.gtin_allocate(member=member, prefix=prefix.prefix, actor=None, today=TODAY)
    for item in [0, 5, 6, 7, 8, 9]:
        bank.gtin_allocate(member=member, prefix=prefix.prefix, actor=None, today=TODAY, item=item)
    with pytest.raises(BankError, match="已全部分配（10 个）"):
        bank.gtin_allocate(member=member, prefix=prefix.prefix, actor=None, today=TODAY)


def test_another_members_prefix_and_a_lapsed_membership_are_refused(
    member: Member, other_member: Member
) -> None:
    with pytest.raises(BankError, match="69254321 不属于本企业"):
        bank.gtin_allocate(member=member, prefix="69254321", actor=None, today=TODAY)
    Member.objects.filter(pk=member.pk).update(valid_until=TODAY - timedelta(days=1))
    member.refresh_from_db()
    with pytest.raises(BankError, match="资格已过期"):
        allocate(member)
    assert not Product.objects.exists()


def test_a_retired_prefix_gives_no_more_numbers(member: Member) -> None:
    CompanyPrefix.objects.filter(prefix="69212345").update(retired_on=TODAY)
    with pytest.raises(BankError, match="已停用"):
        allocate(member)


def test_a_upc_prefix_gives_gtin_12(member: Member) -> None:
    CompanyPrefix.objects.create(member=member, prefix="0614141", kind="upc", allocated_on=TODAY)
    product = bank.gtin_allocate(member=member, prefix="0614141", actor=None, today=TODAY)
    assert (product.kind, product.display_gtin) == ("gtin12", "061414100014")
    assert bank.item_count(product.prefix) == 10_000  # type: ignore[arg-type]


def test_ean8_numbers_come_from_the_centers_allocation(
    member: Member, other_member: Member
) -> None:
    Ean8Code.objects.create(member=member, number="69000010", product="小瓶", allocated_on=TODAY)
    Ean8Code.objects.create(member=other_member, number="69000027", product="x",
                            allocated_on=TODAY)  # fmt: skip
    assert [c.number for c in bank.unused_ean8(member)] == ["69000010"]
    product = bank.ean8_assign(member=member, number="69000010", actor=None, today=TODAY)
    assert (product.gtin, product.kind, product.name) == ("00000069000010", "gtin8", "小瓶")
    assert not bank.unused_ean8(member).exists()
    with pytest.raises(BankError, match="已用于其他产品"):
        bank.ean8_assign(member=member, number="69000010", actor=None, today=TODAY)
    with pytest.raises(BankError, match="不是编码中心分配给本企业的"):
        bank.ean8_assign(member=member, number="69000027", actor=None, today=TODAY)


def test_cases_get_gtin_14_from_the_contained_product(member: Member, other_member: Member) -> None:
    unit = allocate(member, data={"name": "矿泉水 550mL"})
    case = bank.case_create(member=member, contained=unit, indicator="1", quantity=24,
                            actor=None, today=TODAY)  # fmt: skip
    assert case.gtin == "16921234500016"
    assert gtin.is_valid(case.gtin)
    assert (case.kind, case.contains, case.quantity, case.name) == (
        "gtin14",
        unit,
        24,
        "矿泉水 550mL",
    )
    assert list(unit.packages.all()) == [case]
    with pytest.raises(BankError, match="请换一个指示符"):
        bank.case_create(member=member, contained=unit, indicator="1", quantity=12, actor=None,
                         today=TODAY)  # fmt: skip
    with pytest.raises(BankError, match="指示符应为 1 至 8"):
        bank.case_create(member=member, contained=unit, indicator="9", quantity=12, actor=None,
                         today=TODAY)  # fmt: skip
    with pytest.raises(BankError, match="零售单元"):
        bank.case_create(member=member, contained=case, indicator="2", quantity=2, actor=None,
                         today=TODAY)  # fmt: skip
    with pytest.raises(BankError, match="至少为 1"):
        bank.case_create(member=member, contained=unit, indicator="2", quantity=0, actor=None,
                         today=TODAY)  # fmt: skip
    with pytest.raises(BankError, match="不属于本企业"):
        bank.case_create(member=other_member, contained=unit, indicator="2", quantity=2,
                         actor=None, today=TODAY)  # fmt: skip
    assert bank.capacity(unit.prefix).used == 1  # type: ignore[arg-type]  # cases take no item


def _discontinued(member: Member, user: User, stopped: date) -> Product:
    product = allocate(member, user, item=7)
    services.product_transition(actor=user, product_id=product.pk, action="discontinue",
                                today=stopped)  # fmt: skip
    return product


def test_a_discontinued_gtin_is_never_given_again_by_default(
    member: Member, member_user: User
) -> None:
    _discontinued(member, member_user, date(2015, 1, 1))
    with pytest.raises(BankError, match="不能再分配给其他产品"):
        allocate(member, item=7)


@override_settings(GTIN_REUSE_MONTHS=48)
def test_the_legacy_rule_gives_a_gtin_again_48_months_after_discontinuation(
    member: Member, member_user: User
) -> None:
    old = _discontinued(member, member_user, TODAY - timedelta(days=365 * 4 - 30))
    with pytest.raises(BankError, match="不能再分配给其他产品"):  # not yet 48 months
        allocate(member, item=7)
    Product.objects.filter(pk=old.pk).update(discontinued_on=TODAY - timedelta(days=365 * 4 + 1))
    new = allocate(member, item=7, data={"name": "新产品"})
    old.refresh_from_db()
    assert new.gtin == old.gtin
    assert old.superseded
    assert not new.superseded
    assert old.events.last().action == "superseded"  # type: ignore[union-attr]
    assert bank.capacity(new.prefix).used == 1  # type: ignore[arg-type]


def test_an_in_use_gtin_is_never_given_again_even_under_the_legacy_rule(member: Member) -> None:
    allocate(member, item=3)
    with override_settings(GTIN_REUSE_MONTHS=48), pytest.raises(BankError, match="已分配给产品"):
        allocate(member, item=3)


@pytest.mark.django_db(transaction=True)
def test_ten_clerks_allocating_at_once_never_share_a_gtin() -> None:
    member = make_member("3301", "并发有限公司", "物编注字第100009号", "69212345",
                         "91330106MA27XK5Q0")  # fmt: skip
    errors: list[BaseException] = []
    start = threading.Barrier(10)

    def clerk() -> None:
        try:
            start.wait()
            for _ in range(5):
                allocate(member)
            bank.gtin_allocate(member=member, prefix="69212345", actor=None, today=TODAY,
                               item=500)  # fmt: skip
        except BankError as error:
            errors.append(error)
        except BaseException as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every clerk asked for item 500 too: one got it, nine were told it is taken.
    assert len(errors) == 9
    assert all("6921234505007" in str(e) or "刚被分配" in str(e) for e in errors)
    numbers = list(Product.objects.values_list("gtin", flat=True))
    assert len(numbers) == len(set(numbers)) == 51
    prefix = CompanyPrefix.objects.get(prefix="69212345")
    items = sorted(bank.item_of(prefix, n) for n in numbers)
    assert items == [*range(1, 51), 500]
