"""The GS1 Barcode Syntax Tests ("linters") that the GS1 Barcode Syntax Dictionary names.

Each linter checks one component of an AI's value, after :mod:`tiaoma.ai` has checked its
character set and length. The rules follow the GS1 General Specifications (section numbers
below are those of release 25) and GS1's reference syntax tests; the code is our own.

A linter returns nothing when the data is good and raises :class:`Problem` otherwise; the
caller turns the problem into a :class:`~tiaoma.errors.TiaomaError` that names the AI.

>>> check_character_pair("95212349521234")
'R9'
>>> run("csumalpha", "9521234ABCDEFabcdef8T")
>>> run("yymmd0", "261300")
Traceback (most recent call last):
...
tiaoma._ai_lint.Problem: ai_month
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Callable
from datetime import date
from importlib import resources
from typing import Any

from tiaoma import checksum
from tiaoma.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    TiaomaError,
    define,
)

__all__ = ["LINTERS", "Problem", "check_character_pair", "resolve_year", "run"]

# Every message names the AI, the whole value and what was expected and found.
_CODES: dict[str, tuple[type[TiaomaError], str, str]] = {
    "ai_check_digit": (
        InvalidChecksum,
        "Invalid check digit in AI ({ai}) value {value!r}: expected {expected}, got {found}",
        "应用标识符 ({ai}) 的值“{value}”校验码错误：应为 {expected}，实为 {found}",
    ),
    "ai_check_pair": (
        InvalidChecksum,
        "Invalid check character pair in AI ({ai}) value {value!r}: expected {expected}, "
        "got {found}",
        "应用标识符 ({ai}) 的值“{value}”校验字符对错误：应为 {expected}，实为 {found}",
    ),
    "ai_check_pair_length": (
        InvalidLength,
        "AI ({ai}) value {value!r} is too short for a check character pair: expected at "
        "least 2 characters, got {found}",
        "应用标识符 ({ai}) 的值“{value}”太短，放不下校验字符对：至少 2 位，实为 {found} 位",
    ),
    "ai_check_pair_charset": (
        InvalidFormat,
        "Invalid check character {char!r} in AI ({ai}) value {value!r}: expected one of "
        "23456789ABCDEFGHJKLMNPQRSTUVWXYZ",
        "应用标识符 ({ai}) 的值“{value}”中的校验字符“{char}”无效：只能是 2-9 和除 I、O "
        "外的大写字母",
    ),
    "ai_gcp_length": (
        InvalidLength,
        "AI ({ai}) value {value!r} is too short to hold a GS1 company prefix: expected at "
        "least {expected} characters, got {found}",
        "应用标识符 ({ai}) 的值“{value}”太短，放不下厂商识别代码：至少 {expected} 位，实为 "
        "{found} 位",
    ),
    "ai_gcp_digits": (
        InvalidFormat,
        "AI ({ai}) value {value!r} does not start with a GS1 company prefix: expected a "
        "digit at position {position}, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”不以厂商识别代码开头：第 {position} 位应为数字，"
        "实为“{found}”",
    ),
    "ai_month": (
        InvalidComponent,
        "Invalid month in AI ({ai}) value {value!r}: expected 01-12, got {found}",
        "应用标识符 ({ai}) 的值“{value}”月份错误：应为 01-12，实为 {found}",
    ),
    "ai_day": (
        InvalidComponent,
        "Invalid day in AI ({ai}) value {value!r}: expected {expected} for {year}-{month}, "
        "got {found}",
        "应用标识符 ({ai}) 的值“{value}”日期错误：{year} 年 {month} 月应为 {expected} 日，实为 "
        "{found}",
    ),
    "ai_hour": (
        InvalidComponent,
        "Invalid hour in AI ({ai}) value {value!r}: expected 00-23, got {found}",
        "应用标识符 ({ai}) 的值“{value}”小时错误：应为 00-23，实为 {found}",
    ),
    "ai_minute": (
        InvalidComponent,
        "Invalid minute in AI ({ai}) value {value!r}: expected 00-59, got {found}",
        "应用标识符 ({ai}) 的值“{value}”分钟错误：应为 00-59，实为 {found}",
    ),
    "ai_second": (
        InvalidComponent,
        "Invalid second in AI ({ai}) value {value!r}: expected 00-59, got {found}",
        "应用标识符 ({ai}) 的值“{value}”秒数错误：应为 00-59，实为 {found}",
    ),
    "ai_country": (
        InvalidComponent,
        "Invalid country in AI ({ai}) value {value!r}: expected an ISO 3166-1 numeric "
        "code{extra}, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”国家代码错误：应为 ISO 3166-1 数字代码{extra}，"
        "实为“{found}”",
    ),
    "ai_country_alpha2": (
        InvalidComponent,
        "Invalid country in AI ({ai}) value {value!r}: expected an ISO 3166-1 alpha-2 "
        "code, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”国家代码错误：应为 ISO 3166-1 两位字母代码，实为“{found}”",
    ),
    "ai_currency": (
        InvalidComponent,
        "Invalid currency in AI ({ai}) value {value!r}: expected an ISO 4217 numeric code, "
        "got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”币种错误：应为 ISO 4217 数字代码，实为“{found}”",
    ),
    "ai_code_list": (
        InvalidComponent,
        "Invalid {what} in AI ({ai}) value {value!r}: expected {expected}, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”中的{what_zh}无效：应为 {expected}，实为“{found}”",
    ),
    "ai_percent_encoding": (
        InvalidFormat,
        "Invalid percent-encoding in AI ({ai}) value {value!r} at position {position}: "
        "expected '%' and two hexadecimal digits, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”第 {position} 位百分号编码错误：'%' 后应为两位十六进制数，"
        "实为“{found}”",
    ),
    "ai_zero_value": (
        InvalidComponent,
        "Invalid zero in AI ({ai}) value {value!r}: expected a non-zero number, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”不能为零：实为“{found}”",
    ),
    "ai_zero_prefix": (
        InvalidComponent,
        "Invalid leading zero in AI ({ai}) value {value!r}: expected a number not starting "
        "with 0, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”不能以 0 开头：实为“{found}”",
    ),
    "ai_piece_of_total": (
        InvalidComponent,
        "Invalid piece of total in AI ({ai}) value {value!r}: expected {expected}, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”件号/总件数错误：应为{expected_zh}，实为“{found}”",
    ),
    "ai_sequence": (
        InvalidComponent,
        "Invalid position in sequence in AI ({ai}) value {value!r}: expected {expected}, "
        "got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”序号错误：应为{expected_zh}，实为“{found}”",
    ),
    "ai_coordinate": (
        InvalidComponent,
        "Invalid {what} in AI ({ai}) value {value!r}: expected 0000000000-{expected}, got {found}",
        "应用标识符 ({ai}) 的值“{value}”{what_zh}错误：应为 0000000000-{expected}，实为 {found}",
    ),
    "ai_all_digits": (
        InvalidFormat,
        "Invalid AI ({ai}) value {value!r}: expected at least one character that is not a "
        "digit, got only digits",
        "应用标识符 ({ai}) 的值“{value}”无效：至少要有一个非数字字符，实为全数字",
    ),
    "ai_iban_length": (
        InvalidLength,
        "IBAN in AI ({ai}) value {value!r} too short: expected more than 10 characters, "
        "got {found}",
        "应用标识符 ({ai}) 的值“{value}”国际银行账号太短：应多于 10 位，实为 {found} 位",
    ),
    "ai_iban_country": (
        InvalidComponent,
        "Invalid IBAN country in AI ({ai}) value {value!r}: expected an ISO 3166-1 alpha-2 "
        "code, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”国际银行账号国家代码错误：应为 ISO 3166-1 两位字母代码，"
        "实为“{found}”",
    ),
    "ai_iban_character": (
        InvalidFormat,
        "Invalid IBAN character {found!r} at position {position} of AI ({ai}) value "
        "{value!r}: expected digits or capital letters",
        "应用标识符 ({ai}) 的值“{value}”第 {position} 位国际银行账号字符“{found}”无效："
        "只能是数字或大写字母",
    ),
    "ai_iban_checksum": (
        InvalidChecksum,
        "Invalid IBAN check digits in AI ({ai}) value {value!r}: expected the number to "
        "leave 1 modulo 97, got {found}",
        "应用标识符 ({ai}) 的值“{value}”国际银行账号校验码错误：模 97 应余 1，实余 {found}",
    ),
    "ai_coupon_missing": (
        InvalidLength,
        "Coupon in AI ({ai}) value {value!r} is cut short: expected {field} at position {position}",
        "应用标识符 ({ai}) 的值“{value}”优惠券数据不完整：第 {position} 位起应为{field_zh}",
    ),
    "ai_coupon_field": (
        InvalidComponent,
        "Invalid {field} in coupon AI ({ai}) value {value!r} at position {position}: "
        "expected {expected}, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”第 {position} 位{field_zh}无效：应为 {expected}，"
        "实为“{found}”",
    ),
    "ai_coupon_excess": (
        InvalidLength,
        "Unexpected data in coupon AI ({ai}) value {value!r} from position {position}: "
        "expected the end, got {found!r}",
        "应用标识符 ({ai}) 的值“{value}”优惠券数据第 {position} 位起有多余内容“{found}”",
    ),
    "ai_coupon_dates": (
        InvalidComponent,
        "Coupon in AI ({ai}) value {value!r} expires before it starts: start {expected}, "
        "expiry {found}",
        "应用标识符 ({ai}) 的值“{value}”优惠券截止日期早于开始日期：开始 {expected}，截止 {found}",
    ),
}

#: The exception class of each linter code.
ERROR_CLASSES: dict[str, type[TiaomaError]] = {}
for _code, (_cls, _english, _chinese) in _CODES.items():
    ERROR_CLASSES[define(_code, _english, _chinese)] = _cls


class Problem(Exception):
    """A linter's verdict; :mod:`tiaoma.ai` turns it into the public error (never escapes)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# --- code lists ------------------------------------------------------------------------------


