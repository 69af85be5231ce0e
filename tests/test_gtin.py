"""GTIN-8/12/13/14: seed examples, table-driven cases, and agreement with python-stdnum and biip."""

from __future__ import annotations

from importlib import resources

import biip
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import ean

from tiaoma import checksum, gtin
from tiaoma.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from tiaoma.gtin import GtinFormat, GtinKind

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def with_check(body: str) -> str:
    return body + checksum.calc_check_digit(body)


@pytest.mark.parametrize(
    ("number", "company_prefix", "item_reference", "organisation"),
    [
        # Seed 001's worked example: 693 · 69838 · 0001 · 3, an 8-digit company prefix.
        ("6936983800013", "69369838", "0001", "GS1 China"),
        # 690/691 blocks: 7-digit company prefixes, 5-digit item references.
        ("6901234567892", "6901234", "56789", "GS1 China"),
        (with_check("691234567890"), "6912345", "67890", "GS1 China"),
        # 6901028 is the one 10-digit block inside 690 (GS1's table; domain.md 2.1).
        (with_check("690102812345"), "6901028123", "45", "GS1 China"),
        # 697: 9-digit company prefixes, 3-digit item references.
        (with_check("697123456789"), "697123456", "789", "GS1 China"),
        # 489 Hong Kong and 471 Chinese Taipei are not GS1 China (domain.md 2.1).
        (with_check("489123456789"), None, None, "GS1 Hong Kong, China"),
        # A UPC-A number: the company prefix keeps the GTIN-13 form's leading zero, as biip's.
        ("614141000036", "0614141", "00003", "GS1 US"),
        # GTIN-14: the indicator sits in front; the item reference leaves it out.
        ("16936983800010", "69369838", "0001", "GS1 China"),
    ],
)
def test_parse_structure(
    number: str, company_prefix: str | None, item_reference: str | None, organisation: str
) -> None:
    parsed = gtin.parse(number)
    assert parsed.issuer is not None
    assert parsed.issuer.organisation == organisation
    if company_prefix is not None:
        assert parsed.company_prefix == company_prefix
        assert parsed.item_reference == item_reference
    assert parsed.check_digit == number[-1]


def test_hong_kong_company_prefix_comes_from_the_table() -> None:
    # 489's lengths vary by block; whatever the table says, the parts must add up to 12 digits.
    parsed = gtin.parse(with_check("489123456789"))
    assert parsed.company_prefix is not None
    assert parsed.item_reference is not None
    assert len(parsed.company_prefix) + len(parsed.item_reference) == 12


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("6936983800013", GtinKind.TRADE_ITEM),
        # 20-29: in-store codes (店内码) for goods a shop weighs or prices itself (GB/T 18283).
        (with_check("200123400150"), GtinKind.RESTRICTED_CIRCULATION),
        (with_check("291234500998"), GtinKind.RESTRICTED_CIRCULATION),
        # Seed 004's check-digit example is an ISSN EAN-13.
        ("9771671216014", GtinKind.ISSN),
        (with_check("978711121382"), GtinKind.ISBN),
        (with_check("979100000000"), GtinKind.ISBN),
        (with_check("980000000000"), GtinKind.REFUND_RECEIPT),
        (with_check("981000000000"), GtinKind.COUPON),
        (with_check("952000000000"), GtinKind.DEMONSTRATION),
    ],
)
def test_kind(number: str, kind: GtinKind) -> None:
    assert gtin.parse(number).kind is kind
    assert kind.english
    assert kind.chinese


def test_gtin8_from_977_is_not_an_issn() -> None:
    # ISSN/ISBN/refund meanings belong to the GTIN-13 prefixes; a GTIN-8 is a GS1-8 number.
    assert gtin.parse(with_check("9770000")).kind is GtinKind.TRADE_ITEM


def test_gtin8_from_china_has_no_company_prefix() -> None:
    # EAN-8 (缩短码): 69x + a 4-digit item code assigned by the coding center + check digit.
    parsed = gtin.parse(with_check("6901234"))
    assert parsed.format is GtinFormat.GTIN_8
    assert parsed.is_china
    assert parsed.company_prefix is None
    assert parsed.item_reference == "1234"
    assert parsed.gtin13 == "00000" + with_check("6901234")


