"""GS1 DataBar encoders: golden patterns, Zint module for module, and the bad-input table."""

from __future__ import annotations

import random

import pytest
import zint

from tests.oracles import zint_modules
from tiaoma import ai, checksum
from tiaoma.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from tiaoma.symbols import Symbology, _databar_expanded, databar

RANDOM_CASES = 1000
GS1 = zint.InputMode.GS1


def with_check(body: str) -> str:
    return body + checksum.calc_check_digit(body)


def random_gtin14s(seed: int, indicators: str = "0123456789") -> list[str]:
    rng = random.Random(seed)
    return [
        with_check(rng.choice(indicators) + "".join(rng.choice("0123456789") for _ in range(12)))
        for _ in range(RANDOM_CASES)
    ]


def zint_height(symbology: zint.Symbology, data: str, **options: object) -> float:
    symbol = zint.Symbol()
    symbol.symbology = symbology
    for name, value in options.items():
        setattr(symbol, name, value)
    symbol.encode(data)
    return float(symbol.height)


def rows_of(symbol: databar.Symbol) -> list[str]:
    return [row.modules for row in symbol.rows]


# --- golden cases --------------------------------------------------------------------------

# (01)24012345678905, the GS1 DataBar example of BWIPP's and Zint's documentation: 46
# elements, 96 modules, light guard module first and last.
OMNI_24012345678905 = (
    "010100001001000111001111100000010111100010100110"
    "110100101111100101111100000111011011111010111101"
)


def test_omnidirectional_golden() -> None:
    symbol = databar.omnidirectional("24012345678905")
    assert rows_of(symbol) == [OMNI_24012345678905]
    assert symbol.rows[0].height is None
    assert symbol.symbology is Symbology.DATABAR_OMNI
    assert symbol.symbology_identifier == "]e0"
    assert symbol.data == "(01)24012345678905"
    assert symbol.text[0].text == "(01)24012345678905"
    # ISO/IEC 24724 asks for none; artwork keeps 1X of light so the last bar's edge is seen
    assert (symbol.quiet_zone.left, symbol.quiet_zone.right) == (1, 1)


def test_truncated_is_omnidirectional_13x_high() -> None:
    # ISO/IEC 24724: Truncated is the same pattern at a height of 13X; Zint knows it only
    # as BARCODE_DBAR_OMN with height=13.
    symbol = databar.truncated("24012345678905")
    assert rows_of(symbol) == [OMNI_24012345678905]
    assert symbol.rows[0].height == 13.0
    assert symbol.symbology is Symbology.DATABAR_TRUNCATED


def test_stacked_golden() -> None:
    # The same GTIN stacked: the left half over the right, guards "10" closing and opening.
    symbol = databar.stacked("24012345678905")
    assert rows_of(symbol) == [
        "01010000100100011100111110000001011110001010011010",
        "00001011010010101010000011111010100101010101000000",
        "10110100101111100101111100000111011011111010111101",
    ]
    assert [row.height for row in symbol.rows] == [5.0, 1.0, 7.0]


def test_stacked_omnidirectional_golden() -> None:
    symbol = databar.stacked_omnidirectional("24012345678905")
    assert rows_of(symbol) == [
        "01010000100100011100111110000001011110001010011010",
        "00001111011011100010000001010100100001110101100000",
        "00000101010101010101010101010101010101010101010000",
        "00001011010000011010000010101000100100000101000000",
        "10110100101111100101111100000111011011111010111101",
    ]
    assert [row.height for row in symbol.rows] == [33.0, 1.0, 1.0, 1.0, 33.0]


def test_limited_golden() -> None:
    # (01)15012345678907, the GS1 DataBar Limited example of BWIPP's documentation: 79
    # modules, the right guard ending in five light modules.
    symbol = databar.limited("15012345678907")
    assert rows_of(symbol) == [
        "0100011001100011011010100111010010101101001101001001011000110111001100110100000"
    ]
    assert symbol.rows[0].height is None


