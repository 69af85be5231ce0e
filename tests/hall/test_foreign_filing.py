"""Foreign-code filing (境外码备案): only GTINs issued outside GS1 China are filed.

Which numbers are Chinese is the library's answer (``tiaoma.gtin.Gtin.is_china``), so an EAN-8
and a GTIN-14 are refused as a GTIN-13 is.
"""

from __future__ import annotations

import pytest
from django.test import Client

from hall.accounts.models import User
from hall.applications.forms import ForeignFilingForm
from hall.applications.models import Application

CHINESE = "这是 GS1 中国分配的商品条码（前缀 680-681、690-699），无需境外码备案"
FILLED = {"brand": "b", "product": "p", "owner": "o", "authorisation": "a"}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("4006381333931", "4006381333931"),  # GS1 Germany: the filing this form is for
        ("４００６３８１３３３９３１", "4006381333931"),  # full-width, pasted from a document
        ("614141000036", "614141000036"),  # a UPC-A from GS1 US
        ("9771234567003", "9771234567003"),  # an ISSN EAN-13 (977), not a GS1 China number
    ],
)
def test_foreign_numbers_are_filed(typed: str, kept: str) -> None:
    form = ForeignFilingForm(data={**FILLED, "gtin": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["gtin"] == kept


@pytest.mark.parametrize(
    "number",
    [
        "69012341",  # EAN-8 (缩短码): its 14-digit form starts 000000, not 69
        "6901234567892",
        "16901234567899",  # a case of a Chinese item: GTIN-14 with indicator 1
        "10000069012348",  # a case of EAN-8 items: indicator + 00000 + the EAN-8
        "6801234567895",  # 680: GS1 China's newer prefix block
    ],
)
def test_chinese_numbers_are_refused(number: str) -> None:
    form = ForeignFilingForm(data={**FILLED, "gtin": number})
    assert not form.is_valid()
    assert form.errors["gtin"] == [CHINESE]


def test_bad_check_digit_says_so() -> None:
    form = ForeignFilingForm(data={**FILLED, "gtin": "4006381333930"})
    assert not form.is_valid()
    assert form.errors["gtin"] == ["校验码错误：“4006381333930”的校验码应为 1，实为 0"]


@pytest.mark.django_db(transaction=True)
def test_the_page_refuses_chinese_numbers_and_files_foreign_ones(member_user: User) -> None:
    client = Client()
    client.force_login(member_user)
    for number in ("69012341", "6901234567892"):
        response = client.post("/applications/new/foreign_filing/", {**FILLED, "gtin": number})
        assert response.status_code == 200
        assert CHINESE in response.content.decode()
    assert not Application.objects.filter(kind="foreign_filing").exists()
    response = client.post("/applications/new/foreign_filing/", {**FILLED, "gtin": "4006381333931"})
    assert response.status_code == 302
    assert Application.objects.get(kind="foreign_filing").data["gtin"] == "4006381333931"
