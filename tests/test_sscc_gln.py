"""SSCC (18 digits) and GLN (13 digits): validation, parts, errors; biip as the oracle."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from biip import ParseError
from biip.gln import Gln as BiipGln
from biip.sscc import Sscc as BiipSscc
from hypothesis import given
from hypothesis import strategies as st

from tiaoma import gln, sscc
from tiaoma.errors import InvalidChecksum, InvalidFormat, InvalidLength, TiaomaError

DIGITS = "0123456789"

# biip ships GS1's company-prefix table of October 2025, tiaoma the one of 2021-09-14
# (oracles.md): in China these blocks changed in between, so their prefix lengths may differ.
# 6914081: a 7-digit block in 2021, unlisted in 2025; 6961-6969: 8 digits in 2021, re-allocated
# since; 698, 699: no length in 2021, 12 digits (one GTIN per allocation) in 2025.
CHANGED_CHINA_BLOCKS = ("6914081", *(f"696{d}" for d in "123456789"), "698", "699")


def _changed_block(digits13: str) -> bool:
    return digits13.startswith(CHANGED_CHINA_BLOCKS)


# --- SSCC --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("106141411234567897", "106141411234567897"),  # GS1 GenSpecs' example SSCC (US prefix)
        ("(00) 1 0614141 123456789 7", None),  # written with its AI: '(' is not a digit
        ("0 69369838 00000001 3", "069369838000000013"),  # spaced HRI, Chinese company prefix
        (
            "３６９３６９８３８０００００００１４",
            "369369838000000014",
        ),  # full-width, extension digit 3
    ],
)
def test_sscc_validate(value: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(InvalidFormat):
            sscc.validate(value)
        return
    assert sscc.validate(value) == expected
    assert sscc.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error", "code", "shown"),
    [
        ("", InvalidFormat, "empty", "expected an SSCC"),  # nothing typed
        ("10614141123456789A", InvalidFormat, "not_digits", "'A' at position 18"),  # letter
        ("6936983800013", InvalidLength, "length", "expected 18 digits, got 13"),  # a GTIN-13
        ("1061414112345678970", InvalidLength, "length", "got 19"),  # one digit too many
        ("106141411234567890", InvalidChecksum, "checksum", "expected 7, got 0"),  # typo
    ],
)
def test_sscc_rejects(value: str, error: type[TiaomaError], code: str, shown: str) -> None:
    with pytest.raises(error) as info:
        sscc.validate(value)
    assert info.value.code == code
    assert shown in str(info.value)
    assert not sscc.is_valid(value)


def test_sscc_parse_splits_company_prefix_after_extension_digit() -> None:
    parsed = sscc.parse("069369838000000013")
    assert parsed.extension_digit == "0"
    assert parsed.company_prefix == "69369838"  # looked up on digits 2-14, as for a GTIN-13
    assert parsed.serial_reference == "00000001"
    assert parsed.check_digit == "3"
    assert parsed.issuer is not None
    assert parsed.issuer.organisation_zh == "中国物品编码中心"


def test_sscc_without_company_prefix_keeps_one_group() -> None:
    # Prefix 977 (ISSN) has no company prefix in GS1's table: format cannot split it.
    body = "0977000000000001"
    number = body + "0" + sscc.calc_check_digit(body + "0")
    parsed = sscc.parse(number)
    assert parsed.company_prefix is None
    assert parsed.serial_reference is None
    assert sscc.format(number) == f"0 {number[1:17]} {number[17]}"


def test_sscc_format_and_check_digit() -> None:
    assert sscc.format("106141411234567897") == "1 0614141 123456789 7"
    assert sscc.calc_check_digit("1 0614141 12345678 9") == "7"
    with pytest.raises(InvalidLength):
        sscc.calc_check_digit("106141411234567897")  # 18 digits: already has its check digit


# --- GLN ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6936983800013", "6936983800013"),  # seed 001's number, read as a location
        ("5 412345 000013", "5412345000013"),  # the EAN-13 grouping with spaces
    ],
)
def test_gln_validate(value: str, expected: str) -> None:
    assert gln.validate(value) == expected
    assert gln.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error", "code", "shown"),
    [
        ("", InvalidFormat, "empty", "expected a GLN"),  # nothing typed
        ("69369838000１X", InvalidFormat, "not_digits", "'X' at position 13"),  # a letter
        ("693698380001", InvalidLength, "length", "expected 13 digits, got 12"),  # too short
        ("6936983800010", InvalidChecksum, "checksum", "expected 3, got 0"),  # typo
    ],
)
def test_gln_rejects(value: str, error: type[TiaomaError], code: str, shown: str) -> None:
    with pytest.raises(error) as info:
        gln.validate(value)
    assert info.value.code == code
    assert shown in str(info.value)
    assert not gln.is_valid(value)


@pytest.mark.parametrize(
    ("value", "company_prefix", "reference", "formatted"),
    [
        ("6936983800013", "69369838", "0001", "69369838 0001 3"),  # 693: 8-digit prefix
        ("6901028000007", "6901028000", "00", "6901028000 00 0"),  # 6901028: 10-digit prefix
    ],
)
def test_gln_parse_and_format(
    value: str, company_prefix: str, reference: str, formatted: str
) -> None:
    value = value[:12] + gln.calc_check_digit(value[:12])
    formatted = formatted[:-1] + value[-1]
    parsed = gln.parse(value)
    assert (parsed.company_prefix, parsed.location_reference) == (company_prefix, reference)
    assert gln.format(value) == formatted


def test_gln_without_company_prefix() -> None:
    # Prefix 20-29 (restricted circulation) has no company prefix: the 13 digits stay whole.
    value = "200000000000" + gln.calc_check_digit("200000000000")
    assert gln.parse(value).company_prefix is None
    assert gln.format(value) == value
    with pytest.raises(InvalidLength):
        gln.calc_check_digit("20000")


def test_gln_with_twelve_digit_company_prefix_has_empty_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A 12-digit company prefix (a one-number allocation) leaves no location reference digits.
    monkeypatch.setattr("tiaoma.prefixes.company_prefix_length", lambda digits: 12)
    value = "690123456789" + gln.calc_check_digit("690123456789")
    assert gln.parse(value).location_reference == ""
    assert gln.format(value) == f"690123456789 {value[-1]}"


# --- outside oracle: biip ----------------------------------------------------------------------


def _biip_accepts(parser: Callable[[str], object], value: str) -> bool:
    try:
        parser(value)
    except ParseError:
        return False
    return True


@given(st.text(DIGITS, min_size=18, max_size=18))
def test_sscc_validity_agrees_with_biip(value: str) -> None:
    assert sscc.is_valid(value) == _biip_accepts(BiipSscc.parse, value)


@given(st.text(DIGITS, min_size=17, max_size=17))
def test_sscc_check_digit_agrees_with_biip(body: str) -> None:
    number = body + sscc.calc_check_digit(body)
    assert BiipSscc.parse(number).check_digit == int(number[-1])


china_sscc_bodies = st.builds(
    lambda ext, block, rest: ext + block + rest,
    st.sampled_from(DIGITS),
    st.sampled_from(["690", "691", "692", "693", "694", "695", "696", "697"]),
    st.text(DIGITS, min_size=13, max_size=13),
)


@given(china_sscc_bodies)
def test_sscc_parts_agree_with_biip(body: str) -> None:
    number = body + sscc.calc_check_digit(body)
    ours, theirs = sscc.parse(number), BiipSscc.parse(number)
    assert ours.extension_digit == str(theirs.extension_digit)
    their_prefix = theirs.company_prefix.value if theirs.company_prefix else None
    if not _changed_block(number[1:14]):
        assert ours.company_prefix == their_prefix
        assert sscc.format(number) == theirs.as_hri()


@given(st.text(DIGITS, min_size=13, max_size=13))
def test_gln_validity_agrees_with_biip(value: str) -> None:
    assert gln.is_valid(value) == _biip_accepts(BiipGln.parse, value)


@given(
    st.builds(
        lambda block, rest: block + rest,
        st.sampled_from(["690", "691", "692", "693", "694", "695", "696", "697"]),
        st.text(DIGITS, min_size=9, max_size=9),
    )
)
def test_gln_company_prefix_agrees_with_biip(body: str) -> None:
    number = body + gln.calc_check_digit(body)
    theirs = BiipGln.parse(number)
    assert str(theirs.check_digit) == number[-1]
    if not _changed_block(number):
        their_prefix = theirs.company_prefix.value if theirs.company_prefix else None
        assert gln.parse(number).company_prefix == their_prefix


# --- bad input of any kind: a library error, never another exception ---------------------------

PUBLIC_FUNCTIONS = (
    sscc.validate,
    sscc.parse,
    sscc.format,
    sscc.calc_check_digit,
    gln.validate,
    gln.parse,
    gln.format,
    gln.calc_check_digit,
)
messy_text = st.text(st.sampled_from("0123456789０９X x-: ２IBSN٣²\u3000"), max_size=20)


@given(
    st.sampled_from(PUBLIC_FUNCTIONS), st.one_of(messy_text, st.text(max_size=20), st.integers())
)
def test_bad_input_raises_only_library_errors(function: Any, value: Any) -> None:
    with contextlib.suppress(TiaomaError):
        function(value)
