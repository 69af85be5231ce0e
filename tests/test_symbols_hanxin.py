"""Han Xin Code: tiaoma's own encoder against Zint and BWIPP, module for module.

The structure (function patterns, placement order, Reed-Solomon blocks, masks, function
information) is checked on every version and level by taking Zint's symbol apart with it: the
function modules must equal ours, and once unmasked with our mask and read in our placement
order, the data modules must give blocks whose check codewords we compute ourselves.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import zint

from tests.oracles import bwipp_matrices, zint_modules
from tests.test_symbols_matrix import random_element_string
from tiaoma import ai
from tiaoma.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    TiaomaError,
)
from tiaoma.symbols import Symbology, hanxin


def _grid(rows: list[str]) -> np.ndarray:
    return np.array([[module == "1" for module in row] for row in rows])


def _zint_grid(data: str, version: int, level: int, mask: int) -> np.ndarray:
    rows = zint_modules(
        zint.Symbology.HANXIN, data, option_1=level, option_2=version, option_3=(mask + 1) << 8
    )
    return _grid(rows)


@pytest.mark.parametrize("version", hanxin.VERSIONS)
def test_structure_takes_zints_symbols_apart(version: int) -> None:
    """Every version and level, a mask each: function modules equal; the data modules,
    unmasked and read in our order, deinterleave into blocks whose check codewords are ours;
    the modules left over after the last codeword are light."""
    rng = random.Random(version)
    size = hanxin.side(version)
    for level in hanxin.LEVELS:
        mask = rng.randrange(4)
        digits = "".join(rng.choice("0123456789") for _ in range(12))
        grid = _zint_grid(digits, version, level, mask)
        assert grid.shape == (size, size)
        expected = hanxin.function_pattern(version).copy()
        for copy in hanxin.function_information_positions(version):
            expected.reshape(-1)[copy] = hanxin.function_information(version, level, mask)
        functions = hanxin.function_map(version)
        assert np.array_equal(grid[functions], expected[functions])
        bits = (grid ^ hanxin.mask_pattern(version, mask)).reshape(-1)[
            hanxin.data_positions(version)
        ]
        total = hanxin.codeword_count(version)
        assert not bits[8 * total :].any()
        stream = hanxin.deinterleave(np.packbits(bits[: 8 * total].astype(np.uint8)))
        start = 0
        for blocks, data, check in hanxin.error_correction_blocks(version, level):
            chunk = stream[start : start + blocks * (data + check)].reshape(blocks, -1)
            assert np.array_equal(hanxin.reed_solomon(chunk[:, :data], check), chunk[:, data:])
            start += blocks * (data + check)
        assert start == total
        groups = hanxin.error_correction_blocks(version, level)
        assert hanxin.data_codeword_count(version, level) == sum(b * d for b, d, _ in groups)


def test_interleave_round_trip() -> None:
    """§5.8.2 groups of 13, and the reader's inverse."""
    stream = np.arange(40, dtype=np.uint8)
    woven = hanxin.interleave(stream)
    assert list(woven[:4]) == [0, 13, 26, 39]
    assert list(woven[4:7]) == [1, 14, 27]
    assert np.array_equal(hanxin.deinterleave(woven), stream)


def test_function_information_of_version_1() -> None:
    """Version 1 + 20 = 00010101, L1 = 00, mask 00; the 6 filler bits are 0 (ISO/IEC 20830)."""
    bits = hanxin.function_information(1, 1, 0)
    assert len(bits) == hanxin.FUNCTION_INFORMATION_BITS
    assert "".join(map(str, bits[:12])) == "000101010000"
    assert bits[28:] == (0,) * 6
    positions = hanxin.function_information_positions(1)
    assert len(set(positions.reshape(-1).tolist())) == 68  # two copies, no module shared


# --- reading a data stream back (test-side, for content and length) ---------------------------


