"""In-store codes (店内码, GB/T 18283): restricted circulation numbers with prefix 20-29.

A shop numbers the goods it weighs, repacks or prices itself with 13-digit codes whose GS1 prefix
is 20-29 (restricted circulation numbers in the GS1 prefix list, GenSpecs 1.4.4). Variable-measure
codes carry an item number and a price or a weight, optionally guarded by a price check digit
(GB/T 18283-2008 annex A, the same as GS1 GenSpecs 7.9.3/7.9.4). Each shop sets its own
layouts *(design: a template string)*:

=======  ============================================================================
``2``    a literal digit (the first must be ``2``: the code lives in prefixes 20-29)
``F``    flag digits, given when building (a shop's way to tell its layouts apart)
``I``    item number digits
``P``    price digits, in yuan with ``decimals`` places (2: fen)
``W``    weight digits, in kg with ``decimals`` places (3: grams)
``V``    the check digit of a 4- or 5-digit price or weight field
``C``    the GTIN-13 check digit, last
=======  ============================================================================

Spaces in a template are ignored; ``decimals`` is 0 to 6. A price or weight is a
:class:`~decimal.Decimal`, an int or plain decimal text: ASCII or full-width digits with at most
one decimal point (no digit group separators, exponents or ``NaN``). Goods that already carry a
valid commodity code must be sold under it (《商品条码管理办法》 art. 26, seed 004):
:func:`check_may_assign`.

>>> from decimal import Decimal
>>> layout = Layout("2F IIIII V PPPP C", decimals=2)
>>> code = layout.build(flag="1", item="12345", price=Decimal("12.34"))
>>> code                        # 2 · flag 1 · item 12345 · price check 9 · 1234 fen · check 9
'2112345912349'
>>> reading = layout.read(code)
>>> reading.item, reading.price
('12345', Decimal('12.34'))
>>> parse(code).prefix
'21'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from tiaoma import _text, checksum, gtin, prefixes, upc
from tiaoma._bilingual import Bilingual
from tiaoma.errors import (
    CHECKSUM,
    LENGTH,
    SHOWN_MAX,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    TiaomaError,
    define,
    passes,
)
from tiaoma.prefixes import Issuer

__all__ = [
    "ITEM_ONLY",
    "PRICE_4_CHECKED",
    "PRICE_5",
    "WEIGHT_5",
    "InStoreCode",
    "Layout",
    "Measure",
    "Reading",
    "calc_check_digit",
    "check_may_assign",
    "compact",
    "format",
    "is_valid",
    "parse",
    "validate",
]

TEMPLATE = define(
    "rcn.template",
    "Invalid in-store code layout {template!r}: {problem}",
    "店内码格式“{template}”无效：{problem_zh}",
)
PREFIX = define(
    "rcn.prefix",
    "{value!r} is not an in-store code: expected prefix 20-29, got {found!r}",
    "“{value}”不是店内码：前缀应为 20-29，实为“{found}”",
)
LAYOUT_MISMATCH = define(
    "rcn.layout_mismatch",
    "{value!r} does not fit layout {template!r}: expected {expected!r} at position {position},"
    " got {found!r}",
    "“{value}”不符合格式“{template}”：第 {position} 位应为“{expected}”，实为“{found}”",
)
PRICE_CHECKSUM = define(
    "rcn.price_checksum",
    "Invalid {measure} check digit in {value!r}: expected {expected} for the field {field},"
    " got {found}",
    "“{value}”的{measure_zh}校验码错误：字段 {field} 的校验码应为 {expected}，实为 {found}",
)
MEASURE = define(
    "rcn.measure",
    "Invalid amounts for layout {template!r}: expected {expected}, got {found}",
    "格式“{template}”的数值无效：应为{expected_zh}，实为{found_zh}",
)
AMOUNT = define(
    "rcn.amount",
    "Invalid {measure} {value!r}: expected a Decimal, an int or a decimal string (digits with at"
    " most one decimal point)",
    "{measure_zh}“{value}”无效：应为 Decimal、整数或十进制数字字符串（只含数字和至多一个小数点）",
)
SEPARATOR = define(
    "rcn.separator",
    "Invalid {measure} {value!r}: expected digits with at most one decimal point '.', got the"
    " separator {char!r} at position {position} (write 1234.50, not 1,234.50, 1_234.50 or 1234,50)",
    "{measure_zh}“{value}”无效：第 {position} 位是分隔符“{char}”；只能写数字和至多一个小数点“.”"
    "（应写 1234.50，不能写 1,234.50、1_234.50 或 1234,50）",
)
LAYOUT_DECIMALS = define(
    "rcn.layout_decimals",
    "Invalid decimal places {decimals!r} for layout {template!r}: expected an int from 0 to"
    " {maximum}",
    "格式“{template}”的小数位数 {decimals} 无效：应为 0 至 {maximum} 的整数",
)
NEGATIVE = define(
    "rcn.negative",
    "Invalid {measure} {value}: expected zero or more",
    "{measure_zh} {value} 无效：不能为负数",
)
DECIMALS = define(
    "rcn.decimals",
    "Invalid {measure} {value}: expected at most {decimals} decimal places",
    "{measure_zh} {value} 无效：小数位最多 {decimals} 位",
)
TOO_LARGE = define(
    "rcn.too_large",
    "{measure} {value} does not fit layout {template!r}: expected at most {maximum}",
    "{measure_zh} {value} 超出格式“{template}”的范围：最大为 {maximum}",
)
FLAG = define(
    "rcn.flag",
    "Invalid flag {found!r} for layout {template!r}: expected {expected}",
    "格式“{template}”的标志位“{found}”无效：应为{expected_zh}",
)
HAS_GTIN = define(
    "rcn.has_gtin",
    "Goods carrying the commodity code {value!r} must be sold under it: expected no valid GTIN"
    " or UPC-E outside prefixes 20-29 before assigning an in-store code",
    "已标注商品条码“{value}”的商品应直接使用该商品条码，不得另行编制店内码",
)

_LENGTH = 13
_SYMBOLS = frozenset("0123456789FIPWVC")
_DIGITS = "0123456789"
# Fen (2) and grams (3) are the usual places; 6 leaves room for finer units, and more could not
# share 13 digits with a flag, an item number and the check digits anyway.
MAX_DECIMALS = 6
# Plain decimal text with an optional sign (a minus is then refused as negative). Not Decimal's
# own grammar, which also takes 1_234.5, 1e3, NaN and non-ASCII digits such as ٣.
_AMOUNT_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Digit group separators (1,234.50 1_234.50 1'234.50 1 234.50) and the decimal comma (1234,50).
_AMOUNT_SEPARATOR = re.compile(r"[,_'’\s]")
# Ints from here on are quoted as text in errors, which shortens them.
_SHORT_INT = 10**SHOWN_MAX


class Measure(Bilingual):
    """What a layout's variable field carries."""

    NONE = ("nothing", "无")
    PRICE = ("price", "价格")
    WEIGHT = ("weight", "重量")


