"""QR Code, Data Matrix and PDF417: the two-dimensional symbols, with their GS1 forms.

tiaoma validates the data itself and asks Zint (the maintained ``zint-bindings``) for the module
matrix: segno and pylibdmtx cannot put an FNC1 into a symbol at all, Zint can in all three and
hands back the matrix. GS1 element strings pass :func:`tiaoma.ai.parse` first and GS1 Digital
Link URIs :func:`tiaoma.digital_link.parse`; Zint's own GS1 checks are switched off
(``GS1NOCHECK``) so that tiaoma's dictionary, not an older copy inside Zint, decides what is
valid. Options are checked here too, and every Zint failure becomes a tiaoma error with a code.

- :func:`qr`: ISO/IEC 18004:2015. Text and URLs as plain QR Code (``]Q1``); a GS1 Digital
  Link URI is carried in plain QR Code too, as the GS1 Digital Link standard specifies, after
  validation; GS1 QR Code puts FNC1 in the first position (FNC1 mode, ``]Q3``). Quiet zone 4X.
- :func:`datamatrix`: ECC 200 (ISO/IEC 16022); GS1 DataMatrix starts with FNC1 (GS1 General
  Specifications 5.6, ``]d2``). Quiet zone 1X, the minimum of ISO/IEC 16022; GS1 recommends a
  wider one for GS1 DataMatrix, so a renderer should leave more margin when the label allows.
- :func:`pdf417`: ISO/IEC 15438; each row is 3 modules high (Zint's default, the row height
  the standard recommends as a minimum); quiet zone 2X on every side.

Text that is not ASCII is carried as UTF-8 under ECI 000026 (Extended Channel
Interpretation), so every reader decodes it the same way rather than guessing between ISO
8859-1 and Shift JIS.

>>> symbol = qr("https://id.gs1.org/01/06901234567892/10/ABC123?17=261231")
>>> symbol.symbology.name, symbol.width, symbol.quiet_zone.left
('QR', 33, 4)
>>> symbol.rows[0].modules[:7], symbol.rows[6].modules[:7]   # the finder pattern, top left
('1111111', '1111111')
>>> qr("(01)06901234567892(17)261231(10)ABC123", gs1=True).symbology_identifier
']Q3'
>>> datamatrix("(01)06901234567892(10)ABC", gs1=True).width
18
>>> [row.height for row in pdf417("中国商品条码").rows][:2]
[3.0, 3.0]
>>> try:
...     qr("1" * 8000, error_correction="L")
... except InvalidLength as error:
...     print(error)
...     print(error.message_zh)
Data too long for QR Code: at most 7,089 digits at error correction level L, got 8,000
QR 码容纳不下这些数据：最多 7,089 位数字（纠错等级 L），实为 8,000 位
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import zint

from tiaoma import _text, ai, digital_link
from tiaoma.errors import (
    EMPTY,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    TiaomaError,
    define,
)
from tiaoma.symbols.base import QuietZone, Row, Symbol, Symbology

__all__ = ["datamatrix", "pdf417", "qr"]

ErrorCorrection: TypeAlias = Literal["L", "M", "Q", "H"]
Shape: TypeAlias = Literal["square", "rectangle"]

MATRIX_TOO_LONG = define(
    "matrix_too_long",
    "Data too long for {symbology}: at most {expected}, got {found}",
    "{symbology_zh}容纳不下这些数据：最多 {expected_zh}，实为 {found_zh}",
)
MATRIX_OPTION = define(
    "matrix_option",
    "Invalid {option} {found!r} for {symbology}: expected {expected}",
    "{symbology_zh}的{option_zh}“{found}”无效：应为{expected_zh}",
)
MATRIX_CHARACTER = define(
    "matrix_character",
    "Cannot encode character {char!r} at position {position} of {value!r}: expected Unicode "
    "text (a lone surrogate has no UTF-8 form)",
    "无法编码“{value}”第 {position} 位的字符 {char!r}：应为 Unicode 文本（孤立的代理项没有 "
    "UTF-8 形式）",
)
MATRIX_REFUSED = define(
    "matrix_refused",
    "{symbology} cannot encode {value!r}: {detail}",
    "{symbology_zh}无法编码“{value}”：{detail}",
)

_CHINESE_NAMES = {
    Symbology.QR: "QR 码",
    Symbology.GS1_QR: "GS1 QR 码",
    Symbology.DATAMATRIX: "Data Matrix 码",
    Symbology.GS1_DATAMATRIX: "GS1 Data Matrix 码",
    Symbology.PDF417: "PDF417 条码",
}

#: The QR Code error correction levels (ISO/IEC 18004), as Zint numbers them (option_1).
QR_LEVELS: dict[str, int] = {"L": 1, "M": 2, "Q": 3, "H": 4}
QR_VERSIONS = range(1, 41)
PDF417_LEVELS = range(9)  # ISO/IEC 15438: levels 0-8, 2 to 512 error correction codewords
PDF417_COLUMNS = range(1, 31)  # ISO/IEC 15438: 1 to 30 data columns
#: Zint's numbers (option_2) of the six rectangular ECC 200 sizes of ISO/IEC 16022, 8x18 to
#: 16x48, smallest first.
DATAMATRIX_RECTANGLES = range(25, 31)

QR_QUIET_ZONE = QuietZone(4, 4, 4, 4)  # ISO/IEC 18004: 4X on every side
DATAMATRIX_QUIET_ZONE = QuietZone(1, 1, 1, 1)  # ISO/IEC 16022: 1X (GS1 recommends more)
PDF417_QUIET_ZONE = QuietZone(2, 2, 2, 2)  # ISO/IEC 15438: 2X on every side

_DATA = zint.InputMode(0)  # Zint's DATA_MODE: the bytes as given, no conversion
_GS1 = zint.InputMode.GS1 | zint.InputMode.GS1NOCHECK
_UTF8_ECI = 26  # AIM ECI assignment 000026: UTF-8
_URL_START = re.compile(r"(?i)https?://")
# digital_link.parse fails with these on a URL that is not meant as a GS1 Digital Link URI:
# no http(s)://host/path shape, or no primary key AI in the path (or far beyond any symbol).
_PLAIN_URL = frozenset({digital_link.DL_SYNTAX, digital_link.DL_NO_KEY, ai.AI_TOO_LONG})
_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ ")


# --- asking Zint --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Request:
    """One way of asking Zint for a symbol: everything but the data."""

    symbology: zint.Symbology
    mode: zint.InputMode = _DATA
    option_1: int = -1  # Zint's "not set" for the symbologies here
    option_2: int = 0
    option_3: int = 0
    eci: int = 0


#: Requests to try in turn; the first that holds the data makes the symbol.
_Plan: TypeAlias = tuple[_Request, ...]


def _zint(request: _Request, payload: bytes) -> zint.Symbol:
    """Zint's symbol for ``payload``; warnings are failures (a refused option, a resized
    symbol); raises Zint's ``RuntimeError``, which only this module's callers translate."""
    symbol = zint.Symbol()
    symbol.symbology = request.symbology
    symbol.input_mode = request.mode
    symbol.warn_level = zint.WarningLevel.FAIL_ALL
    symbol.option_1 = request.option_1
    symbol.option_2 = request.option_2
    symbol.option_3 = request.option_3
    symbol.eci = request.eci
    symbol.encode(payload)
    return symbol


def _first_fit(plan: _Plan, payload: bytes) -> zint.Symbol | None:
    """The symbol of the first request that holds ``payload``, or ``None`` if none does."""
    for request in plan:
        try:
            return _zint(request, payload)
        except RuntimeError:
            continue
    return None


def _rows(symbol: zint.Symbol, height: float) -> tuple[Row, ...]:
    """Zint's bit-packed matrix (least significant bit first) as rows of ``"0"``/``"1"``:
    one ``unpackbits`` and one decode for the whole symbol, then slices."""
    rows, width = symbol.rows, symbol.width
    packed = np.asarray(symbol.encoded_data)[:rows, : (width + 7) // 8]
    bits = np.unpackbits(packed, axis=1, count=width, bitorder="little")
    text = (bits | 0x30).tobytes().decode("ascii")
    return tuple(Row(text[i : i + width], height) for i in range(0, rows * width, width))


# --- when the data does not fit ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Unit:
    """What the data is counted in, and a run of it to measure a symbol's capacity with."""

    english: str
    chinese: str  # after the number, in "最多 7,089 位数字"
    counter: str  # after the number, in "实为 8,000 位"
    filler: bytes


