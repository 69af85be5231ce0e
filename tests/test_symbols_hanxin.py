"""Han Xin Code: tiaoma's own encoder against Zint and BWIPP, module for module.

The structure (function patterns, placement order, Reed-Solomon blocks, masks, function
information) is checked on every version and level by taking Zint's symbol apart with it: the
function modules must equal ours, and once unmasked with our mask and read in our placement
order, the data modules must give blocks whose check codewords we compute ourselves.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import zint

from tests.oracles import zint_modules
from tiaoma.symbols import hanxin


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