def _template_error(template: str, problem: str, problem_zh: str) -> InvalidFormat:
    return InvalidFormat(TEMPLATE, template=template, problem=problem, problem_zh=problem_zh)


def _check_shape(template: str, pattern: str) -> None:
    """Known symbols, 13 positions, a literal 2 first and the check digit last."""
    unknown = sorted(set(pattern) - _SYMBOLS)
    if unknown:
        raise _template_error(
            template,
            f"expected only digits and F I P W V C, got {unknown[0]!r}",
            f"只能包含数字和 F I P W V C，实有“{unknown[0]}”",
        )
    if len(pattern) != _LENGTH:
        raise _template_error(
            template,
            f"expected 13 positions, got {len(pattern)}",
            f"应为 13 位，实为 {len(pattern)} 位",
        )
    if pattern[0] != "2" or pattern.find("C") != _LENGTH - 1:
        raise _template_error(
            template,
            "expected a literal 2 first and the check digit C last, once",
            "首位应为数字 2，末位应为校验码 C 且只出现一次",
        )


def _check_fields(template: str, pattern: str) -> None:
    """Each field in one piece, an item number, at most one amount, V only over 4-5 digits."""
    for symbol in "FIPW":
        if symbol in pattern and symbol * pattern.count(symbol) not in pattern:
            raise _template_error(
                template, f"expected the {symbol} digits together", f"{symbol} 各位应连续"
            )
    if "I" not in pattern:
        raise _template_error(template, "expected item digits I", "应包含商品项目代码 I")
    if "P" in pattern and "W" in pattern:
        raise _template_error(
            template, "expected a price P or a weight W, got both", "价格 P 与重量 W 只能有其一"
        )
    amount_width = pattern.count("P") + pattern.count("W")
    if "V" in pattern and (pattern.count("V") > 1 or amount_width not in (4, 5)):
        raise _template_error(
            template,
            f"expected one V over 4 or 5 price/weight digits, got {amount_width}",
            f"价格校验码 V 只能有一位且只用于 4 位或 5 位价格或重量，实为 {amount_width} 位",
        )