_DIGITS = _Unit("digits", "位数字", "位", b"0")
_ALPHANUMERIC_UNIT = _Unit("alphanumeric characters", "个字母数字字符", "个", b"A")
_BYTES = _Unit("bytes", "字节", "字节", b"\xff")
# GS1 data is printable ASCII; "!" costs as much as the dearest such character in QR Code
# (byte mode) and Data Matrix (ASCII mode, one codeword).
_GS1_CHARACTERS = _Unit("characters", "个字符", "个", b"!")


def _unit(text: str, *, gs1: bool) -> tuple[_Unit, int]:
    """The unit the data is best counted in, and how many of them it has."""
    if text.isascii() and text.isdigit():
        return _DIGITS, len(text)
    if _ALPHANUMERIC.issuperset(text):
        return _ALPHANUMERIC_UNIT, len(text)
    if gs1:
        return _GS1_CHARACTERS, len(text)
    return _BYTES, len(text.encode("utf-8"))


def _probe(unit: _Unit, count: int, *, gs1: bool) -> bytes:
    if gs1:  # AI (99) of the right total length; Zint checks no AI data in GS1NOCHECK mode
        return b"[99]" + unit.filler * max(count - 2, 1)
    return unit.filler * count


@functools.lru_cache(maxsize=256)
def _capacity(plan: _Plan, unit: _Unit, *, gs1: bool) -> int:
    """The most ``unit`` that fit: found by bisection with Zint itself, as capacity depends on
    version, level, columns, ECI and FNC1. Only failures pay for it, once per set of options."""
    low, high = 0, 8192  # fits, does not fit: above every symbology's 7,089 digits
    while high - low > 1:
        middle = (low + high) // 2
        if _first_fit(plan, _probe(unit, middle, gs1=gs1)) is None:
            high = middle
        else:
            low = middle
    return low


