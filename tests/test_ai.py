"""tiaoma.ai: reading, validating, writing and describing GS1 AI element strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import biip
import pytest
from biip.gs1_messages import GS1Message
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_ai_samples import ALL, NO_PAIRINGS, valid_value, zint_accepts
from tiaoma import ai, errors
from tiaoma.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

GTIN = "06901234567892"  # seed 001's GTIN-13 6901234567892 as a GTIN-14
SSCC = "069012340000000016"

# --- reading the three forms ------------------------------------------------------------------

SAME_MESSAGE = "(01)06901234567892(17)261231(10)ABC123"


@pytest.mark.parametrize(
    "text",
    [
        # the bracketed human-readable form, as printed under a GS1-128 symbol
        SAME_MESSAGE,
        # pasted from a Chinese document: full-width brackets and digits
        "（０１）０６９０１２３４５６７８９２（１７）２６１２３１（１０）ＡＢＣ１２３",
        # spaces around brackets are layout
        " (01) 06901234567892 (17) 261231 (10) ABC123 ",
        # Zint's square-bracket form
        "[01]06901234567892[17]261231[10]ABC123",
        # raw data: (01) and (17) have predefined lengths, so no FNC1 is needed after them
        "01069012345678921726123110ABC123",
        # raw data with a needless FNC1 after a predefined-length AI, and a leading FNC1
        "\x1d0106901234567892\x1d1726123110ABC123",
        # scanner output of GS1-128, DataBar, DataMatrix, QR Code and DotCode
        "]C101069012345678921726123110ABC123",
        "]e001069012345678921726123110ABC123",
        "]d201069012345678921726123110ABC123",
        "]Q301069012345678921726123110ABC123",
        "]J101069012345678921726123110ABC123",
        # the element strings of a GS1 Digital Link URI
        "https://id.gs1.org/01/06901234567892/10/ABC123?17=261231",
    ],
)
def test_forms_read_the_same(text: str) -> None:
    message = ai.parse(text)
    assert {(e.ai, e.value) for e in message} == {
        ("01", GTIN), ("17", "261231"), ("10", "ABC123")
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "form", "symbology"),
    [
        (SAME_MESSAGE, ai.InputForm.BRACKETED, None),  # starts with "("
        ("01069012345678921726123110ABC123", ai.InputForm.RAW, None),  # starts with a digit
        ("]d201069012345678921726123110ABC123", ai.InputForm.SCANNER, "]d2"),  # "]" + id
        ("http://id.gs1.org/01/06901234567892", ai.InputForm.DIGITAL_LINK, None),  # a URI
    ],
)
def test_form_is_detected(text: str, form: ai.InputForm, symbology: str | None) -> None:
    message = ai.parse(text)
    assert (message.form, message.symbology_identifier) == (form, symbology)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # variable-length (10) first: the FNC1 ends it
        ("10ABC\x1d0106901234567892", "(10)ABC(01)06901234567892"),
        # "^" stands for FNC1, as label printers take it
        ("10ABC^0106901234567892", "(10)ABC(01)06901234567892"),
        # two variable-length AIs and a predefined one between them
        ("010690123456789221XYZ\x1d10LOT1", "(01)06901234567892(21)XYZ(10)LOT1"),
        # (8004) is 4 digits long: the AI is read as a prefix, 2-4 digits
        ("800469012345ABC\x1d0106901234567892", "(8004)69012345ABC(01)06901234567892"),
        # a trailing FNC1 is harmless
        ("0106901234567892\x1d", "(01)06901234567892"),
        # seed 002: indicator digit 9 and (3202) net weight in pounds
        ("019690123456789532020001 50".replace(" ", ""), "(01)96901234567895(3202)000150"),
    ],
)
def test_raw_data_is_split(raw: str, expected: str) -> None:
    assert ai.validate(raw, NO_PAIRINGS) == expected


def test_escaped_bracket_in_a_value_round_trips() -> None:
    # "(" is CSET 82 data: in the bracketed form it is written "\(" so it is not an AI
    message = ai.parse("(01)06901234567892(10)A\\(B")
    assert message["10"].value == "A(B"
    assert message.bracketed() == "(01)06901234567892(10)A\\(B"
    assert ai.parse(message.fnc1()) == message


# --- writing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        # FNC1 only after variable-length AIs that do not end the message
        (SAME_MESSAGE, "fnc1", "01069012345678921726123110ABC123"),
        ("(10)ABC(21)S1(01)06901234567892", "fnc1", "10ABC\x1d21S1\x1d0106901234567892"),
        ("(10)ABC(21)S1(01)06901234567892", "caret", "10ABC^21S1^0106901234567892"),
        # bracketed output is canonical: full-width input comes back ASCII
        ("（０１）０６９０１２３４５６７８９２", "bracketed", "(01)06901234567892"),
    ],
)
def test_format(text: str, style: ai.Style, expected: str) -> None:
    assert ai.format(text, style=style, options=NO_PAIRINGS) == expected


def test_format_refuses_unknown_style() -> None:
    with pytest.raises(ValueError, match="unknown style"):
        ai.format(SAME_MESSAGE, style="hri")  # type: ignore[arg-type]


def test_compact_cuts_without_validating() -> None:
    # a bad check digit is compact's business no more than python-stdnum's compact
    assert ai.compact("0106901234567890\x1d10A(B") == "(01)06901234567890(10)A\\(B"


def test_is_valid() -> None:
    assert ai.is_valid(SAME_MESSAGE)
    assert not ai.is_valid("(01)06901234567890")


# --- meanings and descriptions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "meaning"),
    [
        # GS1 General Specifications 7.12: day 00 means the end of the month
        ("(15)260200", dt.date(2026, 2, 28)),
        ("(17)261231", dt.date(2026, 12, 31)),
        # the two-digit year window: 51 years ahead or more is last century
        ("(11)990101", dt.date(1999, 1, 1)),
        # date and time (7003: expiry date and time)
        ("(7003)2612312359", dt.datetime(2026, 12, 31, 23, 59)),
        # production date and time with the optional minutes and seconds (8008)
        ("(8008)26123123", dt.datetime(2026, 12, 31, 23)),
        ("(8008)261231235958", dt.datetime(2026, 12, 31, 23, 59, 58)),
        # a date range (7007 harvest dates)
        ("(7007)260101260131", (dt.date(2026, 1, 1), dt.date(2026, 1, 31))),
        # a four-digit year (7250 date of birth)
        ("(7250)19991231", dt.date(1999, 12, 31)),
        # seed 002: (3202) 000150 is 1.50 lb; the last AI digit counts the decimals
        ("(3202)000150", ai.Quantity(Decimal("1.50"), "lb")),
        ("(3103)000450", ai.Quantity(Decimal("0.450"), "kg")),
        ("(3370)000002", ai.Quantity(Decimal("2"), "kg/m²")),
        # amounts: plain, with an ISO 4217 currency, and percentages
        ("(3922)12345", ai.Quantity(Decimal("123.45"), "")),
        ("(3932)15612345", ai.Quantity(Decimal("123.45"), "CNY")),
        ("(3941)0250", ai.Quantity(Decimal("25.0"), "%")),
        # no meaning beyond the text
        ("(10)ABC", None),
    ],
)
def test_meaning(element: str, meaning: ai.Meaning) -> None:
    assert ai.parse(element, NO_PAIRINGS).elements[0].meaning == meaning


@pytest.mark.parametrize(
    ("element", "description"),
    [
        ("(3202)000150", "(3202) NET WEIGHT (lb): 000150 = 1.5 lb"),
        ("(15)260200", "(15) BEST BEFORE or BEST BY: 260200 = 2026-02-28 (day 00: end of month)"),
        ("(7007)260101260131", "(7007) HARVEST DATE: 260101260131 = 2026-01-01 to 2026-01-31"),
        ("(422)156", "(422) ORIGIN: 156 = CN"),
        ("(7030)156ABC", "(7030) PROCESSOR # 0: 156ABC = CN ABC"),
        ("(7030)999ABC", "(7030) PROCESSOR # 0: 999ABC"),  # 999: no country to name
        ("(10)ABC", "(10) BATCH/LOT: ABC"),
    ],
)
def test_describe(element: str, description: str) -> None:
    assert ai.parse(element, NO_PAIRINGS).describe() == description


def test_message_access() -> None:
    message = ai.parse(SAME_MESSAGE)
    assert len(message) == 3
    assert [e.ai for e in message] == ["01", "17", "10"]
    assert message.get("21") is None
    assert str(message) == SAME_MESSAGE
    assert message["10"].title == "BATCH/LOT"
    with pytest.raises(KeyError):
        message["21"]


def test_definition_facts() -> None:
    gdti = ai.lookup("253")  # N13,csum,gcppos1 [X..17]: optional serial component
    assert (gdti.min_length, gdti.max_length, gdti.length_text) == (13, 30, "13-30")
    assert gdti.dl_primary_key
    assert gdti.dl_qualifiers == ((),)
    assert ai.lookup("01").dl_qualifiers == (("22", "10", "21"), ("235",))
    assert ai.lookup("01").predefined_length
    assert not ai.lookup("10").predefined_length
    assert ai.lookup("3920").requires[0][0] == ("01", "30")  # req=01+30,...
    with pytest.raises(InvalidComponent, match=r"\(23\)"):
        ai.lookup("23")


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "error", "code"),
    [
        ("", InvalidFormat, "empty"),  # nothing at all
        ("   ", InvalidFormat, "empty"),  # only spaces
        ("x" * 1_000_000, InvalidLength, "ai_too_long"),  # a megabyte line: refused at once
        ("\x00\x01\xff", InvalidFormat, "ai_character"),  # binary garbage
        ("(01)0690123456789\x07", InvalidFormat, "ai_character"),  # a control character
        ("条码", InvalidFormat, "ai_character"),  # Chinese text is not GS1 data
        ("]E00106901234567892", InvalidFormat, "ai_symbology"),  # EAN-13 carries no AIs
        ("(01", InvalidFormat, "ai_brackets"),  # unclosed bracket
        ("(123456)7", InvalidFormat, "ai_brackets"),  # AIs have 2-4 digits
        ("(AB)1", InvalidFormat, "ai_brackets"),  # letters where AI digits belong
        ("(23)1", InvalidComponent, "ai_unknown"),  # (23) is not allocated
        ("2312345", InvalidComponent, "ai_unknown_raw"),  # neither in raw data
        ("ABC", InvalidFormat, "ai_expected"),  # raw data must start with an AI
        ("\x1d", InvalidFormat, "ai_expected"),  # only an FNC1
        ("0106901234567892\x1d\x1d10A", InvalidFormat, "ai_expected"),  # empty element
        ("01069012", InvalidLength, "ai_truncated"),  # cut inside a predefined length
        ("0106901\x1d10A", InvalidLength, "ai_truncated"),  # FNC1 inside (01)'s 14 digits
        ("(01)06901234567892(10)", InvalidLength, "ai_empty_value"),  # no value
        ("(01)0690123456789", InvalidLength, "ai_value_length"),  # 13 digits
        ("(10)" + "A" * 21, InvalidLength, "ai_value_length"),  # X..20
        ("(8008)261231231", InvalidLength, "ai_component_length"),  # [N2] given 1 digit
        ("(01)0690123456789A", InvalidFormat, "ai_charset"),  # letter in a numeric AI
        ("(10)AB CD", InvalidFormat, "ai_charset"),  # space is not CSET 82
        ("(8010)69012a", InvalidFormat, "ai_charset"),  # CSET 39 has no lower case
        ("(8030)AB+C", InvalidFormat, "ai_charset"),  # "+" is not base64url
        ("(8030)123=", InvalidFormat, "ai_base64_padding"),  # padding rules of CSET 64
        ("(01)06901234567890", InvalidChecksum, "ai_check_digit"),  # seed 001, wrong digit
        ("(11)261300", InvalidComponent, "ai_month"),  # month 13
        ("(17)260230", InvalidComponent, "ai_day"),  # 30 February
        ("(17)250229", InvalidComponent, "ai_day"),  # 2025 is not a leap year
        ("(01)06901234567892(17)261231(17)261230", InvalidComponent, "ai_duplicate"),
        ("(17)261231", InvalidComponent, "ai_requires"),  # a date alone names no item
        ("(01)06901234567892(37)5", InvalidComponent, "ai_excludes"),  # 37 counts contents
    ],
)
def test_errors(text: str, error: type[errors.TiaomaError], code: str) -> None:
    with pytest.raises(error) as caught:
        ai.parse(text)
    assert caught.value.code == code
    assert caught.value.message_zh  # every error speaks Chinese too
    assert len(str(caught.value)) < 400  # a megabyte of input never makes a megabyte message


def test_not_text() -> None:
    with pytest.raises(InvalidFormat) as caught:
        ai.parse(b"0106901234567892")  # type: ignore[arg-type]
    assert caught.value.code == "not_text"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "(01)06901234567890",
            "Invalid check digit in AI (01) value '06901234567890': expected 2, got 0",
        ),
        (
            "(11)261300",
            "Invalid month in AI (11) value '261300': expected 01-12, got 13",
        ),
        (
            "(17)260230",
            "Invalid day in AI (17) value '260230': expected 00-28 for 2026-02, got 30",
        ),
        (
            "(17)261231",
            "AI (17) needs (01), (02), (03), (255), (8006) or (8026) in the same message, "
            "found only (17)",
        ),
    ],
)
def test_messages_name_value_expectation_and_finding(text: str, message: str) -> None:
    with pytest.raises(errors.TiaomaError, match="^" + message.replace("(", r"\(")
                       .replace(")", r"\)") + "$"):  # fmt: skip
        ai.parse(text)


def test_pairing_rules_can_be_left_to_the_whole_item() -> None:
    # "req" holds over all carriers on an item: one symbol may carry (17) alone
    assert ai.validate("(17)261231", NO_PAIRINGS) == "(17)261231"


@pytest.mark.parametrize(
    "text",
    [
        "(01)06901234567892(21)S1(3103)000450",  # 21 needs 01, 3103 needs 01 or 02
        "(02)06901234567892(37)12(00)" + SSCC,  # 02 needs 37; 37 needs 00+02
        "(01)06901234567892(3920)123(30)5",  # req=01+30: both present
        "(01)06901234567892(17)261231(17)261231",  # a repeat with the same value
    ],
)
def test_pairings_satisfied(text: str) -> None:
    assert ai.is_valid(text)


# --- oracles: biip and Zint --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        SAME_MESSAGE,
        "(01)96901234567895(3202)000150",  # seed 002
        "(00)" + SSCC + "(02)06901234567892(37)12(15)260200",
        "(01)06901234567892(10)LOT-7(21)SN/1(7003)2612312359",
        "(414)6901234000009(254)A1(8200)HTTP://EXAMPLE.COM",
    ],
)
def test_biip_reads_our_output_the_same(text: str) -> None:
    ours = ai.parse(text, NO_PAIRINGS)
    theirs = GS1Message.parse(ours.fnc1())
    assert [(e.ai.ai, e.value) for e in theirs.element_strings] == [(e.ai, e.value) for e in ours]
    assert theirs.as_hri() == ours.bracketed()
    assert biip.parse("]C1" + ours.fnc1()).gs1_message == theirs


@pytest.mark.parametrize("code", ["01", "17", "3202", "7003", "8008", "3932", "4324", "7011"])
def test_biip_agrees_on_dates_and_decimals(code: str) -> None:
    value = valid_value(ai.lookup(code))
    ours = ai.parse(f"({code}){value}", NO_PAIRINGS).elements[0]
    theirs = GS1Message.parse_hri(f"({code}){value}").element_strings[0]
    if isinstance(ours.meaning, ai.Quantity):
        expected = theirs.money.amount if theirs.money is not None else theirs.decimal
        assert ours.meaning.amount == expected
    elif isinstance(ours.meaning, dt.datetime):
        assert ours.meaning == theirs.datetime
    elif isinstance(ours.meaning, dt.date):
        assert ours.meaning == theirs.date


def test_biip_differs_on_date_ranges() -> None:
    # biip 5.2 reads (7007) as one date and refuses the range YYMMDDYYMMDD that the
    # dictionary allows ("N6,yymmdd [N6],yymmdd"); we read both dates.
    with pytest.raises(biip.ParseError):
        GS1Message.parse_hri("(7007)260101260131")
    assert ai.parse("(7007)260101260131", NO_PAIRINGS)["7007"].meaning == (
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
    )


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("[01]06901234567892[17]261231[10]ABC123", True),
        ("[01]06901234567891", False),  # check digit
        ("[11]261300", False),  # month 13
        ("[17]260229", False),  # 2026 is not a leap year
        ("[17]280229", True),  # 2028 is
        ("[7041]QQQ", False),  # not a UN/ECE Rec 21 package type
        ("[4307]XK", False),  # Kosovo has no ISO 3166 code
        ("[8013]9521234ABCDEFabcdef8T", True),  # GMN with its check character pair
    ],
)
def test_zint_agrees(text: str, valid: bool) -> None:
    assert zint_accepts(text) is valid
    assert ai.is_valid(text, NO_PAIRINGS) is valid


# --- properties --------------------------------------------------------------------------------

_VALUES = {code: valid_value(ai.lookup(code)) for code in ALL}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ALL), min_size=1, max_size=6, unique=True))
def test_any_valid_message_round_trips(codes: list[str]) -> None:
    text = "".join(f"({code}){ai._escape(_VALUES[code])}" for code in codes)
    message = ai.parse(text, NO_PAIRINGS)
    assert message.bracketed() == text
    assert ai.parse(message.fnc1(), NO_PAIRINGS).bracketed() == text
    assert ai.parse("]d2" + message.fnc1(), NO_PAIRINGS).bracketed() == text


def _verdict(text: str) -> str:
    """'valid', or the code of the library error; any other exception escapes."""
    try:
        ai.parse(text)
    except errors.TiaomaError as error:
        return error.code
    return "valid"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_accepted_or_refused_cleanly(text: str) -> None:
    assert _verdict(text) in {"valid", *errors.registered_codes()}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789()^\x1dAB-/%=", max_size=40))
def test_gs1_like_text_is_accepted_or_refused_cleanly(text: str) -> None:
    assert _verdict(text) in {"valid", *errors.registered_codes()}


def test_speed_of_a_typical_message() -> None:
    # tens of microseconds, not milliseconds; generous bound for slow CI machines
    import timeit

    ai.parse(SAME_MESSAGE)
    seconds = min(timeit.repeat(lambda: ai.parse(SAME_MESSAGE), number=200, repeat=5)) / 200
    assert seconds < 500e-6


def test_pairs_from_elsewhere_are_checked_too() -> None:
    # message_from_pairs serves tiaoma.digital_link: an unknown AI there is refused the same way
    with pytest.raises(InvalidComponent) as caught:
        ai.message_from_pairs([("23", "1")])
    assert caught.value.code == "ai_unknown"


def test_year_0000_has_no_meaning_but_no_crash() -> None:
    # The dictionary's yyyymmdd linter accepts year 0000; Python's calendar starts at year 1.
    message = ai.parse("(7250)00000101(8018)795260646688514634")
    assert message["7250"].meaning is None
    assert "(7250)" in message.describe()


def test_as_dict_is_json_ready() -> None:
    import json

    message = ai.parse("(01)06901234567892(3103)001500(17)261231(7007)260101260131")
    data = json.loads(json.dumps(message.as_dict()))
    meanings = [element["meaning"] for element in data["elements"]]
    assert meanings == [None, "1.5 kg", "2026-12-31", ["2026-01-01", "2026-01-31"]]