class _Reader:
    """Reads the bit stream of §5.5 back: the content, the ECI, the bits used. Chinese modes'
    characters are GB 18030 whatever the ECI; other bytes are ISO/IEC 8859-1 unless ECI 32."""

    def __init__(self, bits: str) -> None:
        self.bits, self.pos, self.eci, self.gs1 = bits, 0, 0, False
        self.pieces: list[tuple[bytes, bool]] = []  # (bytes, from a Chinese mode)

    def emit(self, data: bytes, *, chinese: bool = False) -> None:
        self.pieces.append((bytes(data), chinese))

    def text_content(self, binary: str | None = None) -> str:
        """The content; ``binary`` overrides the character set of the other modes' bytes."""
        other = binary or hanxin.ECI_CHARSETS.get(self.eci, "latin-1")
        if not any(chinese for _, chinese in self.pieces):  # a character may span modes
            return b"".join(piece for piece, _ in self.pieces).decode(other)
        return "".join(piece.decode("gb18030" if chinese else other)
                       for piece, chinese in self.pieces)  # fmt: skip

    def take(self, width: int) -> int:
        value = int(self.bits[self.pos : self.pos + width], 2)
        self.pos += width
        return value

    def numeric(self) -> None:
        groups: list[int] = []
        while (value := self.take(10)) < 1021:
            groups.append(value)
        text = "".join("\x1d" if self.gs1 and g == 1000 else f"{g:03d}" for g in groups[:-1]) + (
            f"{groups[-1]:0{value - 1020}d}" if groups else ""
        )
        self.emit(text.encode())

    def text(self) -> None:
        table1 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        table2 = bytes(
            [*range(28), *range(32, 48), *range(58, 65), *range(91, 97), *range(123, 128)]
        )
        submode = 1
        while (value := self.take(6)) != 63:
            if value == 62:
                submode = 3 - submode
            else:
                self.emit(table1[value].encode() if submode == 1 else bytes([table2[value]]))

    def region(self, region: int) -> None:
        while (value := self.take(12)) < 4094:
            if region == 2:
                self.emit(bytes([0xD8 + value // 94, 0xA1 + value % 94]), chinese=True)
            elif value >= 0xFCA:
                self.emit(bytes([0xA8, 0xA1 + value - 0xFCA]), chinese=True)
            elif value >= 0xEB0:
                self.emit(
                    bytes([0xA1 + (value - 0xEB0) // 94, 0xA1 + (value - 0xEB0) % 94]), chinese=True
                )
            else:
                self.emit(bytes([0xB0 + value // 94, 0xA1 + value % 94]), chinese=True)
        if value == 4094:
            self.region(3 - region)

    def double(self) -> None:
        while (value := self.take(15)) != 0x7FFF:
            rest = value % 0xBE
            self.emit(
                bytes([0x81 + value // 0xBE, rest + (0x40 if rest < 0x3F else 0x41)]), chinese=True
            )

    def four(self) -> None:
        value = self.take(21)
        code = [0x81 + value // 0x3138, 0x30 + value % 0x3138 // 0x4EC,
                0x81 + value % 0x4EC // 10, 0x30 + value % 10]  # fmt: skip
        self.emit(bytes(code), chinese=True)

    def read(self) -> _Reader:
        while self.pos + 4 <= len(self.bits):
            mode = self.take(4)
            if mode == 0:  # the padding: the data ended
                self.pos -= 4
                break
            if mode == 1:
                self.numeric()
            elif mode == 2:
                self.text()
            elif mode == 3:
                self.emit(bytes(self.take(8) for _ in range(self.take(13))))
            elif mode in (4, 5):
                self.region(mode - 3)
            elif mode == 6:
                self.double()
            elif mode == 7:
                self.four()
            elif mode == 8:  # 0 + 7 bits, or 10 + 14 bits
                self.eci = self.take(8) if self.bits[self.pos] == "0" else self.take(16) & 0x3FFF
            elif mode == 14:  # GS1 mode: 1110 0001 … 1111 1111
                self.gs1 = self.take(4) == 1
            else:
                assert mode == 15, mode  # the end of GS1 mode, 1111 1111
                assert self.take(4) == 15
        return self


def _stream_of(grid: np.ndarray) -> tuple[str, int, int]:
    """A symbol's data bits (all data codewords), with its version and level, read with
    tiaoma's structure and the function information."""
    size = grid.shape[0]
    version = (size - 21) // 2
    info = grid.reshape(-1)[hanxin.function_information_positions(version)[0]]
    level, mask = int(info[8]) * 2 + int(info[9]) + 1, int(info[10]) * 2 + int(info[11])
    assert hanxin.function_information(version, level, mask)[:28] == tuple(info[:28].tolist())
    bits = (grid ^ hanxin.mask_pattern(version, mask)).reshape(-1)[hanxin.data_positions(version)]
    codewords = hanxin.deinterleave(np.packbits(bits[: 8 * hanxin.codeword_count(version)]))
    data, start = [], 0
    for blocks, count, check in hanxin.error_correction_blocks(version, level):
        for _ in range(blocks):
            data.append(codewords[start : start + count])
            start += count + check
    stream = "".join(f"{byte:08b}" for byte in np.concatenate(data))
    return stream, version, level


def _content(grid: np.ndarray, binary: str | None = None) -> tuple[str, int]:
    """What a reader gets from a symbol, and how many bits its data took."""
    stream, _, _ = _stream_of(grid)
    reader = _Reader(stream).read()
    return reader.text_content(binary), reader.pos


# --- random data ------------------------------------------------------------------------------


def _gb(rng: random.Random, firsts: range, seconds: range) -> str:
    """A random character with a GB 18030 two-byte code in the given byte ranges."""
    while True:
        try:
            return bytes([rng.choice(firsts), rng.choice(seconds)]).decode("gb18030")
        except UnicodeDecodeError:
            continue


_LATIN1 = [*range(1, 128), *range(160, 256)]  # Zint takes U+0080-U+009F for non-Latin-1
_TEXT = string.ascii_letters + string.digits + " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\n"


_KINDS: dict[str, Callable[[random.Random], str]] = {
    "digits": lambda rng: rng.choice(string.digits),
    "text": lambda rng: rng.choice(_TEXT),
    "bytes": lambda rng: chr(rng.choice(_LATIN1)),
    "region1": lambda rng: _gb(rng, range(0xB0, 0xD8), range(0xA1, 0xFF)),
    "region2": lambda rng: _gb(rng, range(0xD8, 0xF8), range(0xA1, 0xFF)),
    # GB 18030 two-byte characters outside GB 2312 (GBK's extensions)
    "gb2": lambda rng: _gb(rng, range(0x81, 0xA0), range(0x40, 0xFF)),
    # four-byte: CJK Extension A, and Latin letters with diacritics (some two-byte)
    "gb4": lambda rng: chr(rng.choice([*range(0x3400, 0x4DB5), *range(0x100, 0x17F)])),
}


def _chunk(kind: str, rng: random.Random, count: int) -> str:
    """``count`` random characters of a kind; "mixed": runs of 1-8 of random kinds."""
    if kind in _KINDS:
        return "".join(_KINDS[kind](rng) for _ in range(count))
    return "".join(_chunk(rng.choice(list(_KINDS)), rng, rng.randrange(1, 9))
                   for _ in range(max(1, count // 5)))  # fmt: skip


FAMILIES = ("digits", "text", "bytes", "region1", "region2", "gb2", "gb4", "mixed")
CASES_PER_FAMILY = 500
# Versions every family is drawn at besides the smallest that fits: the first three, the first
# with alignment patterns, one in the middle and the largest.
FIXED_VERSIONS = (1, 2, 3, 4, 40, 84)
# The share of symbols module-equal to Zint's (measured: the rest are streams shorter than
# Zint's, or as short with other modes; Zint's mode choice underestimates text's sub-mode
# switches and numeric groups begun in mid-run).
MINIMUM_EQUAL = {"digits": 1.0, "text": 0.8, "bytes": 0.99, "region1": 1.0, "region2": 1.0,
                 "gb2": 1.0, "gb4": 1.0, "mixed": 0.8}  # fmt: skip


def _zint(
    data: str,
    level: int | None,
    version: int | None,
    mask: int | None,
    *,
    eci: bool = False,
    eci_number: int = 0,
) -> np.ndarray:
    options: dict[str, object] = {"option_1": level or -1, "option_2": version or 0}
    if mask is not None:
        options["option_3"] = (mask + 1) << 8
    if eci or eci_number:
        options["eci"] = eci_number or 32
    return _grid(zint_modules(zint.Symbology.HANXIN, data, zint.InputMode.UNICODE, **options))


def _case(
    rng: random.Random, family: str, index: int
) -> tuple[str, int | None, int | None, int | None]:
    """Data, level, version, mask: every sixth case leaves level and mask to the encoders."""
    level = rng.randrange(1, 5) if index % 6 else None
    mask = rng.randrange(4) if index % 6 else None
    version = FIXED_VERSIONS[index % len(FIXED_VERSIONS)] if index % 4 == 0 else None
    limit = 12 if version in (1, 2, 3) else 30 if version == 4 else 150
    data = _chunk(family, rng, rng.randrange(1, limit))
    return data, level, version, mask


@pytest.mark.parametrize("family", FAMILIES)
def test_equal_to_zint(family: str) -> None:
    """500 random inputs per family. Where the modules differ, the two encoders chose
    different modes: both symbols must then read back as the data, and ours must take no more
    bits than Zint's (Zint's mode choice estimates numeric and text costs; ours is exact).
    Zint is asked for ECI 32 when our symbol has it; without it, Zint may put a Chinese
    character's bytes in binary mode anyway (it warns that such a symbol does not conform):
    that symbol is only read back, with its binary bytes taken for GB 18030."""
    rng = random.Random(f"hanxin-zint-{family}")
    equal = compared = index = nonconforming = 0
    while compared < CASES_PER_FAMILY:
        index += 1
        data, level, version, mask = _case(rng, family, index)
        eci = hanxin._data_bits(data).startswith("1000")
        try:
            symbol = hanxin.hanxin(data, error_correction=level, version=version, mask=mask)
        except InvalidLength:  # too long for the small version: too long for Zint as well
            with pytest.raises(RuntimeError, match="too long"):
                _zint(data, level, version, mask, eci=eci)
            continue
        ours = _grid([row.modules for row in symbol.rows])
        theirs = _zint(data, level, version, mask, eci=eci)
        compared += 1
        if ours.shape == theirs.shape and np.array_equal(ours, theirs):
            equal += 1
            continue
        our_text, our_bits = _content(ours)
        assert our_text == data
        their_text, their_bits = _content(theirs)
        if their_text != data:  # Chinese bytes in binary mode without ECI 32
            assert not eci
            assert _content(theirs, binary="gb18030")[0] == data
            nonconforming += 1
            continue
        assert our_bits <= their_bits, (data, our_bits, their_bits)
    assert equal >= MINIMUM_EQUAL[family] * (CASES_PER_FAMILY - nonconforming), equal


# --- BWIPP --------------------------------------------------------------------------------------
# BWIPP uses numeric mode for runs of 8 or more digits (5 at the end of the data) and binary
# mode for everything else, and writes the 6 filler bits of the function information as 010101
# (ours and Zint's: 000000, after ISO/IEC 20830:2021); it scores masks differently (not on
# the finished symbol). So the comparison forces the mask, leaves the filler's 12 modules out,
# and builds our symbol from BWIPP's segmentation -- written by our GS1-mode writer, whose
# segments are BWIPP's, without the GS1 framing. Digits alone, and GS1 data, need no such help:
# there our public encoder and BWIPP choose the same modes.


def _bwipp_escaped(payload: bytes) -> str:
    """BWIPP's ``parse`` input: bytes outside printable ASCII (and ``^``) as ``^NNN``."""
    return "".join(f"^{b:03d}" if b >= 127 or b < 32 or b == 94 else chr(b) for b in payload)


def _without_filler(grid: np.ndarray) -> np.ndarray:
    version = (grid.shape[0] - 21) // 2
    flat = grid.reshape(-1).copy()
    flat[hanxin.function_information_positions(version)[:, 28:].reshape(-1)] = False
    return flat


def _compare_with_bwipp(cases: list[tuple[np.ndarray, str, str]]) -> int:
    """Our grid, BWIPP's data and options, per case; the number module-equal to BWIPP's."""
    answers = bwipp_matrices("hanxin", [(data, options) for _, data, options in cases])
    equal = 0
    for (ours, data, options), answer in zip(cases, answers, strict=True):
        assert not isinstance(answer, str), (data, options, answer)
        theirs = _grid(answer)
        assert theirs.shape == ours.shape, (data, options)
        equal += np.array_equal(_without_filler(ours), _without_filler(theirs))
    return equal


BWIPP_FAMILIES = ("digits", "text", "bytes", "region1", "gb2", "gb4", "mixed")


def test_equal_to_bwipp() -> None:
    """500 random inputs per family, every level, versions from the smallest that fits to
    two more (the fixed list among them), every mask; one Ghostscript process for all."""
    rng = random.Random("hanxin-bwipp")
    cases = []
    for family in BWIPP_FAMILIES:
        for index in range(CASES_PER_FAMILY):
            data = _chunk(family, rng, rng.randrange(1, 100))
            payload = data.encode("latin-1" if max(map(ord, data)) < 256 else "gb18030")
            payload = payload.replace(b"\x1d", b"\x1e")  # GS means FNC1 to the GS1 writer
            stream = hanxin._gs1_bits(payload.decode("latin-1"))[8:-8]
            level, mask = rng.randrange(1, 5), rng.randrange(4)
            smallest = next(v for v in hanxin.VERSIONS
                            if 8 * hanxin.data_codeword_count(v, level) >= len(stream))  # fmt: skip
            version = max(smallest, FIXED_VERSIONS[index % 6]) if index % 3 == 0 else min(
                84, smallest + rng.randrange(3))  # fmt: skip
            placed = hanxin._placed(hanxin._codewords(stream, version, level), version, level, mask)
            grid = _grid(hanxin._row_texts(placed, version))
            options = f"dontdraw parse eclevel=L{level} version={version} mask={mask + 1}"
            cases.append((grid.copy(), _bwipp_escaped(payload), options))
    assert _compare_with_bwipp(cases) == len(cases)


def test_digits_equal_to_bwipp_through_the_public_encoder() -> None:
    """Runs of 5 or more digits: BWIPP's modes are ours, so the public encoder's symbols are
    BWIPP's with the mask forced; versions 1-4, 40 and 84 among them."""
    rng = random.Random("hanxin-bwipp-digits")
    cases = []
    for index in range(CASES_PER_FAMILY):
        level, mask = rng.randrange(1, 5), rng.randrange(4)
        version = FIXED_VERSIONS[index % 6]
        most = min(3 * hanxin.data_codeword_count(version, level) * 8 // 10 - 6, 7000)
        digits = _chunk("digits", rng, rng.randrange(5, max(6, most)))
        symbol = hanxin.hanxin(digits, error_correction=level, version=version, mask=mask)
        options = f"dontdraw eclevel=L{level} version={version} mask={mask + 1}"
        cases.append((_grid([row.modules for row in symbol.rows]), digits, options))
    assert _compare_with_bwipp(cases) == len(cases)


def _gs1_data(rng: random.Random) -> str:
    """Random valid GS1 data; numeric serials now and then, for FNC1 next to a numeric run."""
    data = random_element_string(rng)
    if rng.random() < 0.5:
        data += f"(240){rng.randrange(10 ** rng.randrange(1, 12))}(30){rng.randrange(1, 10**8)}"
    return data


def test_gs1_equal_to_bwipp() -> None:
    """GS1 mode (BWIPP's reading of the draft; Zint has none): 500 random element strings,
    validated by tiaoma.ai, module-equal to BWIPP's with the mask forced; ]h2."""
    rng = random.Random("hanxin-gs1")
    cases = []
    for _ in range(CASES_PER_FAMILY):
        data = _gs1_data(rng)
        level, mask = rng.randrange(1, 5), rng.randrange(4)
        symbol = hanxin.hanxin(data, gs1=True, error_correction=level, mask=mask)
        assert symbol.symbology is Symbology.GS1_HANXIN
        assert symbol.symbology_identifier == "]h2"
        version = (symbol.width - 21) // 2
        message = ai.parse(data)
        options = f"dontdraw parsefnc eclevel=L{level} version={version} mask={mask + 1}"
        bwipp_data = "^FNC1" + message.fnc1("^FNC1")
        cases.append((_grid([row.modules for row in symbol.rows]), bwipp_data, options))
        assert symbol.data == message.bracketed()
    assert _compare_with_bwipp(cases) == len(cases)


# --- ECI ---------------------------------------------------------------------------------------


def _in_charset(rng: random.Random, charset: str, count: int) -> str:
    """``count`` random characters the character set has (from its bytes, or a sample)."""
    samples = {"shift_jis": "日本語のテキスト漢字かなカナ", "euc_kr": "한국어텍스트가나다",
               "big5": "繁體中文條碼編碼", "gb2312": "中国商品条码", "gbk": "中國商品條碼",
               "gb18030": "中国商品条码䶮㐀€", "utf-8": "中文Ωж€😀é",
               "utf-16-be": "中文Ωж€é", "utf-16-le": "中文Ωж€é", "utf-32-be": "中文😀",
               "utf-32-le": "中文😀"}  # fmt: skip
    pool = samples.get(charset, "")
    if not pool:
        pool = "".join(
            c for c in bytes(range(32, 256)).decode(charset, "ignore") if c.isprintable()
        )
    return "".join(rng.choice(pool + "0123456789ABC abc") for _ in range(count))


@pytest.mark.parametrize("eci", sorted(hanxin.ECI_CHARSETS))
def test_eci_equal_to_zint(eci: int) -> None:
    """Text in each ECI's character set, against Zint given the same ECI: equal, or as
    before our stream no longer than Zint's and both read back as the text."""
    rng = random.Random(f"hanxin-eci-{eci}")
    charset = hanxin.ECI_CHARSETS[eci]
    equal = 0
    for _ in range(20):
        data = _in_charset(rng, charset, rng.randrange(1, 40))
        ours = _grid([r.modules for r in hanxin.hanxin(data, eci=eci, mask=0).rows])
        theirs = _zint(data, None, None, 0, eci_number=eci)
        if ours.shape == theirs.shape and np.array_equal(ours, theirs):
            equal += 1
            continue
        (our_text, our_bits), (their_text, their_bits) = _content(ours), _content(theirs)
        assert our_text == their_text == data
        assert our_bits <= their_bits
    assert equal >= 15


# --- options and bad input ------------------------------------------------------------------


def test_symbol_facts() -> None:
    symbol = hanxin.hanxin("汉信码 Han Xin Code 12345", error_correction="l2")
    assert symbol.symbology is Symbology.HANXIN
    assert symbol.symbology_identifier == "]h0"
    assert symbol.quiet_zone == hanxin.QUIET_ZONE == (3, 3, 3, 3)
    assert symbol.is_matrix
    assert symbol.width == len(symbol.rows) == 27  # version 3
    assert _content(_grid([row.modules for row in symbol.rows])) == (symbol.data, 215)


@pytest.mark.parametrize(
    ("call", "error", "code", "english", "chinese"),
    [
        # 7,827 digits fill version 84 at L1 (Table B.1); one more does not fit.
        (lambda: hanxin.hanxin("1" * 7828), InvalidLength, "hanxin_too_many",
         "Data too long for Han Xin Code: 7,828 characters, and no symbol holds more than 7,827",
         "汉信码容纳不下这些数据：共 7,828 个字符，任何符号最多容纳 7,827 个"),
        # 4,351 letters need more codewords than version 84 has, though fewer than 7,828.
        (lambda: hanxin.hanxin("A" * 4351), InvalidLength, "hanxin_too_long",
         "Data too long for Han Xin Code: it needs 3,265 data codewords, at most 3,264 at "
         "error correction level L1 in version 84",
         "汉信码容纳不下这些数据：需要 3,265 个数据码字，最多 3,264 个（纠错等级 L1，版本 84）"),
        (lambda: hanxin.hanxin("ABCDEFGHIJKLMNOPQRSTUVWXYZ", version=1, error_correction=4),
         InvalidLength, "hanxin_too_long",
         "Data too long for Han Xin Code: it needs 21 data codewords, at most 9 at error "
         "correction level L4 in version 1", None),
        (lambda: hanxin.hanxin("1", version=85), InvalidComponent, "hanxin_option",
         "Invalid version 85 for Han Xin Code: expected 1 to 84, or None",
         "汉信码的版本“85”无效：应为1 至 84 或 None"),
        (lambda: hanxin.hanxin("1", version=True), InvalidComponent, "hanxin_option", None, None),
        (lambda: hanxin.hanxin("1", mask=4), InvalidComponent, "hanxin_option",
         "Invalid mask 4 for Han Xin Code: expected 0 to 3, or None", None),
        (lambda: hanxin.hanxin("1", error_correction="L5"), InvalidComponent, "hanxin_option",
         "Invalid error correction level 'L5' for Han Xin Code: expected L1, L2, L3 or L4 "
         "(1-4), or None", "汉信码的纠错等级“L5”无效：应为L1、L2、L3 或 L4（1-4），或 None"),
        (lambda: hanxin.hanxin("1", error_correction=0), InvalidComponent, "hanxin_option",
         None, None),
        (lambda: hanxin.hanxin("a\ud800b"), InvalidFormat, "hanxin_character",
         r"Cannot encode character '\\ud800' at position 2 of 'a\\ud800b' in Han Xin Code: "
         "expected characters of GB 18030", None),
        (lambda: hanxin.hanxin("中", eci=3), InvalidFormat, "hanxin_character",
         "Cannot encode character '中' at position 1 of '中' in Han Xin Code: expected "
         "characters of ECI 3 (iso8859-1)",
         "汉信码无法编码“中”第 1 位的字符 '中'：应为 ECI 3 (iso8859-1) 中的字符"),
        (lambda: hanxin.hanxin("1", eci=99), InvalidComponent, "hanxin_option",
         "Invalid ECI 99 for Han Xin Code: expected an ECI assignment with a character set "
         "(3-35), or None", None),
        (lambda: hanxin.hanxin("(01)06901234567892", gs1=True, eci=26), InvalidComponent,
         "hanxin_option", None, None),
        (lambda: hanxin.hanxin(""), InvalidFormat, "empty",
         "Empty value: expected data for Han Xin Code", "输入为空：应为汉信码的数据"),
        (lambda: hanxin.hanxin(b"123"), InvalidFormat, "not_text", None, None),  # type: ignore[arg-type]
        # GS1 data is validated before it is drawn.
        (lambda: hanxin.hanxin("(01)06901234567890", gs1=True), InvalidChecksum,
         "ai_check_digit", None, None),
    ],
)  # fmt: skip
def test_bad_input(
    call: Callable[[], object],
    error: type[TiaomaError],
    code: str,
    english: str | None,
    chinese: str | None,
) -> None:
    with pytest.raises(error) as raised:
        call()
    assert raised.value.code == code
    if english is not None:
        assert str(raised.value) == english
    if chinese is not None:
        assert raised.value.message_zh == chinese


@pytest.mark.parametrize(
    ("data", "count"),
    [("1" * 7827, 7827), ("A" * 4350, 4350), ("\xff" * 3261, 3261), ("啊" * 2174, 2174)],
)
def test_capacity_of_version_84_at_l1(data: str, count: int) -> None:
    """The capacities the standard states for version 84 at L1 (digits, text characters,
    bytes, region 1 Chinese characters): they fit, one more does not."""
    assert hanxin.hanxin(data, error_correction=1).width == 189
    with pytest.raises(InvalidLength):
        hanxin.hanxin(data + data[-1], error_correction=1)
    assert len(data) == count


def test_level_rises_while_the_version_has_room() -> None:
    """Without a level, the highest that fits the smallest version at L1 (as Zint)."""
    assert _stream_of(_grid([r.modules for r in hanxin.hanxin("1").rows]))[1:] == (1, 4)
    fixed = hanxin.hanxin("1", error_correction=1, version=3)
    assert _stream_of(_grid([r.modules for r in fixed.rows]))[1:] == (3, 1)


def _search_character_by_character(
    kinds: bytes, *, multibyte_binary: bool
) -> tuple[int, list[int]]:
    """The mode search in its plain form: every state's cost carried from character to
    character with the encoder's steps, then the states traced back."""
    back: list[tuple[int, ...]] = []
    out, leave_state = 0, -1
    cost = [hanxin._INFINITY] * 10
    for kind in kinds:
        width = hanxin._WIDTHS[kind]
        cost, came = hanxin._STEPS[kind](cost, out, leave_state, 8 * width, multibyte_binary)
        back.append(came)
        out, leave_state = hanxin._INFINITY, -1
        for state in hanxin._STATES_OF_KIND[kind]:
            if cost[state] + hanxin._LEAVE_SCALED[state] < out:
                out, leave_state = cost[state] + hanxin._LEAVE_SCALED[state], state
    states = [0] * len(back)
    for i in range(len(back) - 1, -1, -1):
        states[i] = leave_state
        leave_state = back[i][leave_state]
    return out // hanxin._BIT, states


def test_search_as_automaton_is_the_plain_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mode search run as an automaton (situations learnt once, then looked up) chooses
    as the search carried character by character, with and without binary Chinese bytes;
    and as well when it keeps few moves and often begins afresh, and its character tables
    few characters."""
    rng = random.Random("hanxin-automaton")
    for most in (hanxin._MOST_MOVES, 40):
        monkeypatch.setattr(hanxin, "_MOST_MOVES", most)
        monkeypatch.setattr(hanxin, "_MOST_CHARACTERS", 64 if most == 40 else 1 << 16)
        for family in FAMILIES:
            for _ in range(150):
                data = _chunk(family, rng, rng.randrange(1, 80))
                kinds = data.translate(hanxin._GB_KINDS).encode()
                for multibyte in (False, True):
                    bits, states = hanxin._choose_modes(kinds, multibyte_binary=multibyte)
                    expected = _search_character_by_character(kinds, multibyte_binary=multibyte)
                    assert (bits, list(states)) == expected, data
        assert len(hanxin._GB_KINDS) <= 64 or most != 40


def test_search_shared_by_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads learning moves of fresh searches at once (and replacing them often) choose as
    the plain search."""
    monkeypatch.setattr(hanxin, "_MOST_MOVES", 200)
    monkeypatch.setattr(hanxin, "_SEARCHES", [hanxin._Search(multibyte_binary=m) for m in (0, 1)])
    rng = random.Random("hanxin-threads")
    cases = [_chunk("mixed", rng, rng.randrange(1, 60)).translate(hanxin._GB_KINDS).encode()
             for _ in range(200)]  # fmt: skip

    def work(offset: int) -> bool:
        for kinds in cases[offset:] + cases[:offset]:
            bits, states = hanxin._choose_modes(kinds, multibyte_binary=True)
            if (bits, list(states)) != _search_character_by_character(kinds, multibyte_binary=True):
                return False
        return True

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, (0, 50, 100, 150)))


def test_text_no_symbol_holds_is_refused_before_the_mode_search() -> None:
    """1 MB of text took 4-7 s to be refused after the whole mode search (attacker's review)."""
    assert hanxin.hanxin("1" * hanxin.MOST_CHARACTERS).width == 189  # version 84 takes it
    for text in ("1" * (hanxin.MOST_CHARACTERS + 1), "中" * 1_000_000):
        with pytest.raises(InvalidLength) as refused:
            hanxin.hanxin(text)
        assert refused.value.code == "hanxin_too_many"
        assert f"no symbol holds more than {hanxin.MOST_CHARACTERS:,}" in str(refused.value)
        assert "任何符号最多容纳 7,827 个" in refused.value.message_zh