@dataclass(frozen=True, slots=True)
class _Job:
    """A symbol to make: what it is, what Zint gets, and how to describe a failure."""

    symbology: Symbology
    data: str  # as the Symbol reports it
    text: str  # as counted for the capacity message (GS1: with FNC1 as one character)
    payload: bytes
    plan: _Plan
    constraint: tuple[str, str] = ("", "")  # " at error correction level L", in both languages

    @property
    def gs1(self) -> bool:
        return self.symbology in (Symbology.GS1_QR, Symbology.GS1_DATAMATRIX)


def _too_long(job: _Job) -> InvalidLength:
    unit, found = _unit(job.text, gs1=job.gs1)
    limit = _capacity(job.plan, unit, gs1=job.gs1)
    english, chinese = job.constraint
    return InvalidLength(
        MATRIX_TOO_LONG,
        symbology=job.symbology.label,
        symbology_zh=_CHINESE_NAMES[job.symbology],
        expected=f"{limit:,} {unit.english}{english}",
        expected_zh=f"{limit:,} {unit.chinese}{chinese}",
        found=f"{found:,}",
        found_zh=f"{found:,} {unit.counter}",
    )


def _build(job: _Job, quiet_zone: QuietZone) -> Symbol:
    """Ask Zint; a refusal of valid data in valid options can only be a lack of room, which
    a one-character probe tells apart from anything unexpected."""
    symbol = _first_fit(job.plan, job.payload)
    if symbol is None:
        if _first_fit(job.plan, _probe(_DIGITS, 1, gs1=job.gs1)) is not None:
            raise _too_long(job)
        raise _refused(job)
    height = symbol.height / symbol.rows  # Zint's PDF417 rows are 3X; QR and DM rows 1X
    return Symbol(job.symbology, job.data, _rows(symbol, height), quiet_zone)


def _refused(job: _Job) -> InvalidComponent:
    try:
        _zint(job.plan[-1], job.payload)
    except RuntimeError as error:
        detail = str(error)
    else:  # pragma: no cover - it failed a moment ago
        detail = "unknown reason"
    return InvalidComponent(
        MATRIX_REFUSED,
        symbology=job.symbology.label,
        symbology_zh=_CHINESE_NAMES[job.symbology],
        value=job.data,
        detail=detail,
    )


# --- checking what comes in ---------------------------------------------------------------


def _option_error(
    symbology: Symbology, option: tuple[str, str], found: object, expected: tuple[str, str]
) -> InvalidComponent:
    return InvalidComponent(
        MATRIX_OPTION,
        symbology=symbology.label,
        symbology_zh=_CHINESE_NAMES[symbology],
        option=option[0],
        option_zh=option[1],
        found=found,
        expected=expected[0],
        expected_zh=expected[1],
    )


def _in_range(value: int | None, allowed: range) -> bool:
    return value is None or (type(value) is int and value in allowed)


def _text_data(value: object, symbology: Symbology) -> str:
    text = _text.require_text(value)
    if not text:
        raise InvalidFormat(
            EMPTY,
            expected=f"data for {symbology.label}",
            expected_zh=f"{_CHINESE_NAMES[symbology]}的数据",
        )
    return text


def _looks_like_digital_link(text: str) -> bool:
    """Whether ``text`` is meant as a GS1 Digital Link URI: an http(s) URL with a primary key
    AI in its path, ``/01/…``, whether or not what follows is valid."""
    try:
        digital_link.parse(text)
    except TiaomaError as error:
        return error.code not in _PLAIN_URL
    return True


