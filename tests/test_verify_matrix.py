"""tiaoma.verify.matrix: 2D print quality (ISO/IEC 15415, GB/T 23704) of QR Code and Data
Matrix. The structure tables are checked against Zint's symbols of every size (each block's
Reed-Solomon syndromes vanish only if placement, masks, interleaving and the block table are
all right); the grades on symbols drawn by tiaoma's renderer (clean: 4.0/A) and on module
matrices painted here with one controlled fault each, so the arithmetic can be worked by hand."""

from __future__ import annotations

import io
import json
import math
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import zint
import zxingcpp
from PIL import Image, ImageFilter

from tests.oracles import zint_modules, zxing_read
from tiaoma import commodity2d, scan
from tiaoma._reed_solomon import Field, Uncorrectable
from tiaoma.readers.hanxin import NO_FUNCTION_INFORMATION, HanXinError, read_hanxin
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols.base import Symbol
from tiaoma.symbols.choose import encode
from tiaoma.symbols.hanxin import hanxin
from tiaoma.symbols.matrix import datamatrix, qr
from tiaoma.verify import matrix
from tiaoma.verify._dm_structure import SIZES, dm_layout
from tiaoma.verify._hx_structure import hx_layout
from tiaoma.verify._layout import Layout
from tiaoma.verify._qr_structure import qr_layout, read_format
from tiaoma.verify.grades import Grade
from tiaoma.verify.grading import VerifyError
from tiaoma.verify.image import Calibration
from tiaoma.verify.matrix import MatrixGrade, grade_matrix
from tiaoma.verify.matrix_report import as_json, html


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


def test_han_xin_every_version_and_level_reads_as_zint_encodes() -> None:
    """Zint's Han Xin Code (GB/T 21049), versions 1-84 at levels L1-L4, read back through our
    layout (placement, mask from the function information, interleaving by 13, blocks)."""
    wrong = [
        (version, level)
        for version in range(1, 85)
        for level in range(1, 5)
        if not _clean_blocks(
            hx_layout(version),
            zint_modules(zint.Symbology.HANXIN, "A", option_1=level, option_2=version),
        )
    ]
    assert wrong == []


# --- Reed-Solomon: errors found and counted, too many refused ---


@pytest.mark.parametrize(("primitive", "first_root"), [(0x11D, 0), (0x12D, 1)])
def test_reed_solomon_corrects_and_counts_up_to_half_the_check_codewords(
    primitive: int, first_root: int
) -> None:
    field, rnd = Field(primitive, first_root=first_root), random.Random(7)
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


# --- grading: symbols painted here, one controlled fault each ---

DPI = 600
PX = 10  # pixels per module: X = 10/600 inch = 0.423 mm
QUIET = 4


def _matrix(symbol: Symbol) -> np.ndarray:
    return _dark([row.modules for row in symbol.rows])


