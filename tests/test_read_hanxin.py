"""tiaoma's Han Xin Code reader against symbols drawn by Zint and BWIPP (tests/oracles.py)."""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest
import zint

from tests.oracles import bwipp_matrices, zint_modules
from tests.photos import draw, photo
from tiaoma import ai
from tiaoma._reed_solomon import Field, Uncorrectable
from tiaoma.readers import _hanxin_locate, _hanxin_modes
from tiaoma.readers.hanxin import (
    HanXinError,
    decode_modules,
    read_function_information,
    read_hanxin,
)
from tiaoma.render import geometry_for, layout
from tiaoma.render.png import to_image
from tiaoma.symbols import Symbol, hanxin
from tiaoma.symbols.hanxin import hanxin as hanxin_symbol

# Characters of every mode: digits, Text1/Text2, GB 2312 region 1 and 2, GB 18030 beyond.
ALPHABETS = {
    "digits": "0123456789",
    "ascii": "".join(map(chr, range(32, 127))) + "\t\r\n",
    "chinese": "中国商品条码汉信码编码读取测试北京上海广州深圳的了是在有",
    "region2": "丌丐丕丞丟乂乇乜乩亍亓",  # GB 2312 rows 56-87 (region 2)
    "gb18030": "€㐀㐁䶵龦",  # outside GB 2312: two- and four-byte GB 18030
}


def _grid(rows: list[str]) -> np.ndarray:
    return np.array([[c == "1" for c in row] for row in rows])