@pytest.mark.parametrize(
    "value",
    [
        "24012345678905",  # GTIN-14
        "(01)24012345678905",  # element string of AI (01) alone
        "（01）24012345678905",  # full-width, as pasted from Chinese documents
        "]e00124012345678905",  # scanner output: symbology identifier, AI, data
    ],
)
def test_input_forms(value: str) -> None:
    assert rows_of(databar.omnidirectional(value)) == [OMNI_24012345678905]


def test_short_gtins_are_padded_to_gtin14() -> None:
    # A GTIN-13 is AI (01) with indicator 0; a GTIN-8 keeps six leading zeros.
    assert databar.omnidirectional("6901234567892").data == "(01)06901234567892"
    assert databar.limited("69012341").data == "(01)00000069012341"


# --- Zint, module for module ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoder", "symbology", "options"),
    [
        (databar.omnidirectional, zint.Symbology.DBAR_OMN, {}),
        (databar.truncated, zint.Symbology.DBAR_OMN, {"height": 13}),
        (databar.stacked, zint.Symbology.DBAR_STK, {}),
        (databar.stacked_omnidirectional, zint.Symbology.DBAR_OMNSTK, {}),
    ],
)
def test_omni_family_equals_zint(encoder, symbology, options) -> None:  # type: ignore[no-untyped-def]
    for number in random_gtin14s(hash(encoder.__name__) % 1000):
        # Zint's DataBar Omnidirectional family takes the bare digits, not GS1 mode.
        assert rows_of(encoder(number)) == zint_modules(symbology, number, **options), number


def test_limited_equals_zint() -> None:
    for number in random_gtin14s(24, indicators="01"):
        assert rows_of(databar.limited(number)) == zint_modules(zint.Symbology.DBAR_LTD, number), (
            number
        )


def test_limited_every_check_character_equals_zint() -> None:
    # All 89 check characters: search values until each checksum has been seen.
    rng = random.Random(89)
    seen: set[str] = set()
    while len(seen) < 89:
        number = with_check(rng.choice("01") + "".join(rng.choice("0123456789") for _ in range(12)))
        modules = databar.limited(number).rows[0].modules
        if modules[28:46] not in seen:
            seen.add(modules[28:46])
            assert [modules] == zint_modules(zint.Symbology.DBAR_LTD, number), number


