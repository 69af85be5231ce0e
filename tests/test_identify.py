"""identify: any code a person pastes, told apart; describe: the rows `tiaoma info` prints."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaoma import checksum, describe, identify
from tiaoma.errors import InvalidChecksum, InvalidFormat, InvalidLength, TiaomaError

GS = "\x1d"


@pytest.mark.parametrize(
    ("value", "kind", "canonical"),
    [
        ("6936983800013", "gtin", "6936983800013"),  # seed 001
        ("６９３６９８３８０００１３", "gtin", "6936983800013"),  # full-width, pasted
        ("69012341" if checksum.is_valid("69012341") else "69012348", "gtin", None),  # EAN-8
        ("012345678905", "gtin", "012345678905"),  # UPC-A is a GTIN-12
        ("16936983800010", "gtin", "16936983800010"),  # a case's GTIN-14
        ("9771671216014", "issn", "9771671216014"),  # seed 004's number is an ISSN EAN-13
        ("9771671216014 05", "issn", "977167121601405"),  # with its issue-number add-on
        ("1671-2161", "issn", "16712161"),  # an ISSN as printed on a journal
        ("9787111213826", "isbn", "9787111213826"),
        ("978-7-111-21382-6 52499", "isbn", "978711121382652499"),  # price add-on
        ("7111213823", "isbn", "7111213823"),  # ISBN-10
        ("04252614", "upc_e", "04252614"),  # eight digits: not a GTIN-8, a UPC-E
        ("2112345912349", "in_store", "2112345912349"),  # 店内码
        ("106141411234567897", "sscc", "106141411234567897"),
        ("(01)06936983800013(17)261231", "element_string", "(01)06936983800013(17)261231"),
        ("（01）06936983800013", "element_string", "(01)06936983800013"),  # full-width brackets
        (f"]C10196901234567895{GS}3202000150", "element_string", None),  # scanner output
        ("010693698380001317261231", "element_string", "(01)06936983800013(17)261231"),  # raw
        ("01069369838000131726123110ABC", "element_string", None),  # raw, with letters
        ("https://id.gs1.org/01/06936983800013/10/ABC?17=261231", "digital_link", None),
        ("HTTPS://example.com/01/06936983800013", "digital_link", None),
    ],
)
def test_kinds(value: str, kind: str, canonical: str | None) -> None:
    found = identify.identify(value)
    assert found.kind == kind
    if canonical is not None:
        assert found.canonical == canonical
    assert identify.is_valid(value)
    rows = describe.rows(found)
    assert rows[0][0] == "type"
    assert all(label and text for label, text in rows)


def test_eight_digits_prefer_gtin8_then_issn_then_upc_e() -> None:
    issn_only = next(
        f"{n:07d}" + c
        for n in range(1_000_000, 2_000_000)
        for c in [_issn_check(f"{n:07d}")]
        if not checksum.is_valid(f"{n:07d}" + c) and c != "X"
    )
    assert identify.identify(issn_only).kind == "issn"


def _issn_check(body: str) -> str:
    total = sum(int(d) * w for d, w in zip(body, range(8, 1, -1), strict=True))
    check = -total % 11
    return "X" if check == 10 else str(check)


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        ("", InvalidFormat, "empty"),
        # Six or seven digits: a UPC-E without its check digit cannot be verified.
        ("425261", InvalidLength, "upc_e.no_check_digit"),
        ("1999999", InvalidLength, "upc_e.no_check_digit"),
        ("   ", InvalidFormat, "empty"),
        ("hello", InvalidFormat, "unrecognised"),
        ("6936983800010", InvalidChecksum, "checksum"),  # GTIN with a wrong check digit
        ("69369838OOO13", InvalidFormat, "not_digits"),  # letter O typed for zero
        ("693698380", InvalidLength, "length"),  # nine digits: a GTIN missing digits
        ("12345", InvalidLength, "length"),
        ("711121382X", InvalidChecksum, None),  # ISBN-10 whose check character is wrong
        ("1671216X", None, None),  # an ISSN with a wrong check character
        ("(99)", None, None),  # truncated element string
        ("(01)06936983800010", InvalidChecksum, None),
        ("https://id.gs1.org/10/ABC", None, None),  # a qualifier without a primary key
        ("\x00\x01\x02", InvalidFormat, "unrecognised"),  # binary garbage
        ("6" * 1_000_000, None, None),  # a megabyte of digits
        ("978711121382652499123", InvalidLength, "length"),  # 21 digits: not an add-on form
        # Long digits are an element string only after a predefined-length AI: not (97) data.
        ("999999999999999999999", InvalidLength, "length"),
        ("99ABCDEFGHIJKLMNOPQRS", InvalidFormat, "unrecognised"),
    ],
)
def test_bad_input(value: str, error: type[Exception] | None, code: str | None) -> None:
    with pytest.raises(error or TiaomaError) as raised:
        identify.identify(value)
    assert isinstance(raised.value, TiaomaError)
    if code is not None:
        assert raised.value.code == code
    assert len(str(raised.value)) < 400
    assert not identify.is_valid(value)


def test_not_text() -> None:
    with pytest.raises(InvalidFormat, match="Expected text"):
        identify.identify(6936983800013)  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_any_text_gives_a_result_or_a_tiaoma_error(value: str) -> None:
    # The promise to the command line and the hall: nonsense never raises anything else.
    with contextlib.suppress(TiaomaError):
        identify.identify(value)


@given(st.text("0123456789", min_size=1, max_size=24))
def test_any_digits_give_a_result_or_a_tiaoma_error(value: str) -> None:
    try:
        found = identify.identify(value)
    except TiaomaError:
        return
    assert describe.rows(found)


def test_describe_gtin_rows() -> None:
    rows = dict(describe.rows(identify.identify("16936983800010")))
    assert rows["indicator"] == "1 (packaging level; 指示符)"
    rows = dict(describe.rows(identify.identify("9" + "693698380001" + "6")))
    assert rows["indicator"].startswith("9 (variable measure")
    rows = dict(
        describe.rows(
            identify.identify("69012341" if checksum.is_valid("69012341") else "69012348")
        )
    )
    assert "assigned one by one" in rows["item code"]
    # 6961: a block GS1's 2025 table leaves without a company-prefix length (698 has 12 now)
    unknown = "696100000000" + checksum.calc_check_digit("696100000000")
    assert dict(describe.rows(identify.identify(unknown)))["company prefix"].startswith("none")
    unallocated = "14000000000" + checksum.calc_check_digit("14000000000")
    rows = dict(describe.rows(identify.identify("0" + unallocated)))
    assert rows["type"]


def test_describe_other_kinds() -> None:
    book = "979100000000" + checksum.calc_check_digit("979100000000")  # 979-0 is ISMN, not ISBN
    rows = dict(describe.rows(identify.identify(book)))
    assert rows["type"].startswith("ISBN")
    assert dict(describe.rows(identify.identify("16712161")))["ISSN"] == "1671-2161"
    rows = dict(describe.rows(identify.identify("(400)ORDER123")))
    assert "Digital Link" not in rows  # no primary key, no URI
    rows = dict(describe.rows(identify.identify("(01)06936983800013")))
    assert rows["Digital Link"] == "https://id.gs1.org/01/06936983800013"
    sscc = "0" + "000000000000000000"[:16]
    sscc += checksum.calc_check_digit(sscc)
    assert dict(describe.rows(identify.identify(sscc)))["company prefix"]


def test_eight_digits_starting_0_or_1_prefer_upc_e() -> None:
    from tiaoma import gtin, upc

    both = next(
        value
        for n in range(100_000)
        for value in [upc.validate(f"0{n:06d}")]
        if gtin.is_valid(value)
    )
    assert identify.identify(both).kind == "upc_e"


def test_describe_twelve_digit_company_prefix() -> None:
    from tiaoma import prefixes

    block = next(p for p, n in prefixes._gcp_lengths().items() if n == 12 and p[0] != "0")
    body = block.ljust(12, "0")
    rows = dict(describe.rows(identify.identify(body + checksum.calc_check_digit(body))))
    assert rows["item reference"].startswith("none: a 12-digit company prefix is one GTIN")


# ISO/IEC 15424 symbology identifiers settle what the digits cannot (issue 24, item 5): zxing-cpp's
# sample of an EAN-13 + 5-digit add-on, 978039305867352595, was reported as an SSCC of GS1 Chile.
@pytest.mark.parametrize(
    ("value", "identifier", "kind", "main", "addon"),
    [
        ("978039305867352595", "]E3", "isbn", "9780393058673", "52595"),  # zxing-cpp's sample
        ("]E3978039305867352595", None, "isbn", "9780393058673", "52595"),  # as a scanner sends it
        ("690123456789212", "]E3", "gtin", "6901234567892", "12"),
        ("001234500006512", "]E3", "gtin", "0012345000065", "12"),  # UPC-E, expanded by the reader
        ("0123456512", "]E3", "upc_e", "01234565", "12"),  # UPC-E as printed, 2-digit add-on
        ("001234567890512345", "]E3", "gtin", "0012345678905", "12345"),
        ("977167121601405", "]E3", "issn", "9771671216014", "05"),
        ("979023067118752595", "]E3", "ismn", "9790230671187", "52595"),
        ("69012341", "]E4", "gtin", "69012341", None),  # an EAN-8, never an ISSN
        ("01234565", "]E0", "upc_e", "01234565", None),
        ("0106901234567892", "]C1", "element_string", "(01)06901234567892", None),
        ("(01)06901234567892", "]e0", "element_string", "(01)06901234567892", None),
        ("6901234567892", "]A0", "gtin", "6901234567892", None),  # Code 39: guessed as before
    ],
)
def test_symbology_identifier_decides(
    value: str, identifier: str | None, kind: str, main: str, addon: str | None
) -> None:
    found = identify.identify(value, symbology_identifier=identifier)
    assert (found.kind, found.addon) == (kind, addon)
    assert found.canonical == main + (addon or "")
    value_of = getattr(found.parsed, "value", None)
    assert value_of == main or found.kind == "element_string"


def test_without_an_identifier_18_digits_stay_an_sscc() -> None:
    # Digits alone: an SSCC with a right check digit is the likelier reading of 18 digits.
    assert identify.identify("978039305867352595").kind == "sscc"


def test_an_addon_read_of_a_wrong_length_is_refused() -> None:
    with pytest.raises(InvalidLength, match=r"read as an EAN/UPC with an add-on \(\]E3\)"):
        identify.identify("6901234567892123", symbology_identifier="]E3")
