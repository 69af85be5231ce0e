"""ISBN and ISSN with their EAN-13 forms and add-ons; python-stdnum as the oracle."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import ean
from stdnum import isbn as std_isbn
from stdnum import issn as std_issn

from tiaoma import isbn, issn
from tiaoma.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    TiaomaError,
)

DIGITS = "0123456789"

# --- ISBN --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9787111213826", "9787111213826"),  # ISBN-13, a Chinese book (group 7)
        ("978-7-111-21382-6", "9787111213826"),  # hyphenated as printed on the copyright page
        ("ISBN 978-7-111-21382-6", "9787111213826"),  # with its label
        ("ISBN-13：978-7-111-21382-6", "9787111213826"),  # label with a full-width colon
        ("７-１１１-２１３８２-３", "7111213823"),  # ISBN-10 in full-width digits
        ("0-8044-2957-x", "080442957X"),  # ISBN-10 check character X, typed in lower case
        ("9787111213826 52499", "978711121382652499"),  # 5-digit price add-on after a space
        ("978711121382605", "978711121382605"),  # 2-digit add-on run together
        ("9791032300824", "9791032300824"),  # 979-10 (France): an ISBN-13 without ISBN-10
    ],
)
def test_isbn_validate(value: str, expected: str) -> None:
    assert isbn.validate(value) == expected
    assert isbn.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error", "code", "shown"),
    [
        ("", InvalidFormat, "empty", "expected an ISBN"),  # nothing typed
        ("ISBN", InvalidFormat, "empty", "expected an ISBN"),  # a label without a number
        ("97871112138", InvalidLength, "length", "got 11"),  # neither 10 nor 13
        ("97871112138265249", InvalidLength, "length", "got 17"),  # a 4-digit "add-on"
        ("711121382Y", InvalidFormat, "check_char", "expected a digit or X"),  # bad last char
        ("71112X3823", InvalidFormat, "not_digits", "'X' at position 6"),  # X inside the body
        ("7111213824", InvalidChecksum, "checksum", "expected 3, got 4"),  # ISBN-10 typo
        ("9787111213825", InvalidChecksum, "checksum", "expected 6, got 5"),  # ISBN-13 typo
        ("978711121382A", InvalidFormat, "not_digits", "position 13"),  # X is ISBN-10 only
        ("9771671216014", InvalidComponent, "isbn.prefix", "expected 978 or 979"),  # an ISSN
        ("9790123456785", InvalidComponent, "isbn.ismn", "979-0 (ISMN"),  # printed music
        ("9787111213826 5249X", InvalidFormat, "not_digits", "position 18"),  # bad add-on
        ("7111213823 52499", InvalidChecksum, "checksum", "'7111213823524'"),  # add-ons follow
        # EAN-13 only, so 15 characters are read as 13 + 2 and the 13 fail their check digit
    ],
)
def test_isbn_rejects(value: str, error: type[TiaomaError], code: str, shown: str) -> None:
    with pytest.raises(error) as info:
        isbn.validate(value)
    assert info.value.code == code
    assert shown in str(info.value)
    assert info.value.message_zh
    assert not isbn.is_valid(value)


def test_isbn_conversions() -> None:
    assert isbn.to_isbn13("7-111-21382-3") == "9787111213826"
    assert isbn.to_isbn13("9787111213826 52499") == "9787111213826"  # the add-on is not an ISBN
    assert isbn.to_isbn10("9787111213826") == "7111213823"
    assert isbn.to_isbn10("080442957X") == "080442957X"
    assert isbn.to_isbn13("080442957X") == "9780804429573"


def test_isbn_979_has_no_isbn10() -> None:
    with pytest.raises(InvalidComponent) as info:
        isbn.to_isbn10("979-10-323-0082-4")
    assert info.value.code == "isbn.no_isbn10"
    assert "expected prefix 978, got '979'" in str(info.value)
    assert "978" in info.value.message_zh


def test_isbn_parse() -> None:
    book = isbn.parse("9787111213826 52499")
    assert book == isbn.Isbn(
        value="9787111213826",
        format=isbn.IsbnFormat.ISBN_13,
        isbn13="9787111213826",
        isbn10="7111213823",
        check_digit="6",
        addon="52499",
    )
    assert (book.prefix, book.ean13) == ("978", "9787111213826")
    old = isbn.parse("080442957X")
    assert (old.format, old.check_digit, old.isbn13) == (
        isbn.IsbnFormat.ISBN_10,
        "X",
        "9780804429573",
    )
    assert isbn.parse("9791032300824").isbn10 is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9787111213826", "978-711121382-6"),  # prefix, body, check
        ("7111213823", "711121382-3"),  # ISBN-10: body, check
        ("978711121382605", "978-711121382-6 05"),  # the add-on after a space
    ],
)
def test_isbn_format(value: str, expected: str) -> None:
    assert isbn.format(value) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("711121382", "3"),  # ISBN-10 body
        ("080442957", "X"),  # a remainder of 10 is written X
        ("978711121382", "6"),  # ISBN-13 body: GS1 mod 10
    ],
)
def test_isbn_calc_check_digit(body: str, expected: str) -> None:
    assert isbn.calc_check_digit(body) == expected


def test_isbn_calc_check_digit_rejects_other_lengths() -> None:
    with pytest.raises(InvalidLength):
        isbn.calc_check_digit("9787111213826")


# --- ISSN --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1671-2161", "16712161"),  # the ISSN of seed 004's example
        ("ISSN 1671-2161", "16712161"),  # with its label
        ("2434-561x", "2434561X"),  # check character X in lower case
        ("9771671216014", "9771671216014"),  # seed 004: 977167121601X, X = 4
        ("9771671216014 05", "977167121601405"),  # 2-digit add-on: issue 05
        ("977167121601405", "977167121601405"),  # the same run together
        ("9771671216014 12345", "977167121601412345"),  # 5-digit add-on
        ("９７７１６７１２１６０１４", "9771671216014"),  # full-width digits
    ],
)
def test_issn_validate(value: str, expected: str) -> None:
    assert issn.validate(value) == expected
    assert issn.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error", "code", "shown"),
    [
        ("", InvalidFormat, "empty", "expected an ISSN"),  # nothing typed
        ("1671-2162", InvalidChecksum, "checksum", "expected 1, got 2"),  # ISSN typo
        ("167A-2161", InvalidFormat, "not_digits", "'A' at position 4"),  # a letter
        ("1671216Y", InvalidFormat, "check_char", "expected a digit or X"),  # bad last char
        ("9771671216015", InvalidChecksum, "checksum", "expected 4, got 5"),  # EAN typo
        ("9781671216013", InvalidComponent, "issn.prefix", "expected 977"),  # an ISBN prefix
        ("97716712160A4", InvalidFormat, "not_digits", "position 12"),  # letter in the EAN
        ("16712161 05", InvalidLength, "length", "got 10"),  # add-ons follow the EAN-13 only
        ("97716712160140", InvalidLength, "length", "got 14"),  # one digit too many
        ("9771671216014 0X", InvalidFormat, "not_digits", "position 15"),  # bad add-on
    ],
)
def test_issn_rejects(value: str, error: type[TiaomaError], code: str, shown: str) -> None:
    with pytest.raises(error) as info:
        issn.validate(value)
    assert info.value.code == code
    assert shown in str(info.value)
    assert not issn.is_valid(value)


def test_issn_conversions() -> None:
    assert issn.to_ean13("1671-2161") == "9771671216007"  # default variant 00
    assert issn.to_ean13("1671-2161", variant="01") == "9771671216014"  # seed 004
    assert issn.to_ean13("9771671216014 05") == "9771671216014"  # keeps its variant
    assert issn.to_ean13("9771671216014", variant="02") == "9771671216021"
    assert issn.from_ean13("9771671216014 05") == "16712161"
    assert issn.from_ean13("2434-561X") == "2434561X"


@pytest.mark.parametrize("variant", ["1", "001", "0A", "０１"])  # not two ASCII digits
def test_issn_variant_must_be_two_digits(variant: str) -> None:
    with pytest.raises(InvalidFormat) as info:
        issn.to_ean13("16712161", variant=variant)
    assert info.value.code == "issn.variant"


@pytest.mark.parametrize(
    ("function", "args", "kwargs", "shown"),
    [
        # The reviewer's case: an int variant raised TypeError; 1 is not "01", so no guessing.
        (issn.to_ean13, ("1671-2161",), {"variant": 1}, "got int"),
        (issn.to_ean13, ("1671-2161",), {"variant": True}, "got bool"),  # a flag, not a variant
        (issn.to_ean13, ("1671-2161",), {"variant": b"01"}, "got bytes"),  # undecoded bytes
        # Numbers where text is expected: leading zeros and the check character X would be lost.
        (issn.to_ean13, (16712161,), {}, "got int"),
        (issn.from_ean13, (9771671216014,), {}, "got int"),
        (issn.validate, (16712161,), {}, "got int"),
        (issn.parse, (16712161,), {}, "got int"),
        (issn.format, (16712161,), {}, "got int"),
        (issn.calc_check_digit, (1671216,), {}, "got int"),
        (issn.compact, (16712161,), {}, "got int"),
        (isbn.validate, (9787111213826,), {}, "got int"),
        (isbn.parse, (9787111213826,), {}, "got int"),
        (isbn.format, (9787111213826,), {}, "got int"),
        (isbn.to_isbn10, (9787111213826,), {}, "got int"),
        (isbn.to_isbn13, (7111213823,), {}, "got int"),
        (isbn.calc_check_digit, (711121382,), {}, "got int"),
        (isbn.compact, (9787111213826,), {}, "got int"),
        # split_addon is public too, and raised TypeError on len() of an int.
        (isbn.split_addon, (977167121601405,), {}, "got int"),
    ],
)
def test_not_text_is_refused(
    function: Any, args: tuple[Any, ...], kwargs: dict[str, Any], shown: str
) -> None:
    with pytest.raises(InvalidFormat) as info:
        function(*args, **kwargs)
    assert info.value.code == "not_text"
    assert shown in str(info.value)
    assert info.value.message_zh


def test_issn_parse() -> None:
    serial = issn.parse("9771671216014 05")
    assert serial == issn.Issn(
        value="9771671216014",
        format=issn.IssnFormat.EAN_13,
        issn="16712161",
        ean13="9771671216014",
        variant="01",
        addon="05",
    )
    assert serial.check_digit == "1"
    bare = issn.parse("2434-561X")
    assert (bare.format, bare.ean13, bare.variant, bare.check_digit) == (
        issn.IssnFormat.ISSN,
        None,
        None,
        "X",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("16712161", "1671-2161"),  # the standard presentation, ISO 3297
        ("9771671216014", "977 1671216 01 4"),  # prefix, ISSN digits, variant, check
        ("9771671216014 05", "977 1671216 01 4 05"),  # with the add-on
    ],
)
def test_issn_format(value: str, expected: str) -> None:
    assert issn.format(value) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("1671216", "1"),  # ISSN body
        ("2434561", "X"),  # a remainder of 10 is written X
        ("977167121601", "4"),  # seed 004's worked example
    ],
)
def test_issn_calc_check_digit(body: str, expected: str) -> None:
    assert issn.calc_check_digit(body) == expected


def test_issn_calc_check_digit_rejects_other_lengths() -> None:
    with pytest.raises(InvalidLength):
        issn.calc_check_digit("16712161")


# --- outside oracle: python-stdnum -------------------------------------------------------------

isbn10_like = st.builds(
    lambda body, last: body + last,
    st.text(DIGITS, min_size=9, max_size=9),
    st.sampled_from(DIGITS + "X"),
)
bookland_like = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["978", "979", "977", "690"]),
    st.text(DIGITS, min_size=10, max_size=10),
)


@given(st.one_of(isbn10_like, bookland_like, st.text(DIGITS, min_size=13, max_size=13)))
def test_isbn_validity_agrees_with_stdnum(value: str) -> None:
    if value.startswith("9790"):
        # Disagreement: stdnum takes 979-0 for an ISBN; it is the ISMN range (printed music).
        assert not isbn.is_valid(value)
        return
    assert isbn.is_valid(value) == std_isbn.is_valid(value)


@given(st.text(DIGITS, min_size=9, max_size=9))
def test_isbn_conversions_agree_with_stdnum(body: str) -> None:
    isbn10 = body + isbn.calc_check_digit(body)
    assert std_isbn.is_valid(isbn10)
    isbn13 = isbn.to_isbn13(isbn10)
    assert isbn13 == std_isbn.to_isbn13(isbn10)
    assert isbn.to_isbn10(isbn13) == std_isbn.to_isbn10(isbn13) == isbn10


@given(
    st.sampled_from(["978", "979"]),
    st.text(DIGITS, min_size=9, max_size=9),
    st.sampled_from([2, 5]),
    st.data(),
)
def test_isbn_with_addon_agrees_with_stdnum(
    prefix: str, body: str, addon_length: int, data: st.DataObject
) -> None:
    assume(not (prefix + body).startswith("9790"))
    isbn13 = prefix + body + ean.calc_check_digit(prefix + body)
    addon = data.draw(st.text(DIGITS, min_size=addon_length, max_size=addon_length))
    book = isbn.parse(f"{isbn13} {addon}")
    assert (book.isbn13, book.addon) == (std_isbn.to_isbn13(isbn13), addon)
    expected10 = std_isbn.to_isbn10(isbn13) if prefix == "978" else None
    assert book.isbn10 == expected10


issn_like = st.builds(
    lambda body, last: body + last,
    st.text(DIGITS, min_size=7, max_size=7),
    st.sampled_from(DIGITS + "X"),
)


@given(issn_like)
def test_issn_validity_agrees_with_stdnum(value: str) -> None:
    assert issn.is_valid(value) == std_issn.is_valid(value)
    assert issn.calc_check_digit(value[:7]) == std_issn.calc_check_digit(value[:7])


@given(st.text(DIGITS, min_size=7, max_size=7), st.text(DIGITS, min_size=2, max_size=2))
def test_issn_ean_agrees_with_stdnum(body: str, variant: str) -> None:
    value = body + std_issn.calc_check_digit(body)
    ean13 = issn.to_ean13(value, variant=variant)
    assert ean13 == std_issn.to_ean(value, variant)
    assert ean.is_valid(ean13)
    assert issn.from_ean13(ean13) == value
    assert issn.parse(ean13).variant == variant


@given(st.builds(lambda rest: "977" + rest, st.text(DIGITS, min_size=10, max_size=10)))
def test_issn_ean_validity_agrees_with_stdnum_ean(value: str) -> None:
    assert issn.is_valid(value) == ean.is_valid(value)


# --- bad input of any kind: a library error, never another exception ---------------------------

PUBLIC_FUNCTIONS = (
    isbn.validate,
    isbn.parse,
    isbn.format,
    isbn.to_isbn10,
    isbn.to_isbn13,
    isbn.calc_check_digit,
    isbn.split_addon,
    issn.validate,
    issn.parse,
    issn.format,
    issn.to_ean13,
    issn.from_ean13,
    issn.calc_check_digit,
)
messy_text = st.text(st.sampled_from("0123456789０９X x-: ２IBSN٣²\u3000"), max_size=20)


@given(
    st.sampled_from(PUBLIC_FUNCTIONS),
    st.one_of(messy_text, st.text(max_size=20), st.integers(), st.just(10**5000), st.none()),
)
def test_bad_input_raises_only_library_errors(function: Any, value: Any) -> None:
    with contextlib.suppress(TiaomaError):
        function(value)


@given(st.one_of(st.integers(), st.just(10**5000), st.none(), st.binary(max_size=2), messy_text))
def test_any_variant_gives_an_ean13_or_a_library_error(variant: Any) -> None:
    with contextlib.suppress(TiaomaError):
        issn.to_ean13("1671-2161", variant=variant)
