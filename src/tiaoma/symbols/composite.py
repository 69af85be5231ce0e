"""GS1 Composite symbols (ISO/IEC 24723:2010; GS1 General Specifications 5.11): a linear
component (EAN/UPC, GS1-128 or a GS1 DataBar) with a 2D component printed above it.

The 2D component carries further GS1 element strings (a batch, an expiry date, a serial):

========= ============================================= ================ ================
component built on                                      capacity         linear component
========= ============================================= ================ ================
CC-A      a MicroPDF417 variant, its own encodation      56 digits        any
CC-B      MicroPDF417, first codeword 920                338 digits       any
CC-C      PDF417, first codeword 920                     2361 digits      GS1-128 only
========= ============================================= ================ ================

The data is first written as a bit field (ISO/IEC 24723 clause 5: an encodation method
that compresses a leading date and batch, or an AI (90), then the general-purpose field that
GS1 DataBar Expanded uses too); CC-A turns the bits into base-928 codewords, CC-B and CC-C
into PDF417 byte compaction. Reed-Solomon check codewords over GF(929) follow, and each
row is drawn from the codeword patterns of its cluster between row address patterns
(CC-A, CC-B) or row indicators (CC-C).

The linear component carries a linkage flag (DataBar: a value added or a leading bit;
GS1-128: an extra code set character; EAN/UPC: none) and a separator pattern towards the 2D
component; the two parts are aligned as ISO/IEC 24723 12.3 places them. The 2D rows are 2X
high (CC-A, CC-B) or 3X (CC-C); the linear rows keep their own heights (an EAN-13's bars
22.85 mm at magnification 1.00). An EAN/UPC keeps its guard ranges, moved with it: the
renderer draws its guard bars 5X longer in the linear row only, the digits under the bars
and the ``>`` mark as on the plain symbol. An EAN-13, UPC-A or UPC-E may carry a 2- or
5-digit add-on (``main+add-on``), beside the main symbol and under no separator mark: Zint
and BWIPP both draw it, and GS1's public texts forbid it nowhere we could read (our reading);
GS1 General Specifications 2.1.3.5 gives add-ons to those three only, so an EAN-8's is
refused, as BWIPP refuses it.

Checked module for module against Zint (every module of 500 random symbols of each linear
kind with CC-A and CC-B, and of GS1-128 with CC-C) and BWIPP. Where the two differ we follow
Zint, and the tests count the differences: BWIPP's own Code 128 code sets under a few GS1-128
components; its separator rows over DataBar Omnidirectional, Truncated and Limited (tiaoma's
plain DataBar follows Zint's too); table 3 of the AI (90) opening, where Zint has W and BWIPP
X. Zint's separator over a DataBar Expanded alternates over its first four finder patterns
only; here, as in BWIPP, over every one.

>>> symbol = composite("ean13", "9012345678906", "(99)1234-abcd")
>>> symbol.width, [row.height for row in symbol.rows]
(99, [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, None])
>>> symbol.data
'9012345678906|(99)1234-abcd'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial

from tiaoma import ai, upc
from tiaoma.errors import InvalidComponent, InvalidFormat, InvalidLength, define
from tiaoma.symbols import _databar_expanded, code128, databar, upcean
from tiaoma.symbols._pdf417_tables import (
    CC_A_SIZES,
    CLUSTERS,
    MICRO_SIZES,
    RAP_CENTRE,
    RAP_SIDE,
    START,
    STOP,
)
from tiaoma.symbols.base import QuietZone, Row, Symbol, Symbology, TextItem

__all__ = [
    "COMPONENTS",
    "LINEAR_KINDS",
    "check_codewords",
    "component_codewords",
    "composite",
    "encode",
    "kind_for",
    "split",
]

TOO_LONG = define(
    "composite.too_long",
    "Data {value!r} is too long for a {component} composite component over {linear}: "
    "{found} bits, at most {limit} fit (CC-A about 56 digits, CC-B 338, CC-C 2361)",
    "数据“{value}”对 {linear} 上的 {component} 复合组分太长：需 {found} 位，最多 {limit} 位"
    "（CC-A 约 56 位数字，CC-B 338 位，CC-C 2361 位）",
)
CC_C_LINEAR = define(
    "composite.cc_c_linear",
    "CC-C goes with a GS1-128 linear component only (ISO/IEC 24723), not with {linear}",
    "CC-C 只能与 GS1-128 线性组分组合（ISO/IEC 24723），不能与 {linear} 组合",
)
SPLIT = define(
    "composite.split",
    "Invalid composite data {value!r}: expected {expected}, the linear component's data and "
    "the 2D component's element strings",
    "复合码数据“{value}”无效：应为 {expected_zh}，即线性组分的数据和二维组分的元素串",
)
ADDON = define(
    "composite.addon",
    "An add-on goes with EAN-13, UPC-A and UPC-E only (GS1 General Specifications 2.1.3.5), "
    "not with {linear}: {value!r}",
    "附加码只能与 EAN-13、UPC-A 和 UPC-E 组合（GS1 通用规范 2.1.3.5），不能与 {linear} 组合："
    "“{value}”",
)
KIND = define(
    "composite.kind",
    "Unknown composite {what} {found!r}: expected one of {expected}",
    "未知的复合码{what_zh}“{found}”：应为 {expected} 之一",
)

#: The components: CC-A, CC-B, CC-C, or the smallest that holds the data.
COMPONENTS = ("auto", "A", "B", "C")
#: Galois field of PDF417's error correction (ISO/IEC 15438): the integers modulo 929.
PRIME = 929
#: ISO/IEC 24723 5.3.2: the letters an AI (90) opening may encode in 4 bits.
_AI90_LETTERS = "BDHIJKLNPQRSTVWZ"
_GS = ai.GS
_NO_BITS = 0
#: Light modules around a 2D component (ISO/IEC 15438: PDF417's quiet zone, 2X).
PDF417_QUIET = 2
#: The most data codewords of CC-C (GS1 GenSpecs 5.11.2.3: up to 2361 digits).
CC_C_MAX_CODEWORDS = 865
_EAN_UPC = {Symbology.EAN13, Symbology.EAN8, Symbology.UPCA, Symbology.UPCE}


# --- The bit field (ISO/IEC 24723 clause 5) -----------------------------------------------


@dataclass
class _Field:
    """The bits written so far and what the end of the field must still know."""

    bits: str
    general: str  # the data left for the general-purpose field
    alphanumeric: bool = False  # the general-purpose field starts in alphanumeric mode
    alpha_pad: bool = False  # AI (90) in alpha mode ended the data: an FNC1 before padding


def _date_opening(data: str) -> _Field:
    """Method 10: a leading (11) or (17) date in 16 bits, and the batch (10) after it."""
    if data.startswith("10"):
        return _Field("1011", data[2:])  # no date: the batch alone
    yy, mm, dd = int(data[2:4]), int(data[4:6]), int(data[6:8])
    bits = "10" + format(yy * 384 + (mm - 1) * 32 + dd, "016b") + ("1" if data[1] == "7" else "0")
    rest = data[8:]
    if rest.startswith("10"):
        return _Field(bits, rest[2:])
    if rest:  # the date is followed by another AI: an FNC1 first
        return _Field(bits, _GS + rest)
    # Nothing follows, yet the FNC1 must be written: a latch to alphanumeric and its FNC1,
    # which returns to numeric mode (as BWIPP and Zint write it).
    return _Field(bits + "0000" + "01111", "")


def _ai90_opening(data: str) -> _Field | None:
    """Method 11: AI (90) opening with up to three digits (no leading zero) and a capital;
    ``None`` when the data does not fit that form (ISO/IEC 24723 5.3.2)."""
    end = data.find(_GS)
    ninety = data[2:] if end < 0 else data[2:end]
    letter_at = _letter_position(ninety)
    if letter_at is None:
        return None
    tail = ninety[letter_at + 1 :]
    capitals = sum(c.isupper() for c in tail)
    digits = sum(c.isdigit() for c in tail)
    others = len(tail) - capitals - digits
    if not others and capitals > digits:
        mode, bits = "alpha", "11"
    elif not others and not capitals:
        mode, bits = "numeric", "10"
    else:
        mode, bits = "alphanumeric", "0"
    after = data[2 + len(ninety) :]
    crop = 0
    if after.startswith(_GS + "21"):
        crop, bits = 3, bits + "10"
    elif after.startswith(_GS + "8004"):
        crop, bits = 5, bits + "11"
    else:
        bits += "0"
    number, letter = int(ninety[:letter_at] or "0"), ninety[letter_at]
    if number < 31 and letter in _AI90_LETTERS:
        bits += format(number, "05b") + format(_AI90_LETTERS.index(letter), "04b")
    else:
        bits += "11111" + format(number, "010b") + format(ord(letter) - 65, "05b")
    rest = tail + (_GS + after[crop:] if crop else after)  # the AI 21 or 8004 itself dropped
    if mode != "alpha":
        return _Field(bits, rest, alphanumeric=mode == "alphanumeric")
    # Alpha mode (5.3.3): capitals in 5 bits, digits in 6, to the end of the AI (90).
    bits += "".join(
        format(ord(c) - 65, "05b") if c.isupper() else format(ord(c) + 4, "06b") for c in tail
    )
    if after:
        bits += "11111"  # the FNC1 ending the AI (90)
        return _Field(bits, after[crop:] if crop else after[1:])
    return _Field(bits, "", alpha_pad=True)


def _letter_position(ninety: str) -> int | None:
    if not ninety or ninety[0] == "0":
        return None
    for index, char in enumerate(ninety[:4]):
        if char.isupper():
            return index
        if not char.isdigit():
            return None
    return None


def _opening(data: str) -> _Field:
    """The encodation method and its compressed data (ISO/IEC 24723 5.2, 5.3)."""
    if data[:2] in {"10", "11", "17"}:
        return _date_opening(data)
    if data.startswith("90"):
        field = _ai90_opening(data)
        if field is not None:
            field.bits = "11" + field.bits
            return field
    return _Field("0", data)


def _bit_field(data: str, target: Callable[[int], int]) -> tuple[str, int]:
    """The padded bit field of ``data`` (FNC1 as GS), ``target`` giving the size that holds
    so many bits (0 when none does), and the bits before padding; no bits when too long."""
    field = _opening(data)
    bits, last_digit, numeric = field.bits, None, not field.alphanumeric
    if field.general:
        more, last_digit, numeric = _databar_expanded.general_field(
            field.general, alphanumeric=field.alphanumeric
        )
        bits += more
        field.alpha_pad = False
    if last_digit is not None:
        spare = target(len(bits)) - len(bits)
        digit = int(last_digit)
        if 4 <= spare <= 6:  # 5.4.1 c): the digit + 1 in 4 bits, then zeros
            bits += format(digit + 1, "04b") + "0" * (spare - 4)
        else:  # the digit and an FNC1 as a pair
            bits += format(11 * digit + 18, "07b")
    used = len(bits)
    size = target(used)
    if size == _NO_BITS:
        return "", used
    if used < size:
        padding = ("11111" if field.alpha_pad else "") + ("0000" if numeric else "")
        bits += padding + "00100" * (size // 5 + 1)
    return bits[:size], used


# --- Sizes --------------------------------------------------------------------------------


def _cc_a_bits(codewords: int) -> int:
    """The most bits CC-A's base-928 compaction puts in ``codewords``: 69 bits in 7, and
    ``10 n - 1`` bits in a last group of ``n`` (ISO/IEC 24723 6.2)."""
    whole, part = divmod(codewords, 7)
    return 69 * whole + (10 * part - 1 if part else 0)


def _byte_capacity(codewords: int) -> int:
    """Bytes in ``codewords`` of byte compaction after its latch: 6 in every 5, then 1 each."""
    return 6 * (codewords // 5) + codewords % 5


@cache
def _cc_a_targets(columns: int) -> tuple[int, ...]:
    return tuple(_cc_a_bits(size[1]) for size in CC_A_SIZES if size[0] == columns)


@cache
def _cc_b_targets(columns: int) -> tuple[int, ...]:
    # 920 and the byte compaction latch come before the data.
    return tuple(
        8 * _byte_capacity(cols * rows - checks - 2)
        for cols, rows, checks, *_ in MICRO_SIZES
        if cols == columns
    )


def _smallest(targets: Sequence[int], bits: int) -> int:
    return next((size for size in targets if bits <= size), _NO_BITS)


@dataclass(frozen=True)
class _CcCSize:
    columns: int
    rows: int
    level: int  # error correction level: 2 ** (level + 1) check codewords


def _cc_c_size(bits: int, linear_width: int) -> _CcCSize | None:
    """CC-C's columns, rows and error correction level for ``bits`` of data (GS1 GenSpecs
    5.11.2.3; ISO/IEC 24723 12.3 f): as wide as the linear component allows, at most 30
    columns and 30 rows, the level the codeword count recommends)."""
    size = (bits + 7) // 8
    used = 5 * (size // 6) + size % 6
    # ISO/IEC 15438 annex E's recommended levels, and level 4 above 833 codewords so that
    # 30 x 30 still holds CC-C's advertised 2361 digits (as Zint).
    limits = ((40, 2), (160, 3), (320, 4), (833, 5), (CC_C_MAX_CODEWORDS, 4))
    level = next((level for limit, level in limits if used <= limit), None)
    if level is None:
        return None
    total = used + 2 ** (level + 1) + 3  # length, 920 and the byte latch
    columns = min(max((linear_width - 52) // 17, 1), 30)
    rows = -(-total // columns)
    while rows > 30 and columns < 30:
        columns += 1
        rows = -(-total // columns)
    return _CcCSize(columns, max(rows, 3), level)


def _cc_c_target(linear_width: int) -> Callable[[int], int]:
    def target(bits: int) -> int:
        size = _cc_c_size(bits, linear_width)
        if size is None:
            return _NO_BITS
        data = size.columns * size.rows - 2 ** (size.level + 1) - 3
        return 8 * _byte_capacity(data)

    return target


# --- Codewords and error correction --------------------------------------------------------


@cache
def _generator(count: int) -> tuple[int, ...]:
    """The Reed-Solomon generator (x - 3)(x - 3^2)...(x - 3^count) over GF(929), highest
    power first (ISO/IEC 15438 annex; also MicroPDF417 and CC-A)."""
    poly = [1]
    for i in range(1, count + 1):
        root = pow(3, i, PRIME)
        poly = [(a - root * b) % PRIME for a, b in zip([*poly, 0], [0, *poly], strict=True)]
    return tuple(poly)


def check_codewords(data: Sequence[int], count: int) -> list[int]:
    """The ``count`` check codewords of ``data``: the negated remainder of data(x) x^count
    divided by the generator, highest power first."""
    generator = _generator(count)[1:]
    remainder = [0] * count
    for codeword in data:
        factor = (codeword + remainder[0]) % PRIME
        remainder = [
            (r - factor * g) % PRIME for r, g in zip([*remainder[1:], 0], generator, strict=True)
        ]
    return [(-r) % PRIME for r in remainder]


def _base928(bits: str) -> list[int]:
    """CC-A's compaction: each 69 bits as 7 base-928 codewords, a last group of ``m`` bits in
    ``m // 10 + 1`` (ISO/IEC 24723 6.2)."""
    codewords: list[int] = []
    for start in range(0, len(bits), 69):
        group = bits[start : start + 69]
        value, count = int(group, 2), len(group) // 10 + 1
        digits = []
        for _ in range(count):
            value, digit = divmod(value, 928)
            digits.append(digit)
        codewords += digits[::-1]
    return codewords