def _data_lines(name: str) -> list[str]:
    text = resources.files("tiaoma.data").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@functools.cache
def _iso_codes() -> dict[str, dict[str, str]]:
    """``{'iso3166': {'156': 'CN', ...}, 'iso4217': {'156': 'CNY', ...}}`` (generated)."""
    tables: dict[str, dict[str, str]] = {}
    for line in _data_lines("iso_codes.txt"):
        name, *pairs = line.split()
        tables[name] = dict(pair.split(":", 1) for pair in pairs)
    return tables


def country_alpha2(numeric: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a numeric country code (``'156'`` -> ``'CN'``)."""
    return _iso_codes()["iso3166"].get(numeric)


def currency_alpha3(numeric: str) -> str | None:
    """The ISO 4217 alphabetic code of a numeric currency code (``'156'`` -> ``'CNY'``)."""
    return _iso_codes()["iso4217"].get(numeric)


@functools.cache
def _alpha2_codes() -> frozenset[str]:
    return frozenset(_iso_codes()["iso3166"].values())


@functools.cache
def _package_types() -> frozenset[str]:
    return frozenset(" ".join(_data_lines("package_types.txt")).split())


# --- check digits and characters -------------------------------------------------------------


def _csum(data: str) -> None:
    """GS1 mod-10 check digit over the whole component (GS1 General Specifications 7.9.1)."""
    if not checksum.mod10_ok(data):
        expected = checksum.calc_check_digit(data[:-1]) if len(data) > 1 else "?"
        raise Problem("ai_check_digit", expected=expected, found=data[-1:])


# GS1 General Specifications 7.9.5: data characters weigh their position in CSET 82 (from 0),
# times successive primes from the right; the sum mod 1021 splits into two 5-bit indexes into
# CSET 32.
_CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_CSET82_VALUE = {char: value for value, char in enumerate(_CSET82)}
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79,
           83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
           173, 179, 181, 191, 193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263,
           269, 271, 277, 281, 283, 293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367,
           373, 379, 383, 389, 397, 401, 409, 419, 421, 431, 433, 439, 443, 449, 457, 461, 463,
           467, 479, 487, 491, 499, 503, 509)  # fmt: skip


def check_character_pair(body: str) -> str:
    """The two check characters of a GMN or MUDI body (GS1 General Specifications 7.9.5).

    ``body`` must be CSET 82 and at most 97 characters (AIs allow 23).
    """
    weights = _PRIMES[len(body) - 1 :: -1] if body else ()
    total = sum(_CSET82_VALUE[char] * prime for char, prime in zip(body, weights, strict=True))
    total %= 1021
    return _CSET32[total >> 5] + _CSET32[total & 31]


def _csumalpha(data: str) -> None:
    if len(data) < 2:
        raise Problem("ai_check_pair_length", found=len(data))
    for char in data[-2:]:
        if char not in _CSET32:
            raise Problem("ai_check_pair_charset", char=char)
    expected = check_character_pair(data[:-2])
    if data[-2:] != expected:
        raise Problem("ai_check_pair", expected=expected, found=data[-2:])


def _gcp_from(offset: int) -> Callable[[str], None]:
    """``gcppos1``/``gcppos2``: a GS1 company prefix starts here, so at least its shortest
    possible length (4 digits, GS1 General Specifications 1.4.4) of digits must follow."""

    def lint(data: str) -> None:
        if len(data) < offset + 4:
            raise Problem("ai_gcp_length", expected=offset + 4, found=len(data))
        for position in range(offset, offset + 4):
            if data[position] not in "0123456789":
                raise Problem("ai_gcp_digits", position=position + 1, found=data[position])

    return lint


# --- dates and times (GS1 General Specifications 7.12) ---------------------------------------


def resolve_year(yy: int, today: date | None = None) -> int:
    """The full year of a two-digit year, by GS1 General Specifications 7.12's sliding window.

    Years more than 50 ahead of the current year are last century's, years 50 or more behind
    it are next century's.
    """
    current = (today or date.today()).year
    century, current_yy = divmod(current, 100)
    difference = yy - current_yy
    if difference >= 51:
        century -= 1
    elif difference <= -50:
        century += 1
    return century * 100 + yy


def _check_date(year: int, month: str, day: str, *, day_zero: bool) -> None:
    if not "01" <= month <= "12":
        raise Problem("ai_month", found=month)
    last = calendar.monthrange(year, int(month))[1]
    first = "00" if day_zero else "01"
    if not first <= day <= f"{last:02d}":
        raise Problem("ai_day", expected=f"{first}-{last:02d}", year=year, month=month, found=day)


def _yymmd0(data: str) -> None:
    _check_date(resolve_year(int(data[:2])), data[2:4], data[4:6], day_zero=True)


def _yymmdd(data: str) -> None:
    _check_date(resolve_year(int(data[:2])), data[2:4], data[4:6], day_zero=False)


def _yyyymmdd(data: str) -> None:
    _check_date(int(data[:4]), data[4:6], data[6:8], day_zero=False)


def _range_check(code: str, highest: str) -> Callable[[str], None]:
    def lint(data: str) -> None:
        if not "00" <= data <= highest:
            raise Problem(code, found=data)

    return lint


_hh = _range_check("ai_hour", "23")
_mi = _range_check("ai_minute", "59")
_ss = _range_check("ai_second", "59")


def _hhmi(data: str) -> None:
    _hh(data[:2])
    _mi(data[2:])


# --- code lists ------------------------------------------------------------------------------


def _iso3166(data: str) -> None:
    if data not in _iso_codes()["iso3166"]:
        raise Problem("ai_country", extra="", found=data)


def _iso3166999(data: str) -> None:
    # 999 stands for "country unknown or not applicable" in the processor AIs (7030-7039).
    if data != "999" and data not in _iso_codes()["iso3166"]:
        raise Problem("ai_country", extra=" or 999", found=data)


def _iso3166alpha2(data: str) -> None:
    if data not in _alpha2_codes():
        raise Problem("ai_country_alpha2", found=data)


def _iso4217(data: str) -> None:
    if data not in _iso_codes()["iso4217"]:
        raise Problem("ai_currency", found=data)


def _code_list(
    allowed: Callable[[str], bool], what: str, what_zh: str, expected: str
) -> Callable[[str], None]:
    def lint(data: str) -> None:
        if not allowed(data):
            raise Problem("ai_code_list", what=what, what_zh=what_zh, expected=expected, found=data)

    return lint


_MEDIA_TYPES = frozenset(f"{n:02d}" for n in (*range(1, 11), *range(80, 100)))
_IMPORTER_INDEX = frozenset("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")

_iso5218 = _code_list(
    frozenset("0129").__contains__, "biological sex code", "性别代码",
    "ISO/IEC 5218 0, 1, 2 or 9",
)  # fmt: skip
_winding = _code_list(
    frozenset("019").__contains__, "winding direction", "卷绕方向",
    "0 (face out), 1 (face in) or 9 (undefined)",
)  # fmt: skip
_yesno = _code_list(frozenset("01").__contains__, "yes/no flag", "是否标志", "0 or 1")
_zero = _code_list("0".__eq__, "digit", "数字", "0")
_hyphen = _code_list(
    lambda data: bool(data) and not data.strip("-"), "sign", "负号", "'-'",
)  # fmt: skip
_mediatype = _code_list(
    _MEDIA_TYPES.__contains__, "AIDC media type", "AIDC 载体类型", "01-10 or 80-99",
)  # fmt: skip
_importeridx = _code_list(
    _IMPORTER_INDEX.__contains__, "importer index", "进口商索引",
    "one of 0-9, A-Z, a-z, '-' or '_'",
)  # fmt: skip


def _packagetype(data: str) -> None:
    if data not in _package_types():
        raise Problem(
            "ai_code_list",
            what="package type",
            what_zh="包装类型",
            expected="a UN/ECE Recommendation 21 code",
            found=data,
        )


# --- numbers ---------------------------------------------------------------------------------


def _nonzero(data: str) -> None:
    if not data.strip("0"):
        raise Problem("ai_zero_value", found=data)


def _nozeroprefix(data: str) -> None:
    if data.startswith("0"):
        raise Problem("ai_zero_prefix", found=data)


def _pieceoftotal(data: str) -> None:
    """Piece number then total count, of equal width, neither zero, piece <= total."""
    half = len(data) // 2
    piece, total = data[:half], data[half:]
    if not data or len(data) % 2 or not data.isdigit():
        problem = ("two numbers of equal width", "两个等宽数字")
    elif not piece.strip("0") or not total.strip("0"):
        problem = ("a non-zero piece number and total", "非零件号与非零总件数")
    elif piece > total:
        problem = ("a piece number not above the total", "件号不大于总件数")
    else:
        return
    raise Problem("ai_piece_of_total", expected=problem[0], expected_zh=problem[1], found=data)


def _posinseqslash(data: str) -> None:
    """``<position>/<end>``: both without leading zeros, position <= end."""
    position, slash, end = data.partition("/")
    if not (slash and position.isdigit() and end.isdigit()):
        problem = ("<position>/<end>", "“序号/总数”格式")
    elif position.startswith("0") or end.startswith("0"):
        problem = ("numbers without leading zeros", "不以 0 开头的数字")
    elif (len(position), position) > (len(end), end):
        problem = ("a position not above the end", "序号不大于总数")
    else:
        return
    raise Problem("ai_sequence", expected=problem[0], expected_zh=problem[1], found=data)


def _coordinate(what: str, what_zh: str, highest: str) -> Callable[[str], None]:
    # GS1 General Specifications 3.7.14: latitude + 90 and longitude + 180, in 10^-7 degrees.
    def lint(data: str) -> None:
        if data > highest:
            raise Problem("ai_coordinate", what=what, what_zh=what_zh, expected=highest, found=data)

    return lint


def _hasnondigit(data: str) -> None:
    if data.isdigit():
        raise Problem("ai_all_digits")


def _pcenc(data: str) -> None:
    """RFC 3986 section 2.1: every '%' starts a two-hex-digit escape."""
    start = data.find("%")
    while start >= 0:
        escape = data[start : start + 3]
        if len(escape) < 3 or not all(c in "0123456789ABCDEFabcdef" for c in escape[1:]):
            raise Problem("ai_percent_encoding", position=start + 1, found=escape)
        start = data.find("%", start + 3)


def _iban(data: str) -> None:
    """ISO 13616-1: country, two check digits, then the account; mod 97 of the rotated
    number with letters as 10-35 must be 1."""
    if len(data) <= 10:
        raise Problem("ai_iban_length", found=len(data))
    if data[:2] not in _alpha2_codes():
        raise Problem("ai_iban_country", found=data[:2])
    for position, char in enumerate(data[2:], 3):
        if not ("0" <= char <= "9" or "A" <= char <= "Z"):
            raise Problem("ai_iban_character", position=position, found=char)
    rotated = data[4:] + data[:4]
    remainder = int("".join(str(int(char, 36)) for char in rotated)) % 97
    if remainder != 1:
        raise Problem("ai_iban_checksum", found=remainder)


# --- coupons (North American coupon codes, AIs 8110 and 8112) -------------------------------


class _Cursor:
    """Walks a coupon's variable-length fields, raising the right problem on the way."""

    def __init__(self, data: str) -> None:
        self.data = data
        self.pos = 0

    def take(self, length: int, field: tuple[str, str]) -> str:
        piece = self.data[self.pos : self.pos + length]
        if len(piece) < length:
            raise Problem(
                "ai_coupon_missing", field=field[0], field_zh=field[1], position=self.pos + 1
            )
        self.pos += length
        return piece

    def digit(self, field: tuple[str, str], allowed: str) -> int:
        char = self.take(1, field)
        if char not in allowed:
            raise Problem(
                "ai_coupon_field",
                field=field[0],
                field_zh=field[1],
                position=self.pos,
                expected=_describe_digits(allowed),
                found=char,
            )
        return int(char)

    def vli_field(
        self, field: tuple[str, str], allowed: str, extra: int, *, nine_is_none: bool = False
    ) -> str:
        """A variable length indicator (one digit) then ``extra`` more digits than it says."""
        length = self.digit((f"{field[0]} length indicator", f"{field[1]}长度指示符"), allowed)
        if nine_is_none and length == 9:
            return ""
        return self.take(length + extra, field)

    def peek(self) -> str:
        return self.data[self.pos : self.pos + 1]

    def finish(self) -> None:
        if self.pos != len(self.data):
            raise Problem("ai_coupon_excess", position=self.pos + 1, found=self.data[self.pos :])


def _describe_digits(allowed: str) -> str:
    return ", ".join(allowed)


_GCP = ("company prefix", "厂商识别代码")
_OFFER = ("offer code", "优惠代码")
_SAVE = ("save value", "优惠金额")
_REQ = ("purchase requirement", "购买要求")
_REQ_CODE = ("purchase requirement code", "购买要求代码")
_FAMILY = ("family code", "商品族代码")
_SERIAL = ("serial number", "序列号")


def _coupon_gcp(cursor: _Cursor, *, nine_is_none: bool = False) -> None:
    # A VLI of 0-6 means a prefix of 6-12 digits; on a second or third purchase "9" means
    # "the first purchase's company prefix" and no digits follow.
    allowed = "01234569" if nine_is_none else "0123456"
    cursor.vli_field(_GCP, allowed, 6, nine_is_none=nine_is_none)


def _coupon_purchase(cursor: _Cursor, *, with_gcp: bool) -> None:
    cursor.vli_field(_REQ, "12345", 0)
    cursor.digit(_REQ_CODE, "012349")
    cursor.take(3, _FAMILY)
    if with_gcp:
        _coupon_gcp(cursor, nine_is_none=True)


def _coupon_date(cursor: _Cursor, field: tuple[str, str]) -> str:
    text = cursor.take(6, field)
    try:
        _yymmdd(text)
    except Problem:
        raise Problem(
            "ai_coupon_field",
            field=field[0],
            field_zh=field[1],
            position=cursor.pos - 5,
            expected="a YYMMDD date",
            found=text,
        ) from None
    return text


def _coupon_digits(data: str) -> _Cursor:
    for position, char in enumerate(data, 1):
        if char not in "0123456789":
            raise Problem(
                "ai_coupon_field",
                field="character",
                field_zh="字符",
                position=position,
                expected="a digit",
                found=char,
            )
    return _Cursor(data)


def _couponcode(data: str) -> None:
    """AI (8110): GS1 US "North American Coupon Application Guideline Using GS1 DataBar
    Expanded Symbols", the mandatory fields then optional fields 1-6 and 9, in order."""
    cursor = _coupon_digits(data)
    _coupon_gcp(cursor)
    cursor.take(6, _OFFER)
    cursor.vli_field(_SAVE, "12345", 0)
    _coupon_purchase(cursor, with_gcp=False)
    if cursor.peek() == "1":
        cursor.take(1, ("field 1", "字段 1"))
        cursor.digit(("additional purchase rules code", "附加购买规则代码"), "0123")
        _coupon_purchase(cursor, with_gcp=True)
    if cursor.peek() == "2":
        cursor.take(1, ("field 2", "字段 2"))
        _coupon_purchase(cursor, with_gcp=True)
    _coupon_dates(cursor)
    if cursor.peek() == "5":
        cursor.take(1, ("field 5", "字段 5"))
        cursor.vli_field(_SERIAL, "0123456789", 6)
    if cursor.peek() == "6":
        cursor.take(1, ("field 6", "字段 6"))
        cursor.vli_field(
            ("retailer company prefix or GLN", "零售商厂商识别代码或 GLN"), "1234567", 6
        )
    if cursor.peek() == "9":
        cursor.take(1, ("field 9", "字段 9"))
        cursor.digit(("save value code", "优惠方式代码"), "01256")
        cursor.digit(("save value applies to item", "优惠适用商品"), "012")
        cursor.take(1, ("store coupon flag", "店内优惠券标志"))
        cursor.digit(("don't multiply flag", "不叠加标志"), "01")
    cursor.finish()


def _coupon_dates(cursor: _Cursor) -> None:
    expiry = None
    if cursor.peek() == "3":
        cursor.take(1, ("field 3", "字段 3"))
        expiry = _coupon_date(cursor, ("expiration date", "截止日期"))
    if cursor.peek() == "4":
        cursor.take(1, ("field 4", "字段 4"))
        start = _coupon_date(cursor, ("start date", "开始日期"))
        if expiry is not None and start > expiry:
            raise Problem("ai_coupon_dates", expected=start, found=expiry)


def _couponposoffer(data: str) -> None:
    """AI (8112): GS1 US "AI (8112) Coupon Data Specification" (positive offer file)."""
    cursor = _coupon_digits(data)
    cursor.digit(("format code", "格式代码"), "01")
    cursor.vli_field(("funder ID", "出资方代码"), "0123456", 6)
    cursor.take(6, _OFFER)
    cursor.vli_field(_SERIAL, "0123456789", 6)
    cursor.finish()


#: Every linter the GS1 Barcode Syntax Dictionary names, by name.
LINTERS: dict[str, Callable[[str], None]] = {
    "csum": _csum,
    "csumalpha": _csumalpha,
    "gcppos1": _gcp_from(0),
    "gcppos2": _gcp_from(1),
    "yymmd0": _yymmd0,
    "yymmdd": _yymmdd,
    "yyyymmdd": _yyyymmdd,
    "hhmi": _hhmi,
    "hh": _hh,
    "mi": _mi,
    "ss": _ss,
    "iso3166": _iso3166,
    "iso3166999": _iso3166999,
    "iso3166alpha2": _iso3166alpha2,
    "iso4217": _iso4217,
    "iso5218": _iso5218,
    "pcenc": _pcenc,
    "hyphen": _hyphen,
    "yesno": _yesno,
    "nonzero": _nonzero,
    "zero": _zero,
    "winding": _winding,
    "pieceoftotal": _pieceoftotal,
    "posinseqslash": _posinseqslash,
    "packagetype": _packagetype,
    "nozeroprefix": _nozeroprefix,
    "mediatype": _mediatype,
    "latitude": _coordinate("latitude", "纬度", "1800000000"),
    "longitude": _coordinate("longitude", "经度", "3600000000"),
    "importeridx": _importeridx,
    "iban": _iban,
    "hasnondigit": _hasnondigit,
    "couponcode": _couponcode,
    "couponposoffer": _couponposoffer,
}


def run(name: str, data: str) -> None:
    """Run one linter by its dictionary name; raise :class:`Problem` if the data fails it."""
    LINTERS[name](data)
