"""QR Code, Data Matrix and PDF417: decoded by zxing-cpp, structure from the standards, errors.

The module matrix comes from Zint, so comparing it with Zint would prove nothing; instead every
symbol is drawn here (whole pixels, quiet zone included) and read back by a decoder we did not
write, and the fixed structure the standards draw (finder patterns, sizes) is checked.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pytest
import zxingcpp

from tiaoma import ai, checksum, digital_link
from tiaoma.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    TiaomaError,
)
from tiaoma.symbols import QuietZone, Symbol, Symbology, matrix

RANDOM_CASES = 300
PIXELS_PER_MODULE = 3

# ISO/IEC 18004:2015 figure 10: a finder pattern, 7x7 modules.
FINDER = ("1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111")
# ISO/IEC 16022 table 7: every ECC 200 size, rows x columns.
DATAMATRIX_SQUARES = {
    (n, n)
    for n in (10, 12, 14, 16, 18, 20, 22, 24, 26, 32, 36, 40, 44, 48, 52, 64, 72, 80, 88, 96,
              104, 120, 132, 144)
}  # fmt: skip
DATAMATRIX_RECTANGLES = {(8, 18), (8, 32), (12, 26), (12, 36), (16, 36), (16, 48)}
# ISO/IEC 15438: the start and stop patterns of every PDF417 row.
PDF417_START = "11111111010101000"
PDF417_STOP = "111111101000101001"
TWO_DIMENSIONAL = zxingcpp.BarcodeFormats(
    [zxingcpp.BarcodeFormat.AllMatrix, zxingcpp.BarcodeFormat.PDF417]
)


# --- drawing and reading ------------------------------------------------------------------


def image(symbol: Symbol, scale: int = PIXELS_PER_MODULE) -> np.ndarray:
    """Black modules on white, ``scale`` pixels a module, each row as high as it says."""
    dark = np.array([np.frombuffer(row.modules.encode(), np.uint8) - 48 for row in symbol.rows])
    heights = [int(row.height or 1) for row in symbol.rows]
    dark = np.repeat(dark, heights, axis=0)
    zone = symbol.quiet_zone
    dark = np.pad(dark, ((zone.top, zone.bottom), (zone.left, zone.right)))
    pixels = ((1 - dark) * 255).astype(np.uint8)
    return np.repeat(np.repeat(pixels, scale, axis=0), scale, axis=1)


def read_one(symbol: Symbol) -> zxingcpp.Result:
    """The one two-dimensional symbol zxing-cpp finds. Linear formats are not searched: ITF
    without a check digit now and then "finds" four digits in a run of QR modules."""
    results = zxingcpp.read_barcodes(image(symbol), formats=TWO_DIMENSIONAL, try_downscale=False)
    assert len(results) == 1, [r.text for r in results]
    return results[0]


# --- random valid data --------------------------------------------------------------------

# GS1 General Specifications 7.11, figure 7.11-1: character set 82.
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CHINESE = "中国商品条码编码中心北京上海广州深圳条形码二维码食品药品饮料"
OTHERS = "éàüßñøΩЖ€©°±µ→★😀"


def random_text(rng: random.Random) -> str:
    alphabet = rng.choice(
        (
            string.digits,
            string.ascii_uppercase + string.digits + " ",
            string.printable[:95],  # printable ASCII and the space
            string.ascii_letters + CHINESE + OTHERS,
        )
    )
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 150)))


def random_gtin(rng: random.Random) -> str:
    body = "0" + rng.choice("6789") + "".join(rng.choice(string.digits) for _ in range(11))
    return body + checksum.calc_check_digit(body)


def random_element_string(rng: random.Random) -> str:
    """GTIN, then a random choice of expiry, production date, weight, batch and serial."""
    parts = [f"(01){random_gtin(rng)}"]
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(3000))
    if rng.random() < 0.7:
        parts.append(f"(17){day:%y%m%d}")
    if rng.random() < 0.3:
        parts.append(f"(11){day - timedelta(days=rng.randrange(700)):%y%m%d}")
    if rng.random() < 0.3:
        parts.append(f"(3103){rng.randrange(10**6):06d}")
    for ai_code in ("10", "21"):
        if rng.random() < 0.6:
            value = "".join(rng.choice(CSET82) for _ in range(rng.randint(1, 20)))
            parts.append(f"({ai_code}){value.replace('(', chr(92) + '(')}")
    return "".join(parts)


def random_digital_link(rng: random.Random) -> str:
    resolver = rng.choice(("https://id.gs1.org", "https://example.com", "http://qr.example.cn/p"))
    options = digital_link.DigitalLinkOptions(resolver=resolver)
    return digital_link.to_uri(random_element_string(rng), options)


def cases(make: Callable[[random.Random], str], seed: int) -> list[str]:
    rng = random.Random(seed)
    return [make(rng) for _ in range(RANDOM_CASES)]


def assert_gs1(symbol: Symbol, element_string: str, identifier: str) -> None:
    """zxing gives GS1 data as ``(AI)value`` text, parentheses in values unescaped, and the
    raw bytes with GS for FNC1 between element strings."""
    result = read_one(symbol)
    message = ai.parse(element_string)
    assert symbol.data == message.bracketed()
    assert result.symbology_identifier == identifier == symbol.symbology_identifier
    assert result.content_type == zxingcpp.ContentType.GS1
    assert result.text == message.bracketed().replace("\\(", "(")
    assert result.bytes == message.fnc1().encode()


# --- every symbology decodes to exactly its input -----------------------------------------


@pytest.mark.parametrize("index", range(RANDOM_CASES))
def test_qr_random_text_decodes(index: int) -> None:
    rng = random.Random(index)
    text = random_text(rng)
    level = rng.choice("LMQH")
    symbol = matrix.qr(text, error_correction=level)  # type: ignore[arg-type]
    result = read_one(symbol)
    assert (result.text, result.symbology_identifier, result.ec_level) == (text, "]Q1", level)
    assert symbol.symbology is Symbology.QR
    assert symbol.data == text


@pytest.mark.parametrize("element_string", cases(random_element_string, 1))
def test_gs1_qr_random_element_strings_decode(element_string: str) -> None:
    assert_gs1(matrix.qr(element_string, gs1=True), element_string, "]Q3")


@pytest.mark.parametrize("uri", cases(random_digital_link, 2))
def test_qr_random_digital_links_decode(uri: str) -> None:
    # GS1 Digital Link in a plain QR Code: ]Q1, the URI exactly as given.
    symbol = matrix.qr(uri)
    result = read_one(symbol)
    assert (result.text, result.symbology_identifier) == (uri, "]Q1")
    assert symbol.symbology is Symbology.QR


@pytest.mark.parametrize("index", range(RANDOM_CASES))
def test_datamatrix_random_text_decodes(index: int) -> None:
    rng = random.Random(1000 + index)
    text = random_text(rng)
    symbol = matrix.datamatrix(text, shape=rng.choice(("square", None)))
    result = read_one(symbol)
    assert (result.text, result.symbology_identifier) == (text, "]d1")


@pytest.mark.parametrize("element_string", cases(random_element_string, 3))
def test_gs1_datamatrix_random_element_strings_decode(element_string: str) -> None:
    assert_gs1(matrix.datamatrix(element_string, gs1=True), element_string, "]d2")


@pytest.mark.parametrize("uri", cases(random_digital_link, 4)[:100])
def test_datamatrix_random_digital_links_decode(uri: str) -> None:
    result = read_one(matrix.datamatrix(uri, shape=None))
    assert (result.text, result.symbology_identifier) == (uri, "]d1")


@pytest.mark.parametrize("index", range(RANDOM_CASES))
def test_pdf417_random_text_decodes(index: int) -> None:
    rng = random.Random(2000 + index)
    text = random_text(rng)
    columns = rng.choice((None, None, rng.randint(3, 30)))
    level = rng.choice((None, rng.randint(0, 5)))
    symbol = matrix.pdf417(text, error_correction=level, columns=columns)
    result = read_one(symbol)
    assert (result.text, result.symbology_identifier) == (text, "]L2")
    if columns is not None:
        assert symbol.width == 69 + 17 * columns


@pytest.mark.parametrize("text", ["A", "AB", "1234", "ABCDEFGH", "hello world", "条码"])
def test_datamatrix_rectangles_decode(text: str) -> None:
    symbol = matrix.datamatrix(text, shape="rectangle")
    assert (len(symbol.rows), symbol.width) in DATAMATRIX_RECTANGLES
    assert read_one(symbol).text == text


def test_gs1_digital_link_in_gs1_mode_travels_as_its_element_string() -> None:
    uri = "https://id.gs1.org/01/06901234567892/10/ABC?17=261231"
    symbol = matrix.qr(uri, gs1=True)
    assert symbol.data == "(01)06901234567892(10)ABC(17)261231"
    assert read_one(symbol).symbology_identifier == "]Q3"


def test_url_that_only_looks_like_a_digital_link_can_be_encoded_plainly() -> None:
    # A blog's date path has "/01/" in it: refused by default, taken as it is on request.
    url = "https://example.com/2024/01/15"
    with pytest.raises(InvalidLength) as caught:
        matrix.qr(url)
    assert caught.value.code == "ai_value_length"
    assert read_one(matrix.qr(url, digital_link=False)).text == url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",  # no path to speak of
        "https://example.com/search?q=100%",  # a stray % is the URL's business
        "HTTPS://EXAMPLE.COM/A/B",  # no primary key in the path
        "http://",  # not even a host
    ],
)
def test_ordinary_urls_are_plain_qr(url: str) -> None:
    assert read_one(matrix.qr(url)).text == url


# --- structure the standards draw ---------------------------------------------------------


def block(symbol: Symbol, top: int, left: int, size: int = 7) -> tuple[str, ...]:
    return tuple(row.modules[left : left + size] for row in symbol.rows[top : top + size])


@pytest.mark.parametrize("version", range(1, 41))
def test_qr_version_gives_size_and_three_finder_patterns(version: int) -> None:
    # ISO/IEC 18004:2015 6.3: version V is 17 + 4V modules square; finder patterns at three
    # corners, timing patterns alternating between them on row and column 6.
    symbol = matrix.qr("tiaoma", version=version, error_correction="H")
    size = 17 + 4 * version
    assert symbol.width == len(symbol.rows) == size
    assert all(row.height == 1 for row in symbol.rows)
    assert block(symbol, 0, 0) == block(symbol, 0, size - 7) == block(symbol, size - 7, 0)
    assert block(symbol, 0, 0) == FINDER
    assert block(symbol, size - 7, size - 7) != FINDER
    timing = ("10" * size)[: size - 16]
    assert symbol.rows[6].modules[8 : size - 8] == timing
    assert "".join(row.modules[6] for row in symbol.rows[8 : size - 8]) == timing
    assert symbol.quiet_zone == matrix.QR_QUIET_ZONE == QuietZone(4, 4, 4, 4)


@pytest.mark.parametrize(("level", "version"), [("L", 3), ("M", 4), ("Q", 5), ("H", 6)])
def test_qr_smallest_version_for_the_level(level: str, version: int) -> None:
    # A 56-character GS1 Digital Link URI: the higher the level, the larger the symbol.
    uri = "https://id.gs1.org/01/06901234567892/10/ABC123?17=261231"
    symbol = matrix.qr(uri, error_correction=level)  # type: ignore[arg-type]
    assert symbol.width == 17 + 4 * version
    assert read_one(symbol).ec_level == level


def test_qr_error_correction_is_case_insensitive() -> None:
    lower = matrix.qr("x", error_correction="h")  # type: ignore[arg-type]
    assert lower == matrix.qr("x", error_correction="H")


def assert_datamatrix_finder(symbol: Symbol) -> None:
    """ISO/IEC 16022 5.2: the L-shaped solid finder on the left and bottom, alternating
    clock tracks on the top and right."""
    rows, width = len(symbol.rows), symbol.width
    assert all(row.modules[0] == "1" for row in symbol.rows)
    assert symbol.rows[-1].modules == "1" * width
    assert symbol.rows[0].modules == "10" * (width // 2)
    assert "".join(row.modules[-1] for row in symbol.rows) == "01" * (rows // 2)


@pytest.mark.parametrize("length", [1, 5, 10, 30, 60, 100, 200, 400, 800, 1500, 3116])
def test_datamatrix_square_sizes_and_finder(length: int) -> None:
    symbol = matrix.datamatrix("1" * length)
    assert (len(symbol.rows), symbol.width) in DATAMATRIX_SQUARES
    assert_datamatrix_finder(symbol)
    assert symbol.quiet_zone == QuietZone(1, 1, 1, 1)


@pytest.mark.parametrize("length", [1, 10, 20, 40, 60, 98])
def test_datamatrix_rectangle_sizes_and_finder(length: int) -> None:
    symbol = matrix.datamatrix("1" * length, shape="rectangle")
    assert (len(symbol.rows), symbol.width) in DATAMATRIX_RECTANGLES
    assert_datamatrix_finder(symbol)


def test_datamatrix_shape_none_takes_a_rectangle_when_smaller() -> None:
    # 18 digits: 9 codewords; 8x32 holds 10 (256 modules), the next square 16x16 (256) 12.
    assert (len(matrix.datamatrix("1" * 18, shape=None).rows)) == 8
    assert (len(matrix.datamatrix("1" * 18).rows)) == 16


@pytest.mark.parametrize("columns", [1, 2, 5, 17, 30])
def test_pdf417_rows_columns_start_and_stop(columns: int) -> None:
    symbol = matrix.pdf417("PDF417 " * 5, columns=columns)
    assert symbol.width == 69 + 17 * columns
    assert 3 <= len(symbol.rows) <= 90
    for row in symbol.rows:
        assert row.modules.startswith(PDF417_START)
        assert row.modules.endswith(PDF417_STOP)
        assert row.height == 3
    assert symbol.quiet_zone == QuietZone(2, 2, 2, 2)
    assert symbol.is_matrix
    assert symbol.symbology_identifier == "]L2"


def test_rows_are_strings_of_zeros_and_ones() -> None:
    for symbol in (matrix.qr("x"), matrix.datamatrix("x"), matrix.pdf417("x")):
        assert {len(row.modules) for row in symbol.rows} == {symbol.width}
        assert set("".join(row.modules for row in symbol.rows)) == {"0", "1"}


# --- capacities: the standards' own numbers -----------------------------------------------


@pytest.mark.parametrize(
    ("level", "character", "limit", "unit"),
    # ISO/IEC 18004:2015 table 7, version 40.
    [
        ("L", "1", 7089, "digits"),
        ("M", "1", 5596, "digits"),
        ("Q", "1", 3993, "digits"),
        ("H", "1", 3057, "digits"),
        ("L", "A", 4296, "alphanumeric characters"),
        ("H", "A", 1852, "alphanumeric characters"),
        ("L", "a", 2953, "bytes"),
        ("M", "a", 2331, "bytes"),
        ("Q", "a", 1663, "bytes"),
        ("H", "a", 1273, "bytes"),
    ],
)
def test_qr_capacity_of_version_40(level: str, character: str, limit: int, unit: str) -> None:
    assert matrix.qr(character * limit, error_correction=level).width == 177  # type: ignore[arg-type]
    with pytest.raises(InvalidLength) as caught:
        matrix.qr(character * (limit + 1), error_correction=level)  # type: ignore[arg-type]
    assert caught.value.code == "matrix_too_long"
    assert str(caught.value) == (
        f"Data too long for QR Code: at most {limit:,} {unit} at error correction level "
        f"{level}, got {limit + 1:,}"
    )


@pytest.mark.parametrize(
    ("character", "limit", "unit"),
    # ISO/IEC 16022 table 7, 144x144.
    [("1", 3116, "digits"), ("A", 2335, "alphanumeric characters")],
)
def test_datamatrix_capacity_of_144x144(character: str, limit: int, unit: str) -> None:
    assert matrix.datamatrix(character * limit).width == 144
    with pytest.raises(InvalidLength, match=f"at most {limit:,} {unit}, got {limit + 1:,}$"):
        matrix.datamatrix(character * (limit + 1))


@pytest.mark.parametrize(
    ("character", "limit", "unit"),
    # ISO/IEC 15438's figures for the least error correction: 925 data codewords.
    [("1", 2710, "digits"), ("A", 1850, "alphanumeric characters"), ("\x01", 1108, "bytes")],
)
def test_pdf417_capacity_at_level_0(character: str, limit: int, unit: str) -> None:
    # Control characters force byte compaction: ASCII, so no ECI and one byte each.
    matrix.pdf417(character * limit, error_correction=0)
    with pytest.raises(
        InvalidLength,
        match=f"at most {limit:,} {unit} at error correction level 0, got {limit + 1:,}$",
    ):
        matrix.pdf417(character * (limit + 1), error_correction=0)


# --- bad input: refused before anything is drawn ------------------------------------------

GOOD_GTIN = "(01)06901234567892"


@pytest.mark.parametrize(
    ("make", "error", "code", "message"),
    [
        # GS1 data is validated by tiaoma.ai, never by Zint (which only warns).
        (lambda: matrix.qr("(01)06901234567890", gs1=True), InvalidChecksum, "ai_check_digit",
         "Invalid check digit in AI (01) value '06901234567890': expected 2, got 0"),
        (lambda: matrix.datamatrix(GOOD_GTIN + "(17)261341", gs1=True), InvalidComponent,
         "ai_month", None),
        (lambda: matrix.qr("(01)0690123456789", gs1=True), InvalidLength, "ai_value_length", None),
        (lambda: matrix.datamatrix("(23)ABC", gs1=True), InvalidComponent, "ai_unknown", None),
        (lambda: matrix.qr("", gs1=True), InvalidFormat, "empty", None),
        # A GS1 Digital Link URI is validated: wrong check digit, misplaced qualifier.
        (lambda: matrix.qr("https://id.gs1.org/01/06901234567890"), InvalidChecksum,
         "ai_check_digit", None),
        (lambda: matrix.datamatrix("https://id.gs1.org/01/06901234567892/21/1/10/A"),
         InvalidComponent, "dl_qualifier", None),
        (lambda: matrix.qr("https://id.gs1.org/01/06901234567892/10/A%ZZ"), InvalidFormat,
         "dl_percent", None),
        (lambda: matrix.qr("https://example.com/a", digital_link=True), InvalidFormat,
         "dl_no_key", None),
        # Text.
        (lambda: matrix.qr(""), InvalidFormat, "empty", "Empty value: expected data for QR Code"),
        (lambda: matrix.pdf417(""), InvalidFormat, "empty", None),
        (lambda: matrix.datamatrix(b"abc"), InvalidFormat, "not_text",  # type: ignore[arg-type]
         "Expected text, got bytes"),
        (lambda: matrix.qr("a\ud800"), InvalidFormat, "matrix_character", None),
        # Options, checked before Zint is asked.
        (lambda: matrix.qr("x", error_correction="X"), InvalidComponent,  # type: ignore[arg-type]
         "matrix_option",
         "Invalid error correction level 'X' for QR Code: expected L, M, Q or H"),
        (lambda: matrix.qr("x", error_correction=2), InvalidComponent,  # type: ignore[arg-type]
         "matrix_option", None),
        (lambda: matrix.qr("x", version=0), InvalidComponent, "matrix_option",
         "Invalid version 0 for QR Code: expected 1 to 40, or None"),
        (lambda: matrix.qr("x", version=41), InvalidComponent, "matrix_option", None),
        (lambda: matrix.qr("x", version=True), InvalidComponent, "matrix_option", None),
        (lambda: matrix.qr("x", version=2.0), InvalidComponent,  # type: ignore[arg-type]
         "matrix_option", None),
        (lambda: matrix.qr(GOOD_GTIN, gs1=True, digital_link=True), InvalidComponent,
         "matrix_option", None),
        (lambda: matrix.datamatrix("x", shape="round"), InvalidComponent,  # type: ignore[arg-type]
         "matrix_option",
         "Invalid shape 'round' for Data Matrix: expected 'square', 'rectangle' or None"),
        (lambda: matrix.pdf417("x", columns=0), InvalidComponent, "matrix_option", None),
        (lambda: matrix.pdf417("x", columns=31), InvalidComponent, "matrix_option",
         "Invalid number of columns 31 for PDF417: expected 1 to 30, or None"),
        (lambda: matrix.pdf417("x", error_correction=9), InvalidComponent, "matrix_option",
         "Invalid error correction level 9 for PDF417: expected 0 to 8, or None"),
        (lambda: matrix.pdf417("x", error_correction=-1), InvalidComponent, "matrix_option",
         None),
        # Too long, the limit under the options given and the value in the same unit. GS1 QR
        # Code version 1-H holds 16 digits, not 17: the FNC1 mode indicator takes 4 bits.
        (lambda: matrix.qr("hello" * 10, version=1), InvalidLength, "matrix_too_long",
         "Data too long for QR Code: at most 14 bytes at error correction level M in version "
         "1, got 50"),
        (lambda: matrix.qr("中" * 1000, error_correction="L"), InvalidLength, "matrix_too_long",
         "Data too long for QR Code: at most 2,952 bytes at error correction level L, got "
         "3,000"),
        (lambda: matrix.qr(GOOD_GTIN + "(17)261231", gs1=True, version=1, error_correction="H"),
         InvalidLength, "matrix_too_long",
         "Data too long for GS1 QR Code: at most 16 digits at error correction level H in "
         "version 1, got 24"),
        (lambda: matrix.qr(GOOD_GTIN + "(10)ABC", gs1=True, version=1, error_correction="H"),
         InvalidLength, "matrix_too_long", None),
        (lambda: matrix.datamatrix(GOOD_GTIN + "(10)" + "a" * 20 + "(21)" + "b" * 20
                                   + "(240)" + "c" * 30, gs1=True, shape="rectangle"),
         InvalidLength, "matrix_too_long",
         "Data too long for GS1 DataMatrix: at most 63 characters in a rectangular symbol, got "
         "95"),
        (lambda: matrix.datamatrix("1" * 99, shape="rectangle"), InvalidLength,
         "matrix_too_long",
         "Data too long for Data Matrix: at most 98 digits in a rectangular symbol, got 99"),
        (lambda: matrix.pdf417("a" * 400, columns=1, error_correction=2), InvalidLength,
         "matrix_too_long", None),
    ],
)  # fmt: skip
def test_bad_input_is_refused(
    make: Callable[[], Symbol],
    error: type[TiaomaError],
    code: str | None,
    message: str | None,
) -> None:
    with pytest.raises(error) as caught:
        make()
    if code is not None:
        assert caught.value.code == code
    if message is not None:
        assert str(caught.value) == message
    assert caught.value.message_zh  # every code has its Chinese message


def test_too_long_message_in_chinese() -> None:
    with pytest.raises(InvalidLength) as caught:
        matrix.pdf417("a" * 400, columns=1, error_correction=2)
    assert caught.value.message_zh.startswith("PDF417 条码容纳不下这些数据：最多 ")
    assert caught.value.message_zh.endswith("字节（纠错等级 2，1 列），实为 400 字节")
    assert str(caught.value).endswith("bytes at error correction level 2 in 1 column, got 400")


def test_an_unexpected_zint_failure_becomes_our_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # If Zint ever refuses valid data for a reason other than room, the caller still gets a
    # tiaoma error with Zint's explanation, never a RuntimeError.
    def refuse(request: object, payload: bytes) -> object:
        raise RuntimeError("Error 999: something new")

    monkeypatch.setattr(matrix, "_zint", refuse)
    with pytest.raises(InvalidComponent) as caught:
        matrix.qr("hello")
    assert caught.value.code == "matrix_refused"
    assert str(caught.value) == "QR Code cannot encode 'hello': Error 999: something new"
    assert caught.value.message_zh == "QR 码无法编码“hello”：Error 999: something new"
