"""UPC-A and UPC-E: validation, zero suppression both ways, errors; biip and stdnum as oracles."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from biip import EncodeError, ParseError
from biip.upc import Upc as BiipUpc
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from tiaoma import upc
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
        ("042100005264", "042100005264"),  # UPC-A as printed under a UPC-E's expansion
        ("0 42100 00526 4", "042100005264"),  # the spaced grouping printed under the bars
        (
            "０４２１００００５２６４",
            "042100005264",
        ),  # full-width digits pasted from a Chinese page
        ("04252614", "04252614"),  # UPC-E, 8 digits: number system, six digits, check digit
        ("0425261", "04252614"),  # UPC-E, 7 digits: the check digit is filled in
        ("425261", "04252614"),  # UPC-E, 6 digits: number system 0 implied
        ("11234562", "11234562"),  # UPC-E with number system 1
        ("036000291452", "036000291452"),  # a valid UPC-A that has no UPC-E form
    ],
)
def test_validate_accepts(value: str, expected: str) -> None:
    assert upc.validate(value) == expected
    assert upc.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error", "code", "shown"),
    [
        ("", InvalidFormat, "empty", "Empty value"),  # nothing typed
        ("04210000526A", InvalidFormat, "not_digits", "'A' at position 12"),  # a letter
        ("0421000052", InvalidLength, "length", "got 10"),  # 10 digits: neither form
        ("04210000526400", InvalidLength, "length", "got 14"),  # a GTIN-14 is not a UPC
        ("042100005263", InvalidChecksum, "checksum", "expected 4, got 3"),  # UPC-A typo
        ("04252613", InvalidChecksum, "checksum", "expected 4, got 3"),  # UPC-E typo
        ("24252614", InvalidComponent, "upc.number_system", "got '2'"),  # NS 2
        ("9425261", InvalidComponent, "upc.number_system", "got '9'"),  # 7-digit form, NS 9
    ],
)
def test_validate_rejects(value: str, error: type[TiaomaError], code: str, shown: str) -> None:
    with pytest.raises(error) as info:
        upc.validate(value)
    assert info.value.code == code
    assert shown in str(info.value)
    assert info.value.message_zh
    assert not upc.is_valid(value)


@pytest.mark.parametrize(
    ("upc_e", "upc_a"),
    [
        ("01201303", "012000000133"),  # last digit 0: manufacturer ends 000, item 00000-00999
        ("01203116", "012100000316"),  # last digit 1: manufacturer ends 100
        ("01204522", "012200000452"),  # last digit 2: manufacturer ends 200
        ("01234531", "012300000451"),  # last digit 3: manufacturer ends 300-900 + 00, item <= 99
        ("01234543", "012340000053"),  # last digit 4: manufacturer ends 0, item 00000-00009
        ("04252614", "042100005264"),  # last digit 4: biip's documented example
        ("01234558", "012345000058"),  # last digit 5: item 00005
        ("01234596", "012345000096"),  # last digit 9: item 00009
        ("11234562", "112345000062"),  # number system 1 is carried over
    ],
)
def test_expansion_and_suppression_round_trip(upc_e: str, upc_a: str) -> None:
    assert upc.to_upc_a(upc_e) == upc_a
    assert upc.to_upc_e(upc_a) == upc_e
    assert upc.to_upc_a(upc_a) == upc_a  # already UPC-A: unchanged
    assert upc.to_upc_e(upc_e) == upc_e  # already UPC-E: unchanged
    assert upc.validate(upc_e) == upc_e


@pytest.mark.parametrize(
    ("upc_a", "shown"),
    [
        ("012345678905", "manufacturer 12345 and item 67890"),  # no zeros at all
        ("012000010002", "item 01000"),  # manufacturer ends 000 but item is above 00999
        ("012300001002", "item 00100"),  # manufacturer ends 00 but item is above 00099
        ("012340000109", "item 00010"),  # manufacturer ends 0 but item is above 00009
        ("012345000034", "item 00003"),  # manufacturer ends 5, item 3 is below 5
    ],
)
def test_suppression_impossible(upc_a: str, shown: str) -> None:
    upc_a = upc_a[:11] + upc.calc_check_digit(upc_a[:11])
    with pytest.raises(InvalidComponent) as info:
        upc.to_upc_e(upc_a)
    assert info.value.code == "upc.not_suppressible"
    assert shown in str(info.value)
    assert "UPC-E" in info.value.message_zh
    assert upc.parse(upc_a).upc_e is None


def test_suppression_needs_number_system_0_or_1() -> None:
    # Number system 2 (random weight, in-store) has no UPC-E at all, zeros or not.
    with pytest.raises(InvalidComponent) as info:
        upc.to_upc_e("212345000052")
    assert info.value.code == "upc.number_system"
    parsed = upc.parse("212345000052")
    assert parsed.upc_e is None
    assert parsed.issuer is not None
    assert parsed.issuer.is_restricted_circulation


def test_non_canonical_upc_e_expands_and_keeps_its_spelling() -> None:
    # 'N AB0DE 3' expands like 'N AB DE? 0' would: GS1 only issues the canonical one, but a
    # scanner reads either; the expansion suppresses back to the canonical spelling.
    value = "0120453" + upc.calc_check_digit("0120453")
    upc_a = upc.to_upc_a(value)
    assert upc_a == "012000000454"
    assert upc.to_upc_e(upc_a) == "01204504"
    assert upc.parse(value).upc_e == value


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("04210000526", "4"),  # UPC-A body: the GS1 mod-10 check digit
        ("0425261", "4"),  # UPC-E body: the check digit of its expansion
        ("425261", "4"),  # 6-digit UPC-E body, number system 0 implied
        ("1123456", "2"),  # number system 1
    ],
)
def test_calc_check_digit(body: str, expected: str) -> None:
    assert upc.calc_check_digit(body) == expected


@pytest.mark.parametrize(
    ("body", "error", "code"),
    [
        ("0421000052", InvalidLength, "length"),  # 10 digits: no UPC body
        ("2425261", InvalidComponent, "upc.number_system"),  # UPC-E body with NS 2
        ("04x1000052", InvalidFormat, "not_digits"),  # a letter
    ],
)
def test_calc_check_digit_rejects(body: str, error: type[TiaomaError], code: str) -> None:
    with pytest.raises(error) as info:
        upc.calc_check_digit(body)
    assert info.value.code == code


def test_parse_gives_both_forms_and_parts() -> None:
    parsed = upc.parse("425261")
    assert parsed == upc.Upc(
        value="04252614",
        format=upc.UpcFormat.UPC_E,
        number_system="0",
        upc_a="042100005264",
        upc_e="04252614",
        check_digit="4",
    )
    assert (parsed.manufacturer_code, parsed.item_number) == ("42100", "00526")
    assert parsed.gtin13 == "0042100005264"
    assert parsed.issuer is not None
    assert parsed.issuer.organisation == "GS1 US"
    from_a = upc.parse("042100005264")
    assert from_a.format is upc.UpcFormat.UPC_A
    assert from_a.upc_e == "04252614"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("042100005264", "0 42100 00526 4"),  # UPC-A: N, manufacturer, item, check
        ("425261", "0 425261 4"),  # UPC-E: N, six digits, check
    ],
)
def test_format(value: str, expected: str) -> None:
    assert upc.format(value) == expected


# --- outside oracles: biip's UPC parser and python-stdnum's EAN check -----------------------

upc_e_bodies = st.builds(
    lambda system, six: system + six,
    st.sampled_from("01"),
    st.text(DIGITS, min_size=6, max_size=6),
)
upc_a_bodies = st.text(DIGITS, min_size=11, max_size=11)
# Random UPC-A bodies are almost never suppressible; expansions of random UPC-E are always.
suppressible_bodies = upc_e_bodies.map(lambda body: BiipUpc.parse(body).as_upc_a()[:11])


@given(upc_e_bodies)
def test_expansion_agrees_with_biip(body: str) -> None:
    theirs = BiipUpc.parse(body)
    assert upc.to_upc_a(body) == theirs.as_upc_a()
    assert upc.validate(body) == theirs.as_upc_e()
    assert upc.calc_check_digit(body) == str(theirs.check_digit)


@given(st.one_of(upc_a_bodies, suppressible_bodies))
def test_suppression_agrees_with_biip(body: str) -> None:
    upc_a = body + upc.calc_check_digit(body)
    try:
        expected: str | None = BiipUpc.parse(upc_a).as_upc_e()
    except EncodeError:
        expected = None
    if upc_a[0] not in "01":
        # Disagreement: biip suppresses any number system ('212345000052' -> '21234552'), a
        # UPC-E its own parser then refuses; GS1 has UPC-E for number systems 0 and 1 only.
        expected = None
    assert upc.parse(upc_a).upc_e == expected
    if expected is not None:
        assert upc.to_upc_a(upc.to_upc_e(upc_a)) == upc_a


@given(st.text(DIGITS, min_size=12, max_size=12))
def test_upc_a_validity_agrees_with_stdnum_and_biip(value: str) -> None:
    assert upc.is_valid(value) == ean.is_valid(value)
    try:
        BiipUpc.parse(value)
        biip_ok = True
    except ParseError:
        biip_ok = False
    assert upc.is_valid(value) == biip_ok


@given(st.text(DIGITS, min_size=8, max_size=8))
def test_upc_e_validity_agrees_with_biip(value: str) -> None:
    try:
        BiipUpc.parse(value)
        biip_ok = True
    except ParseError:
        biip_ok = False
    assert upc.is_valid(value) == biip_ok


# --- bad input of any kind: a library error, never another exception ---------------------------

PUBLIC_FUNCTIONS = (
    upc.validate,
    upc.parse,
    upc.format,
    upc.to_upc_a,
    upc.to_upc_e,
    upc.calc_check_digit,
)
messy_text = st.text(st.sampled_from("0123456789０９X x-: ２IBSN٣²\u3000"), max_size=20)


@given(
    st.sampled_from(PUBLIC_FUNCTIONS), st.one_of(messy_text, st.text(max_size=20), st.integers())
)
def test_bad_input_raises_only_library_errors(function: Any, value: Any) -> None:
    with contextlib.suppress(TiaomaError):
        function(value)