def _byte_compaction(bits: str) -> list[int]:
    """PDF417 byte compaction of whole bytes: latch 924 (a multiple of 6 bytes) or 901, then
    each 6 bytes as 5 base-900 codewords and the rest a codeword each (ISO/IEC 15438 5.4.3)."""
    data = [int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)]
    codewords = [924 if len(data) % 6 == 0 else 901]
    whole = len(data) - len(data) % 6
    for start in range(0, whole, 6):
        value = int.from_bytes(bytes(data[start : start + 6]), "big")
        group = []
        for _ in range(5):
            value, digit = divmod(value, 900)
            group.append(digit)
        codewords += group[::-1]
    return codewords + data[whole:]


def component_codewords(bits: str, component: str) -> list[int]:
    """The data codewords of a padded bit field: CC-A base 928, CC-B 920 and bytes, CC-C the
    length descriptor, 920 and bytes."""
    if component == "A":
        return _base928(bits)
    codewords = [920, *_byte_compaction(bits)]
    return codewords if component == "B" else [len(codewords) + 1, *codewords]


# --- Rows ---------------------------------------------------------------------------------


def _micro_rows(
    codewords: list[int],
    columns: int,
    raps: tuple[int, int, int],
    cluster: int,
    left_rap: bool,
) -> list[str]:
    """MicroPDF417-style rows (CC-A and CC-B): row address patterns left, centre (3 and 4
    columns) and right, each row's RAPs and cluster one on from the last (ISO/IEC 24728)."""
    rows = []
    left, centre, right = (rap - 1 for rap in raps)
    for start in range(0, len(codewords), columns):
        words = [CLUSTERS[cluster][cw] for cw in codewords[start : start + columns]]
        if columns == 3:
            words.insert(1, RAP_CENTRE[centre])
        elif columns == 4:
            words.insert(2, RAP_CENTRE[centre])
        head = RAP_SIDE[left] if left_rap else ""
        rows.append(head + "".join(words) + RAP_SIDE[right] + "1")
        left, centre, right = ((rap + 1) % 52 for rap in (left, centre, right))
        cluster = (cluster + 1) % 3
    return rows