def _paint(dark: np.ndarray, *, grow_px: int = 0, light: int = 255, ink: int = 0,
           stretch: float = 1.0, dpi: float | None = DPI, quiet: int = QUIET) -> bytes:  # fmt: skip
    """The modules drawn ``PX`` pixels each inside a 4-module quiet zone; the dark print
    grown (or, below 0, shrunk) by ``grow_px`` pixels on every side, as ink spreads: adjacent
    dark modules stay joined; the picture widened ``stretch`` times."""
    inked = np.pad(np.kron(dark, np.ones((PX, PX), dtype=bool)), quiet * PX)
    for _ in range(abs(grow_px)):
        inked = _spread(inked, grow=grow_px > 0)
    canvas = np.where(inked, ink, light).astype(np.uint8)
    picture = Image.fromarray(canvas)
    if stretch != 1.0:
        size = (round(picture.width * stretch), picture.height)
        picture = picture.resize(size, Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


def _spread(inked: np.ndarray, *, grow: bool) -> np.ndarray:
    """One pixel more (or less) ink on every side: the 3 × 3 neighbourhood's any (or all)."""
    padded = np.pad(inked, 1, constant_values=not grow)
    height, width = inked.shape
    shifted = [padded[dy : dy + height, dx : dx + width] for dy in range(3) for dx in range(3)]
    return np.any(shifted, axis=0) if grow else np.all(shifted, axis=0)


def _grade(dark: np.ndarray, **paint: float) -> MatrixGrade:
    return grade_matrix(_paint(dark, **paint))  # type: ignore[arg-type]


def _value(graded: MatrixGrade, name: str) -> float:
    return graded.parameter(name).grade.value


QR = qr("(01)06901234567892(10)ABC123", gs1=True, error_correction="M")
QR2 = qr("(01)06901234567892(10)ABC123", gs1=True, error_correction="M", version=2)
DM = datamatrix("(01)06901234567892(10)ABC123", gs1=True)


@pytest.mark.parametrize("symbol", [QR, DM, qr("https://example.com/" + "x" * 120),
                                    datamatrix("ABCDEF", shape="rectangle")],
                         ids=["gs1-qr", "gs1-dm", "qr-v6", "dm-rectangle"])  # fmt: skip
def test_a_clean_symbol_from_the_renderer_grades_4(symbol: Symbol) -> None:
    """tiaoma's own PNG at 600 dpi: every parameter 4, GS1's and GB/T 33993's verdicts pass
    (GS1's at aperture 08, the one its requirement names)."""
    graded = grade_matrix(artwork(symbol, geometry_for(symbol), "png", dpi=DPI), aperture="08")
    assert graded.result == "4.0/08/660"
    assert graded.grade.letter == "A"
    assert all(parameter.grade.value == 4 for parameter in graded.parameters)
    assert graded.data == zxing_read(symbol).text or symbol.symbology.label.startswith("GS1")
    # GB/T 33993 speaks of commodity 2D codes only: a URL of a shop's own, "ABCDEF", is none
    commodity = True if commodity2d.is_valid(graded.data) else None
    assert [v.passed for v in graded.verdicts if v.name.startswith("GB")] == [commodity]
    assert graded.advice == (
        ("No faults found: the symbol grades A.", "未发现问题：符号等级为 A。"),
    )
    assert abs(graded.x_mm - 0.5) < 0.01  # the renderer's default X, whole pixels at 600 dpi


def test_the_default_aperture_is_80_percent_of_x_and_the_gs1_verdict_needs_08() -> None:
    graded = _grade(_matrix(QR))  # X 0.423 mm: 0.339 mm = reference 14
    assert graded.aperture == "14"
    assert [verdict.passed for verdict in graded.verdicts] == [True, None]


def test_symbol_contrast_steps_down_with_the_ink_lightened() -> None:
    """Hand-worked: ink grey 145 on white 255 is SC = (255 - 145) / 255 = 43.1 %: grade 2
    (C: 40-55 %)."""
    graded = _grade(_matrix(QR), ink=145)
    assert abs(graded.parameter("symbol_contrast").measured - 43.1) < 0.2  # type: ignore[operator]
    assert _value(graded, "symbol_contrast") == 2
    steps = [_value(_grade(_matrix(QR), ink=ink), "symbol_contrast")
             for ink in (0, 100, 130, 160, 200)]  # fmt: skip
    assert steps == [4, 3, 2, 1, 1]  # SC 100, 60.8, 49.0, 37.3, 21.6 %


def _finder_damaged(count: int) -> np.ndarray:
    """``count`` spots in the upper left finder's separator: light modules printed dark
    (zxing-cpp stops finding a QR Code whose finder ring itself is broken at a corner)."""
    dark = _matrix(QR)
    for row, col in ((7, 0), (7, 2), (0, 7), (2, 7), (7, 4))[:count]:
        dark[row, col] = True
    return dark


def test_a_damaged_finder_pattern_grades_by_its_damaged_modules() -> None:
    """Hand-worked: one spot in the separator = 1 damaged module of the segment's 64 (finder
    7 × 7 and its separator): grade 3 for that segment and for fixed pattern damage; each
    further spot one grade lower."""
    graded = _grade(_finder_damaged(1))
    finder = graded.segments[0]
    assert (finder.name, finder.modules, finder.damaged, finder.grade.value) == (
        "upper left finder pattern",
        64,
        1,
        3.0,
    )
    assert [s.grade.value for s in graded.segments[1:]] == [4.0, 4.0, 4.0]
    steps = [_value(_grade(_finder_damaged(count)), "fixed_pattern_damage") for count in range(5)]
    assert steps == [4, 3, 2, 1, 0]
    assert any("finder" in english for english, _ in _grade(_finder_damaged(3)).advice)


def test_the_grid_stretched_along_one_axis_is_axial_non_uniformity() -> None:
    """Hand-worked: 10 % wider than high: ANU = 0.10 / 1.05 = 0.095, grade 2 (C: <= 0.10)."""
    graded = _grade(_matrix(QR), stretch=1.10)
    anu = graded.parameter("axial_nonuniformity").measured
    assert anu is not None
    assert abs(anu - 0.0952) < 0.005
    assert _value(graded, "axial_nonuniformity") == 2
    steps = [_value(_grade(_matrix(QR), stretch=s), "axial_nonuniformity")
             for s in (1.0, 1.05, 1.075, 1.095, 1.115, 1.15)]  # fmt: skip
    assert steps == [4, 4, 3, 2, 1, 0]


def test_a_module_grown_by_20_percent_is_reported_as_print_growth() -> None:
    """Dark modules one pixel wider on each side of 10: 2 / 10 = 20 % of X, across and down;
    not graded (the symbol still grades 4)."""
    graded = _grade(_matrix(QR), grow_px=1)
    across, down = graded.print_growth
    assert abs(across - 0.20) < 0.03
    assert abs(down - 0.20) < 0.03
    assert graded.grade.value == 4
    growths = [_grade(_matrix(DM), grow_px=g).print_growth[0] for g in (0, 1, 2)]
    assert growths == sorted(growths)
    assert abs(growths[0]) < 0.02


def _flipped(errors: int) -> np.ndarray:
    """One module of each of ``errors`` codewords of a version 2-M QR Code's one block inverted."""
    dark = _matrix(QR2)
    reading = qr_layout(2).read(dark)
    assert len(reading.blocks) == 1
    assert reading.blocks[0].ec_count == 16
    for codeword in range(errors):
        row, col = reading.cells[codeword * 3, 0]
        dark[row, col] = not dark[row, col]
    return dark


def test_modules_flipped_until_half_the_error_correction_is_used() -> None:
    """Version 2-M: one block, d = 16, p = 0. Hand-worked: 4 codewords wrong: UEC = 1 -
    2 × 4 / 16 = 50 %, grade 3 (B: >= 50 %); reflectance margin falls with them."""
    assert QR2.width == 25
    graded = _grade(_flipped(4))
    assert graded.block_errors == (4,)
    assert graded.parameter("unused_error_correction").measured == 0.5
    assert _value(graded, "unused_error_correction") == 3
    assert int((graded.module_grades == 0).sum()) == 4
    steps = [_value(_grade(_flipped(count)), "unused_error_correction") for count in range(8)]
    assert steps == [4, 4, 4, 4, 3, 2, 1, 0]  # UEC 100, 88, 75, 63, 50, 38, 25, 13 %
    margins = [_value(_grade(_flipped(count)), "reflectance_margin") for count in (0, 2, 4, 6)]
    assert margins == [4, 4, 3, 1]  # wrong codewords count as errors: as UEC's 4, 4, 3, 1


def test_a_block_past_correction_fails_the_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    """zxing-cpp's sampling may read a symbol whose modules ours reads past correction; then
    the decode fails and the symbol grades 0. (zxing-cpp itself reads no QR Code with 9 of
    16 codewords wrong, so here it is shown the clean symbol.)"""
    clean = scan.read(Image.open(io.BytesIO(_paint(_matrix(QR2)))))
    monkeypatch.setattr(matrix.scan, "read", lambda *_, **__: clean)
    monkeypatch.setattr(matrix, "_layout", lambda *_: qr_layout(2))
    graded = _grade(_flipped(9))  # 9 > 16 / 2
    assert graded.block_errors == (None,)
    assert graded.result.startswith("0.0/")
    assert _value(graded, "decode") == _value(graded, "reflectance_margin") == 0
    assert "reference decode failed" in graded.advice[0][0]


# --- bad input: a message in English and Chinese, never a traceback ---


def _refused(source: object, code: str, **options: object) -> str:
    with pytest.raises(VerifyError) as caught:
        grade_matrix(source, **options)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.message_zh
    return str(caught.value)


def test_an_image_without_a_2d_symbol_says_so() -> None:
    blank = _paint(np.zeros((21, 21), dtype=bool))
    assert "no QR Code or Data Matrix" in _refused(blank, "verify-no-matrix")


def test_an_unreadable_symbol_grades_f_in_the_message() -> None:
    """Half the symbol printed over: nothing reads it, so as printed it would grade 0 (F)."""
    dark = _matrix(QR)
    dark[:, :10] = True
    assert "grades 0 (F)" in _refused(_paint(dark), "verify-no-matrix")


def test_a_linear_symbol_is_sent_to_the_linear_grader() -> None:
    ean = encode("6936983800013")
    message = _refused(artwork(ean, geometry_for(ean), "png", dpi=DPI), "verify-not-matrix")
    assert "EAN-13" in message
    assert "tiaoma verify" in message


def test_too_few_pixels_per_module_says_how_many_and_how_many_are_needed() -> None:
    """X = 3 pixels at 600 dpi: 5 are needed, so 1000 dpi."""
    png = artwork(QR, geometry_for(QR), "png", dpi=DPI, module_px=3)
    message = _refused(png, "verify-resolution")
    assert "3.0 pixels per module" in message
    assert "at least 5" in message
    assert "1000 dpi" in message


@pytest.mark.parametrize(
    ("options", "code"),
    [({"aperture": "99"}, "verify-bad-aperture"), ({"dpi": 10}, "verify-bad-dpi")],
)
def test_bad_options_are_refused(options: dict[str, object], code: str) -> None:
    _refused(_paint(_matrix(QR)), code, **options)


def test_an_image_that_does_not_say_its_resolution_needs_dpi() -> None:
    png = _paint(_matrix(QR), dpi=None)
    _refused(png, "verify-no-dpi")
    assert grade_matrix(png, dpi=600).grade.value == 4


def test_a_pillow_image_is_graded_too() -> None:
    picture = Image.open(io.BytesIO(_paint(_matrix(DM))))
    graded = grade_matrix(picture)
    assert (graded.source, graded.symbology, graded.size) == ("<image>", "GS1 DataMatrix", "18x18")


# --- the report ---


def test_the_report_draws_the_grid_and_marks_the_modules_read_wrong() -> None:
    graded = _grade(_flipped(4))
    page = html(graded)
    assert graded.result in page
    assert page.count("<polyline") == 2 * (25 + 1)  # the grid's row and column lines
    assert page.count('stroke="#b00020"') == 4  # the four modules read wrong
    assert 'stroke="#d97706"' not in page  # no module is merely weak
    assert "Only 50% of the error correction is left unused" in page
    greyed = html(grade_matrix(_greyed(9)))
    assert 'stroke="#b00020"' not in greyed
    assert greyed.count('stroke="#d97706"') > 9  # the grey light modules of 9 codewords
    assert "未使用的纠错容量" in page
    data = json.loads(json.dumps(as_json(graded)))
    assert data["result"] == graded.result
    assert data["block_errors"] == [4]
    assert {p["name"]: p["grade"] for p in data["parameters"]}["unused_error_correction"] == 3
    assert [v["passed"] for v in data["verdicts"]] == [True, None]


@pytest.mark.parametrize(("primitive", "first_root"), [(0x11D, 0), (0x12D, 1)])
def test_reed_solomon_past_capacity_refuses_or_finds_another_codeword(
    primitive: int, first_root: int
) -> None:
    """More than d / 2 errors: the block is refused, or (as any decoder may) read as another
    valid codeword within d / 2 of what was received; never a block that fails its check."""
    field, rnd, refused = Field(primitive, first_root=first_root), random.Random(11), 0
    for _ in range(300):
        ec = rnd.randint(2, 12)
        block = field.encode([rnd.randrange(256) for _ in range(rnd.randint(3, 20))], ec)
        damaged = list(block)
        for position in rnd.sample(range(len(block)), ec // 2 + 1 + rnd.randint(0, 3)):
            damaged[position] ^= rnd.randint(1, 255)
        try:
            corrected, errors = field.correct(damaged, ec)
        except Uncorrectable:
            refused += 1
            continue
        assert not any(field.syndromes(corrected, ec))
        assert 2 * errors <= ec
        assert sum(a != b for a, b in zip(corrected, damaged, strict=True)) == errors
    assert refused > 250


# --- more degradations, each moving its own parameter ---


def _greyed(codewords: int) -> bytes:
    """The light modules of the first ``codewords`` codewords of the version 2-M symbol
    printed grey 159 (62.4 %): still light, but with MOD = 2 × 12.4 / 100 = 0.25, grade 1."""
    dark = _matrix(QR2)
    reading = qr_layout(2).read(dark)
    greyed = np.zeros_like(dark)
    for row, col in reading.cells[:codewords].reshape(-1, 2).tolist():
        greyed[row, col] = not dark[row, col]
    canvas = np.asarray(Image.open(io.BytesIO(_paint(dark)))).copy()
    for row, col in np.argwhere(greyed).tolist():
        top, left = (row + QUIET) * PX, (col + QUIET) * PX
        canvas[top : top + PX, left : left + PX] = 159
    buffer = io.BytesIO()
    Image.fromarray(canvas).save(buffer, "PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def test_modulation_is_graded_through_the_codewords() -> None:
    """d = 16: codewords of grade 1 count as erasures at levels 2-4. Hand-worked: 7 of them
    leave a notional UEC of 1 - 7/16 = 56 % (grade 3) at level 4, so modulation is 3; 9 leave
    44 % (grade 2); 11 leave 31 % (grade 1), and at level 1 none is below: 1."""
    steps = [_value(grade_matrix(_greyed(count)), "modulation") for count in (0, 6, 7, 9, 11, 13)]
    assert steps == [4, 4, 3, 2, 1, 1]
    graded = grade_matrix(_greyed(9))
    assert graded.block_errors == (0,)  # still read right: only modulation and margin fall
    assert _value(graded, "unused_error_correction") == 4
    assert any("Low modulation" in english for english, _ in graded.advice)


def _waved(amplitude: float) -> bytes:
    """The columns of pixels moved by up to ``amplitude`` pixels, one sine wave across the
    picture: the grid is no longer regular (no straight-line map undoes it)."""
    grey = np.asarray(Image.open(io.BytesIO(_paint(_matrix(QR))))).astype(np.float64)
    x = np.arange(grey.shape[1])
    source = np.clip(x + amplitude * np.sin(2 * np.pi * x / len(x)), 0, len(x) - 1)
    left = np.floor(source).astype(int)
    right, share = np.minimum(left + 1, len(x) - 1), source - left
    waved = grey[:, left] * (1 - share) + grey[:, right] * share
    buffer = io.BytesIO()
    Image.fromarray(waved.astype(np.uint8)).save(buffer, "PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def test_a_wavy_grid_is_grid_non_uniformity() -> None:
    deviations = [grade_matrix(_waved(a)).parameter("grid_nonuniformity").measured
                  for a in (0, 2, 4, 6)]  # fmt: skip
    assert deviations == sorted(deviations)  # type: ignore[type-var]
    assert deviations[0] == pytest.approx(0, abs=0.01)
    assert deviations[-1] > 0.2  # type: ignore[operator]


def test_shrunk_modules_are_print_growth_below_zero_and_advised() -> None:
    graded = _grade(_matrix(DM), grow_px=-1)
    assert graded.print_growth[0] == pytest.approx(-0.2, abs=0.03)
    assert any("narrower than nominal" in english for english, _ in graded.advice)
    grown = _grade(_matrix(DM), grow_px=1)
    assert any("wider than nominal" in english for english, _ in grown.advice)


@pytest.mark.parametrize("name", [name for name, _ in matrix.PARAMETERS])
def test_each_low_parameter_gets_advice_in_both_languages(name: str) -> None:
    clean = _grade(_matrix(QR))
    low = tuple(replace(p, grade=Grade(1.0, "D")) if p.name == name else p
                for p in clean.parameters)  # fmt: skip
    advice = matrix._advice(replace(clean, parameters=low))
    assert len(advice) == 1
    english, chinese = advice[0]
    assert english
    assert chinese
    assert english != chinese


def test_a_huge_crop_is_averaged_down_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays bounded: past MAX_CROP_PIXELS the crop is averaged down by a whole factor
    (here 2: X 10 pixels becomes 5 at 300 dpi) and still graded."""
    monkeypatch.setattr(matrix, "MAX_CROP_PIXELS", 40_000)
    graded = _grade(_matrix(QR))
    assert graded.dpi == 300
    assert graded.pixels_per_module == pytest.approx(5, abs=0.1)
    assert graded.grade.value == 4


def test_a_rectangular_extension_size_is_not_graded_yet() -> None:
    """DMRE (ISO/IEC 21471) 8 × 48, as Zint draws it: zxing-cpp reads it, we say we do not
    grade that size."""
    rows = zint_modules(zint.Symbology.DATAMATRIX, "ABCDEFGHIJ", option_2=31)
    message = _refused(_paint(_dark(rows)), "verify-matrix-size")
    assert "8x48" in message


# --- independent checks: zxing-cpp's own UEC; turned symbols ---


def _codewords_flipped(symbol: Symbol, layout: Layout, errors: int) -> np.ndarray:
    dark = _matrix(symbol)
    reading = layout.read(dark)
    for codeword in range(errors):
        row, col = reading.cells[codeword * 2 % len(reading.values), codeword % 8]
        dark[row, col] = not dark[row, col]
    return dark


@pytest.mark.parametrize(
    ("symbol", "layout"), [(QR2, qr_layout(2)), (DM, dm_layout(18, 18))], ids=["qr", "dm"]
)
def test_unused_error_correction_agrees_with_zxing_cpps(symbol: Symbol, layout: Layout) -> None:
    """zxing-cpp reports its own UEC (``extra["UEC"]``, cut to two decimals): ours, from our
    own sampling and Reed-Solomon decode, is the same at every step."""
    for errors in range(7):
        png = _paint(_codewords_flipped(symbol, layout, errors))
        (theirs,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
        ours = grade_matrix(png).parameter("unused_error_correction").measured
        assert ours is not None
        assert math.floor(ours * 100 + 1e-9) / 100 == float(theirs.extra["UEC"]), errors


@pytest.mark.parametrize("angle", [90, 180, 270, 5, 33])
@pytest.mark.parametrize("symbol", [QR, DM], ids=["qr", "dm"])
def test_a_turned_symbol_still_grades_4(symbol: Symbol, angle: int) -> None:
    """The grid follows the symbol however it lies (bicubic resampling's grey edges are
    between module centres)."""
    picture = Image.open(io.BytesIO(_paint(_matrix(symbol))))
    turned = picture.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    buffer = io.BytesIO()
    turned.save(buffer, "PNG", dpi=(DPI, DPI))
    graded = grade_matrix(buffer.getvalue())
    assert graded.result == "4.0/14/660"
    assert graded.print_growth == pytest.approx((0, 0), abs=0.01)


def test_too_few_runs_found_leave_the_grid_from_the_corners() -> None:
    """A symbol whose fixed patterns are too damaged to measure keeps the grid its corners
    give (the fit needs runs across and down), and no grid non-uniformity is claimed."""
    corners = np.eye(3)
    assert matrix._fit_projective([]) is None
    affine, residuals = matrix._fit_affine([], fallback=corners)
    assert affine is corners
    assert residuals.tolist() == [0.0]


def test_data_matrix_fixed_pattern_damage_is_held_down_by_the_segments_mean() -> None:
    """ISO/IEC 16022's averaging: one wrong module in each of L1, L2 and QZL1 (1 of 18 =
    5.6 %, within grade 3's 9 %) grades those three segments 3. Hand-worked: lowest 3, mean
    (3 + 3 + 3 + 4 + 4) / 5 = 3.4, which maps to 2 (from 3.0): fixed pattern damage 2."""
    rows, cols = len(DM.rows), DM.width
    framed = np.pad(_matrix(DM), QUIET)  # the quiet zone drawn as modules, to spot it
    steps = []
    for cell in ((5, 0), (rows - 1, 7), (9, -1)):
        framed[QUIET + cell[0], QUIET + cell[1]] ^= True
        graded = grade_matrix(_paint(framed, quiet=0))
        steps.append(([s.grade.value for s in graded.segments],
                      _value(graded, "fixed_pattern_damage")))  # fmt: skip
    assert cols == rows == 18
    assert steps == [
        ([3, 4, 4, 4, 4], 3),
        ([3, 3, 4, 4, 4], 3),  # mean 3.6: still 3
        ([3, 3, 3, 4, 4], 2),  # mean 3.4: 2, below the lowest segment's 3
    ]


def test_a_calibration_maps_grey_levels_to_reflectance() -> None:
    """White paper measured 80 % and black ink 5 % at grey 255 and 0: SC = 75 % (A); paper
    60 %, ink 20 %: SC = 40 % (C, from 40 %)."""
    png = _paint(_matrix(QR))
    bright = grade_matrix(png, calibration=Calibration(255, 80, 0, 5))
    dull = grade_matrix(png, calibration=Calibration(255, 60, 0, 20))
    assert bright.parameter("symbol_contrast").measured == pytest.approx(75)
    assert (_value(bright, "symbol_contrast"), _value(dull, "symbol_contrast")) == (4, 2)
    assert (bright.r_max, bright.r_min) == pytest.approx((80, 5))


# --- Han Xin Code: found by tiaoma's own reader, graded the same way ---

HX = hanxin("汉信码 Han Xin Code 12345", error_correction=2)
HX_VERSION = (HX.width - 21) // 2  # 3


def test_a_clean_han_xin_symbol_from_the_renderer_grades_4() -> None:
    graded = grade_matrix(artwork(HX, geometry_for(HX), "png", dpi=DPI))
    assert (graded.symbology, graded.size, graded.data) == ("Han Xin Code", "3", HX.data)
    assert graded.grade.value == 4
    assert [s.name for s in graded.segments][-1] == "lower right finder pattern"
    assert [verdict.passed for verdict in graded.verdicts] == [None, None]  # no GTIN, no GS1


def test_han_xin_unused_error_correction_agrees_with_tiaomas_reader() -> None:
    """The reader (tiaoma.readers.hanxin, written apart from this grader) reports the unused
    error correction of what it read; ours, from our own sampling and blocks, is the same."""
    layout = hx_layout(HX_VERSION)
    steps = []
    for errors in range(0, 8, 2):
        png = _paint(_codewords_flipped(HX, layout, errors), quiet=3)
        (read,) = read_hanxin(np.asarray(Image.open(io.BytesIO(png)).convert("L")))
        ours = grade_matrix(png).parameter("unused_error_correction").measured
        steps.append(ours)
        assert ours == pytest.approx(read.unused_error_correction), errors
    assert steps == sorted(steps, reverse=True)
    assert steps[0] == 1


def test_a_han_xin_symbol_past_correction_says_why_in_both_languages() -> None:
    """20 of the version 3-L2 block's 16 / 2 = 8 correctable codewords wrong: the reader
    finds the symbol and cannot read it; as printed it grades F."""
    png = _paint(_codewords_flipped(HX, hx_layout(HX_VERSION), 20), quiet=3)
    message = _refused(png, "verify-hanxin-unreadable")
    assert "too damaged" in message
    assert "grades 0 (F)" in message


def test_a_linear_symbol_beside_an_unreadable_han_xin_is_sent_to_the_linear_grader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ean = encode("6936983800013")
    png = artwork(ean, geometry_for(ean), "png", dpi=DPI)

    def unreadable(_: object) -> None:
        raise HanXinError(NO_FUNCTION_INFORMATION, wrong=20)

    monkeypatch.setattr(matrix, "_han_xin", unreadable)
    assert "EAN-13" in _refused(png, "verify-not-matrix")


# --- the command: tiaoma verify on a 2D image ---


def _command(*argv: str) -> tuple[int, str, str]:
    from tiaoma.cli import run

    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err, io.StringIO())
    return status, out.getvalue(), err.getvalue()


def test_the_command_grades_a_2d_image(tmp_path: Path) -> None:
    symbol = qr("(01)06901234567892(10)ABC123", gs1=True)
    proof = tmp_path / "qr.png"
    proof.write_bytes(artwork(symbol, geometry_for(symbol, module_mm=0.5), "png", dpi=600))
    status, text, _ = _command("verify", str(proof), "--report", str(tmp_path / "r.html"))
    assert status == 0
    assert "GS1 QR Code" in text
    assert "4.0/16/660 (A)" in text
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    status, text, _ = _command("verify", str(proof), "--json", "--aperture", "08")
    (data,) = json.loads(text)
    assert data["result"] == "4.0/08/660"
    status, text, _ = _command("verify", str(proof), "--lang", "zh")
    assert "合格" in text


def test_the_command_fails_a_poor_2d_print_with_exit_one(tmp_path: Path) -> None:
    proof = tmp_path / "grey.png"
    proof.write_bytes(_paint(_matrix(qr("HELLO")), ink=200))
    status, text, _ = _command("verify", str(proof), "--dpi", "600")
    assert status == 1
    assert "(F)" in text or "(D)" in text


def test_the_command_on_an_image_without_a_symbol_says_so(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (300, 300), 255).save(blank, dpi=(600, 600))
    status, text, err = _command("verify", str(blank))
    assert status != 0
    assert "barcode" in (text + err).lower()


def test_the_gb_t_33993_verdict_is_for_commodity_codes_only() -> None:
    """A commodity 2D code (the GTIN first) is held to GB/T 33993; a shop's own URL is not."""
    for data, verdict in (("https://id.gs1.org/01/06901234567892/10/ABC", True),
                          ("https://example.com/shop/item/42", None)):  # fmt: skip
        symbol = qr(data)
        graded = grade_matrix(artwork(symbol, geometry_for(symbol), "png", dpi=DPI))
        assert graded.verdicts[0].name.startswith("GB/T 33993")
        assert graded.verdicts[0].passed is verdict


def test_gs1_han_xin_data_is_shown_in_brackets_and_advice_does_not_contradict_itself() -> None:
    symbol = hanxin("(01)06901234567892(10)ABC(17)271231", gs1=True)
    drawn = Image.open(io.BytesIO(artwork(symbol, geometry_for(symbol), "png", dpi=DPI)))
    grown = drawn.convert("L").filter(ImageFilter.MinFilter(3))  # the dark modules spread
    buffer = io.BytesIO()
    grown.save(buffer, "PNG", dpi=(DPI, DPI))
    graded = grade_matrix(buffer.getvalue())
    assert graded.data == "(01)06901234567892(10)ABC(17)271231"
    assert graded.verdicts[0].passed is True  # a commodity 2D code: GB/T 33993 applies
    english = [text for text, _ in graded.advice]
    assert any("wider than nominal" in text for text in english)
    assert not any(text.startswith("No faults found") for text in english)


def test_a_page_over_the_callers_pixel_limit_is_refused_before_it_is_read() -> None:
    png = artwork(QR, geometry_for(QR), "png", dpi=DPI)
    with pytest.raises(scan.ScanError) as refused:
        grade_matrix(png, max_pixels=10_000)
    assert refused.value.code == "scan-too-large"
    assert grade_matrix(png, max_pixels=10_000_000).grade.value == 4