def _check_decimals(template: str, decimals: object) -> None:
    """An int from 0 to MAX_DECIMALS, checked at run time: layouts often come from settings."""
    if (
        isinstance(decimals, bool)
        or not isinstance(decimals, int)
        or not (0 <= decimals <= MAX_DECIMALS)
    ):
        raise InvalidFormat(
            LAYOUT_DECIMALS, template=template, decimals=_printable(decimals), maximum=MAX_DECIMALS
        )


def _span(pattern: str, symbol: str) -> slice:
    return slice(pattern.find(symbol), pattern.rfind(symbol) + 1)


@dataclass(frozen=True, slots=True)
class Layout:
    """A shop's in-store code layout, from a template such as ``"2F IIIII V PPPP C"``.

    ``decimals`` is the number of decimal places of the price (yuan) or weight (kg) field,
    0 to :data:`MAX_DECIMALS`.
    """

    template: str
    decimals: int = 2
    pattern: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        pattern = "".join(_text.require_text(self.template).split())
        _check_shape(self.template, pattern)
        _check_fields(self.template, pattern)
        _check_decimals(self.template, self.decimals)
        object.__setattr__(self, "pattern", pattern)

    @property
    def measure(self) -> Measure:
        """Whether the layout carries a price, a weight or neither."""
        if "P" in self.pattern:
            return Measure.PRICE
        if "W" in self.pattern:
            return Measure.WEIGHT
        return Measure.NONE

    @property
    def maximum(self) -> Decimal | None:
        """The largest price or weight the field holds (``None`` without one)."""
        width = self._amount_width
        return Decimal(10**width - 1).scaleb(-self.decimals) if width else None

    @property
    def _amount_symbol(self) -> str:
        return {Measure.PRICE: "P", Measure.WEIGHT: "W", Measure.NONE: ""}[self.measure]

    @property
    def _amount_width(self) -> int:
        return self.pattern.count(self._amount_symbol) if self._amount_symbol else 0

    def _amount_slice(self) -> slice:
        return _span(self.pattern, self._amount_symbol) if self._amount_symbol else slice(0, 0)

    def build(
        self,
        *,
        item: str | int,
        price: Decimal | int | str | None = None,
        weight: Decimal | int | str | None = None,
        flag: str | int | None = None,
        existing_gtin: str | None = None,
    ) -> str:
        """The 13-digit in-store code of ``item`` with its price or weight.

        ``existing_gtin``, when given, is checked first with :func:`check_may_assign`.

        >>> WEIGHT_5.build(item=401, weight="1.235")
        '2300401012359'
        """
        check_may_assign(existing_gtin)
        parts = {"I": self._digits_for("I", item, "item number", "商品项目代码")}
        parts.update(self._flag_part(flag))
        parts.update(self._amount_parts(price, weight))
        code = list(self.pattern)
        for symbol, digits in parts.items():
            code[_span(self.pattern, symbol)] = digits
        body = "".join(code[:-1])
        return body + checksum.calc_check_digit(body)

    def _flag_part(self, flag: str | int | None) -> dict[str, str]:
        if "F" in self.pattern:
            return {"F": self._flag_digits(flag)}
        if flag is not None:
            raise self._flag_error(flag)
        return {}

    def _amount_parts(
        self, price: Decimal | int | str | None, weight: Decimal | int | str | None
    ) -> dict[str, str]:
        amount = self._amount_field(price, weight)
        if not amount:
            return {}
        if "V" in self.pattern:
            return {self._amount_symbol: amount, "V": checksum.price_check_digit(amount)}
        return {self._amount_symbol: amount}

    def _digits_for(self, symbol: str, value: str | int, name: str, name_zh: str) -> str:
        width = self.pattern.count(symbol)
        if isinstance(value, int) and not isinstance(value, bool):  # True is no item number
            if value < 0:
                raise InvalidComponent(
                    NEGATIVE, measure=name, measure_zh=name_zh, value=_printable(value)
                )
            text = _int_text(value).zfill(width)
        else:
            text = _text.require_digits(_text.compact(value), expected=name, expected_zh=name_zh)
        if len(text) != width:
            raise InvalidLength(LENGTH, value=text, expected=width, found=len(text))
        return text

    def _flag_error(self, flag: object) -> InvalidComponent:
        width = self.pattern.count("F")
        expected = f"{width} digit(s)" if width else "no flag (the layout has no F)"
        expected_zh = f" {width} 位数字" if width else "空（该格式没有标志位 F）"
        return InvalidComponent(
            FLAG,
            template=self.template,
            found=_printable(flag),
            expected=expected,
            expected_zh=expected_zh,
        )

    def _flag_digits(self, flag: str | int | None) -> str:
        if flag is None:
            raise self._flag_error(flag)
        try:
            return self._digits_for("F", flag, "flag", "标志位")
        except TiaomaError as error:
            raise self._flag_error(flag) from error

    def _amount_field(
        self, price: Decimal | int | str | None, weight: Decimal | int | str | None
    ) -> str:
        """The zero-padded digits of the price or weight, after checking it fits the layout."""
        self._check_measure_given(price, weight)
        amount = price if self.measure is Measure.PRICE else weight
        if amount is None:
            return ""
        value = _decimal(amount, self.measure)
        # The range first: it bounds the exponent, so the exact conversion below stays small.
        if value > (self.maximum or 0):
            raise InvalidComponent(
                TOO_LARGE,
                **_named(self.measure),
                value=_printable(value),
                template=self.template,
                maximum=self.maximum,
            )
        units = _in_units(value, self.decimals)
        if units is None:
            raise InvalidComponent(
                DECIMALS, **_named(self.measure), value=_printable(value), decimals=self.decimals
            )
        return str(units).zfill(self._amount_width)

    def _check_measure_given(self, price: object, weight: object) -> None:
        given = [m for m, v in ((Measure.PRICE, price), (Measure.WEIGHT, weight)) if v is not None]
        if given == ([] if self.measure is Measure.NONE else [self.measure]):
            return
        raise InvalidComponent(
            MEASURE,
            template=self.template,
            expected=_describe([self.measure]),
            expected_zh=_describe_zh([self.measure]),
            found=_describe(given),
            found_zh=_describe_zh(given),
        )

    def read(self, code: str) -> Reading:
        """Check ``code`` against the layout and read its item number and price or weight.

        >>> PRICE_5.read("2100401123402").price
        Decimal('123.40')
        """
        value = validate(code)
        self._check_literals(value)
        amount = value[self._amount_slice()]
        if "V" in self.pattern:
            self._check_price_digit(value, amount)
        measured = Decimal(amount).scaleb(-self.decimals) if amount else None
        return Reading(
            code=value,
            layout=self,
            flag=value[_span(self.pattern, "F")] if "F" in self.pattern else None,
            item=value[_span(self.pattern, "I")],
            price=measured if self.measure is Measure.PRICE else None,
            weight=measured if self.measure is Measure.WEIGHT else None,
        )

    def _check_literals(self, value: str) -> None:
        for position, (symbol, digit) in enumerate(zip(self.pattern, value, strict=True), 1):
            if symbol in _DIGITS and symbol != digit:
                raise InvalidComponent(
                    LAYOUT_MISMATCH,
                    value=value,
                    template=self.template,
                    expected=symbol,
                    position=position,
                    found=digit,
                )

    def _check_price_digit(self, value: str, amount: str) -> None:
        expected = checksum.price_check_digit(amount)
        found = value[self.pattern.index("V")]
        if found != expected:
            raise InvalidChecksum(
                PRICE_CHECKSUM,
                **_named(self.measure),
                value=value,
                field=amount,
                expected=expected,
                found=found,
            )

    def matches(self, code: str) -> bool:
        """Whether ``code`` is a valid in-store code that fits this layout."""
        try:
            self.read(code)
        except TiaomaError:
            return False
        return True


