"""ISMN (ISO 10957), its EAN-13 and its old ``M`` form; python-stdnum's ``stdnum.ismn`` as the
oracle; and the numbers ``identify``/``describe`` and ``tiaoma info`` report as printed music."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean
from stdnum import ismn as std_ismn

from tiaoma import checksum, describe, identify, isbn, ismn
from tiaoma.cli import run
from tiaoma.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    TiaomaError,
)

DIGITS = "0123456789"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9790230671187", "9790230671187"),  # ISMN-13 (stdnum's example): 979-0 + 8 + check
        ("979-0-2306-7118-7", "9790230671187"),  # hyphenated as ISO 10957 prints it
        ("ISMN 979-0-2306-7118-7", "9790230671187"),  # with its label
        ("ISMN-13：979-0-2306-7118-7", "9790230671187"),  # label with a full-width colon
        ("M-2306-7118-7", "M230671187"),  # the old form: M counts as 979-0, the same check digit
        ("m230671187", "M230671187"),  # M typed in lower case
        ("Ｍ２３０６７１１８７", "M230671187"),  # full-width, as pasted from a Chinese page
        ("9790079362048", "9790079362048"),  # the number issue 24 found called a book
        ("979-0-060-11561-5 05", "979006011561505"),  # 2-digit add-on after a space
        ("979006011561512345", "979006011561512345"),  # 5-digit add-on run together
    ],
)
def test_validate(value: str, expected: str) -> None:
    assert ismn.validate(value) == expected
    assert ismn.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error", "code", "shown"),
    [
        ("", InvalidFormat, "empty", "expected an ISMN"),  # nothing typed
        ("ISMN", InvalidFormat, "empty", "expected an ISMN"),  # a label without a number
        ("M23067118", InvalidLength, "length", "got 9"),  # a digit short
        ("9790230671187 523", InvalidLength, "length", "got 16"),  # a 3-digit "add-on"
        ("0230671187", InvalidFormat, "ismn.m", "a 10-character ISMN starts with M"),  # ISBN-10?
        ("M2306X1187", InvalidFormat, "not_digits", "'X' at position 6"),  # a letter inside
        ("M23067118X", InvalidFormat, "not_digits", "position 10"),  # X is ISBN's, not ISMN's
        ("M230671186", InvalidChecksum, "checksum", "expected 7, got 6"),  # ISMN-10 typo
        ("9790230671188", InvalidChecksum, "checksum", "expected 7, got 8"),  # ISMN-13 typo
        ("9787111213826", InvalidComponent, "ismn.prefix", "'9787'"),  # a book
        ("9791032300824", InvalidComponent, "ismn.prefix", "'9791'"),  # 979-1: a book too
        ("M230671187 05", InvalidLength, "length", "got 12"),  # add-ons follow the EAN-13 only
        ("M123456789012", InvalidFormat, "not_digits", "'M' at position 1"),  # M before 12 digits
        ("9790230671187 0X", InvalidFormat, "not_digits", "position 15"),  # bad add-on
    ],
)
def test_rejects(value: str, error: type[TiaomaError], code: str, shown: str) -> None:
    with pytest.raises(error) as info:
        ismn.validate(value)
    assert info.value.code == code
    assert shown in str(info.value)
    assert info.value.message_zh
    assert not ismn.is_valid(value)


def test_check_digit_worked_by_hand() -> None:
    # 979023067118, weights 1, 3, 1, 3, ... from the left of 12 digits (GS1 GenSpecs 7.9.1):
    # 9·1 + 7·3 + 9·1 + 0·3 + 2·1 + 3·3 + 0·1 + 6·3 + 7·1 + 1·3 + 1·1 + 8·3 = 103 → 10 - 3 = 7.
    assert ismn.calc_check_digit("979023067118") == "7"
    # The old form: M weighs as 979-0 does (ISO 10957:1993 gave M the value 3, weighed 3:
    # 3·3 = 9, and 9·1 + 7·3 + 9·1 + 0·3 = 39 ≡ 9 mod 10).
    assert ismn.calc_check_digit("M23067118") == "7"
    assert ismn.calc_check_digit("m-2306-7118") == "7"
    with pytest.raises(InvalidLength):
        ismn.calc_check_digit("9790230671187")
    with pytest.raises(InvalidComponent):
        ismn.calc_check_digit("978023067118")  # no ISMN body
    with pytest.raises(InvalidFormat):
        ismn.calc_check_digit("")


def test_parse_and_conversions() -> None:
    music = ismn.parse("979-0-060-11561-5 05")
    assert music == ismn.Ismn(
        value="9790060115615",
        format=ismn.IsmnFormat.ISMN_13,
        ismn13="9790060115615",
        ismn10="M060115615",
        publisher="060",
        item="11561",
        check_digit="5",
        addon="05",
    )
    assert music.ean13 == "9790060115615"
    old = ismn.parse("M-2306-7118-7")
    assert (old.format, old.value, old.ismn13, old.check_digit) == (
        ismn.IsmnFormat.ISMN_10,
        "M230671187",
        "9790230671187",
        "7",
    )
    assert ismn.to_ismn13("M-2306-7118-7") == "9790230671187"
    assert ismn.to_ismn10("9790230671187 05") == "M230671187"  # the add-on is no ISMN


@pytest.mark.parametrize(
    ("value", "publisher", "item", "formatted"),
    [
        # The ISMN agency's ranges: the publisher element's length from its range, one per range.
        ("9790060115615", "060", "11561", "979-0-060-11561-5"),  # 000-099: 3 digits
        ("9790230671187", "2306", "7118", "979-0-2306-7118-7"),  # 1000-3999: 4 digits
        ("M345246805", "3452", "4680", "M-3452-4680-5"),  # the old form keeps its M
        ("9790500000006", "50000", "000", "979-0-50000-000-6"),  # 40000-69999: 5 digits
        ("9790800000003", "800000", "00", "979-0-800000-00-3"),  # 700000-899999: 6 digits
        ("9790999999997", "9999999", "9", "979-0-9999999-9-7"),  # 9000000-9999999: 7 digits
        ("9790230671187 12345", "2306", "7118", "979-0-2306-7118-7 12345"),  # with add-on
    ],
)
def test_publisher_ranges_and_format(value: str, publisher: str, item: str, formatted: str) -> None:
    music = ismn.parse(value)
    assert (music.publisher, music.item) == (publisher, item)
    assert ismn.format(value) == formatted


@pytest.mark.parametrize(
    "function",
    [ismn.validate, ismn.parse, ismn.format, ismn.to_ismn10, ismn.to_ismn13, ismn.compact,
     ismn.calc_check_digit, ismn.is_valid],
)  # fmt: skip
def test_numbers_are_not_text(function: Any) -> None:
    if function is ismn.is_valid:
        assert not function(9790230671187)
        return
    with pytest.raises(InvalidFormat) as info:
        function(9790230671187)
    assert info.value.code == "not_text"


# --- outside oracle: python-stdnum -------------------------------------------------------------

ismn13_like = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["9790", "9790", "9791", "9780"]),
    st.text(DIGITS, min_size=9, max_size=9),
)
ismn10_like = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(["M", "M", "m", "0", "X"]),
    st.text(DIGITS, min_size=9, max_size=9),
)


@given(st.one_of(ismn13_like, ismn10_like))
def test_validity_agrees_with_stdnum(value: str) -> None:
    # Random numbers: about one in ten has a right check digit, so both sides are exercised.
    assert ismn.is_valid(value) == std_ismn.is_valid(value)
    if std_ismn.is_valid(value):
        assert ismn.validate(value) == std_ismn.validate(value)


@given(st.text(DIGITS, min_size=8, max_size=8), st.booleans())
def test_valid_numbers_agree_with_stdnum(digits: str, old_form: bool) -> None:
    body = "M" + digits if old_form else "9790" + digits
    value = body + ismn.calc_check_digit(body)
    assert std_ismn.is_valid(value)
    assert ismn.to_ismn13(value) == std_ismn.to_ismn13(value)
    assert ean.is_valid(ismn.to_ismn13(value))
    # stdnum formats every ISMN in its 13-digit form; ours keeps the form it was given.
    assert ismn.format(ismn.to_ismn13(value)) == std_ismn.format(value)
    _, _, publisher, item, check = std_ismn.split(value)
    music = ismn.parse(value)
    assert (music.publisher, music.item, music.check_digit) == (publisher, item, check)


@given(st.text(DIGITS, min_size=8, max_size=8), st.integers(1, 9))
def test_a_wrong_check_digit_is_refused_as_stdnum_refuses_it(digits: str, off: int) -> None:
    body = "9790" + digits
    wrong = body + str((int(ean.calc_check_digit(body)) + off) % 10)
    with pytest.raises(InvalidChecksum):
        ismn.validate(wrong)
    assert not std_ismn.is_valid(wrong)
    assert not std_ismn.is_valid("M" + wrong[4:])
    assert not ismn.is_valid("M" + wrong[4:])


messy_text = st.text(st.sampled_from("0123456789０９Mm x-: ISMN٣²\u3000"), max_size=20)


@given(
    st.sampled_from([ismn.validate, ismn.parse, ismn.format, ismn.to_ismn10, ismn.to_ismn13,
                     ismn.calc_check_digit]),
    st.one_of(messy_text, st.text(max_size=20), st.none()),
)  # fmt: skip
def test_bad_input_raises_only_library_errors(function: Any, value: Any) -> None:
    with contextlib.suppress(TiaomaError):
        function(value)


# --- identify, describe and the command line ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "canonical"),
    [
        ("9790079362048", "ismn", "9790079362048"),  # 979-0: printed music, not a book
        ("M-2306-7118-7", "ismn", "M230671187"),  # the old form
        ("ISMN 979-0-2306-7118-7", "ismn", "9790230671187"),  # labelled
        ("979006011561505", "ismn", "979006011561505"),  # with a 2-digit add-on
        ("]E09790230671187", "ismn", "9790230671187"),  # as a scanner sends an EAN-13
        ("9791032300824", "isbn", "9791032300824"),  # 979-1..9 stays ISBN
        ("9787111213826", "isbn", "9787111213826"),  # 978: a book
    ],
)
def test_identify(value: str, kind: str, canonical: str) -> None:
    found = identify.identify(value)
    assert (found.kind, found.canonical) == (kind, canonical)


def test_identify_gives_the_ismn_error() -> None:
    with pytest.raises(InvalidChecksum):
        identify.identify("M230671186")
    with pytest.raises(InvalidChecksum):
        identify.identify("ISMN 979-0-2306-7118-6")


@given(st.text(DIGITS, min_size=8, max_size=8))
def test_every_9790_gtin_is_an_ismn_and_no_isbn(digits: str) -> None:
    number = "9790" + digits + checksum.calc_check_digit("9790" + digits)
    assert identify.identify(number).kind == "ismn"
    assert not isbn.is_valid(number)


def test_describe() -> None:
    rows = dict(describe.rows(identify.identify("9790079362048")))
    assert rows["type"].startswith("ISMN, printed music")
    assert "国际标准乐谱号" in rows["type"]
    assert rows["ISMN-10"].startswith("M079362048")
    assert (rows["publisher"], rows["item"]) == ("079 (出版者号)", "36204 (项目号)")
    assert "add-on" not in rows


def test_info_command() -> None:
    out = io.StringIO()
    assert run(["info", "9790079362048"], out, io.StringIO(), io.StringIO()) == 0
    assert "ISMN, printed music" in out.getvalue()
    assert "ISBN" not in out.getvalue()
    out = io.StringIO()
    assert run(["info", "--json", "M-2306-7118-7"], out, io.StringIO(), io.StringIO()) == 0
    (answer,) = json.loads(out.getvalue())
    assert (answer["kind"], answer["parsed"]["ismn13"]) == ("ismn", "9790230671187")
