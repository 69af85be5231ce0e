"""tiaoma.verify.matrix: 2D print quality (ISO/IEC 15415, GB/T 23704) of QR Code and Data
Matrix. The structure tables are checked against Zint's symbols of every size (each block's
Reed-Solomon syndromes vanish only if placement, masks, interleaving and the block table are
all right); the grades on symbols drawn by tiaoma's renderer (clean: 4.0/A) and on module
matrices painted here with one controlled fault each, so the arithmetic can be worked by hand."""

from __future__ import annotations

import random

import numpy as np
import pytest
import zint

from tests.oracles import zint_modules
from tiaoma.verify._dm_structure import SIZES, dm_layout
from tiaoma.verify._layout import Layout
from tiaoma.verify._qr_structure import qr_layout, read_format
from tiaoma.verify._reed_solomon import Field, Uncorrectable


def _dark(rows: list[str]) -> np.ndarray:
    return np.array([[cell == "1" for cell in row] for row in rows])


def _clean_blocks(layout: Layout, rows: list[str]) -> bool:
    reading = layout.read(_dark(rows))
    return all(
        not any(reading.field.syndromes([reading.values[i] for i in block.codewords],
                                        block.ec_count))
        for block in reading.blocks
    )  # fmt: skip


# --- structure: Zint's symbols of every size read back with every block's syndromes zero ---


def test_qr_every_version_and_level_reads_as_zint_encodes() -> None:
    wrong = [
        (version, level)
        for version in range(1, 41)
        for number, level in enumerate("LMQH", start=1)
        if not _clean_blocks(
            qr_layout(version),
            zint_modules(zint.Symbology.QRCODE, "HI1", option_1=number, option_2=version),
        )
    ]
    assert wrong == []


def test_qr_format_information_names_the_level_zint_was_asked_for() -> None:
    for number, level in enumerate("LMQH", start=1):
        rows = zint_modules(zint.Symbology.QRCODE, "HI1", option_1=number, option_2=2)
        assert read_format(_dark(rows))[0] == level


def test_data_matrix_every_size_reads_as_zint_encodes() -> None:
    """Zint's sizes 1-30: the 24 squares and 6 rectangles of ISO/IEC 16022 Table 7 (144 × 144
    with its uneven blocks among them)."""
    seen, wrong = set(), []
    for number in range(1, 31):
        rows = zint_modules(zint.Symbology.DATAMATRIX, "A", option_2=number)
        key = (len(rows), len(rows[0]))
        seen.add(key)
        if not _clean_blocks(dm_layout(*key), rows):
            wrong.append(key)
    assert wrong == []
    assert seen == set(SIZES)


# --- Reed-Solomon: errors found and counted, too many refused ---


@pytest.mark.parametrize(("primitive", "first_root"), [(0x11D, 0), (0x12D, 1)])
def test_reed_solomon_corrects_and_counts_up_to_half_the_check_codewords(
    primitive: int, first_root: int
) -> None:
    field, rnd = Field(primitive, first_root), random.Random(7)
    for _ in range(200):
        ec = rnd.randint(2, 30)
        block = field.encode([rnd.randrange(256) for _ in range(rnd.randint(3, 60))], ec)
        errors = rnd.randint(0, ec // 2)
        damaged = list(block)
        for position in rnd.sample(range(len(block)), errors):
            damaged[position] ^= rnd.randint(1, 255)
        assert field.correct(damaged, ec) == (block, errors)


def test_reed_solomon_refuses_a_block_past_its_capacity() -> None:
    """ISO/IEC 16022's example (data 142 164 186, 5 check codewords 114 25 5 88 102): three
    errors in eight codewords are more than 5 check codewords can correct."""
    field = Field(0x12D, first_root=1)
    block = field.encode([142, 164, 186], 5)
    assert block[3:] == [114, 25, 5, 88, 102]
    damaged = [value ^ (0x0F if index < 3 else 0) for index, value in enumerate(block)]
    with pytest.raises(Uncorrectable):
        field.correct(damaged, 5)