@dataclass(frozen=True, slots=True)
class Reading:
    """What an in-store code says under a layout: item number and price (yuan) or weight (kg)."""

    code: str
    layout: Layout
    flag: str | None
    item: str
    price: Decimal | None
    weight: Decimal | None


@dataclass(frozen=True, slots=True)
class InStoreCode:
    """A valid 13-digit restricted circulation number, read without a layout."""

    value: str
    prefix: str
    check_digit: str

    @property
    def issuer(self) -> Issuer | None:
        """GS1's entry for the prefix: restricted circulation within a region (MO defined)."""
        return prefixes.issuer(self.value)

    @property
    def is_restricted_circulation(self) -> bool:
        """Always true: the number is only meaningful inside the shop or region that issued it."""
        return True


def _named(measure: Measure) -> dict[str, str]:
    return {"measure": measure.english, "measure_zh": measure.chinese}


def _describe(measures: list[Measure]) -> str:
    if not measures or measures == [Measure.NONE]:
        return "no price or weight"
    return " and ".join(f"a {measure.english}" for measure in measures)


def _describe_zh(measures: list[Measure]) -> str:
    if not measures or measures == [Measure.NONE]:
        return "无价格或重量"
    return "和".join(measure.chinese for measure in measures)


def _int_text(number: int) -> str:
    """``str(number)`` without Python's 4300-digit limit on converting ints to text."""
    return str(number) if abs(number) < _SHORT_INT else str(Decimal(number))


