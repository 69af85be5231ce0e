"""The GS1 Barcode Syntax Tests ("linters"), one table per linter.

Rows come from the GS1 General Specifications and from the test vectors published with GS1's
reference syntax tests (facts, re-expressed here); each says why it matters.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_ai_samples import zint_accepts
from tiaoma import _ai_lint, ai, errors

PASS = None


@pytest.mark.parametrize(
    ("linter", "data", "problem"),
    [
        # csum: GS1 mod-10 over the whole component (GenSpecs 7.9.1); seed 001's GTIN
        ("csum", "06901234567892", PASS),
        ("csum", "06901234567890", "ai_check_digit"),
        # csumalpha: the check character pair of GMN/MUDI (GenSpecs 7.9.5)
        ("csumalpha", "95212349521234R9", PASS),  # the brief's first test vector
        ("csumalpha", "9521234ABCDEFabcdef8T", PASS),  # the second, with lower case
        ("csumalpha", "1987654Ad4X4bL5ttr2310c2K", PASS),  # longest GMN: 25 characters
        ("csumalpha", "22", PASS),  # an empty body sums to 0, whose pair is "22"
        ("csumalpha", "95212349521234R8", "ai_check_pair"),  # last character wrong
        ("csumalpha", "1987654Ad4X4bL5ttr2310cXK", "ai_check_pair"),  # first wrong
        ("csumalpha", "2", "ai_check_pair_length"),  # no room for a pair
        ("csumalpha", "9521234R1", "ai_check_pair_charset"),  # "1" is not CSET 32
        ("csumalpha", "95212349521234RI", "ai_check_pair_charset"),  # nor is "I"
        # gcppos1/gcppos2: a company prefix (at least 4 digits) starts at position 1 or 2
        ("gcppos1", "6901", PASS),
        ("gcppos1", "690A", "ai_gcp_digits"),
        ("gcppos1", "690", "ai_gcp_length"),
        ("gcppos2", "06901", PASS),
        ("gcppos2", "0690", "ai_gcp_length"),
        ("gcppos2", "A69A1", "ai_gcp_digits"),  # position 1 may be anything, 4 may not
        # yymmd0 / yymmdd / yyyymmdd: GenSpecs 7.12
        ("yymmd0", "261200", PASS),  # day 00: "end of the month"
        ("yymmdd", "261200", "ai_day"),  # but not where the day is required
        ("yymmd0", "261300", "ai_month"),  # month 13
        ("yymmd0", "260000", "ai_month"),  # month 00
        ("yymmdd", "260230", "ai_day"),  # 30 February
        ("yymmdd", "280229", PASS),  # 2028 is a leap year
        ("yymmdd", "270229", "ai_day"),  # 2027 is not
        ("yymmdd", "000229", PASS),  # 2000 was (divisible by 400)
        ("yymmdd", "260431", "ai_day"),  # April has 30 days
        ("yyyymmdd", "19000229", "ai_day"),  # 1900 was not (divisible by 100)
        ("yyyymmdd", "20000229", PASS),
        ("yyyymmdd", "20261301", "ai_month"),
        # hhmi, hh, mi, ss: 24-hour clock
        ("hhmi", "2359", PASS),
        ("hhmi", "2400", "ai_hour"),
        ("hhmi", "2360", "ai_minute"),
        ("hh", "00", PASS),
        ("hh", "24", "ai_hour"),
        ("mi", "60", "ai_minute"),
        ("ss", "59", PASS),
        ("ss", "60", "ai_second"),  # no leap seconds in GS1 data
        # iso3166 / iso3166999 / iso3166alpha2 / iso4217: code lists (generated from ISO)
        ("iso3166", "156", PASS),  # China
        ("iso3166", "999", "ai_country"),  # only the processor AIs allow 999
        ("iso3166999", "999", PASS),
        ("iso3166999", "998", "ai_country"),
        ("iso3166", "000", "ai_country"),
        ("iso3166alpha2", "CN", PASS),
        ("iso3166alpha2", "XK", "ai_country_alpha2"),  # Kosovo: user-assigned, not ISO
        ("iso3166alpha2", "cn", "ai_country_alpha2"),  # codes are upper case
        ("iso4217", "156", PASS),  # yuan
        ("iso4217", "999", PASS),  # XXX, "no currency", is in ISO 4217 (and in Zint's list)
        ("iso4217", "000", "ai_currency"),
        # iso5218: 0 not known, 1 male, 2 female, 9 not applicable
        ("iso5218", "9", PASS),
        ("iso5218", "3", "ai_code_list"),
        # pcenc: RFC 3986 percent-encoding
        ("pcenc", "A%20B", PASS),
        ("pcenc", "%Ff", PASS),  # either case of hex digit
        ("pcenc", "100%", "ai_percent_encoding"),  # "%" at the end
        ("pcenc", "A%2G", "ai_percent_encoding"),  # "G" is not hex
        # hyphen: the temperature sign of 4330-4333
        ("hyphen", "-", PASS),
        ("hyphen", "+", "ai_code_list"),
        # yesno, zero, winding, mediatype, importeridx: small code lists
        ("yesno", "0", PASS),
        ("yesno", "2", "ai_code_list"),
        ("zero", "0", PASS),  # GRAI's padding digit
        ("zero", "1", "ai_code_list"),
        ("winding", "9", PASS),
        ("winding", "2", "ai_code_list"),
        ("mediatype", "10", PASS),  # ICCBBA assignments end at 10
        ("mediatype", "11", "ai_code_list"),  # reserved
        ("mediatype", "80", PASS),  # local use starts at 80
        ("mediatype", "00", "ai_code_list"),
        ("importeridx", "_", PASS),
        ("importeridx", "!", "ai_code_list"),
        # packagetype: UN/ECE Recommendation 21, extended by GS1
        ("packagetype", "BX", PASS),  # box
        ("packagetype", "1A", PASS),  # steel drum
        ("packagetype", "QQQ", "ai_code_list"),
        # nonzero, nozeroprefix
        ("nonzero", "0001", PASS),
        ("nonzero", "0000", "ai_zero_value"),
        ("nozeroprefix", "10", PASS),
        ("nozeroprefix", "01", "ai_zero_prefix"),
        # pieceoftotal: equal-width piece and total, neither zero, piece <= total
        ("pieceoftotal", "0102", PASS),
        ("pieceoftotal", "0202", PASS),
        ("pieceoftotal", "0302", "ai_piece_of_total"),
        ("pieceoftotal", "0002", "ai_piece_of_total"),
        ("pieceoftotal", "0100", "ai_piece_of_total"),
        ("pieceoftotal", "010", "ai_piece_of_total"),  # odd length
        # posinseqslash: "<position>/<end>"
        ("posinseqslash", "2/3", PASS),
        ("posinseqslash", "9/10", PASS),  # compared as numbers, not as text
        ("posinseqslash", "10/9", "ai_sequence"),
        ("posinseqslash", "0/3", "ai_sequence"),  # no zero
        ("posinseqslash", "1/", "ai_sequence"),  # no end
        ("posinseqslash", "111", "ai_sequence"),  # no slash
        # latitude / longitude: 10 digits, offset by 90 and 180 degrees
        ("latitude", "1800000000", PASS),
        ("latitude", "1800000001", "ai_coordinate"),
        ("longitude", "3600000000", PASS),
        ("longitude", "3600000001", "ai_coordinate"),
        # hasnondigit: a MUDI must not be all digits
        ("hasnondigit", "123A", PASS),
        ("hasnondigit", "1234", "ai_all_digits"),
        # iban: ISO 13616, mod 97
        ("iban", "GB98MIDL07009312345678", PASS),
        ("iban", "BE71096123456769", PASS),
        ("iban", "BE71096123456760", "ai_iban_checksum"),
        ("iban", "BE71", "ai_iban_length"),
        ("iban", "XX361234567890", "ai_iban_country"),
        ("iban", "LC14BOSLxx3456789012345678901230", "ai_iban_character"),
    ],
)
def test_linter(linter: str, data: str, problem: str | None) -> None:
    if problem is None:
        _ai_lint.run(linter, data)
        return
    with pytest.raises(_ai_lint.Problem) as caught:
        _ai_lint.run(linter, data)
    assert caught.value.code == problem


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("012345612345611110123", PASS),  # GCP VLI 0 (6 digits), offer, save value, purchase
        ("012345612345611110123101101230123456", PASS),  # field 1
        ("012345612345611110123101101239", PASS),  # "9": first GCP
        ("01234561234561111012321101239", PASS),  # field 2
        ("01234561234561111012332612314260101", PASS),  # expiry, then start
        ("01234561234561111012332601014261231", "ai_coupon_dates"),  # reversed
        ("0123456123456111101233261301", "ai_coupon_field"),  # month 13
        ("01234561234561111012350123456", PASS),  # serial number
        ("012345612345611110123611234567", PASS),  # retailer GCP/GLN
        ("01234561234561111012360123456", "ai_coupon_field"),  # VLI must be 1-7
        ("01234561234561111012390000", PASS),  # miscellaneous
        ("01234561234561111012393", "ai_coupon_field"),  # save value code 3
        ("01234561234561111012390002", "ai_coupon_field"),  # flag 2
        ("0123456123456111101237", "ai_coupon_excess"),  # no optional field 7
        ("712345612345611110123", "ai_coupon_field"),  # GCP VLI must be 0-6
        ("0123456", "ai_coupon_missing"),  # no offer code
        ("01234561234561", "ai_coupon_missing"),  # save value cut short
        ("01234561234560", "ai_coupon_field"),  # save value VLI must be 1-5
        ("012345612345611115123", "ai_coupon_field"),  # purchase requirement code 5
        ("01234561234561111012a", "ai_coupon_field"),  # digits only
        ("", "ai_coupon_missing"),  # nothing
    ],
)
def test_couponcode(data: str, problem: str | None) -> None:
    # AI (8110), the North American coupon code: variable length indicators and fields
    if problem is None:
        _ai_lint.run("couponcode", data)
        return
    with pytest.raises(_ai_lint.Problem) as caught:
        _ai_lint.run("couponcode", data)
    assert caught.value.code == problem


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("001234561234560123456", PASS),  # format 0, funder VLI 0, offer, serial VLI 0
        ("101234561234560123456", PASS),  # format 1
        ("201234561234560123456", "ai_coupon_field"),  # format 2 does not exist
        ("07", "ai_coupon_field"),  # funder VLI must be 0-6
        ("0012345", "ai_coupon_missing"),  # funder cut short
        ("00123456123456", "ai_coupon_missing"),  # no serial number VLI
        ("0012345612345601234567", "ai_coupon_excess"),  # one digit too many
        ("001234561234569123456789012345", PASS),  # serial VLI 9: 15 digits
    ],
)
def test_couponposoffer(data: str, problem: str | None) -> None:
    # AI (8112), the positive offer file coupon
    if problem is None:
        _ai_lint.run("couponposoffer", data)
        return
    with pytest.raises(_ai_lint.Problem) as caught:
        _ai_lint.run("couponposoffer", data)
    assert caught.value.code == problem


@pytest.mark.parametrize(
    ("body", "pair"),
    [
        ("95212349521234", "R9"),  # test vector from the brief
        ("9521234ABCDEFabcdef", "8T"),  # test vector from the brief
        ("12345678901234567890123", "NT"),  # 23 characters, the longest GMN body
        ("", "22"),
    ],
)
def test_check_character_pair(body: str, pair: str) -> None:
    assert _ai_lint.check_character_pair(body) == pair


@given(st.text(alphabet=_ai_lint._CSET82, min_size=1, max_size=23))
def test_check_character_pair_always_validates(body: str) -> None:
    # whatever the body, the pair we compute is the pair the linter accepts
    _ai_lint.run("csumalpha", body + _ai_lint.check_character_pair(body))


@pytest.mark.parametrize(
    ("yy", "year"),
    [
        (26, 2026),  # this year
        (76, 2076),  # 50 years ahead: still this century
        (77, 1977),  # 51 years ahead: last century
        (0, 2000),
    ],
)
def test_two_digit_year_window(yy: int, year: int) -> None:
    # GenSpecs 7.12, evaluated as of 2026
    assert _ai_lint.resolve_year(yy, dt.date(2026, 6, 1)) == year


def test_window_moves_into_next_century() -> None:
    # in 2080, "29" is 51 years back: next century
    assert _ai_lint.resolve_year(29, dt.date(2080, 1, 1)) == 2129


def test_country_and_currency_names() -> None:
    assert _ai_lint.country_alpha2("156") == "CN"
    assert _ai_lint.currency_alpha3("156") == "CNY"
    assert _ai_lint.country_alpha2("999") is None


@pytest.mark.parametrize(
    ("element", "error", "code"),
    [
        ("(8013)95212349521234R8", errors.InvalidChecksum, "ai_check_pair"),
        ("(8007)BE71096123456760", errors.InvalidChecksum, "ai_iban_checksum"),
        ("(7041)QQQ", errors.InvalidComponent, "ai_code_list"),
        ("(8004)690A", errors.InvalidFormat, "ai_gcp_digits"),
        ("(8004)690", errors.InvalidLength, "ai_gcp_length"),
        ("(8110)0123456", errors.InvalidLength, "ai_coupon_missing"),
        ("(4309)18000000010000000000", errors.InvalidComponent, "ai_coordinate"),
    ],
)
def test_linter_problems_become_public_errors(
    element: str, error: type[errors.TiaomaError], code: str
) -> None:
    # a linter's problem reaches the caller as the right subclass, naming the AI and value
    with pytest.raises(error) as caught:
        ai.parse(element, ai.Options(check_pairings=False))
    assert caught.value.code == code
    assert caught.value.params["ai"] == element[1:5].rstrip(")")
    assert "(" + caught.value.params["ai"] + ")" in caught.value.message_zh


def test_every_linter_code_has_both_languages() -> None:
    codes = errors.registered_codes()
    for code in _ai_lint.ERROR_CLASSES:
        english, chinese = codes[code]
        assert "{ai}" in english
        assert "{ai}" in chinese


def test_every_linter_named_by_the_dictionary_exists() -> None:
    named = {
        linter for d in ai.definitions().values() for c in d.components for linter in c.linters
    }
    assert named == set(_ai_lint.LINTERS)


# --- the code lists against Zint's own -------------------------------------------------------

# ISO 4217 codes where pycountry 26.2.16 (our generated list) and Zint 1.2.2 differ because
# the two lists were taken at different times: both are right for their date.
ISO4217_DIFFERS = {
    "396": "XAD, Arab Accounting Dinar: added to ISO 4217 in 2024, after Zint's list",
    "975": "BGN, Bulgarian lev: withdrawn when Bulgaria joined the euro (2026), still in Zint",
}


@pytest.mark.parametrize(
    ("linter", "template", "codes"),
    [
        ("iso3166", "[422]{}", [f"{n:03d}" for n in range(1000)]),
        ("iso3166alpha2", "[4307]{}", [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]),
        ("iso4217", "[3911]{}1", [f"{n:03d}" for n in range(1000)]),
        ("packagetype", "[7041]{}", [*sorted(_ai_lint._package_types()), "QQ", "1C", "200A"]),
    ],
)  # fmt: skip
def test_code_lists_agree_with_zint(linter: str, template: str, codes: list[str]) -> None:
    differ = ISO4217_DIFFERS if linter == "iso4217" else {}
    for code in codes:
        try:
            _ai_lint.run(linter, code)
            ours = True
        except _ai_lint.Problem:
            ours = False
        assert (ours != zint_accepts(template.format(code))) == (code in differ), code
