"""In-store codes (店内码, GB/T 18283): layouts, build and read, errors; biip as the oracle."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest
from biip import ParseConfig, ParseError
from biip.checksums import gs1_price_weight_check_digit
from biip.gtin import Gtin as BiipGtin
from biip.rcn import Rcn as BiipRcn
from hypothesis import given
from hypothesis import strategies as st

from tiaoma import _text, checksum, rcn, upc
from tiaoma.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    TiaomaError,
)

DIGITS = "0123456789"
FLAGGED = rcn.Layout("2F IIIII V PPPP C", decimals=2)  # the template of the brief and domain.md


def _with_check(body: str) -> str:
    return body + checksum.calc_check_digit(body)


# --- layouts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "measure", "maximum"),
    [
        (rcn.ITEM_ONLY, rcn.Measure.NONE, None),  # fixed item code, no price
        (rcn.PRICE_5, rcn.Measure.PRICE, Decimal("999.99")),  # 5 price digits in fen
        (rcn.PRICE_4_CHECKED, rcn.Measure.PRICE, Decimal("99.99")),  # 4 digits + check digit
        (rcn.WEIGHT_5, rcn.Measure.WEIGHT, Decimal("99.999")),  # 5 weight digits in grams
        (rcn.Layout("2F IIIIII PPPP C", decimals=0), rcn.Measure.PRICE, Decimal(9999)),  # yuan
        # The most places a layout may have (MAX_DECIMALS): 4 digits of millionths.
        (rcn.Layout("2F IIIIII PPPP C", decimals=6), rcn.Measure.PRICE, Decimal("0.009999")),
    ],
)
def test_layout_measure_and_maximum(
    layout: rcn.Layout, measure: rcn.Measure, maximum: Decimal | None
) -> None:
    assert layout.measure is measure
    assert layout.maximum == maximum


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("2F IIIII V PPPP", "expected 13 positions, got 12"),  # the check digit forgotten
        ("2F IIIII V PPPP CC", "expected 13 positions, got 14"),  # one position too many
        ("3F IIIII V PPPP C", "a literal 2 first"),  # outside prefixes 20-29
        ("2F IIIIC V PPPP I", "the check digit C last"),  # check digit in the middle
        ("2F IIXII V PPPP C", "got 'X'"),  # an unknown symbol
        ("2F IIIII P V PPP C", "expected the P digits together"),  # a split price field
        ("2F 00000 V PPPP C", "expected item digits I"),  # no item number
        ("2F IIIIII PP WW C", "got both"),  # a price and a weight
        ("2F III V PPPPPP C", "got 6"),  # price check digit over 6 digits
        ("2F IIIII VV PPP C", "expected one V"),  # two price check digits
        ("2F IIIIIIIII V C", "got 0"),  # a price check digit without a price
    ],
)
def test_layout_rejects_bad_templates(template: str, shown: str) -> None:
    with pytest.raises(InvalidFormat) as info:
        rcn.Layout(template)
    assert info.value.code == "rcn.template"
    assert template in str(info.value)
    assert shown in str(info.value)
    assert "店内码格式" in info.value.message_zh


@pytest.mark.parametrize(
    ("template", "decimals", "code", "shown"),
    [
        # A negative number of places.
        ("21 IIIII PPPPP C", -1, "rcn.layout_decimals", "places -1 for layout"),
        # Text from a settings file, not an int.
        ("21 IIIII PPPPP C", "2", "rcn.layout_decimals", "places '2' for layout"),
        # True is an int to Python, not a number of places.
        ("21 IIIII PPPPP C", True, "rcn.layout_decimals", "places True for layout"),
        # One past MAX_DECIMALS: the error names the limit and the value, when the layout is made.
        ("21 IIIII PPPPP C", 7, "rcn.layout_decimals", "places 7 for layout"),
        # The reviewer's absurd value, once accepted and only failing later (Decimal.scaleb).
        ("21 IIIII PPPPP C", 10**9, "rcn.layout_decimals", "places 1000000000 for layout"),
        # Too long for str(): quoted shortened, not a ValueError from the message itself.
        pytest.param(  # (an id of its own: pytest's would be str() of the int)
            "21 IIIII PPPPP C", 10**5000, "rcn.layout_decimals", "(5001 chars)", id="10**5000"
        ),
        # No template at all.
        (None, 2, "not_text", "Expected text, got NoneType"),
    ],
)
def test_layout_rejects_bad_arguments(template: Any, decimals: Any, code: str, shown: str) -> None:
    with pytest.raises(InvalidFormat) as info:
        rcn.Layout(template, decimals=decimals)
    assert info.value.code == code
    assert shown in str(info.value)
    if code == "rcn.layout_decimals":
        assert "expected an int from 0 to 6" in str(info.value)
        assert "应为 0 至 6 的整数" in info.value.message_zh


# --- build and read ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "arguments", "code", "reading"),
    [
        # The brief's template: flag 1, item 12345, price check digit 9 over 1234, GTIN check 9.
        (
            FLAGGED,
            {"flag": "1", "item": "12345", "price": Decimal("12.34")},
            "2112345912349",
            {"flag": "1", "item": "12345", "price": Decimal("12.34"), "weight": None},
        ),
        # A fixed item code: no price, ten item digits, an int item is zero-padded.
        (
            rcn.ITEM_ONLY,
            {"item": 42},
            _with_check("200000000042"),
            {"flag": None, "item": "0000000042", "price": None, "weight": None},
        ),
        # 5-digit price in fen; a string price and an int item number.
        (
            rcn.PRICE_5,
            {"item": 401, "price": "123.40"},
            "2100401123402",
            {"item": "00401", "price": Decimal("123.40"), "weight": None},
        ),
        # A whole-yuan int price on a 2-decimal layout.
        (
            rcn.PRICE_5,
            {"item": "00401", "price": 7},
            _with_check("210040100700"),
            {"price": Decimal("7.00")},
        ),
        # 4-digit price with GS1's 4-digit price check digit (GenSpecs 7.9.3: 2875 -> 9).
        (
            rcn.PRICE_4_CHECKED,
            {"item": "00001", "price": "28.75"},
            _with_check("220000192875"),
            {"price": Decimal("28.75")},
        ),
        # Weight in grams: 1.235 kg.
        (
            rcn.WEIGHT_5,
            {"item": 401, "weight": Decimal("1.235")},
            "2300401012359",
            {"weight": Decimal("1.235"), "price": None},
        ),
        # A 5-digit price check digit (GenSpecs 7.9.4: 14685 -> 6) on a custom layout.
        (
            rcn.Layout("24 IIII V PPPPP C"),
            {"item": "0001", "price": "146.85"},
            _with_check("240001614685"),
            {"price": Decimal("146.85")},
        ),
        # Trailing zeros beyond the layout's places are no extra precision; full-width text too.
        (
            rcn.PRICE_5,
            {"item": "００４０１", "price": "１.５００"},
            _with_check("210040100150"),
            {"price": Decimal("1.50")},
        ),
        # Full-width digits and point, as typed with a Chinese input method.
        (
            rcn.PRICE_4_CHECKED,
            {"item": "12345", "price": "１２．３４"},
            "2212345912346",
            {"price": Decimal("12.34")},
        ),
        # The reviewer's 5000 trailing zeros: exactly 1 yuan, without int()'s 4300-digit limit.
        (rcn.PRICE_4_CHECKED, {"item": "12345", "price": "1." + "0" * 5000}, None, {"price": 1}),
        # Plain decimal text may have a plus sign, a bare point either side and spaces around.
        (rcn.PRICE_5, {"item": 1, "price": " +12.5 "}, None, {"price": Decimal("12.50")}),
        (rcn.PRICE_5, {"item": 1, "price": ".5"}, None, {"price": Decimal("0.50")}),
        (rcn.PRICE_5, {"item": 1, "price": "7."}, None, {"price": Decimal("7.00")}),
        # A Decimal may still use an exponent: only text is held to the plain grammar.
        (rcn.PRICE_5, {"item": 1, "price": Decimal("1E+2")}, None, {"price": Decimal(100)}),
        # The largest amount that fits, and zero.
        (rcn.PRICE_4_CHECKED, {"item": 1, "price": "99.99"}, None, {"price": Decimal("99.99")}),
        (rcn.WEIGHT_5, {"item": 1, "weight": 0}, None, {"weight": Decimal("0.000")}),
    ],
)
def test_build_and_read(
    layout: rcn.Layout, arguments: dict[str, Any], code: str | None, reading: dict[str, Any]
) -> None:
    built = layout.build(**arguments)
    if code is not None:
        assert built == code
    read = layout.read(built)
    assert read.code == built
    assert read.layout is layout
    for name, value in reading.items():
        assert getattr(read, name) == value, name
    assert layout.matches(built)
    assert rcn.is_valid(built)


@pytest.mark.parametrize(
    ("layout", "arguments", "error", "code", "shown"),
    [
        # The amount does not fit the field: 100 yuan in a 4-digit fen field.
        (
            rcn.PRICE_4_CHECKED,
            {"item": 1, "price": "100.00"},
            InvalidComponent,
            "rcn.too_large",
            "expected at most 99.99",
        ),
        # Prices and weights are never negative.
        (
            rcn.PRICE_5,
            {"item": 1, "price": "-1.00"},
            InvalidComponent,
            "rcn.negative",
            "price -1.00",
        ),
        # Absurd magnitudes are range errors, not arithmetic overflows or silent zeros.
        (
            rcn.PRICE_5,
            {"item": 1, "price": Decimal("1E+999999999")},
            InvalidComponent,
            "rcn.too_large",
            "expected at most 999.99",
        ),
        (
            rcn.PRICE_5,
            {"item": 1, "price": Decimal("1E-999999999")},
            InvalidComponent,
            "rcn.decimals",
            "at most 2 decimal places",
        ),
        # Too many digits for int() (4300): still a range error, quoted shortened.
        (
            rcn.PRICE_4_CHECKED,
            {"item": "12345", "price": "1." + "0" * 5000 + "1"},
            InvalidComponent,
            "rcn.decimals",
            "(5003 chars): expected at most 2 decimal places",
        ),
        (
            rcn.PRICE_4_CHECKED,
            {"item": "12345", "price": "1." + "2" * 5000},
            InvalidComponent,
            "rcn.decimals",
            "at most 2 decimal places",
        ),
        (
            rcn.PRICE_4_CHECKED,
            {"item": "12345", "price": 10**5000},
            InvalidComponent,
            "rcn.too_large",
            "(5001 chars) does not fit",
        ),
        (
            rcn.PRICE_5,
            {"item": 1, "price": "0.0001"},
            InvalidComponent,
            "rcn.decimals",
            "at most 2 decimal places",
        ),
        # More decimals than the layout carries: fen has no thousandths.
        (
            rcn.PRICE_5,
            {"item": 1, "price": "1.234"},
            InvalidComponent,
            "rcn.decimals",
            "at most 2 decimal places",
        ),
        # A weight given to a price layout.
        (
            rcn.PRICE_5,
            {"item": 1, "weight": "1.000"},
            InvalidComponent,
            "rcn.measure",
            "expected a price, got a weight",
        ),
        # The price forgotten.
        (
            rcn.PRICE_5,
            {"item": 1},
            InvalidComponent,
            "rcn.measure",
            "expected a price, got no price or weight",
        ),
        # A price given to a layout without one.
        (
            rcn.ITEM_ONLY,
            {"item": 1, "price": "1"},
            InvalidComponent,
            "rcn.measure",
            "expected no price or weight, got a price",
        ),
        # Both at once.
        (
            rcn.WEIGHT_5,
            {"item": 1, "price": "1", "weight": "1"},
            InvalidComponent,
            "rcn.measure",
            "got a price and a weight",
        ),
        # Money as a float is refused rather than rounded behind the user's back.
        (
            rcn.PRICE_5,
            {"item": 1, "price": 1.5},
            InvalidFormat,
            "rcn.amount",
            "expected a Decimal, an int or a decimal string",
        ),
        (rcn.PRICE_5, {"item": 1, "price": True}, InvalidFormat, "rcn.amount", "True"),
        (rcn.PRICE_5, {"item": 1, "price": "NaN"}, InvalidFormat, "rcn.amount", "'NaN'"),
        # Text is digits with at most one point: Decimal's exponents, a second point and
        # non-ASCII digits (Arabic-Indic three) are refused, though Decimal() takes the first and
        # the last.
        (rcn.PRICE_5, {"item": 1, "price": "1E+2"}, InvalidFormat, "rcn.amount", "'1E+2'"),
        (rcn.PRICE_5, {"item": 1, "price": "1.2.3"}, InvalidFormat, "rcn.amount", "'1.2.3'"),
        (rcn.PRICE_5, {"item": 1, "price": "\u0663"}, InvalidFormat, "rcn.amount", "digits with"),
        (rcn.PRICE_5, {"item": 1, "price": ""}, InvalidFormat, "rcn.amount", "''"),
        # Separators are refused, not read: Decimal took "1_2.34" for 12.34; "12,34" may be a
        # decimal comma or a thousands comma; a full-width comma is still a comma.
        (
            rcn.PRICE_4_CHECKED,
            {"item": "12345", "price": "1_2.34"},
            InvalidFormat,
            "rcn.separator",
            "separator '_' at position 2",
        ),
        (rcn.PRICE_5, {"item": 1, "price": "12,34"}, InvalidFormat, "rcn.separator", "','"),
        (
            rcn.PRICE_5,
            {"item": 1, "price": " 1,234.50"},
            InvalidFormat,
            "rcn.separator",
            "separator ',' at position 3",
        ),
        (rcn.PRICE_5, {"item": 1, "price": "1 234"}, InvalidFormat, "rcn.separator", "' '"),
        (rcn.PRICE_5, {"item": 1, "price": "1'234"}, InvalidFormat, "rcn.separator", '"\'"'),
        (rcn.PRICE_5, {"item": 1, "price": "１，２３４"}, InvalidFormat, "rcn.separator", "'，'"),
        # A sign is read, then a minus refused as negative, full-width or not.
        (rcn.PRICE_5, {"item": 1, "price": "－1.00"}, InvalidComponent, "rcn.negative", "-1.00"),
        (
            rcn.WEIGHT_5,
            {"item": 1, "weight": Decimal("Infinity")},
            InvalidFormat,
            "rcn.amount",
            "weight",
        ),
        # Item numbers: exact width for text, non-negative and not too long for ints.
        (rcn.PRICE_5, {"item": "1234", "price": 1}, InvalidLength, "length", "expected 5, got 4"),
        (rcn.PRICE_5, {"item": 123456, "price": 1}, InvalidLength, "length", "got 6"),
        (rcn.PRICE_5, {"item": -1, "price": 1}, InvalidComponent, "rcn.negative", "item number -1"),
        (rcn.PRICE_5, {"item": "12a45", "price": 1}, InvalidFormat, "not_digits", "'a'"),
        # Too long for str() (4300 digits): a length error, not Python's ValueError.
        (
            rcn.PRICE_4_CHECKED,
            {"item": 10**5000, "price": "1"},
            InvalidLength,
            "length",
            "expected 5, got 5001",
        ),
        (
            rcn.PRICE_5,
            {"item": -(10**5000), "price": 1},
            InvalidComponent,
            "rcn.negative",
            "(5002 chars)",
        ),
        # True is an int to Python, but no item number.
        (rcn.PRICE_5, {"item": True, "price": 1}, InvalidFormat, "not_text", "got bool"),
        # Flag digits: required by an F layout, refused by the others, one digit wide.
        (FLAGGED, {"item": 1, "price": 1}, InvalidComponent, "rcn.flag", "Invalid flag None"),
        (
            FLAGGED,
            {"item": 1, "price": 1, "flag": "12"},
            InvalidComponent,
            "rcn.flag",
            "expected 1 digit(s)",
        ),
        (FLAGGED, {"item": 1, "price": 1, "flag": "a"}, InvalidComponent, "rcn.flag", "'a'"),
        # A flag too long for str(), on a layout with and one without flag digits.
        (
            FLAGGED,
            {"item": 1, "price": 1, "flag": 10**5000},
            InvalidComponent,
            "rcn.flag",
            "(5001 chars)",
        ),
        (
            rcn.PRICE_5,
            {"item": 1, "price": 1, "flag": 10**5000},
            InvalidComponent,
            "rcn.flag",
            "(5001 chars)",
        ),
        (
            rcn.PRICE_5,
            {"item": 1, "price": 1, "flag": 3},
            InvalidComponent,
            "rcn.flag",
            "no flag (the layout has no F)",
        ),
        # Goods that carry a commodity code must be sold under it (seed 004, art. 26).
        (
            rcn.PRICE_5,
            {"item": 1, "price": 1, "existing_gtin": "6936983800013"},
            InvalidComponent,
            "rcn.has_gtin",
            "'6936983800013'",
        ),
    ],
)
def test_build_rejects(
    layout: rcn.Layout,
    arguments: dict[str, Any],
    error: type[TiaomaError],
    code: str,
    shown: str,
) -> None:
    with pytest.raises(error) as info:
        layout.build(**arguments)
    assert info.value.code == code
    assert shown in str(info.value)
    assert info.value.message_zh


def _with_bad_price_check() -> str:
    good = rcn.PRICE_4_CHECKED.build(item=1, price="28.75")  # price check digit 9
    return _with_check(good[:7] + "0" + good[8:12])


@pytest.mark.parametrize(
    ("layout", "code", "error", "error_code", "shown"),
    [
        # Another layout's code: literal digit 1 where this layout has 2.
        (
            rcn.PRICE_4_CHECKED,
            "2100401123402",
            InvalidComponent,
            "rcn.layout_mismatch",
            "expected '2' at position 2, got '1'",
        ),
        # The price check digit does not match the price: a misprinted or tampered price.
        (
            rcn.PRICE_4_CHECKED,
            _with_bad_price_check(),
            InvalidChecksum,
            "rcn.price_checksum",
            "expected 9 for the field 2875, got 0",
        ),
        # The GTIN-13 check digit is wrong.
        (rcn.PRICE_5, "2100401123403", InvalidChecksum, "checksum", "expected 2, got 3"),
        # A commodity code is no in-store code.
        (rcn.PRICE_5, "6936983800013", InvalidComponent, "rcn.prefix", "got '69'"),
        # An EAN-8 in-store code is not read by a 13-digit layout.
        (rcn.PRICE_5, "20123451", InvalidLength, "length", "expected 13 digits, got 8"),
    ],
)
def test_read_rejects(
    layout: rcn.Layout, code: str, error: type[TiaomaError], error_code: str, shown: str
) -> None:
    with pytest.raises(error) as info:
        layout.read(code)
    assert info.value.code == error_code
    assert shown in str(info.value)
    assert not layout.matches(code)


# --- module interface --------------------------------------------------------------------------


def test_parse_without_layout() -> None:
    code = rcn.parse("2112345912349")
    assert (code.value, code.prefix, code.check_digit) == ("2112345912349", "21", "9")
    assert code.is_restricted_circulation
    assert code.issuer is not None
    assert code.issuer.is_restricted_circulation
    assert code.issuer.organisation_zh == "限域流通代码（店内码等）"


def test_format_validate_and_check_digit() -> None:
    assert rcn.format("2112345912349") == "2 112345 912349"
    assert rcn.validate(" 2 112345 912349 ") == "2112345912349"
    assert rcn.calc_check_digit("211234591234") == "9"
    with pytest.raises(InvalidLength):
        rcn.calc_check_digit("2112345912349")
    assert not rcn.is_valid("2112345912340")


# --- may an in-store code be assigned? ---------------------------------------------------------


@pytest.mark.parametrize(
    "existing",
    [
        None,  # the goods carry no code at all
        "",  # nothing entered
        "2112345912349",  # another in-store code (prefix 21)
        "20123451",  # an 8-digit in-store code (GS1-8 prefix 2)
        "07654329",  # RCN-8 with GS1-8 prefix 0, company-internal, and no valid UPC-E
        _with_check("21234567890"),  # UPC number system 2: restricted circulation
        "6936983800010",  # not a valid GTIN (check digit): no commodity code to honour
    ],
)
def test_may_assign(existing: str | None) -> None:
    rcn.check_may_assign(existing)


@pytest.mark.parametrize(
    "existing",
    [
        "6936983800013",  # seed 001's commodity code
        "6 936983 800013",  # the same as printed
        "9787111213826",  # a book: sold under its ISBN
        "042100005264",  # a UPC-A
        "16936983800010",  # a GTIN-14 of a trade unit
        "69012341",  # an EAN-8 (缩短码) from GS1 China
        "04252614",  # a UPC-E (of UPC-A 042100005264), though it starts with 0 like an RCN-8
        "01234565",  # valid both as RCN-8 and as UPC-E: the goods' UPC-A code comes first
        "14252611",  # a UPC-E of number system 1 (no valid EAN-8): a commodity code too
    ],
)
def test_may_not_assign(existing: str) -> None:
    with pytest.raises(InvalidComponent) as info:
        rcn.check_may_assign(existing)
    assert info.value.code == "rcn.has_gtin"
    assert "不得另行编制店内码" in info.value.message_zh


def test_may_assign_refuses_a_number_that_is_not_text() -> None:
    # An int GTIN would not be "a valid GTIN" and would let an in-store code through.
    with pytest.raises(InvalidFormat, match="Expected text, got int"):
        rcn.check_may_assign(6936983800013)  # type: ignore[arg-type]


# --- outside oracle: biip's RCN rules for layouts of the same shape ----------------------------

# biip knows some countries' variable-measure rules; each equals one of our templates.
BIIP_EQUIVALENTS = [
    ("gb", rcn.Layout("20 IIIII V PPPP C", decimals=2)),  # UK: 4-digit price + check digit
    ("de", rcn.Layout("22 IIII V PPPPP C", decimals=2)),  # Germany: 5-digit price + check
    ("de", rcn.Layout("28 IIII V WWWWW C", decimals=3)),  # Germany: 5-digit weight + check
    ("se", rcn.Layout("20 IIIIII PPPP C", decimals=2)),  # Sweden: 4-digit price
    ("se", rcn.Layout("23 IIIIII WWWW C", decimals=3)),  # Sweden: 4-digit weight
    ("dk", rcn.Layout("21 IIII PPPPPP C", decimals=2)),  # Denmark: 6-digit price
    ("dk", rcn.Layout("27 IIIII WWWWW C", decimals=3)),  # Denmark: 5-digit weight
]


@given(st.sampled_from(BIIP_EQUIVALENTS), st.data())
def test_build_agrees_with_biip(case: tuple[str, rcn.Layout], data: st.DataObject) -> None:
    region, layout = case
    item = data.draw(st.integers(0, 10 ** layout.pattern.count("I") - 1))
    assert layout.maximum is not None
    scale = Decimal(1).scaleb(-layout.decimals)
    amount = data.draw(st.integers(0, int(layout.maximum / scale))) * scale
    if layout.measure is rcn.Measure.PRICE:
        code = layout.build(item=item, price=amount)
    else:
        code = layout.build(item=item, weight=amount)
    theirs = BiipGtin.parse(code, config=ParseConfig(rcn_region=region))
    assert isinstance(theirs, BiipRcn)
    ours = layout.read(code)
    assert (ours.price, ours.weight) == (theirs.price, theirs.weight)
    assert ours.item == theirs.item_reference


@given(st.sampled_from(BIIP_EQUIVALENTS), st.text(DIGITS, min_size=10, max_size=10))
def test_read_agrees_with_biip(case: tuple[str, rcn.Layout], rest: str) -> None:
    # Random codes: both must accept or refuse the price check digit alike.
    region, layout = case
    code = _with_check(layout.pattern[:2] + rest)
    try:
        theirs = BiipGtin.parse(code, config=ParseConfig(rcn_region=region))
    except ParseError:
        assert not layout.matches(code)
        return
    assert isinstance(theirs, BiipRcn)
    ours = layout.read(code)
    assert (ours.price, ours.weight) == (theirs.price, theirs.weight)


@given(st.text(DIGITS, min_size=4, max_size=5))
def test_price_check_digit_agrees_with_biip(field: str) -> None:
    layout = rcn.Layout(f"2{'I' * (10 - len(field))}V{'P' * len(field)}C", decimals=0)
    code = layout.build(item=0, price=int(field))
    assert code[layout.pattern.index("V")] == str(gs1_price_weight_check_digit(field))


@given(
    st.one_of(
        st.text(DIGITS, min_size=13, max_size=13),
        st.text(DIGITS, min_size=12, max_size=12),
        st.text(DIGITS, min_size=8, max_size=8),
        st.builds(lambda rest: "2" + rest, st.text(DIGITS, min_size=12, max_size=12)),
    )
)
def test_may_assign_agrees_with_biip(body_and_check: str) -> None:
    code = _with_check(body_and_check[:-1])
    theirs = BiipGtin.parse(code)
    try:
        rcn.check_may_assign(code)
        allowed = True
    except InvalidComponent:
        allowed = False
    if len(code) == 8 and upc.is_valid(code):
        # Disagreement: biip reads 0xxxxxxx as an RCN-8, but the same digits are a UPC-E, the
        # commodity code of goods from North America, which must be sold under it.
        assert not allowed
    else:
        assert allowed == isinstance(theirs, BiipRcn)
    assert rcn.is_valid(code) == (len(code) == 13 and code[0] == "2")


# --- bad input of any kind: a library error, never another exception ---------------------------

PUBLIC_FUNCTIONS = (
    rcn.validate,
    rcn.parse,
    rcn.format,
    rcn.calc_check_digit,
    rcn.check_may_assign,
    rcn.PRICE_4_CHECKED.read,
    FLAGGED.read,
)
messy_text = st.text(st.sampled_from("0123456789０９X x-: ２IBSN٣²\u3000"), max_size=20)


@given(
    st.sampled_from(PUBLIC_FUNCTIONS),
    st.one_of(messy_text, st.text(max_size=20), st.integers(), st.just(10**5000)),
)
def test_bad_input_raises_only_library_errors(function: Any, value: Any) -> None:
    with contextlib.suppress(TiaomaError):
        function(value)


@given(
    st.decimals(allow_nan=True, allow_infinity=True)
    | st.integers(-(10**30), 10**30)
    | st.sampled_from([10**5000, -(10**5000)])
    | st.text(max_size=12)
    | st.text("0123456789.,_+-eE ０１．", max_size=12)
)
def test_any_amount_builds_exactly_or_raises_a_library_error(amount: Any) -> None:
    try:
        code = rcn.PRICE_4_CHECKED.build(item=1, price=amount)
    except TiaomaError:
        return
    if isinstance(amount, str):
        # Accepted text is plain: digits, at most one point, a sign (not a minus).
        text = _text.halfwidth(amount).strip().lstrip("+")
        assert set(text) <= set(DIGITS + ".")
        assert text.count(".") <= 1
        amount = Decimal(text)
    assert rcn.PRICE_4_CHECKED.read(code).price == amount


@given(
    st.builds(
        lambda head, separator, tail: head + separator + tail,
        st.text(DIGITS, min_size=1, max_size=4),
        st.sampled_from(",_'’ \u3000\u00a0\u2009，"),
        st.from_regex(r"[0-9]+(\.[0-9]*)?", fullmatch=True),
    )
)
def test_amount_with_a_separator_is_refused(amount: str) -> None:
    # However the digits around it read, a separator between them is never skipped over.
    with pytest.raises(InvalidFormat) as info:
        rcn.PRICE_5.build(item=1, price=amount)
    assert info.value.code == "rcn.separator"