def _cc_a_rows(bits: str, columns: int) -> list[str]:
    data = _base928(bits)
    size = next(s for s in CC_A_SIZES if s[0] == columns and s[1] == len(data))
    _, _, _, checks, left, centre, right, cluster = size
    codewords = data + check_codewords(data, checks)
    return _micro_rows(codewords, columns, (left, centre, right), cluster, columns != 3)


def _cc_b_rows(bits: str, columns: int) -> list[str]:
    data = component_codewords(bits, "B")
    size = next(s for s in MICRO_SIZES if s[0] == columns and s[0] * s[1] - s[2] >= len(data))
    _, _, checks, left, centre, right, cluster = size
    codewords = data + check_codewords(data, checks)
    return _micro_rows(codewords, columns, (left, centre, right), cluster, True)


def _cc_c_rows(bits: str, size: _CcCSize) -> list[str]:
    """PDF417 rows: start, left row indicator, data, right row indicator, stop (ISO/IEC
    15438 5.3.2: the indicators carry rows, columns and level, by cluster)."""
    data = component_codewords(bits, "C")
    codewords = data + check_codewords(data, 2 ** (size.level + 1))
    columns, count = size.columns, len(codewords) // size.columns
    rows_info = (count - 1) // 3
    level_info = size.level * 3 + (count - 1) % 3
    columns_info = columns - 1
    indicators = (
        (rows_info, columns_info),
        (level_info, rows_info),
        (columns_info, level_info),
    )
    rows = []
    for row in range(count):
        cluster = row % 3
        base = (row // 3) * 30
        left, right = (base + info for info in indicators[cluster])
        words = [left, *codewords[row * columns : (row + 1) * columns], right]
        rows.append(START + "".join(CLUSTERS[cluster][cw] for cw in words) + STOP)
    return rows


# --- The linear components ----------------------------------------------------------------


@dataclass(frozen=True)
class _Linear:
    """A linear component ready to stack: its rows (the separator first), its symbol, and
    the 2D component's width in columns for CC-A and CC-B."""

    rows: tuple[Row, ...]
    symbol: Symbol


def _ean_linear(symbol: Symbol) -> _Linear:
    """EAN/UPC (ISO/IEC 24723 11.4): three 2X separator rows with short bars over the guard
    bars' outer edges, the symbol one module to the right. An add-on stays beside the main
    symbol, under no separator mark (as Zint and BWIPP draw it)."""
    modules = symbol.rows[0].modules
    width = _main_width(symbol)
    outer = ["0"] * (width + 2)
    outer[1] = outer[width] = "1"
    inner = ["0"] * (width + 2)
    inner[0] = inner[width + 1] = "1"
    rows = (
        Row("".join(outer), 2.0),
        Row("".join(inner), 2.0),
        Row("".join(outer), 2.0),
        # The module right of the main symbol, where its separator marks end; an add-on's own
        # right edge needs none (Zint's width).
        Row("0" + modules + ("0" if symbol.addon_start is None else "")),
    )
    return _Linear(rows, symbol)


def _main_width(symbol: Symbol) -> int:
    """The EAN/UPC symbol's width without its add-on and the gap before it."""
    if symbol.addon_start is None:
        return symbol.width
    return symbol.addon_start - upcean.ADDON_GAP[symbol.symbology]


def _complement(modules: str) -> str:
    return modules.translate(str.maketrans("01", "10"))


def _gs1_128_linear(symbol: Symbol) -> _Linear:
    """GS1-128: one 1X separator row, the linear row's complement."""
    modules = symbol.rows[0].modules
    return _Linear((Row(_complement(modules), 1.0), *symbol.rows), symbol)


def _finder_separator(row: str, finders: Sequence[int]) -> str:
    """A DataBar separator next to ``row``: the complement between four light modules at each
    end, alternating dark and light (from dark) over the light modules of the 13 modules at
    each of ``finders`` (ISO/IEC 24724 5.3.2)."""
    separator = ["0"] * 4 + list(_complement(row[4:-4])) + ["0"] * 4
    for start in finders:
        dark_next = True
        for i in range(start, start + 13):
            if row[i] == "1":
                separator[i], dark_next = "0", True
            else:
                separator[i] = "1" if dark_next else "0"
                dark_next = not dark_next
    return "".join(separator)


def _omni_linear(symbol: Symbol) -> _Linear:
    """DataBar Omnidirectional and Truncated: a separator over the row, finders at 18, 63."""
    row = symbol.rows[0]
    return _Linear((Row(_finder_separator(row.modules, (18, 63)), 1.0), row), symbol)


def _stacked_linear(symbol: Symbol) -> _Linear:
    """DataBar Stacked and Stacked Omnidirectional: a separator over the top row."""
    top = symbol.rows[0].modules
    return _Linear((Row(_finder_separator(top, (18,)), 1.0), *symbol.rows), symbol)


def _limited_linear(symbol: Symbol) -> _Linear:
    """DataBar Limited: the complement of modules 4-69 (ISO/IEC 24724 6.3)."""
    modules = symbol.rows[0].modules
    separator = "0" * 4 + _complement(modules[4:70]) + "0" * (len(modules) - 70)
    return _Linear((Row(separator, 1.0), *symbol.rows), symbol)


def _expanded_separator(data: str, segments: int | None) -> str:
    """The separator over DataBar Expanded's (first) row, as its stacked rows' separators."""
    message = ai.parse(data)
    values, finders = databar._expanded_characters(message, databar.MIN_DATA_CHARACTERS, True)
    per_row = segments or len(values) + len(values) % 2
    if segments and len(values) % segments == 1:
        values, finders = databar._expanded_characters(message, len(values), True)
    first = databar._stacked_rows(values, finders, per_row // 2)[0]
    return first.separator(len(first.modules))


def _expanded_linear(symbol: Symbol, data: str, segments: int | None) -> _Linear:
    separator = _expanded_separator(data, segments).ljust(symbol.width, "0")
    return _Linear((Row(separator, 1.0), *symbol.rows), symbol)


# --- The kinds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """What varies with the linear component: its encoder, the 2D component's columns for
    CC-A and CC-B (ISO/IEC 24723 table 1), and the horizontal alignment (12.3)."""

    label: str
    columns: int
    build: Callable[[str, str, int], _Linear]
    #: (2D shift, linear shift) in modules for CC-A and for CC-B.
    shifts: tuple[tuple[int, int], tuple[int, int]] = ((0, 0), (0, 0))


def _build_ean(
    encoder: Callable[..., Symbol], *, addon: bool = True
) -> Callable[[str, str, int], _Linear]:
    def build(primary: str, component: str, segments: int) -> _Linear:
        # "main+add-on", as Zint takes an EAN/UPC composite's primary data.
        main, plus, addon_digits = primary.partition("+")
        if plus and not addon:
            raise InvalidComponent(ADDON, linear="EAN-8", value=primary)
        return _ean_linear(encoder(main, addon_digits=addon_digits if plus else None))

    return build


def _build_databar(
    encoder: Callable[..., Symbol], shape: Callable[[Symbol], _Linear]
) -> Callable[[str, str, int], _Linear]:
    return lambda primary, component, segments: shape(encoder(primary, linked=True))


def _build_gs1_128(primary: str, component: str, segments: int) -> _Linear:
    return _gs1_128_linear(code128.gs1_128(primary, linked=component))


def _build_expanded(primary: str, component: str, segments: int) -> _Linear:
    return _expanded_linear(databar.expanded(primary, linked=True), primary, None)


def _build_expanded_stacked(primary: str, component: str, segments: int) -> _Linear:
    # A linked Expanded Stacked has at least four symbol characters in its first row
    # (ISO/IEC 24724 7.2.8).
    segments = max(segments, 4)
    symbol = databar.expanded_stacked(primary, segments=segments, linked=True)
    return _expanded_linear(symbol, primary, segments)


_KINDS = {
    "ean13": _Kind("EAN-13", 4, _build_ean(upcean.ean13), ((0, 2), (0, 2))),
    # GS1 defines no add-on for EAN-8 (BWIPP refuses one too; Zint reads 8 digits and an
    # add-on as an EAN-13).
    "ean8": _Kind("EAN-8", 3, _build_ean(upcean.ean8, addon=False), ((0, 3), (0, 13))),
    "upca": _Kind("UPC-A", 4, _build_ean(upcean.upca), ((0, 2), (0, 2))),
    "upce": _Kind("UPC-E", 2, _build_ean(upcean.upce), ((0, 2), (0, 2))),
    "gs1-128": _Kind("GS1-128", 4, _build_gs1_128),
    "databar-omni": _Kind(
        "GS1 DataBar Omnidirectional",
        4,
        _build_databar(databar.omnidirectional, _omni_linear),
        ((0, 4), (0, 4)),
    ),
    "databar-truncated": _Kind(
        "GS1 DataBar Truncated",
        4,
        _build_databar(databar.truncated, _omni_linear),
        ((0, 4), (0, 4)),
    ),
    "databar-stacked": _Kind(
        "GS1 DataBar Stacked",
        2,
        _build_databar(databar.stacked, _stacked_linear),
        ((1, 0), (1, 0)),
    ),
    "databar-stacked-omni": _Kind(
        "GS1 DataBar Stacked Omnidirectional",
        2,
        _build_databar(databar.stacked_omnidirectional, _stacked_linear),
        ((1, 0), (1, 0)),
    ),
    "databar-limited": _Kind(
        "GS1 DataBar Limited",
        3,
        _build_databar(databar.limited, _limited_linear),
        ((1, 0), (0, 9)),
    ),
    "databar-expanded": _Kind("GS1 DataBar Expanded", 4, _build_expanded, ((2, 0), (2, 0))),
    "databar-expanded-stacked": _Kind(
        "GS1 DataBar Expanded Stacked", 4, _build_expanded_stacked, ((2, 0), (2, 0))
    ),
}
#: The linear components a composite may be built on.
LINEAR_KINDS = tuple(_KINDS)


def _gs1_128_shifts(linear: _Linear, component: str, width_2d: int) -> tuple[int, int]:
    """GS1-128's alignment (ISO/IEC 24723 12.3 f, g): CC-C's left edge 7 modules left of the
    linear component's; CC-A and CC-B end on the last space module of the symbol character
    (N - 9) div 2 from the right, N the symbol characters counted stop included."""
    if component == "C":
        return 0, 7
    width = linear.symbol.width
    characters = (width - 2) // 11
    position = int((characters - 9) / 2)  # truncated towards zero, as the standard's div
    shift = width - position * 11 - 1 - width_2d - (2 if position else 0)
    return (shift, 0) if shift > 0 else (0, -shift)


def _element_string(symbol: Symbol) -> str:
    """The linear component's data as an element string: EAN/UPC carry a GTIN, (01)."""
    if symbol.symbology in _EAN_UPC:
        main = symbol.data.partition("+")[0]  # an add-on is not part of the GTIN
        number = upc.to_upc_a(main) if symbol.symbology is Symbology.UPCE else main
        return f"(01){number.zfill(14)}"
    return symbol.data


def _kind(linear_kind: str) -> _Kind:
    kind = _KINDS.get(linear_kind)
    if kind is None:
        raise InvalidComponent(
            KIND,
            what="linear component",
            what_zh="线性组分",
            found=linear_kind,
            expected=", ".join(LINEAR_KINDS),
        )
    return kind


def _choices(kind: _Kind, component: str) -> tuple[str, ...]:
    if component not in COMPONENTS:
        raise InvalidComponent(
            KIND,
            what="component",
            what_zh="二维组分",
            found=component,
            expected=", ".join(COMPONENTS),
        )
    if component == "C" and kind.label != "GS1-128":
        raise InvalidComponent(CC_C_LINEAR, linear=kind.label)
    if component != "auto":
        return (component,)
    return ("A", "B", "C") if kind.label == "GS1-128" else ("A", "B")


def _encode_2d(
    data: str,
    choices: tuple[str, ...],
    *,
    columns: int,
    linear_width: int,
    message: str,
    label: str,
) -> tuple[str, list[str]]:
    """The first of ``choices`` that holds ``data``, and its rows."""
    used = 0
    for component in choices:
        if component == "A":
            targets = _cc_a_targets(columns)
            bits, used = _bit_field(data, partial(_smallest, targets))
            if bits:
                return component, _cc_a_rows(bits, columns)
        elif component == "B":
            targets = _cc_b_targets(columns)
            bits, used = _bit_field(data, partial(_smallest, targets))
            if bits:
                return component, _cc_b_rows(bits, columns)
        else:
            bits, used = _bit_field(data, _cc_c_target(linear_width))
            size = _cc_c_size(used, linear_width)
            if bits and size is not None:
                return component, _cc_c_rows(bits, size)
            targets = (8 * _byte_capacity(CC_C_MAX_CODEWORDS),)
    raise InvalidLength(
        TOO_LONG,
        value=message,
        component=f"CC-{choices[-1]}",
        linear=label,
        found=used,
        limit=max(targets),
    )


def split(text: str) -> tuple[str, str]:
    """A composite written as BWIPP and Zint write it, ``linear|2D``: the two parts.

    >>> split("9012345678906|(99)1234-abcd")
    ('9012345678906', '(99)1234-abcd')
    """
    primary, bar, cc_data = text.partition("|")
    if not bar or not primary.strip() or not cc_data.strip():
        raise InvalidFormat(
            SPLIT, value=text, expected="linear data|2D data", expected_zh="线性数据|二维数据"
        )
    return primary.strip(), cc_data.strip()


def kind_for(primary: str) -> str:
    """The linear component a composite's primary data is most often printed as: 13 digits
    EAN-13, 12 UPC-A, 8 EAN-8, an element string GS1-128 (name a DataBar or UPC-E kind to
    :func:`composite` yourself)."""
    text = primary.strip()
    if text[:1] in {"(", "]"}:
        return "gs1-128"
    main = text.partition("+")[0]  # an EAN/UPC add-on does not tell the kind
    return {13: "ean13", 12: "upca", 8: "ean8"}.get(len(main), "ean13")


def encode(text: str, *, linear_kind: str | None = None, component: str = "auto") -> Symbol:
    """A composite from ``linear|2D`` text, the linear kind chosen by :func:`kind_for`
    unless given.

    >>> encode("(01)09521234543213|(10)ABC123").symbology.name
    'GS1_128'
    """
    primary, cc_data = split(text)
    return composite(linear_kind or kind_for(primary), primary, cc_data, component=component)


def composite(
    linear_kind: str,
    primary: str,
    cc_data: str,
    *,
    component: str = "auto",
    segments: int = databar.DEFAULT_SEGMENTS,
) -> Symbol:
    """A GS1 Composite symbol: ``primary`` encoded as ``linear_kind`` (one of
    :data:`LINEAR_KINDS`) with ``cc_data`` (a GS1 element string) in the 2D component above.

    ``component`` is ``"A"``, ``"B"``, ``"C"`` (GS1-128 only) or ``"auto"``: the smallest of
    CC-A, CC-B (and CC-C over GS1-128) that holds the data. ``segments`` is the DataBar
    Expanded Stacked's symbol characters per row. Both parts are validated first; the
    symbol's rows are padded to one width, the 2D rows 2X (CC-A, CC-B) or 3X (CC-C) high.
    An EAN-13, UPC-A or UPC-E ``primary`` may end in a 2- or 5-digit add-on,
    ``"9012345678906+12345"``.

    >>> symbol = composite("upca", "012345678905+12", "(10)A1")
    >>> symbol.guards, symbol.addon_start, symbol.symbology_identifier
    (((3, 13), (48, 53), (88, 98)), 107, ']E3')
    """
    kind = _kind(linear_kind)
    choices = _choices(kind, component)
    # The linear data is refused before the 2D's; the pairing rules (GS1 GenSpecs 4.13)
    # hold over both components together, one message on one item.
    first = kind.build(primary, "C" if kind.label == "GS1-128" else "A", segments)
    message = ai.parse(cc_data, ai.Options(check_pairings=False))
    ai.parse(_element_string(first.symbol) + message.bracketed())
    data = message.fnc1(_GS)
    linear_width = first.symbol.width if kind.label == "GS1-128" else 0
    chosen, rows_2d = _encode_2d(
        data,
        choices,
        columns=kind.columns,
        linear_width=linear_width,
        message=message.bracketed(),
        label=kind.label,
    )
    linear = kind.build(primary, chosen, segments)
    width_2d = len(rows_2d[0])
    if kind.label == "GS1-128":
        shift_2d, shift_linear = _gs1_128_shifts(linear, chosen, width_2d)
    else:
        shift_2d, shift_linear = kind.shifts[chosen != "A"]
    height = 3.0 if chosen == "C" else 2.0
    return _assemble(
        linear,
        rows_2d=rows_2d,
        height=height,
        shifts=(shift_2d, shift_linear),
        data=f"{linear.symbol.data}|{message.bracketed()}",
    )


def _assemble(
    linear: _Linear,
    *,
    rows_2d: list[str],
    height: float,
    shifts: tuple[int, int],
    data: str,
) -> Symbol:
    """The 2D rows over the linear rows, each part shifted right by its ``shifts`` and all
    padded to one width."""
    shift_2d, shift_linear = shifts
    width = max(len(rows_2d[0]) + shift_2d, len(linear.rows[-1].modules) + shift_linear)
    rows = [Row(("0" * shift_2d + row).ljust(width, "0"), height) for row in rows_2d]
    rows += [
        Row(("0" * shift_linear + row.modules).ljust(width, "0"), row.height) for row in linear.rows
    ]
    symbol = linear.symbol
    # Where the linear symbol's own module 0 now is (EAN/UPC: one module more, see 11.4).
    offset = shift_linear + (1 if len(linear.rows[-1].modules) > symbol.width else 0)
    text = tuple(TextItem(t.text, t.x + offset, t.width) for t in symbol.text)
    quiet = symbol.quiet_zone
    right_of_linear = width - offset - symbol.width
    # The linear component keeps its own quiet zones; the 2D component needs 2X on every side
    # (ISO/IEC 15438 for CC-C; ISO/IEC 24728's 1X for MicroPDF417 is within it).
    zone = QuietZone(
        max(quiet.left - offset, PDF417_QUIET),
        max(quiet.right - right_of_linear, PDF417_QUIET),
        top=PDF417_QUIET,
    )
    # EAN/UPC guard bars and add-on reach down in the linear row only (the renderer knows
    # it by its height), where they are now.
    guards = tuple((start + offset, end + offset) for start, end in symbol.guards)
    addon_start = None if symbol.addon_start is None else symbol.addon_start + offset
    return Symbol(
        symbol.symbology,
        data,
        tuple(rows),
        zone,
        guards=guards,
        text=text,
        light_margin_mark=symbol.light_margin_mark,
        addon_start=addon_start,
        identifier=symbol.identifier,
    )