def _printable(value: object) -> object:
    """``value`` as an error parameter: an int or a Decimal too long to quote becomes text,
    which messages shorten (``str()`` of an int past 4300 digits even raises)."""
    if isinstance(value, int) and abs(value) >= _SHORT_INT:
        return _int_text(value)
    if isinstance(value, Decimal) and len(text := str(value)) > SHOWN_MAX:
        return text
    return value


def _decimal(amount: object, measure: Measure) -> Decimal:
    """A finite, non-negative Decimal from a Decimal, an int or plain decimal text (not a float).

    Text is half-widthed and stripped, then must be digits with at most one decimal point.
    """
    if isinstance(amount, str):
        value = _decimal_of_text(amount, measure)
    elif isinstance(amount, Decimal | int) and not isinstance(amount, bool):
        value = Decimal(amount)  # exact, and without int's 4300-digit limit
    else:
        raise InvalidFormat(AMOUNT, **_named(measure), value=amount)
    if not value.is_finite():
        raise InvalidFormat(AMOUNT, **_named(measure), value=amount)
    if value < 0:
        raise InvalidComponent(NEGATIVE, **_named(measure), value=_printable(value))
    return value


def _decimal_of_text(amount: str, measure: Measure) -> Decimal:
    text = _text.halfwidth(amount).strip()
    if _AMOUNT_TEXT.fullmatch(text):
        return Decimal(text)
    start = len(amount) - len(amount.lstrip())
    for position, char in enumerate(amount.strip(), start + 1):
        if _AMOUNT_SEPARATOR.fullmatch(_text.halfwidth(char)):
            raise InvalidFormat(
                SEPARATOR, **_named(measure), value=amount, char=char, position=position
            )
    raise InvalidFormat(AMOUNT, **_named(measure), value=amount)


def _in_units(value: Decimal, decimals: int) -> int | None:
    """``value`` in units of 10**-decimals (fen, grams), or ``None`` if it has more places.

    ``value`` is finite, non-negative and at most the layout's maximum. Integer arithmetic on
    the digits, not ``Decimal.scaleb`` or ``normalize``: the context would silently round
    1E-999999999 to zero and 1.0000000000000000000000000001 to 1.
    """
    _, digits, exponent = value.as_tuple()
    # Trailing zeros are no precision (1.500 yuan is 150 fen); without them the coefficient is
    # at most the field's width, so int() stays far below its 4300-digit limit.
    significant = "".join(map(str, digits)).rstrip("0")
    if not significant:
        return 0
    shift = int(exponent) + len(digits) - len(significant) + decimals
    if shift < 0:
        return None
    scale: int = 10**shift
    return int(significant) * scale