@pytest.mark.parametrize(
    ("encoder", "symbology", "options"),
    [
        (databar.truncated, zint.Symbology.DBAR_OMN, {"height": 13}),
        (databar.stacked, zint.Symbology.DBAR_STK, {}),
        (databar.stacked_omnidirectional, zint.Symbology.DBAR_OMNSTK, {}),
    ],
)
def test_fixed_heights_equal_zint(encoder, symbology, options) -> None:  # type: ignore[no-untyped-def]
    symbol = encoder("24012345678905")
    total = sum(row.height for row in symbol.rows)
    assert total == zint_height(symbology, "24012345678905", **options)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoder", "value", "error", "code", "message"),
    [
        # Limited holds indicators 0 and 1 only (ISO/IEC 24724; seed 002).
        (
            databar.limited,
            "24012345678905",
            InvalidComponent,
            "databar.limited_indicator",
            "indicator digit is 2, expected 0 or 1",
        ),
        # A wrong check digit is refused before anything is drawn.
        (
            databar.omnidirectional,
            "24012345678900",
            InvalidChecksum,
            "checksum",
            "expected 5, got 0",
        ),
        (
            databar.stacked,
            "(01)24012345678900",
            InvalidChecksum,
            "ai_check_digit",
            "Invalid check digit in AI (01)",
        ),
        # Eleven digits are no GTIN.
        (databar.truncated, "24012345678", InvalidLength, "length", "got 11"),
        # More than AI (01) needs DataBar Expanded.
        (
            databar.omnidirectional,
            "(01)24012345678905(17)261231",
            InvalidFormat,
            "databar.gtin_only",
            "carries AI (01) alone",
        ),
    ],
)
def test_bad_input(encoder, value, error, code, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        encoder(value)
    assert caught.value.code == code
    assert message in str(caught.value)
    assert caught.value.message_zh


# --- Expanded: random element strings that exercise every encodation method ----------------

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The 82 characters of GS1 AI encodable character set 82 (GS1 GenSpecs figure 7.11-1).
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?" + UPPER + "_abcdefghijklmnopqrstuvwxyz"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(DIGITS) for _ in range(count))


def _date(rng: random.Random) -> str:
    return f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def _mixed(rng: random.Random, low: int, high: int) -> str:
    """Runs of digits, upper case and other set-82 characters: every mode switch."""
    text = ""
    length = rng.randint(low, high)
    while len(text) < length:
        alphabet = rng.choice([DIGITS, DIGITS, UPPER + "*,-./", CSET82])
        text += "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
    return text[:length]


def _general(rng: random.Random) -> tuple[str, str]:
    ai, make = rng.choice(
        [
            (
                "10",
                lambda: "".join(rng.choice(UPPER + DIGITS + "-./") for _ in range(20))[
                    : rng.randint(1, 20)
                ],
            ),
            ("21", lambda: _mixed(rng, 1, 20)),
            ("17", lambda: _date(rng)),
            ("15", lambda: _date(rng)),
            ("11", lambda: _date(rng)),
            ("30", lambda: _digits(rng, rng.randint(1, 8))),
            ("400", lambda: _mixed(rng, 1, 30)),
        ]
    )
    return ai, make()


def _gtin(rng: random.Random, indicator: str | None = None) -> str:
    return with_check((indicator or rng.choice(DIGITS)) + _digits(rng, 12))


def random_element_strings(rng: random.Random) -> list[tuple[str, str]]:
    """One element string as (AI, value) pairs, each encodation method about equally often."""
    gtin9 = _gtin(rng, "9")
    weight = f"{rng.randint(0, 120000):06d}"

    def weight_0100() -> list[tuple[str, str]]:  # (3103) up to 032767; 0111 above
        return [("01", gtin9), ("3103", f"{rng.randint(0, 40000):06d}")]

    def weight_0101() -> list[tuple[str, str]]:  # (3202) up to 009999, (3203) up to 022767
        return [("01", gtin9), (rng.choice(["3202", "3203"]), f"{rng.randint(0, 25000):06d}")]

    def weight_date_0111() -> list[tuple[str, str]]:  # (310x)/(320x) [+ (11)/(13)/(15)/(17)]
        elements = [("01", gtin9), (rng.choice(["310", "320"]) + rng.choice("012345"), weight)]
        if rng.random() < 0.8:
            elements.append((rng.choice(["11", "13", "15", "17"]), _date(rng)))
        return elements

    def price_0110x() -> list[tuple[str, str]]:  # (392x): 01100; (393x) with currency: 01101
        if rng.random() < 0.5:
            price = ("392" + rng.choice("0123"), _digits(rng, rng.randint(1, 15)))
        else:
            price = (
                "393" + rng.choice("0123"),
                rng.choice(["156", "840", "978"]) + _digits(rng, 9),
            )
        # GS1 pairs a price with a count or measure of the same trade item.
        measure = rng.choice([("30", _digits(rng, rng.randint(1, 8))), ("3102", weight)])
        return [("01", gtin9), price, measure, *([_general(rng)] if rng.random() < 0.5 else [])]

    def gtin_1() -> list[tuple[str, str]]:  # (01) and general AIs
        return [("01", _gtin(rng)), *(_general(rng) for _ in range(rng.randint(0, 3)))]

    def general_00() -> list[tuple[str, str]]:  # no (01) first
        return [_general(rng), ("01", _gtin(rng))]

    def internal_00() -> list[tuple[str, str]]:  # a company-internal AI of set 82
        return [("90", _mixed(rng, 1, 30))]

    builders = (weight_0100, weight_0101, weight_date_0111, price_0110x, price_0110x)
    builders += (gtin_1, gtin_1, general_00, internal_00)
    return rng.choice(builders)()


def _unique(elements: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    return [(ai, value) for ai, value in elements if not (ai in seen or seen.add(ai))]


def _written(elements: list[tuple[str, str]]) -> tuple[str, str]:
    """Our bracketed form (with ``(`` escaped in values) and Zint's ``[AI]`` form."""
    escaped = [(ai, value.replace("(", "\\(")) for ai, value in elements]
    ours = "".join(f"({ai}){value}" for ai, value in escaped)
    return ours, "".join(f"[{ai}]{value}" for ai, value in elements)


def valid_expanded_inputs(seed: int) -> list[tuple[str, str]]:
    """RANDOM_CASES element strings that pass our validation, in both written forms."""
    rng = random.Random(seed)
    found: list[tuple[str, str]] = []
    while len(found) < RANDOM_CASES:
        elements = _unique(random_element_strings(rng))
        if rng.random() < 0.1:  # long ones: 10 and 11 finder patterns, and too long
            elements = _unique([*elements, ("91", _mixed(rng, 10, 60))])
        ours, theirs = _written(elements)
        if ai.is_valid(ours):
            found.append((ours, theirs))
    return found


def _zint_or_none(data: str, **options: object) -> list[str] | None:
    symbology = zint.Symbology.DBAR_EXPSTK if options else zint.Symbology.DBAR_EXP
    try:
        return zint_modules(symbology, data, input_mode=GS1, **options)
    except RuntimeError as error:
        # Zint refuses data longer than the symbol holds ("too long"); nothing else.
        if "too long" not in str(error):
            raise
        return None


def _check_against_zint(encode, seed: int, **options: object) -> None:  # type: ignore[no-untyped-def]
    too_long = 0
    for ours, theirs in valid_expanded_inputs(seed):
        expected = _zint_or_none(theirs, **options)
        if expected is None:
            too_long += 1
            with pytest.raises(InvalidLength) as caught:
                encode(ours)
            assert caught.value.code == "databar.too_long"
            continue
        assert rows_of(encode(ours)) == expected, theirs
    # Most inputs fit: the too-long ones are there to check the refusal, not to replace them.
    assert too_long < RANDOM_CASES // 5


def test_expanded_equals_zint() -> None:
    _check_against_zint(databar.expanded, seed=2011)


@pytest.mark.parametrize("segments", [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22])
def test_expanded_stacked_equals_zint(segments: int) -> None:
    # Zint counts columns of pairs (option_2); a pair is two segments.
    def encode(data: str) -> databar.Symbol:
        return databar.expanded_stacked(data, segments=segments)

    _check_against_zint(encode, seed=segments, option_2=segments // 2)


def test_expanded_stacked_default_is_zints() -> None:
    data = "(01)98898765432106(3202)012345(15)991231"
    assert rows_of(databar.expanded_stacked(data)) == zint_modules(
        zint.Symbology.DBAR_EXPSTK, "[01]98898765432106[3202]012345[15]991231", input_mode=GS1
    )


def test_seed_002_golden() -> None:
    # Seed 002 (figure 6 of its text): (01) with indicator 9 and (3202) net weight 1.5 lb, in
    # GS1 DataBar Expanded: method 0101 (01)9 + (3202) up to 009999, 5 data characters.
    symbol = databar.expanded("(01)96901234567895(3202)000150")
    assert symbol.symbology is Symbology.DATABAR_EXPANDED
    assert symbol.symbology_identifier == "]e0"
    assert symbol.data == symbol.text[0].text == "(01)96901234567895(3202)000150"
    assert symbol.rows[0].height is None
    assert rows_of(symbol) == zint_modules(
        zint.Symbology.DBAR_EXP, "[01]96901234567895[3202]000150", input_mode=GS1
    )
    assert symbol.width == 2 + 3 * 49 + 2  # 6 symbol characters: 3 pairs


@pytest.mark.parametrize(
    ("data", "bits"),
    [
        # Method 0100: (01)9 + (3103) up to 032767, 5 data characters exactly.
        ("(01)90012345678908(3103)001750", "0" + "0100"),
        # Method 1: (01) with any indicator, then the general-purpose field.
        ("(01)00012345678905", "0" + "1" + "10" + "0000"),
        # Method 00: no (01) first; general field starts "10" as the digit pair 19.
        ("(10)ABC123(01)00012345678905", "0" + "00"),
        # Method 0111 with (15): 310x and date.
        ("(01)90012345678908(3102)012345(15)991231", "0" + "0111100"),
        # Method 01100 and 01101: price and price with ISO 4217 currency.
        ("(01)90012345678908(3922)795(30)12", "0" + "01100"),
        ("(01)90012345678908(3932)156795(30)12", "0" + "01101"),
    ],
)
def test_encodation_methods(data: str, bits: str) -> None:
    # ISO/IEC 24724 7.2.5.4: the method field follows the linkage flag 0.
    encoded = _databar_expanded.encode(ai.parse(data))
    assert encoded.startswith(bits)
    assert len(encoded) % 12 == 0


LONGEST_NUMERIC = "(01)00012345678905(91)" + "1" * 56  # 2 + 14 + 2 + 56 = 74 digits
LONGEST_ALPHANUMERIC = "(91)" + "A" * 39  # 2 + 39 = 41 characters


def test_expanded_capacity() -> None:
    # GS1 GenSpecs 5.5.2: up to 74 digits or 41 alphanumeric characters; one more does not fit.
    assert databar.expanded(LONGEST_NUMERIC).width == 2 + 11 * 49 + 2  # 22 symbol characters
    assert databar.expanded(LONGEST_ALPHANUMERIC).width == 2 + 11 * 49 + 2
    for data in (LONGEST_NUMERIC + "1", LONGEST_ALPHANUMERIC + "A"):
        with pytest.raises(InvalidLength, match="at most 21"):
            databar.expanded(data)


@pytest.mark.parametrize(
    ("call", "error", "code", "message"),
    [
        # Data too long for Expanded: 75 digits (74 at most).
        (
            lambda: databar.expanded(LONGEST_NUMERIC + "1"),
            InvalidLength,
            "databar.too_long",
            "needs 22 data characters",
        ),
        # Segments per row: even, 2-22.
        (
            lambda: databar.expanded_stacked("(01)00012345678905", segments=3),
            InvalidComponent,
            "databar.segments",
            "per row 3",
        ),
        (
            lambda: databar.expanded_stacked("(01)00012345678905", segments=24),
            InvalidComponent,
            "databar.segments",
            "from 2 to 22",
        ),
        (
            lambda: databar.expanded_stacked("(01)00012345678905", segments=0),
            InvalidComponent,
            "databar.segments",
            "per row 0",
        ),
        (
            lambda: databar.expanded_stacked("(01)00012345678905", segments="4"),
            InvalidComponent,
            "databar.segments",
            "'4'",
        ),
        # Element strings are validated first: a wrong GTIN check digit in (01)...
        (
            lambda: databar.expanded("(01)90012345678900(3103)001750"),
            InvalidChecksum,
            "ai_check_digit",
            "Invalid check digit in AI (01)",
        ),
        # ... and an impossible date.
        (
            lambda: databar.expanded("(01)90012345678908(17)261331"),
            InvalidComponent,
            None,
            "(17)",
        ),
    ],
)
def test_expanded_bad_input(call, error, code, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        call()
    if code is not None:
        assert caught.value.code == code
    assert message in str(caught.value)
    assert caught.value.message_zh


def _method(bits: str) -> str:
    """The encodation method field after the linkage flag (ISO/IEC 24724 7.2.5.4)."""
    for method in ("1", "00", "0100", "0101", "01100", "01101"):
        if bits[1:].startswith(method):
            return method
    return bits[1:8]  # 0111000-0111111


def test_random_inputs_cover_every_method() -> None:
    methods = {
        _method(_databar_expanded.encode(ai.parse(ours)))
        for ours, _ in valid_expanded_inputs(seed=2011)
    }
    expected = {"1", "00", "0100", "0101", "01100", "01101"}
    expected |= {f"0111{date:02b}{weight}" for date in range(4) for weight in "01"}
    assert methods == expected