def test_gtin8_is_looked_up_on_its_own_digits() -> None:
    # Padded to 13 digits it would fall in GS1's "unused to avoid collision with GTIN-8" range.
    parsed = gtin.parse(with_check("9620123"))
    assert parsed.issuer is not None
    assert parsed.issuer.organisation == "GS1 UK - GTIN-8"


@pytest.mark.parametrize(
    ("number", "china"),
    [
        # Seed 001 and the GS1 GenSpecs' own example of a Chinese GTIN-13.
        ("6936983800013", True),
        ("6901234567892", True),
        # EAN-8 (缩短码): read by its GS1-8 prefix 690; its padded GTIN-13/14 forms start 00000,
        # where a "first three digits" check sees 000.
        ("69012341", True),
        ("0000069012341", True),
        ("00000069012341", True),
        # GTIN-14s: past the indicator digit, trade units (1-8) and variable measure (9) alike.
        ("16901234567899", True),
        ("96901234567895", True),
        ("06901234567892", True),
        # A case of EAN-8 items: indicator + 00000 + the GTIN-8's first seven digits (GS1
        # GenSpecs figure 2.1.8.2-1), as to_gtin14 writes it.
        ("10000069012348", True),
        # 680-681: allocated to GS1 China after 690-699 (GS1's prefix list, oracles.md).
        (with_check("680123456789"), True),
        (with_check("699123456789"), True),
        # Foreign: GS1 Germany, and the ones next door in name only (domain.md 2.1).
        ("4006381333931", False),
        (with_check("489123456789"), False),  # GS1 Hong Kong, China
        (with_check("471123456789"), False),  # GS1 Chinese Taipei
        (with_check("958123456789"), False),  # GS1 Macau, China
        # A UPC-A whose digits start 0690: its GTIN-13 form is 0069..., GS1 US.
        (with_check("06901234567"), False),
        # ISSN (977) and ISBN (978) are Bookland, whoever publishes; 2x is an in-store code.
        ("9771234567003", False),
        (with_check("978711121382"), False),
        (with_check("269012345678"), False),
        # GTIN-8s: RCN-8 (GS1 GenSpecs 2.1.11.1) and GS1 UK's GS1-8 prefix 960.
        (with_check("2690123"), False),
        (with_check("9601234"), False),
    ],
)
def test_is_china(number: str, china: bool) -> None:
    assert gtin.parse(number).is_china is china


def test_gs1_china_prefixes_in_the_generated_table() -> None:
    # What is_china answers comes from the data: GS1 China holds 680-681 and 690-699, nothing else.
    table = resources.files("tiaoma.data").joinpath("gs1_prefixes.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in table.splitlines() if not line.startswith("#"))
    china = {prefix for prefix, organisation in rows if organisation == "GS1 China"}
    assert china == {"680", "681", *(str(prefix) for prefix in range(690, 700))}


@pytest.mark.parametrize("length", [8, 13])
def test_is_china_agrees_with_biip(length: int) -> None:
    # Every three-digit prefix, read by biip's GS1 prefix and GS1-8 prefix tables.
    for prefix in range(100, 1000):
        number = with_check(f"{prefix}".ljust(length - 1, "0"))
        theirs = biip.parse(number).gtin
        assert theirs is not None
        their_usage = theirs.prefix.usage if theirs.prefix else None
        assert gtin.parse(number).is_china is (their_usage == "GS1 China"), number


def test_gtin14_of_a_gtin8_is_read_as_its_gtin8() -> None:
    # GS1 GenSpecs figure 2.1.8.2-1: a GTIN-14 on a GTIN-8 is N1 00000 N7...N13 + check digit.
    case = gtin.parse(gtin.to_gtin14("69012341", indicator="1"))
    assert case.value == "10000069012348"
    assert case.issuer is not None
    assert case.issuer.organisation == "GS1 China"
    assert (case.company_prefix, case.item_reference) == (None, "1234")
    # 977 is ISSN for GTIN-13s only: a GS1-8 prefix keeps its GTIN-8 meaning inside a GTIN-14.
    assert gtin.parse(gtin.to_gtin14(with_check("9770000"), indicator="1")).kind is (
        GtinKind.TRADE_ITEM
    )


def test_gtin14_properties() -> None:
    case = gtin.parse("16936983800010")
    assert case.indicator == "1"
    assert case.gtin13 is None
    assert case.gtin14 == "16936983800010"
    assert not case.is_variable_measure
    # Seed 002: indicator 9 marks a variable measure trade item.
    assert gtin.parse(with_check("9693698380001")).is_variable_measure
    assert gtin.parse("6936983800013").indicator is None


def test_china_blocks_the_2021_table_lacked() -> None:
    # GS1's 2021-09-14 table had no company-prefix length for GS1 China's 680, 681, 698 and 699
    # blocks; GS1's 2025 table (ours since issue 24) gives them 12-digit prefixes: one GTIN per
    # allocation, so the item reference is empty.
    for body in ("680123456789", "681123456789", "698123456789", "699123456789"):
        parsed = gtin.parse(with_check(body))
        assert parsed.company_prefix == body
        assert parsed.item_reference == ""
        assert parsed.is_china


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("6936983800013", "6936983800013"),
        # Pasted from Chinese documents: full-width digits and the ideographic space.
        ("６９３６９８３８０００１３", "6936983800013"),
        ("6 936983\u3000800013", "6936983800013"),
        ("693-69838-0001-3", "6936983800013"),
        ("\t 6936983800013 \n", "6936983800013"),
    ],
)
def test_forgiving_input(given: str, expected: str) -> None:
    assert gtin.validate(given) == expected
    assert gtin.is_valid(given)