def compact(number: str) -> str:
    """Half-width the digits and drop spaces and hyphens."""
    return _text.compact(number)


def calc_check_digit(body: str) -> str:
    """The GTIN-13 check digit of the first 12 digits of an in-store code."""
    body = _text.require_digits(compact(body), expected="an in-store code", expected_zh="店内码")
    if len(body) != _LENGTH - 1:
        raise InvalidLength(LENGTH, value=body, expected="12 digits", found=len(body))
    return checksum.calc_check_digit(body)


def validate(number: str) -> str:
    """Return the compact code if it is 13 digits, prefix 20-29, with a correct check digit.

    >>> validate("6936983800013")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidComponent: '6936983800013' is not an in-store code: expected prefix ...
    """
    value = _text.require_digits(compact(number), expected="an in-store code", expected_zh="店内码")
    if len(value) != _LENGTH:
        raise InvalidLength(LENGTH, value=value, expected="13 digits", found=len(value))
    if not checksum.mod10_ok(value):
        expected = checksum.calc_check_digit(value[:-1])
        raise InvalidChecksum(CHECKSUM, value=value, expected=expected, found=value[-1])
    if value[0] != "2":
        raise InvalidComponent(PREFIX, value=value, found=value[:2])
    return value


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid 13-digit in-store code (prefix 20-29)."""
    return passes(validate, number)


def parse(number: str) -> InStoreCode:
    """Validate ``number`` as an in-store code without knowing the shop's layout."""
    value = validate(number)
    return InStoreCode(value, value[:2], value[-1])


def format(number: str) -> str:
    """The EAN-13 grouping printed under the bars: ``2 123456 789012``."""
    value = validate(number)
    return f"{value[0]} {value[1:7]} {value[7:]}"


def check_may_assign(existing_gtin: str | None) -> None:
    """Raise if goods that carry ``existing_gtin`` must not get an in-store code.

    A valid GTIN outside restricted circulation is the goods' commodity code, and the seller
    must use it (《商品条码管理办法》 art. 26, seed 004; GB/T 18283). So is a valid UPC-E: its 8
    digits stand for a GTIN-12 (GS1 GenSpecs 5.2.2.4), even where they would also pass as an
    RCN-8 (GenSpecs 2.1.11.1), because nobody can tell from the digits which symbol they came
    from. ``None``, an empty string, an in-store code, an RCN-8 that is no valid UPC-E or a
    number that is not a valid GTIN allow an in-store code; check a hand-typed number with
    :func:`tiaoma.gtin.validate` first to catch typing errors.

    >>> check_may_assign("2112345012346")      # another in-store code: allowed
    >>> check_may_assign("6936983800013")      # doctest: +ELLIPSIS
    Traceback (most recent call last):
      ...
    tiaoma.errors.InvalidComponent: Goods carrying the commodity code '6936983800013' must be ...
    """
    if existing_gtin is None:
        return
    # A number (not text) would fail gtin.is_valid and slip through: refuse it instead.
    value = compact(_text.require_text(existing_gtin))
    if len(value) == 8 and upc.is_valid(value):
        raise InvalidComponent(HAS_GTIN, value=value)
    if not gtin.is_valid(value):
        return
    number = gtin.parse(value)
    if number.issuer is None or not number.issuer.is_restricted_circulation:
        raise InvalidComponent(HAS_GTIN, value=number.value)


# Ready-made layouts (design: common shapes, not taken from GB/T 18283; each shop may differ).
ITEM_ONLY = Layout("20 IIIIIIIIII C", decimals=0)
"""A fixed item code with no price: 10-digit item number."""
PRICE_5 = Layout("21 IIIII PPPPP C", decimals=2)
"""5-digit item number + 5-digit price in fen (up to 999.99 yuan)."""
PRICE_4_CHECKED = Layout("22 IIIII V PPPP C", decimals=2)
"""5-digit item number + price check digit + 4-digit price in fen (up to 99.99 yuan)."""
WEIGHT_5 = Layout("23 IIIII WWWWW C", decimals=3)
"""5-digit item number + 5-digit weight in grams (up to 99.999 kg)."""