def _random_text(rng: random.Random, version: int, level: int) -> str:
    """Random text of mixed modes that fits comfortably into the version and level."""
    budget = hanxin.data_codeword_count(version, level) * 8 // 2  # bits, half the room
    pieces: list[str] = []
    while budget > 40:
        kind = rng.choice(list(ALPHABETS))
        bits = {"digits": 4, "ascii": 8, "chinese": 12, "region2": 12, "gb18030": 25}[kind]
        count = rng.randint(1, max(1, min(40, (budget - 40) // bits)))
        pieces.append("".join(rng.choice(ALPHABETS[kind]) for _ in range(count)))
        budget -= count * bits + 40
    return "".join(pieces) or "0"


def _zint(text: str, version: int, level: int, mask: int | None = None) -> np.ndarray:
    options: dict[str, object] = {"option_1": level, "option_2": version}
    if mask is not None:
        options["option_3"] = (mask + 1) << 8
    return _grid(zint_modules(zint.Symbology.HANXIN, text, zint.InputMode.UNICODE, **options))


@pytest.mark.parametrize("version", hanxin.VERSIONS)
def test_reads_zints_symbols_at_every_version(version: int) -> None:
    # every version, each level in turn, random text of every mode, each mask forced once
    rng = random.Random(version)
    level = version % 4 + 1
    text = _random_text(rng, version, level)
    read = decode_modules(_zint(text, version, level, mask=version % 4))
    assert (read.text, read.version, read.level, read.mask) == (text, version, level, version % 4)
    assert read.corrected == (0,) * len(read.correctable)
    assert read.unused_error_correction == 1.0


@pytest.mark.parametrize("level", hanxin.LEVELS)
def test_reads_zints_symbols_at_every_version_and_level(level: int) -> None:
    # all 84 × 4 sizes and levels, random text of every mode, Zint choosing the mask
    rng = random.Random(level)
    for version in hanxin.VERSIONS:
        text = _random_text(rng, version, level)
        read = decode_modules(_zint(text, version, level))
        assert (read.text, read.version, read.level) == (text, version, level)


def test_reads_bwipps_symbols() -> None:
    # BWIPP (treepoem's) writes binary mode only and the function information's filler as
    # 010101 where Zint and ISO/IEC 20830:2021 write 000000: the reader ignores the filler.
    rng = random.Random(7)
    cases = []
    for version in hanxin.VERSIONS:
        level = rng.randint(1, 4)
        text = _random_text(rng, version, level)
        cases.append((text, version, level))
    matrices = bwipp_matrices(
        "hanxin", [(t, f"dontdraw version={v} eclevel=L{lv}") for t, v, lv in cases]
    )
    for (text, version, level), matrix in zip(cases, matrices, strict=True):
        assert not isinstance(matrix, str), matrix
        read = decode_modules(_grid(matrix))
        assert (read.text, read.version, read.level) == (text, version, level)


def _codeword_modules(version: int, level: int) -> list[list[int]]:
    """For each block, the flat module indexes of each of its codewords' first bit."""
    count = hanxin.codeword_count(version)
    order = np.concatenate([np.arange(start, count, 13) for start in range(13)])
    where = np.empty(count, dtype=np.intp)
    where[order] = np.arange(count)  # stream index -> interleaved index
    positions = hanxin.data_positions(version)
    blocks, at = [], 0
    for number, data, check in hanxin.error_correction_blocks(version, level):
        for _ in range(number):
            blocks.append([int(positions[8 * where[i]]) for i in range(at, at + data + check)])
            at += data + check
    return blocks


@pytest.mark.parametrize(("version", "level"), [(1, 1), (5, 4), (24, 2), (60, 3), (84, 4)])
def test_corrects_up_to_capacity_and_fails_clearly_beyond(version: int, level: int) -> None:
    rng = random.Random(version * 10 + level)
    text = _random_text(rng, version, level)
    clean = _zint(text, version, level)
    blocks = _codeword_modules(version, level)
    damaged = clean.copy().reshape(-1)
    flips = []
    for block in blocks:
        capacity = hanxin.error_correction_blocks(version, level)[0][2] // 2
        capacity = (len(block) - _data_of(block, version, level)) // 2
        chosen = rng.sample(block, capacity)
        damaged[chosen] ^= True
        flips.append(capacity)
    read = decode_modules(damaged.reshape(clean.shape))
    assert read.text == text
    assert read.corrected == tuple(flips) == read.correctable
    assert read.unused_error_correction == 0.0
    # one codeword more in the first block: a clear error, not a wrong read
    extra = next(i for i in blocks[0] if damaged[i] == clean.reshape(-1)[i])
    damaged[extra] ^= True
    with pytest.raises(HanXinError) as refused:
        decode_modules(damaged.reshape(clean.shape))
    assert refused.value.code in {"hanxin-too-damaged", "hanxin-bad-data"}
    assert "汉信码" in refused.value.message_zh


def _data_of(block: list[int], version: int, level: int) -> int:
    sizes = [
        (data, check)
        for number, data, check in hanxin.error_correction_blocks(version, level)
        for _ in range(number)
    ]
    return next(data for data, check in sizes if data + check == len(block))


def test_function_information_survives_damage_to_one_copy() -> None:
    grid = _zint("HANXIN 汉信", 10, 3, mask=2)
    positions = hanxin.function_information_positions(10)
    grid.reshape(-1)[positions[0, :20]] ^= True  # most of one copy destroyed
    assert read_function_information(grid)[:3] == (10, 3, 2)
    assert decode_modules(grid).text == "HANXIN 汉信"


def test_mirrored_symbol_reads_and_says_so() -> None:
    grid = _zint("mirror 镜像", 3, 2)
    read = decode_modules(grid.T)
    assert (read.text, read.mirrored) == ("mirror 镜像", True)
    assert decode_modules(grid).mirrored is False


@pytest.mark.parametrize(
    ("shape", "code"),
    [((23, 25), "hanxin-not-square"), ((24, 24), "hanxin-not-square"),
     ((191, 191), "hanxin-not-square"), ((23, 23), "hanxin-function-information")],
)  # fmt: skip
def test_refuses_what_is_no_han_xin_symbol(shape: tuple[int, int], code: str) -> None:
    with pytest.raises(HanXinError) as refused:
        decode_modules(np.zeros(shape, dtype=bool))
    assert refused.value.code == code


# --- the bit stream: GS1 mode and ECI, as BWIPP's tests write them (DIS §5.3.10, §5.4.12) ----


@pytest.mark.parametrize(
    ("bits", "text", "gs1"),
    [
        # BWIPP hanxin.ps.test: ^FNC1ABC^FNC112345678 (FNC1 fused into numeric mode)
        ("11100001" "0011" "0000000000011" "010000010100001001000011" "0001" "1111101000"
         "0001111011" "0111001000" "0001001110" "1111111110" "11111111", "ABC\x1d12345678", True),
        # ^FNC1AB^FNC1^FNC1CD: standalone separators
        ("11100001" "0011" "0000000000010" "0100000101000010" "0001" "1111101000" "1111111111"
         "0001" "1111101000" "1111111111" "0011" "0000000000010" "0100001101000100" "11111111",
         "AB\x1d\x1dCD", True),
        # ECI 26 (UTF-8) then binary; a 14-bit and a 21-bit ECI designator
        ("1000" "00011010" "0011" "0000000000010" "1100001110101001", "é", False),
        ("1000" "10" + format(899, "014b") + "0011" "0000000000001" "11111111", "ÿ", False),
        ("1000" "110" + format(3, "021b") + "0011" "0000000000001" "11101001", "é", False),
        # text mode with a switch to Text2 and back
        ("0010" "001010" "111110" "011100" "111110" "001011" "111111", "A B", False),
        # region 1 jumping to region 2 (4094) and GB 18030 two- and four-byte modes
        ("0100" + format(0, "012b") + format(4094, "012b") + format(0, "012b")
         + format(4095, "012b"), "啊亍", False),
        ("0110" + format(0xBE * (0x81 - 0x81) + 0x40 - 0x40, "015b") + format(32767, "015b")
         + "0111" + format(0, "021b"), "丂\x80", False),
    ],
)  # fmt: skip
def test_modes(bits: str, text: str, gs1: bool) -> None:
    parsed = _hanxin_modes.parse(bits)
    assert (parsed.text, parsed.gs1) == (text, gs1)


@pytest.mark.parametrize(
    "bits",
    ["1001", "11100000", "0001" "1111101000" "1111111101",  # FNC1 outside GS1 mode
     "0011" "0000000000101" "0100", "1000" "111", "0100" + format(3000, "012b"),
     "0110" + format(0x7E * 0xBE, "015b"), "0111" + format(0x7E * 0x3138, "021b")],
)  # fmt: skip
def test_mode_errors(bits: str) -> None:
    with pytest.raises(_hanxin_modes.ModeError):
        _hanxin_modes.parse(bits)


def test_reed_solomon_errors_and_erasures() -> None:
    field = Field(0x163)
    rng = random.Random(3)
    data = [rng.randrange(256) for _ in range(40)]
    check = 16
    word = data + [0] * check
    # a codeword: the remainder of data · x^16 by the generator, found by solving with the
    # decoder itself (16 erasures at the check positions)
    word, _ = field.correct(word, check, erasures=range(40, 56))
    assert field.syndromes(word, check) == [0] * check
    damaged = list(word)
    for index in (1, 5, 9):  # 3 errors + 10 erasures: 2·3 + 10 = 16
        damaged[index] ^= 0x5A
    erased = list(range(20, 30))
    for index in erased:
        damaged[index] = 0
    fixed, changed = field.correct(damaged, check, erasures=erased)
    assert fixed == word
    assert changed == 3 + sum(1 for i in erased if word[i] != 0)
    with pytest.raises(Uncorrectable):
        field.correct(damaged, check, erasures=range(17))
    for index in (30, 31, 32, 33, 34, 35, 36, 37, 38):  # 9 errors: beyond 8
        damaged[index] ^= 1
    with pytest.raises(Uncorrectable):
        field.correct(damaged, check)


# --- images: photos of Zint's symbols (tests/photos.py) --------------------------------------

PHOTOS = {
    # each degradation alone, then together; versions from the smallest to 84
    "clean": {},
    "rotated": {"angle": 137.0},
    "perspective": {"perspective": 0.08},
    "blurred": {"blur": 1.0},
    "noisy": {"noise": 20.0},
    "jpeg": {"jpeg": 30},
    "two pixels a module": {"pixels": 2.2},
    "mirrored": {"mirror": True, "angle": 20.0},
    "low contrast": {"contrast": (90, 170), "noise": 5.0},
    "everything": {"angle": 250.0, "perspective": 0.05, "blur": 0.7, "noise": 10.0, "jpeg": 50},
}  # fmt: skip


#: What the reader does not read yet (strict: a case that starts passing fails, to be moved).
NOT_YET = {
    ("everything", 84): "the top-right core is lost; three cores and a guess are not enough",
}


@pytest.mark.parametrize(
    ("name", "version"),
    [
        pytest.param(name, version, marks=pytest.mark.xfail(reason=NOT_YET[name, version],
                                                            strict=True))
        if (name, version) in NOT_YET else (name, version)
        for name in PHOTOS for version in (1, 7, 30, 84)
    ],
)  # fmt: skip
def test_reads_photos(name: str, version: int) -> None:
    rng = random.Random(version)
    level = rng.randint(1, 4)
    text = _random_text(rng, min(version, 20), level)
    modules = _zint(text, version, level)
    image = photo(modules, seed=version, **PHOTOS[name])  # type: ignore[arg-type]
    reads = read_hanxin(image)
    assert [(r.text, r.version, r.level) for r in reads] == [(text, version, level)]
    assert reads[0].mirrored == bool(PHOTOS[name].get("mirror"))


def test_corners_are_where_the_symbol_is() -> None:
    modules = _zint("CORNERS 角", 5, 2)
    image = photo(
        modules, pixels=4
    )  # drawn at 8 pixels a module, a quiet zone of 6 modules, halved
    (read,) = read_hanxin(image)
    side = hanxin.side(5)
    low, high = 24, 24 + 4 * side
    expected = [(low, low), (high, low), (high, high), (low, high)]
    assert np.allclose(read.corners, expected, atol=1.5)


def test_colour_image_and_two_symbols() -> None:
    left = np.asarray(draw(_zint("LEFT 左", 3, 1)))
    right = np.asarray(draw(_zint("RIGHT 右", 9, 4)))
    height = max(left.shape[0], right.shape[0])
    canvas = np.full((height, left.shape[1] + right.shape[1]), 255, dtype=np.uint8)
    canvas[: left.shape[0], : left.shape[1]] = left
    canvas[: right.shape[0], left.shape[1] :] = right
    colour = np.stack([canvas] * 3, axis=2)
    assert sorted(r.text for r in read_hanxin(colour)) == ["LEFT 左", "RIGHT 右"]


def test_no_symbol_reads_as_nothing() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (300, 300)).astype(np.uint8)
    assert read_hanxin(noise) == []
    assert read_hanxin(np.full((200, 200), 200, dtype=np.uint8)) == []
    qr = _grid(zint_modules(zint.Symbology.QRCODE, "NOT HAN XIN"))
    assert read_hanxin(np.asarray(draw(qr))) == []


def test_damaged_symbol_says_why() -> None:
    image = photo(_zint("DAMAGED 损坏", 5, 4), pixels=4)
    side = image.shape[0]
    image[side // 3 : 2 * side // 3, side // 4 : 3 * side // 4] = 255  # a label over the middle
    with pytest.raises(HanXinError) as refused:
        read_hanxin(image)
    assert refused.value.code == "hanxin-too-damaged"
    assert "损坏过多" in refused.value.message_zh


def test_too_few_pixels_a_module_says_so() -> None:
    image = photo(_zint("SMALL", 12, 1), pixels=1.4, blur=0.5)
    with pytest.raises(HanXinError) as refused:
        read_hanxin(image)
    assert refused.value.code == "hanxin-too-small"
    assert "像素" in refused.value.message_zh


def test_huge_image_is_refused_before_work() -> None:
    with pytest.raises(HanXinError) as refused:
        read_hanxin(np.zeros((2000, 2000), dtype=np.uint8), max_pixels=1_000_000)
    assert refused.value.code == "hanxin-too-large"
    with pytest.raises(ValueError, match="2-D grey image"):
        read_hanxin(np.zeros((4, 4, 4, 4), dtype=np.uint8))


# --- round trips through tiaoma's own encoder and renderer -----------------------------------


def _tiaoma_grid(symbol: Symbol) -> np.ndarray:
    return np.array([[c == "1" for c in row.modules] for row in symbol.rows])


@pytest.mark.parametrize(
    ("data", "options", "text"),
    [
        ("(01)06901234567892(10)ABC(17)261231", {"gs1": True},
         "010690123456789210ABC\x1d17261231"),  # GS1 mode, FNC1 only after (10)
        ("café Ünïcode 中文 ÉÉ", {}, "café Ünïcode 中文 ÉÉ"),  # ISO/IEC 8859-1 and Chinese
        ("€ 龦 㐀 x", {}, "€ 龦 㐀 x"),  # beyond GB 2312: four-byte GB 18030
        ("Grüße", {"eci": 26}, "Grüße"),  # UTF-8 under ECI 26
        ("1234567890" * 30, {"error_correction": 4}, "1234567890" * 30),
    ],
)  # fmt: skip
def test_reads_tiaomas_own_symbols(data: str, options: dict[str, object], text: str) -> None:
    symbol = hanxin_symbol(data, **options)  # type: ignore[arg-type]
    read = decode_modules(_tiaoma_grid(symbol))
    assert read.text == text
    assert read.symbology_identifier == symbol.symbology_identifier
    if read.gs1:
        assert str(ai.parse(read.text)) == "(01)06901234567892(10)ABC(17)261231"


def test_two_accented_capitals_read_as_chinese_without_an_eci() -> None:
    # the one ambiguity of binary mode without an ECI (see tiaoma.readers._hanxin_modes)
    assert decode_modules(_tiaoma_grid(hanxin_symbol("ÐÅ"))).text == "信"


@pytest.mark.parametrize("pixels", [2, 3, 5])
def test_reads_tiaomas_rendered_artwork(pixels: int) -> None:
    rng = random.Random(pixels)
    text = _random_text(rng, 15, 2)
    symbol = hanxin_symbol(text, version=15, error_correction=2)
    dark = to_image(layout(symbol, geometry_for(symbol)), module_px=pixels)
    (read,) = read_hanxin((~dark).astype(np.uint8) * 255)
    assert (read.text, read.version, read.level) == (text, 15, 2)


def test_a_large_photo_is_read_shrunk_within_bounds() -> None:
    # 3,301 × 3,299 pixels (11 Mpx): read on a copy shrunk by 2, corners in the photo's pixels
    modules = _zint("LARGE 大图", 5, 2)
    small = np.asarray(draw(modules, pixels=20, quiet=10))
    image = np.full((3301, 3299), 255, dtype=np.uint8)
    image[400 : 400 + small.shape[0], 700 : 700 + small.shape[1]] = small
    (read,) = read_hanxin(image)
    assert read.text == "LARGE 大图"
    assert np.allclose(read.corners[0], (700 + 10 * 20, 400 + 10 * 20), atol=3)


def test_doubtful_modules_are_erased_to_correct_more() -> None:
    # a block with more wrong codewords than its errors can correct, the wrong ones marked
    # doubtful (as a sampler marks modules near its threshold): erasures cost half as much
    version, level = 10, 2
    text = _random_text(random.Random(5), version, level)
    clean = _zint(text, version, level)
    first_block = _codeword_modules(version, level)[0]
    check = hanxin.error_correction_blocks(version, level)[0][2]
    wrong = first_block[: check // 2 + 2]  # two more than errors alone correct
    damaged = clean.copy().reshape(-1)
    damaged[wrong] ^= True
    doubt = np.zeros(damaged.shape)
    doubt[wrong] = 1.0
    with pytest.raises(HanXinError):
        decode_modules(damaged.reshape(clean.shape))
    read = decode_modules(damaged.reshape(clean.shape), doubt=doubt.reshape(clean.shape))
    assert read.text == text
    assert read.corrected[0] == check // 2 + 2
    assert read.unused_error_correction == 0.0


# --- bounded work: images made to look like finders everywhere (security review) -------------


def _finder_tile(side: int) -> np.ndarray:
    """The top-left finder and a light row and column, tiled at one pixel a module:
    thousands of finder-like cores."""
    tile = np.zeros((8, 8), dtype=bool)
    tile[:7, :7] = hanxin.function_pattern(1)[:7, :7]
    return np.tile(tile, (side // 8 + 1, side // 8 + 1))[:side, :side]


def _runs_tile(side: int) -> np.ndarray:
    """Rows of 2:1:1:1:1 runs (five dark rows, one light): finder cuts everywhere, and one
    big finder so that some cut's module is large (the crossing reach it once set for all)."""
    line = np.tile(np.array([1, 1, 0, 1, 0, 1, 0], dtype=bool), side // 7 + 1)[:side]
    block = np.array([line] * 5 + [np.zeros(side, dtype=bool)])
    dark = np.tile(block, (side // 6 + 1, 1))[:side]
    dark[20:132, 20:132] = False
    dark[27:125, 27:125] = np.kron(hanxin.function_pattern(1)[:7, :7], np.ones((14, 14), bool))
    return dark


CRAFTED = {
    "finder tile": lambda: _finder_tile(2000),
    "finder tile, 3 pixels a module": lambda: np.kron(_finder_tile(666), np.ones((3, 3), bool)),
    "runs with one big finder": lambda: _runs_tile(2000),
    "black and white noise": lambda: np.random.default_rng(24).random((2000, 2000)) > 0.5,
    "checkerboard": lambda: np.indices((2000, 2000)).sum(axis=0) % 2 == 0,
}


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_images_read_as_nothing_in_bounded_memory(name: str) -> None:
    # 4 million pixels (the most tiaoma.scan gives the reader) of finder-like runs took
    # 5-18 s and 0.7-1.2 GB before the cuts were capped and pooled before the big arrays
    image = np.where(CRAFTED[name](), 0, 255).astype(np.uint8)
    tracemalloc.start()
    try:
        reads = read_hanxin(image)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reads == []
    assert peak < 250 * 2**20, f"{peak / 2**20:.0f} MB"


def test_the_caps_stop_early_and_keep_the_best_supported(monkeypatch: pytest.MonkeyPatch) -> None:
    image = photo(_zint("CAPS 上限", 7, 2), pixels=4)
    dark = image < 128
    every = _hanxin_locate._candidates(dark, dark, 2)
    assert len(every) >= 4  # the four cores at least
    monkeypatch.setattr(_hanxin_locate, "MAX_CANDIDATES", 3)
    assert _hanxin_locate._candidates(dark, dark, 2) == every[:3]
    monkeypatch.setattr(_hanxin_locate, "MAX_CUTS", 10)  # more cuts than this: the pass stops
    assert _hanxin_locate._candidates(dark, dark, 2) == []
    assert read_hanxin(image) == []


def test_out_of_time_says_so() -> None:
    image = photo(_zint("TIME 时间", 3, 1), pixels=4)
    with pytest.raises(HanXinError) as refused:
        read_hanxin(image, seconds=0.0)
    assert refused.value.code == "hanxin-out-of-time"
    assert "秒" in refused.value.message_zh
    assert "0 s" in str(refused.value)
    assert [r.text for r in read_hanxin(image, seconds=30.0)] == ["TIME 时间"]


def test_out_of_time_keeps_what_was_read(monkeypatch: pytest.MonkeyPatch) -> None:
    left = np.asarray(draw(_zint("LEFT 左", 3, 1)))
    canvas = np.full((left.shape[0], 2 * left.shape[1]), 255, dtype=np.uint8)
    canvas[:, : left.shape[1]] = left
    canvas[:, left.shape[1] :] = np.asarray(draw(_zint("RIGHT 右", 3, 1)))
    assert len(read_hanxin(canvas)) == 2
    read_at = _hanxin_locate._read_at
    done: list[object] = []

    def reading(*args: object) -> object:
        done.append(read_at(*args))  # type: ignore[arg-type]
        return done[-1]

    monkeypatch.setattr(_hanxin_locate, "_read_at", reading)
    monkeypatch.setattr(_hanxin_locate._Budget, "spent", lambda self: bool(done))
    (read,) = read_hanxin(canvas)  # time ran out after the first symbol: it is kept
    assert read.text in {"LEFT 左", "RIGHT 右"}


@pytest.mark.parametrize(
    "shape",
    [(0, 0), (50, 0), (0, 50, 3), (22, 400), (1, 4_000_001), (6_000_001, 1), (30, 4_000_000)],
)
def test_degenerate_shapes_read_as_nothing(shape: tuple[int, ...]) -> None:
    assert read_hanxin(np.zeros(shape, dtype=np.uint8)) == []
    assert read_hanxin(np.full(shape, 255, dtype=np.uint8)) == []