@pytest.mark.parametrize(
    ("value", "error", "code", "message"),
    [
        ("", InvalidFormat, "empty", "Empty value: expected a GTIN"),
        ("   ", InvalidFormat, "empty", "Empty value: expected a GTIN"),
        ("69369838OOO13", InvalidFormat, "not_digits", "Invalid character 'O' at position 9"),
        # Twelve digits read as a GTIN-12 (UPC-A) whose check digit is wrong.
        ("693698380001", InvalidChecksum, "checksum", "expected 6, got 1"),
        ("69369838000133", InvalidChecksum, "checksum", "expected 6, got 3"),
        ("693698380", InvalidLength, "length", "expected 8, 12, 13 or 14 digits, got 9"),
        ("6" * 100_000, InvalidLength, "length", "got 100000"),
        ("\x00\xff\x1b[0m", InvalidFormat, "not_digits", "position 1"),
        ("6936983800010", InvalidChecksum, "checksum", "expected 3, got 0"),
    ],
)
def test_bad_input_has_a_specific_error(
    value: str, error: type[Exception], code: str, message: str
) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(")) as raised:
        gtin.validate(value)
    assert raised.value.code == code  # type: ignore[attr-defined]
    assert raised.value.message_zh  # type: ignore[attr-defined]
    assert not gtin.is_valid(value)


def test_megabyte_line_gives_a_short_message() -> None:
    with pytest.raises(InvalidLength) as raised:
        gtin.validate("6" * 1_000_000)
    assert len(str(raised.value)) < 200


def test_not_text_is_refused() -> None:
    with pytest.raises(InvalidFormat, match="Expected text, got int"):
        gtin.validate(6936983800013)  # type: ignore[arg-type]
    assert not gtin.is_valid(6936983800013)  # type: ignore[arg-type]


def test_to_gtin14_and_to_gtin13() -> None:
    assert gtin.to_gtin14("6936983800013", indicator="1") == "16936983800010"
    assert gtin.to_gtin14("614141000036", indicator="8")[0] == "8"
    with pytest.raises(InvalidComponent, match="expected a digit 1-8"):
        gtin.to_gtin14("6936983800013", indicator="9")
    assert gtin.to_gtin13("06936983800013") == "6936983800013"
    assert gtin.to_gtin13("614141000036") == "0614141000036"
    with pytest.raises(InvalidComponent, match="has no GTIN-13 form"):
        gtin.to_gtin13("16936983800010")


def test_format_groups_as_printed() -> None:
    assert gtin.format("６９３６９８３８０００１３") == "6 936983 800013"


# --- Agreement with the outside oracles -----------------------------------------------------


@settings(max_examples=500)
@given(
    st.sampled_from([8, 12, 13, 14]).flatmap(
        lambda n: st.text("0123456789", min_size=n, max_size=n)
    )
)
def test_validity_agrees_with_stdnum(number: str) -> None:
    assert gtin.is_valid(number) == ean.is_valid(number)


@settings(max_examples=500)
@given(
    st.sampled_from([7, 11, 12, 13]).flatmap(
        lambda n: st.text("0123456789", min_size=n, max_size=n)
    )
)
def test_check_digit_agrees_with_stdnum(body: str) -> None:
    assert gtin.calc_check_digit(body) == ean.calc_check_digit(body)


@settings(max_examples=1000)
@given(st.text("0123456789", min_size=10, max_size=10))
def test_company_prefix_of_69x_agrees_with_biip(rest: str) -> None:
    # Both tables are GS1's of 2025 (ours generated from the one biip 5.2.0 ships): no block may
    # differ. The 2021 table differed on 29 % of random 69x numbers (696, 698, 699 and one 691).
    number = with_check("69" + rest)
    ours = gtin.parse(number)
    theirs = biip.parse(number).gtin
    assert theirs is not None
    their_prefix = theirs.company_prefix.value if theirs.company_prefix else None
    assert ours.company_prefix == their_prefix
    if their_prefix is not None:
        assert ours.item_reference == theirs.item_reference


@settings(max_examples=300)
@given(
    st.sampled_from([12, 13, 14]).flatmap(
        lambda n: st.text("0123456789", min_size=n - 1, max_size=n - 1)
    )
)
def test_issuer_agrees_with_biip(body: str) -> None:
    number = with_check(body)
    ours = gtin.parse(number)
    theirs = biip.parse(number).gtin
    assert theirs is not None
    # biip reads a GTIN-14 on a GTIN-8 (indicator + 00000, GS1 GenSpecs figure 2.1.8.2-1) by
    # its GTIN-13 prefix, "unused to avoid collision with GTIN-8"; we read the GTIN-8 inside.
    gtin8_inside = number.zfill(14)[1:6] == "00000"
    if theirs.prefix is not None and ours.format is not gtin.GtinFormat.GTIN_8 and not gtin8_inside:
        assert ours.issuer is not None
        assert ours.issuer.organisation == theirs.prefix.usage


@pytest.mark.parametrize("body", ["0123456", "2123456", "0000000"])
def test_gtin8_starting_with_0_or_2_is_company_internal(body: str) -> None:
    # GS1 GenSpecs 2.1.11.1: RCN-8. The GTIN-13 prefix list would wrongly say "GS1 US" for 0xx.
    parsed = gtin.parse(with_check(body))
    assert parsed.kind is GtinKind.RESTRICTED_CIRCULATION
    theirs = biip.parse(parsed.value)
    assert isinstance(theirs.gtin, biip.rcn.Rcn)  # biip reads them as restricted circulation too
    assert parsed.issuer.organisation == theirs.gtin.prefix.usage  # type: ignore[union-attr]


@pytest.mark.parametrize("written", ["00000069012341", "0000069012341", "000069012341"])
def test_gtin8_in_a_longer_field_is_a_gtin8(written: str) -> None:
    # AI (01), Digital Link and databases hold a GTIN-8 as 000000 + the eight digits.
    eight = with_check("6901234")
    value = written[:-8] + eight
    parsed = gtin.parse(value)
    assert parsed.company_prefix is None
    assert parsed.issuer is not None
    assert parsed.issuer.organisation == "GS1 China"
    theirs = biip.parse(value).gtin
    assert theirs is not None
    assert theirs.prefix is not None
    assert theirs.prefix.usage == "GS1 China"


@pytest.mark.parametrize(
    ("body", "error"),
    [("123", InvalidLength), ("69369838000", None), ("6936983800X", InvalidFormat)],
)
def test_calc_check_digit_takes_gtin_bodies_only(body: str, error: type[Exception] | None) -> None:
    if error is None:
        assert gtin.calc_check_digit(body) == checksum.calc_check_digit(body)
    else:
        with pytest.raises(error):
            gtin.calc_check_digit(body)


def test_indicator_forgiving_and_strict() -> None:
    assert gtin.to_gtin14("6936983800013", indicator="１") == "16936983800010"
    with pytest.raises(InvalidFormat, match="Expected text, got int"):
        gtin.to_gtin14("6936983800013", indicator=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidComponent) as raised:
        gtin.to_gtin14("6936983800013", indicator="0")
    assert raised.value.message_zh == "GTIN-14 的指示符“0”无效：应为 1-8 之间的数字"