def _check_digital_link(text: str, digital_link_flag: bool | None) -> None:
    """Validate a GS1 Digital Link URI (GS1 Digital Link URI Syntax 1.4) before it is drawn.

    ``None`` recognises one: a URL whose path has a primary key AI. Such a URL with a wrong
    check digit is refused; other URLs and text pass untouched. ``True`` insists on a valid
    URI; ``False`` checks nothing (a URL such as ``…/2024/01/15`` that merely looks like one).
    """
    if digital_link_flag is False or (
        digital_link_flag is None and not _URL_START.match(text.lstrip())
    ):
        return
    try:
        digital_link.parse(text)
    except TiaomaError as error:
        if digital_link_flag is None and (
            error.code in _PLAIN_URL
            # "…?q=100%" is a URL's business unless the path makes it a Digital Link URI.
            or (
                error.code == digital_link.DL_PERCENT
                and not _looks_like_digital_link(text.replace("%", "%25"))
            )
        ):
            return
        raise


def _payload(text: str, symbology: Symbology) -> tuple[bytes, int]:
    """The bytes for Zint and the ECI: ASCII as it is, anything else UTF-8 under ECI 26."""
    if text.isascii():
        return text.encode("ascii"), 0
    try:
        return text.encode("utf-8"), _UTF8_ECI
    except UnicodeEncodeError as error:
        raise InvalidFormat(
            MATRIX_CHARACTER, value=text, char=text[error.start], position=error.start + 1
        ) from None


def _gs1_payload(message: ai.Gs1Message) -> bytes:
    """Zint's GS1 input: ``[AI]value`` pairs (square brackets are in no GS1 character set);
    Zint puts FNC1 first and after every AI without a predefined length."""
    return "".join(f"[{element.ai}]{element.value}" for element in message).encode("ascii")


def _job(
    data: object,
    *,
    gs1: bool,
    symbologies: tuple[Symbology, Symbology],
    digital_link_flag: bool | None,
    make_plan: Callable[[zint.InputMode, int], _Plan],
    constraint: tuple[str, str] = ("", ""),
) -> _Job:
    """Validate the data (GS1 element string, Digital Link URI or text) and plan the symbol."""
    plain, gs1_symbology = symbologies
    if gs1:
        if digital_link_flag is not None:
            raise _option_error(
                gs1_symbology,
                ("digital_link", "参数 digital_link"),
                digital_link_flag,
                ("None with gs1=True (a URI is read as its element string)",
                 "None（gs1=True 时 URI 按其元素串读取）"),
            )  # fmt: skip
        message = ai.parse(_text.require_text(data))
        return _Job(
            gs1_symbology,
            message.bracketed(),
            message.fnc1(),
            _gs1_payload(message),
            make_plan(_GS1, 0),
            constraint,
        )
    text = _text_data(data, plain)
    _check_digital_link(text, digital_link_flag)
    payload, eci = _payload(text, plain)
    return _Job(plain, text, text, payload, make_plan(_DATA, eci), constraint)


# --- the symbologies ----------------------------------------------------------------------


def qr(
    data: str,
    *,
    error_correction: ErrorCorrection = "M",
    gs1: bool = False,
    version: int | None = None,
    digital_link: bool | None = None,
) -> Symbol:
    """A QR Code (ISO/IEC 18004:2015), or with ``gs1=True`` a GS1 QR Code.

    ``data`` is text or a URL; with ``gs1=True`` a GS1 element string in any form
    :func:`tiaoma.ai.parse` reads (a GS1 Digital Link URI then travels as its element string).
    A GS1 Digital Link URI is validated before it is drawn (see ``digital_link``) and goes
    into a plain QR Code, as GS1 Digital Link specifies. ``error_correction`` is L (7 %),
    M (15 %), Q (25 %) or H (30 %); ``version`` 1-40 fixes the size at ``17 + 4 × version``
    modules, ``None`` takes the smallest that holds the data. ``digital_link``: ``None``
    recognises a URI by a primary key AI in the URL's path, ``True`` requires a valid one,
    ``False`` encodes any URL as it is.
    """
    level = error_correction.upper() if isinstance(error_correction, str) else error_correction
    if level not in QR_LEVELS:
        raise _option_error(
            Symbology.QR, ("error correction level", "纠错等级"), error_correction,
            ("L, M, Q or H", "L、M、Q 或 H"),
        )  # fmt: skip
    if not _in_range(version, QR_VERSIONS):
        raise _option_error(
            Symbology.QR, ("version", "版本"), version, ("1 to 40, or None", "1 至 40 或 None")
        )
    where = f" at error correction level {level}", f"（纠错等级 {level}"
    if version is not None:
        where = f"{where[0]} in version {version}", f"{where[1]}，版本 {version}"
    job = _job(
        data,
        gs1=gs1,
        symbologies=(Symbology.QR, Symbology.GS1_QR),
        digital_link_flag=digital_link,
        make_plan=lambda mode, eci: (
            _Request(zint.Symbology.QRCODE, mode, QR_LEVELS[level], version or 0, eci=eci),
        ),
        constraint=(where[0], where[1] + "）"),
    )
    return _build(job, QR_QUIET_ZONE)


