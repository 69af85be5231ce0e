"""Han Xin Code reader (ISO/IEC 20830:2021, identical to GB/T 21049-2022): tiaoma's own.

zxing-cpp reads no Han Xin Code and no open-source Python reader exists, so tiaoma reads it
itself, on the structure its encoder (:mod:`tiaoma.symbols.hanxin`) defines:

- :func:`decode_modules` -- a module matrix (``True`` dark) → :class:`HanXinRead`: the function
  information (version, level, mask) from both its copies, checked by its GF(16) Reed-Solomon
  code (§5.4); the mask removed (§5.8.4); the codewords de-interleaved (§5.8.2) and each
  block corrected by Reed-Solomon over GF(2⁸) (§5.7, :mod:`tiaoma._reed_solomon`);
  the modes parsed (§5.3, :mod:`tiaoma.readers._hanxin_modes`). A mirrored matrix reads too.
- :func:`read_hanxin` -- a grey image → every Han Xin symbol found in it
  (:mod:`tiaoma.readers._hanxin_locate`: adaptive threshold, finder patterns by their
  1:1:1:1:3 runs, a perspective transform fitted to the four finders, the grid sampled).

Each read says how many codewords each Reed-Solomon block corrected and how many it could
have (``corrected``, ``correctable``): the unused error correction a 2D grade needs. Images
above 4 million pixels are read shrunk; images above ``max_pixels`` (120 million, as
:data:`tiaoma.scan.MAX_PIXELS`) are refused before any work.

>>> from tiaoma.render import geometry_for, layout
>>> from tiaoma.render.png import to_image
>>> from tiaoma.symbols.hanxin import hanxin
>>> symbol = hanxin("汉信码 Han Xin 12345")
>>> read = decode_modules([[module == "1" for module in row.modules] for row in symbol.rows])
>>> read.text, read.version, read.level, read.corrected, read.correctable
('汉信码 Han Xin 12345', 2, 2, (0,), (6,))
>>> dark = to_image(layout(symbol, geometry_for(symbol)), module_px=4)
>>> [(found.text, [round(c) for c in found.corners[0]]) for found in read_hanxin(~dark * 255)]
[('汉信码 Han Xin 12345', [12, 12])]
>>> gs1 = hanxin("(01)06901234567892(17)261231", gs1=True)
>>> read = decode_modules([[module == "1" for module in row.modules] for row in gs1.rows])
>>> read.text, read.gs1, read.symbology_identifier
('010690123456789217261231', True, ']h2')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tiaoma._reed_solomon import Field, Uncorrectable
from tiaoma.errors import TiaomaError, define
from tiaoma.readers import _hanxin_modes
from tiaoma.symbols import hanxin

__all__ = ["HanXinError", "HanXinRead", "decode_modules", "read_hanxin"]

_NOT_SQUARE = define(
    "hanxin-not-square",
    "A Han Xin symbol is a square of 23 to 189 modules (2 × version + 21), got {rows} × {columns}",
    "汉信码符号应为 23 至 189 模块的正方形（2 × 版本 + 21），实为 {rows} × {columns}",
)
NO_FUNCTION_INFORMATION = define(
    "hanxin-function-information",
    "The Han Xin symbol's function information cannot be read ({wrong} of 56 bits wrong at best)",
    "无法读取汉信码的功能信息（最好的情况下 56 位中有 {wrong} 位错误）",
)
_TOO_DAMAGED = define(
    "hanxin-too-damaged",
    "The Han Xin symbol (version {version}, level L{level}) is too damaged: block {block} of "
    "{blocks} has more errors than its {check} check codewords can correct",
    "汉信码符号（版本 {version}，纠错等级 L{level}）损坏过多：第 {block} 块（共 {blocks} 块）"
    "的错误超过其 {check} 个纠错码字的纠错能力",
)
_BAD_DATA = define(
    "hanxin-bad-data",
    "The Han Xin symbol's data breaks the mode rules: {reason}",
    "汉信码符号的数据不符合编码模式规则：{reason}",
)

#: A function information read with more wrong bits (of both copies' 56 check-protected bits,
#: or half as many in one copy) is refused: two valid words differ in at least 5 nibbles.
MAX_FUNCTION_INFORMATION_ERRORS = 12


class HanXinError(TiaomaError):
    """A Han Xin symbol that was found but cannot be read."""


@dataclass(frozen=True)
class HanXinRead:
    """One Han Xin symbol read."""

    text: str
    """The data as text: each ECI segment in its character set, GB 18030 without one; a GS1
    message with FNC1 as the group separator ``\\x1d``."""
    data: bytes
    """The bytes the symbol carries (GB 18030 for Chinese characters in the Chinese modes)."""
    gs1: bool
    """Whether the symbol is in GS1 mode."""
    version: int
    level: int
    """Error correction level 1-4 (L1-L4)."""
    mask: int
    corrected: tuple[int, ...]
    """Codewords corrected in each Reed-Solomon block, in block order."""
    correctable: tuple[int, ...]
    """Codewords each block could have corrected (half its check codewords)."""
    mirrored: bool
    """Whether the symbol was read mirrored (printed through, or seen from behind)."""
    corners: tuple[tuple[float, float], ...] = ()
    """The symbol's top-left, top-right, bottom-right and bottom-left corners in the image's
    pixels (x, y), for reads from an image."""
    modes: tuple[str, ...] = ()
    """The data modes met, in order (``numeric``, ``text``, ``binary``, ``region 1``…)."""

    @property
    def symbology_identifier(self) -> str:
        """The AIM symbology identifier a scanner prefixes: ``]h2`` for GS1 data, as tiaoma's
        encoder (:func:`tiaoma.symbols.hanxin.hanxin`) marks it, else ``]h0``."""
        return "]h2" if self.gs1 else "]h0"

    @property
    def unused_error_correction(self) -> float:
        """ISO/IEC 15415's unused error correction: 1 − corrected / correctable, at the worst
        block (1.0 for a clean symbol; 0.0 when a block used it all, or was corrected with
        erasures and changed more codewords than errors alone could)."""
        pairs = zip(self.corrected, self.correctable, strict=True)
        return max(0.0, min(1 - done / can for done, can in pairs))


_FIELD = Field(0x163)


@functools.cache
def function_information_table() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.intp]]:
    """Every valid function information's 28 protected bits (1,344 × 28), and its (version,
    level, mask) (1,344 × 3)."""
    keys = [(v, lv, m) for v in hanxin.VERSIONS for lv in hanxin.LEVELS for m in hanxin.MASKS]
    bits = np.array([hanxin.function_information(*key)[:28] for key in keys], dtype=np.uint8)
    return bits, np.array(keys, dtype=np.intp)


def read_function_information(modules: npt.NDArray[np.bool_]) -> tuple[int, int, int, int]:
    """(version, level, mask, wrong bits) nearest to the function information's two copies.

    Maximum likelihood over the valid words (those of the version the matrix's side gives,
    or all 1,344) rather than decoding the GF(16) code: both
    copies vote bit by bit; when one copy is destroyed (a corner torn off), the other alone
    decides if it is near a valid word. ``wrong`` counts the differing bits of the 56 (or of
    the 28 of the copy that decided)."""
    size = modules.shape[0]
    version = (size - 21) // 2
    positions = hanxin.function_information_positions(max(1, min(84, version)))
    seen = modules.reshape(-1)[positions[:, :28]].astype(np.uint8)  # 2 copies × 28 bits
    table, keys = function_information_table()
    if hanxin.side(version) == size and version in hanxin.VERSIONS:  # the side says which
        table, keys = table[keys[:, 0] == version], keys[keys[:, 0] == version]
    each = (table[:, None, :] != seen[None, :, :]).sum(axis=2)  # candidates × 2
    both = each.sum(axis=1)
    best = int(np.argmin(both))
    wrong = int(both[best])
    if wrong > MAX_FUNCTION_INFORMATION_ERRORS:
        alone = each.min(axis=1)
        best = int(np.argmin(alone))
        wrong = int(alone[best]) if alone[best] <= MAX_FUNCTION_INFORMATION_ERRORS // 2 else wrong
    version, level, mask = (int(k) for k in keys[best])
    return version, level, mask, wrong


def _blocks(version: int, level: int) -> list[tuple[int, int]]:
    """(data, check) codewords of each block, in order."""
    return [
        (data, check)
        for count, data, check in hanxin.error_correction_blocks(version, level)
        for _ in range(count)
    ]


def _codewords(modules: npt.NDArray[np.bool_], version: int, mask: int) -> npt.NDArray[np.uint8]:
    flat = (modules ^ hanxin.mask_pattern(version, mask)).reshape(-1)
    count = hanxin.codeword_count(version)
    bits = flat[hanxin.data_positions(version)[: 8 * count]]
    return hanxin.deinterleave(np.packbits(bits))


def _codeword_doubts(doubt: npt.NDArray[np.floating], version: int) -> npt.NDArray[np.float64]:
    """Each codeword's doubt (its most doubtful module's), in block order like the stream."""
    count = hanxin.codeword_count(version)
    modules = doubt.reshape(-1)[hanxin.data_positions(version)[: 8 * count]]
    interleaved = modules.reshape(count, 8).max(axis=1).astype(np.float64)
    order = np.concatenate([np.arange(start, count, 13) for start in range(13)])
    result = np.empty(count)
    result[order] = interleaved
    return result


def _block(
    word: list[int], check: int, doubts: npt.NDArray[np.float64] | None
) -> tuple[list[int], int]:
    """A block corrected: errors alone, then if need be with its most doubtful codewords
    erased (an erasure costs half an error: 2 errors + erasures <= check codewords), at
    most three quarters of them so that a quarter still checks the result."""
    try:
        return _FIELD.correct(word, check)
    except Uncorrectable:
        if doubts is None:
            raise
    ranked = [int(i) for i in np.argsort(-doubts, kind="stable")]
    for erased in sorted({check // 2, (3 * check) // 4}):
        try:
            return _FIELD.correct(word, check, erasures=ranked[:erased])
        except Uncorrectable:
            continue
    raise Uncorrectable("not even with the doubtful codewords erased")


def _correct(
    stream: npt.NDArray[np.uint8],
    version: int,
    level: int,
    doubts: npt.NDArray[np.float64] | None = None,
) -> tuple[list[int], list[int], list[int]]:
    """The data codewords after correction, and each block's corrections and capacity."""
    data_out: list[int] = []
    corrected: list[int] = []
    correctable: list[int] = []
    at = 0
    blocks = _blocks(version, level)
    for number, (data, check) in enumerate(blocks, 1):
        word = stream[at : at + data + check].tolist()
        doubt = None if doubts is None else doubts[at : at + data + check]
        at += data + check
        try:
            fixed, changed = _block(word, check, doubt)
        except Uncorrectable:
            raise HanXinError(
                _TOO_DAMAGED, version=version, level=level, block=number, blocks=len(blocks),
                check=check,
            ) from None  # fmt: skip
        data_out.extend(fixed[:data])
        corrected.append(changed)
        correctable.append(check // 2)
    return data_out, corrected, correctable


def _decode_upright(
    modules: npt.NDArray[np.bool_], mirrored: bool, doubt: npt.NDArray[np.floating] | None
) -> HanXinRead:
    version, level, mask, wrong = read_function_information(modules)
    if wrong > MAX_FUNCTION_INFORMATION_ERRORS or hanxin.side(version) != modules.shape[0]:
        raise HanXinError(NO_FUNCTION_INFORMATION, wrong=wrong)
    stream = _codewords(modules, version, mask)
    doubts = None if doubt is None else _codeword_doubts(doubt, version)
    data, corrected, correctable = _correct(stream, version, level, doubts)
    bits = "".join(f"{value:08b}" for value in data)
    try:
        parsed = _hanxin_modes.parse(bits)
    except _hanxin_modes.ModeError as error:
        raise HanXinError(_BAD_DATA, reason=str(error)) from None
    return HanXinRead(
        text=parsed.text, data=parsed.data, gs1=parsed.gs1, version=version, level=level,
        mask=mask, corrected=tuple(corrected), correctable=tuple(correctable),
        mirrored=mirrored, modes=tuple(parsed.modes),
    )  # fmt: skip


def decode_modules(modules: npt.ArrayLike, *, doubt: npt.ArrayLike | None = None) -> HanXinRead:
    """Read a Han Xin symbol from its modules: a square array, true (or 1) for dark, upright
    (or mirrored: the function information says which).

    ``doubt``, an array of the same shape, says how unsure each module is (a sampler's
    closeness to its threshold): a block with more errors than it can correct is tried again
    with its most doubtful codewords erased, which costs half as much correction each.

    Raises :class:`HanXinError` when the function information or a Reed-Solomon block
    cannot be corrected, or the data breaks the mode rules."""
    grid = np.asarray(modules).astype(bool)
    rows, columns = grid.shape
    if rows != columns or rows < 23 or rows > 189 or rows % 2 == 0:
        raise HanXinError(_NOT_SQUARE, rows=rows, columns=columns)
    unsure = None if doubt is None else np.asarray(doubt, dtype=np.float64)
    try:
        return _decode_upright(grid, False, unsure)
    except HanXinError as upright_error:
        try:
            return _decode_upright(grid.T.copy(), True, None if unsure is None else unsure.T)
        except HanXinError:
            raise upright_error from None


def read_hanxin(
    image: npt.ArrayLike, *, max_pixels: int | None = None, seconds: float = 2.0
) -> list[HanXinRead]:
    """Every Han Xin symbol read in a grey image (2-D uint8 array, 0 black; or colour).

    The work is bounded whatever the image: an image with a side under 23 pixels (or empty)
    reads as nothing; the finder-like cuts and candidates a pass looks at are capped; and
    the reader stops after ``seconds`` of CPU time on the calling thread (checked between
    passes and between tries of four cores). Then the symbols read so far are returned; if
    none was, the error of one found but not read is raised, else :class:`HanXinError`
    ``hanxin-out-of-time`` -- not ``[]``, which would say that the image holds no symbol
    when the reader did not finish looking."""
    from tiaoma.readers import _hanxin_locate  # noqa: PLC0415 (it builds on this module)

    return _hanxin_locate.read_image(image, max_pixels=max_pixels, seconds=seconds)