def datamatrix(
    data: str,
    *,
    gs1: bool = False,
    shape: Shape | None = "square",
    digital_link: bool | None = None,
) -> Symbol:
    """A Data Matrix ECC 200 symbol (ISO/IEC 16022), or with ``gs1=True`` a GS1 DataMatrix.

    ``shape``: ``"square"`` (10x10 to 144x144), ``"rectangle"`` (8x18 to 16x48) or ``None``
    for whichever is smallest; the size is the smallest of that shape that holds the data.
    DMRE rectangles (ISO/IEC 21471) are not used: not every reader knows them. ``data`` and
    ``digital_link`` as for :func:`qr` (GS1 allows a GS1 Digital Link URI in Data Matrix as
    well as in QR Code).
    """
    if shape not in ("square", "rectangle", None):
        raise _option_error(
            Symbology.DATAMATRIX, ("shape", "形状"), shape,
            ("'square', 'rectangle' or None", "'square'、'rectangle' 或 None"),
        )  # fmt: skip

    def plan(mode: zint.InputMode, eci: int) -> _Plan:
        symbology = zint.Symbology.DATAMATRIX
        if shape == "rectangle":
            return tuple(_Request(symbology, mode, option_2=n, eci=eci)
                         for n in DATAMATRIX_RECTANGLES)  # fmt: skip
        square = zint.DataMatrixOptions.SQUARE if shape == "square" else 0
        return (_Request(symbology, mode, option_3=square, eci=eci),)

    where = (" in a rectangular symbol", "（矩形符号）") if shape == "rectangle" else ("", "")
    job = _job(
        data,
        gs1=gs1,
        symbologies=(Symbology.DATAMATRIX, Symbology.GS1_DATAMATRIX),
        digital_link_flag=digital_link,
        make_plan=plan,
        constraint=where,
    )
    return _build(job, DATAMATRIX_QUIET_ZONE)


def pdf417(data: str, *, error_correction: int | None = None, columns: int | None = None) -> Symbol:
    """A PDF417 symbol (ISO/IEC 15438:2015); each :class:`Row` is 3 modules high.

    ``error_correction`` 0-8 gives ``2 ** (level + 1)`` error correction codewords; ``None``
    takes the minimum ISO/IEC 15438 recommends for the amount of data.
    ``columns`` 1-30 fixes the number of data columns (17 modules each, between the start
    pattern and left row indicator and the right row indicator and stop pattern); ``None``
    lets Zint choose. Data that needs more than 90 rows in the given columns is too long.
    """
    if not _in_range(error_correction, PDF417_LEVELS):
        raise _option_error(
            Symbology.PDF417, ("error correction level", "纠错等级"), error_correction,
            ("0 to 8, or None", "0 至 8 或 None"),
        )  # fmt: skip
    if not _in_range(columns, PDF417_COLUMNS):
        raise _option_error(
            Symbology.PDF417, ("number of columns", "列数"), columns,
            ("1 to 30, or None", "1 至 30 或 None"),
        )  # fmt: skip
    english, chinese = [], []
    if error_correction is not None:
        english.append(f" at error correction level {error_correction}")
        chinese.append(f"纠错等级 {error_correction}")
    if columns is not None:
        english.append(f" in {columns} column{'s' if columns > 1 else ''}")
        chinese.append(f"{columns} 列")
    job = _job(
        data,
        gs1=False,
        symbologies=(Symbology.PDF417, Symbology.PDF417),
        digital_link_flag=False,
        make_plan=lambda mode, eci: (
            _Request(
                zint.Symbology.PDF417,
                mode,
                -1 if error_correction is None else error_correction,
                columns or 0,
                eci=eci,
            ),
        ),
        constraint=("".join(english), f"（{'，'.join(chinese)}）" if chinese else ""),
    )
    return _build(job, PDF417_QUIET_ZONE)
