"""tiaoma.verify: symbols drawn by our renderer at 600 dpi (X = 8 pixels = 0.3387 mm), degraded
in controlled ways, graded from the image. A clean symbol grades 4.0/A; each degradation moves
the parameter it should, monotonically; the hand-worked cases show their arithmetic; every
symbol the grader decodes reads as zxing-cpp reads it; bad input gets its own message."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from PIL import Image, ImageFilter

from tiaoma import upc
from tiaoma.cli import run
from tiaoma.render import ArtworkWarning, artwork, geometry_for
from tiaoma.scan import ScanError, read
from tiaoma.symbols.base import Symbology
from tiaoma.symbols.choose import encode
from tiaoma.verify.grading import Verification, VerifyError, verify
from tiaoma.verify.image import Calibration, aperture_mm, disc, sample_line
from tiaoma.verify.report import as_json, html

DPI = 600
PX = 8  # pixels per module at 600 dpi (X 0.330 mm rounds to 8 whole pixels)
MM_PER_PX = 25.4 / DPI
EAN = "6936983800013"
#: Where the EAN-13 above puts things, in pixels: the first bar after the 11-module quiet zone;
#: a 4-module space (modules 12-16) and a 4-module bar (modules 39-43).
FIRST_BAR = 11 * PX
WIDE_SPACE = (FIRST_BAR + 12 * PX, FIRST_BAR + 16 * PX)
WIDE_BAR = (FIRST_BAR + 39 * PX, FIRST_BAR + 43 * PX)


def _pixels(data: str = EAN, symbology: Symbology | None = None, **geometry: float) -> np.ndarray:
    symbol = encode(data, symbology)
    png = artwork(symbol, geometry_for(symbol, **geometry), "png", dpi=DPI)  # type: ignore[arg-type]
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float64)


def _png(pixels: np.ndarray, dpi: float | None = DPI) -> bytes:
    image = Image.fromarray(np.clip(np.round(pixels), 0, 255).astype(np.uint8), "L")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


def _graded(pixels: np.ndarray, **options: object) -> Verification:
    (graded,) = verify(_png(pixels), **options)  # type: ignore[arg-type]
    return graded


def _bar_rows(pixels: np.ndarray) -> slice:
    """The rows of the bars' full height (an EAN-13's start at the top; its guard bars go on
    below, into the digits)."""
    return slice(0, 554)


def test_a_clean_symbol_grades_four_point_oh() -> None:
    graded = _graded(_pixels())
    assert graded.result == "4.0/06/670"
    assert graded.grade.letter == "A"
    assert graded.grade_2000 == (4.0, "A")
    assert graded.decoded_data == graded.data == EAN
    assert len(graded.scans) == 10
    assert all(scan.grade.value == 4.0 for scan in graded.scans)
    assert [verdict.passed for verdict in graded.verdicts] == [True, True, True]
    # GS1 asks for 660 ± 10 nm; a 633 nm (helium-neon) grading says nothing of it
    assert [v.passed for v in _graded(_pixels(), wavelength=633).verdicts] == [True, True, None]
    assert graded.advice == (
        ("No faults found: the symbol grades A.", "未发现问题：符号等级为 A。"),
    )


def test_size_measured_by_hand() -> None:
    """X = 8 px at 600 dpi = 8 × 25.4 / 600 = 0.33867 mm, magnification 0.33867 / 0.330 =
    1.026; the bars, 22.85 mm × 1.026 drawn in whole pixels, stand 554 px = 23.45 mm."""
    graded = _graded(_pixels())
    assert graded.x_mm == pytest.approx(8 * 25.4 / 600, abs=0.002)
    assert graded.magnification == pytest.approx(1.026, abs=0.01)
    assert graded.pixels_per_module == pytest.approx(8, abs=0.05)
    assert graded.bar_height_mm == pytest.approx(554 * 25.4 / 600, abs=0.1)
    assert graded.bar_gain_mm == pytest.approx(0, abs=0.005)
    left, right = graded.scans[0].quiet_zones_x
    assert left == pytest.approx(11, abs=0.05)
    assert right == pytest.approx(7, abs=0.05)


def test_contrast_by_hand() -> None:
    """Paper at grey 200 and ink at 60: Rmax = 200/255 = 78.4 %, Rmin = 60/255 = 23.5 %,
    SC = 54.9 % -> grade 2 + (54.9 - 40) / 15 = 2.99 -> 3.0 (B); Rmin <= Rmax / 2 still."""
    pixels = 60 + _pixels() / 255 * 140
    scan = _graded(pixels).scans[4]
    assert scan.analysed.r_max == pytest.approx(78.4, abs=0.1)
    assert scan.analysed.r_min == pytest.approx(23.5, abs=0.1)
    assert scan.grades["symbol_contrast"] == (3.0, "B")
    assert scan.grades["minimum_reflectance"].value == 4.0


def test_bars_too_light_fail_minimum_reflectance() -> None:
    """Ink at grey 140 on white: Rmin = 54.9 % > Rmax / 2 = 50 % -> F, and so every scan."""
    graded = _graded(140 + _pixels() / 255 * 115)
    assert {scan.grades["minimum_reflectance"].value for scan in graded.scans} == {0.0}
    assert graded.grade.value == 0.0
    assert any("darker ink" in english for english, _ in graded.advice)


def test_grey_narrow_spaces_lower_modulation_by_hand() -> None:
    """Every one-module space printed at grey 170: the least edge contrast is 170/255 - 0 =
    66.7 %; MOD = 66.7 / 100 = 0.667 -> grade 3 + (0.667 - 0.6) / 0.1 = 3.67 -> 3.7."""
    pixels = _pixels()
    row = pixels[100]
    light = np.flatnonzero(np.diff(np.concatenate([[0], (row > 128).astype(int), [0]])))
    for start, stop in zip(light[::2], light[1::2], strict=True):
        if stop - start == PX:
            pixels[_bar_rows(pixels), start:stop] = 170
    scan = _graded(pixels).scans[4]
    assert scan.analysed.edge_contrast_min == pytest.approx(66.7, abs=0.1)
    assert scan.grades["modulation"] == (3.7, "B")  # 0.667 lies in 2000's B band, 0.6-0.7


def test_a_spot_in_a_space_by_hand() -> None:
    """An 8 px stripe of grey 200 in the middle of a 32 px space: the 3.5 px aperture fits
    inside it, so the space dips to 200/255 = 78.4 % between peaks of 100 %: ERN = 21.6 %,
    defects = 21.6 / 100 = 0.216 -> grade 2 + (0.25 - 0.216) / 0.05 = 2.69 -> 2.7 (C band)."""
    pixels = _pixels()
    middle = (WIDE_SPACE[0] + WIDE_SPACE[1]) // 2
    pixels[_bar_rows(pixels), middle - 4 : middle + 4] = 200
    scan = _graded(pixels).scans[4]
    assert scan.analysed.ern_max == pytest.approx(21.6, abs=0.1)
    assert scan.grades["defects"] == (2.7, "C")


def test_a_void_in_a_bar_by_hand() -> None:
    """An 8 px stripe of grey 64 in a 32 px bar: ERN = 64/255 = 25.1 %, defects 0.251 ->
    grade 1 + (0.30 - 0.251) / 0.05 = 1.98 -> 2.0 (C)."""
    pixels = _pixels()
    middle = (WIDE_BAR[0] + WIDE_BAR[1]) // 2
    pixels[_bar_rows(pixels), middle - 4 : middle + 4] = 64
    scan = _graded(pixels).scans[4]
    assert scan.analysed.ern_max == pytest.approx(25.1, abs=0.1)
    assert scan.grades["defects"] == (2.0, "C")


def _grown(pixels: np.ndarray, by: int) -> np.ndarray:
    """Each bar ``by`` pixels wider on each side (print gain), or narrower if negative."""
    dark = pixels < 128
    changed = dark.copy()
    for shift in range(1, abs(by) + 1):
        if by > 0:
            changed[:, shift:] |= dark[:, :-shift]
            changed[:, :-shift] |= dark[:, shift:]
        else:
            changed[:, shift:] &= dark[:, :-shift]
            changed[:, :-shift] &= dark[:, shift:]
    grown = pixels.copy()
    rows = _bar_rows(pixels)
    grown[rows] = np.where(changed[rows], 0, 255)
    return grown


def test_print_gain_measured_by_hand() -> None:
    """Bars 1 px wider each side: narrow bars 10 px, narrow spaces 6 px; gain = (10 - 6) / 2 =
    2 px = 0.0847 mm, which the advice asks to take off the bars."""
    graded = _graded(_grown(_pixels(), 1))
    assert graded.bar_gain_mm == pytest.approx(2 * MM_PER_PX, abs=0.005)
    assert any("too wide" in english for english, _ in graded.advice)
    shrunk = _graded(_grown(_pixels(), -1))
    assert shrunk.bar_gain_mm == pytest.approx(-2 * MM_PER_PX, abs=0.005)
    assert any("too narrow" in english for english, _ in shrunk.advice)


def test_narrowed_quiet_zone_fails_by_hand() -> None:
    """A bar 2 modules wide printed 5 X (40 px) left of the first bar: the quiet zone is 5 X
    where EAN-13 needs 11 X (GB 12904): quiet zones F on every scan, advice says by how much."""
    pixels = _pixels()
    pixels[_bar_rows(pixels), FIRST_BAR - 5 * PX - 2 * PX : FIRST_BAR - 5 * PX] = 0
    graded = _graded(pixels)
    assert {scan.grades["quiet_zones"].value for scan in graded.scans} == {0.0}
    assert graded.scans[0].quiet_zones_x[0] == pytest.approx(5, abs=0.2)
    assert graded.grade.value == 0.0
    assert any("left quiet zone is 1.69 mm (5.0 X)" in english for english, _ in graded.advice)


def _monotonic(grades: list[float]) -> bool:
    return all(later <= earlier for earlier, later in itertools.pairwise(grades))


def _degraded(step: Callable[[np.ndarray, float], np.ndarray], amounts: list[float],
              read: Callable[[Verification], float]) -> list[float]:  # fmt: skip
    clean = _pixels()
    return [read(_graded(step(clean, amount))) for amount in amounts]


def test_contrast_falls_monotonically() -> None:
    def lowered(pixels: np.ndarray, ink: float) -> np.ndarray:
        return ink + pixels / 255 * (255 - ink)

    contrasts = _degraded(lowered, [0, 40, 80, 120, 160],
                          lambda g: g.scans[4].analysed.symbol_contrast)  # fmt: skip
    assert _monotonic(contrasts)
    assert contrasts[0] > contrasts[-1] + 50


def test_blur_lowers_modulation_monotonically() -> None:
    def blurred(pixels: np.ndarray, radius: float) -> np.ndarray:
        image = Image.fromarray(pixels.astype(np.uint8)).filter(ImageFilter.GaussianBlur(radius))
        return np.asarray(image, dtype=np.float64)

    modulation = _degraded(blurred, [0, 1.5, 2.5, 3.5], lambda g: g.scans[4].analysed.modulation)
    assert _monotonic(modulation)
    assert modulation[0] - modulation[-1] > 0.3


def test_noise_raises_defects_monotonically() -> None:
    def noisy(pixels: np.ndarray, sigma: float) -> np.ndarray:
        return pixels + np.random.default_rng(7).normal(0, sigma, pixels.shape) if sigma else pixels

    defects = _degraded(noisy, [0, 10, 25, 45], lambda g: -max(s.analysed.defects for s in g.scans))
    assert _monotonic(defects)
    assert defects[0] == 0


def test_print_gain_lowers_the_grade_monotonically() -> None:
    grades = _degraded(_grown, [0, 1, 2], lambda g: g.grade.value)
    assert _monotonic(grades)
    assert grades[0] == 4.0
    assert grades[-1] < grades[0]
    # 3 px each side: the spaces of 1 module are 2 px, the bars of a 1 or 7 no longer tell
    # them apart (ISO/IEC 15420's bar-width rule): nothing reads it, and it says so
    message = _refused(_png(_grown(_pixels(), 3)), "verify-undecodable")
    assert "grades 0 (F)" in message


def test_spot_darkness_raises_defects_monotonically() -> None:
    def spotted(pixels: np.ndarray, grey: float) -> np.ndarray:
        spotted = pixels.copy()
        middle = (WIDE_SPACE[0] + WIDE_SPACE[1]) // 2
        spotted[_bar_rows(pixels), middle - 4 : middle + 4] = grey
        return spotted

    grades = _degraded(spotted, [255, 230, 210, 190, 170],
                       lambda g: g.scans[4].grades["defects"].value)  # fmt: skip
    assert _monotonic(grades)
    assert grades[0] == 4.0
    assert grades[-1] == 0.0


def test_a_tilted_or_turned_scan_is_straightened() -> None:
    clean = Image.fromarray(_pixels().astype(np.uint8))
    for degrees in (4, 90, 183):
        turned = clean.rotate(degrees, expand=True, fillcolor=255,
                              resample=Image.Resampling.BICUBIC)  # fmt: skip
        graded = _graded(np.asarray(turned, dtype=np.float64))
        assert graded.decoded_data == EAN
        assert graded.grade.value >= 3.5
        assert graded.x_mm == pytest.approx(8 * MM_PER_PX, rel=0.01)


def _same(ours: str | None, zxing: str) -> bool:
    """zxing-cpp gives UPC-A and UPC-E as their 13-digit EAN forms; the reference decode as
    printed (12 and 8 digits)."""
    if ours is not None and ours.isdigit() and len(ours) in (8, 12) and len(zxing) == 13:
        return upc.to_upc_a(ours).zfill(13) == zxing if len(ours) == 8 else "0" + ours == zxing
    return ours == zxing


GRADABLE = [
    ("6936983800013", Symbology.EAN13), ("69012341", Symbology.EAN8),
    ("036000291452", Symbology.UPCA), ("01234565", Symbology.UPCE),
    ("16936983800010", Symbology.ITF14), ("TIAOMA-2026", Symbology.CODE128),
    ("(01)06936983800013(10)AB12", Symbology.GS1_128), ("CODE39 TEST", Symbology.CODE39),
]  # fmt: skip


@pytest.mark.parametrize(("data", "symbology"), GRADABLE)
def test_every_symbology_grades_clean_and_agrees_with_zxing(
    data: str, symbology: Symbology
) -> None:
    pixels = _pixels(data, symbology)
    graded = _graded(pixels)
    (zxing,) = read(_png(pixels))
    assert _same(graded.decoded_data, zxing.data)
    assert graded.symbology == zxing.symbology
    assert graded.grade.value == 4.0, [scan.grades for scan in graded.scans]


def test_the_report_as_json_and_as_a_page(tmp_path: Path) -> None:
    pixels = _pixels()
    middle = (WIDE_SPACE[0] + WIDE_SPACE[1]) // 2
    pixels[_bar_rows(pixels), middle - 4 : middle + 4] = 200
    graded = _graded(pixels)
    data = as_json(graded)
    assert json.loads(json.dumps(data)) == data
    assert data["result"] == "2.7/06/670"
    assert data["scans"][4]["grades"]["defects"] == 2.7
    page = html(graded)
    assert page.count("<line ") >= 10 + 4  # ten scan lines; Rmax, Rmin, GT, worst edge
    assert "Rmax" in page
    assert "ECmin" in page
    assert "ERN" in page
    assert "2.7/06/670" in page
    assert "条码印刷质量检测报告" in page
    assert "data:image/png;base64," in page


def _cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err, io.StringIO())
    return status, out.getvalue()


def test_the_command(tmp_path: Path) -> None:
    proof = tmp_path / "proof.png"
    proof.write_bytes(_png(_pixels()))
    status, text = _cli("verify", str(proof), "--report", str(tmp_path / "r.html"))
    assert status == 0
    assert "4.0/06/670 (A)" in text
    assert "X 0.339 mm" in text
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    status, text = _cli("verify", str(proof), "--json", "--aperture", "10", "--wavelength", "660")
    (data,) = json.loads(text)
    assert status == 0
    assert data["result"].endswith("/10/660")
    status, text = _cli("verify", str(proof), "--lang", "zh")
    assert "合格" in text


def test_a_failing_proof_exits_one(tmp_path: Path) -> None:
    proof = tmp_path / "proof.png"
    proof.write_bytes(_png(140 + _pixels() / 255 * 115))
    status, text = _cli("verify", str(proof))
    assert status == 1
    assert "0.0/06/670 (F)" in text
    assert "FAIL" in text


def test_calibration_maps_grey_to_known_reflectance() -> None:
    """Paper measured 85 % at grey 255 and ink 5 % at grey 0: Rmax 85, Rmin 5, SC 80."""
    graded = _graded(_pixels(), calibration=Calibration(255, 85, 0, 5))
    assert graded.scans[4].analysed.symbol_contrast == pytest.approx(80, abs=0.01)
    with pytest.raises(ValueError, match="lighter"):
        Calibration(10, 85, 200, 5)


def test_the_aperture() -> None:
    assert aperture_mm("06") == pytest.approx(0.150)
    assert aperture_mm("3") == pytest.approx(0.075)
    for nonsense in ("", "x", "0", "81", "-6", "6.5"):
        with pytest.raises(ValueError, match=nonsense or "^$"):
            aperture_mm(nonsense)
    weights = disc(3.5, 0.25)
    assert weights.sum() == pytest.approx(1.0)
    assert weights.min() >= 0
    image = np.full((5, 20), 100.0)
    image[:, 10:] = 0
    profile = sample_line(image, 2.0, 0, 20, 3.5)
    assert profile[0] == pytest.approx(100)
    assert profile[-1] == pytest.approx(0)
    assert profile[9] > profile[10] > profile[11]  # the edge through the disc


# --- Bad input -------------------------------------------------------------------------------


def _refused(source: bytes, code: str, **options: object) -> str:
    with pytest.raises((VerifyError, ScanError)) as caught:
        verify(source, **options)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert caught.value.message_zh
    return str(caught.value)


def test_bad_files_get_their_own_messages() -> None:
    assert "empty" in _refused(b"", "scan-empty")
    assert "not an image" in _refused(b"hello", "scan-not-image")
    assert "truncated" in _refused(_png(_pixels())[:2000], "scan-damaged")
    blank = _png(np.full((200, 300), 255.0))
    assert "no barcode" in _refused(blank, "verify-no-symbol")


def test_a_matrix_symbol_is_not_graded_here() -> None:
    message = _refused(_png(_pixels("TIAOMA", Symbology.QR)), "verify-not-linear")
    assert "QR Code" in message
    assert "ISO/IEC 15416" in message


def test_resolution_too_low_says_what_was_found_and_needed() -> None:
    symbol = encode(EAN)
    png = artwork(symbol, geometry_for(symbol), "png", dpi=200)
    message = _refused(png, "verify-resolution")
    assert "2.6 pixels per module" in message or "3.0 pixels per module" in message
    assert "at least 5" in message
    assert "dpi or more" in message


def test_resolution_unknown_or_nonsense() -> None:
    png = _png(_pixels(), dpi=None)
    assert "--dpi" in _refused(png, "verify-no-dpi")
    assert verify(png, dpi=600)[0].grade.value == 4.0
    _refused(png, "verify-bad-dpi", dpi=1)
    _refused(_png(_pixels()), "verify-bad-dpi", dpi=0)  # not the file's 600 in its place
    _refused(png, "verify-bad-aperture", dpi=600, aperture="big")


def test_several_symbols_each_graded_or_one_chosen() -> None:
    first, second = _pixels(), _pixels("69012341", Symbology.EAN8)
    page = np.full(
        (max(len(first), len(second)) + 40, first.shape[1] + second.shape[1] + 40), 255.0
    )
    page[: len(first), : first.shape[1]] = first
    page[: len(second), first.shape[1] + 40 :] = second
    both = verify(_png(page))
    assert sorted(graded.data for graded in both) == ["69012341", EAN]
    (chosen,) = verify(_png(page), index=2)
    assert chosen.index == 2
    assert "symbol 3 asked for, 2 found" in _refused(_png(page), "verify-index", index=3)


def test_command_line_nonsense(tmp_path: Path) -> None:
    proof = tmp_path / "proof.png"
    proof.write_bytes(_png(_pixels()))
    status, text = _cli("verify", str(tmp_path / "missing.png"))
    assert status == 1
    assert "cannot be opened" in text
    status, text = _cli("verify", str(proof), "--json", "--aperture", "x")
    assert status == 1
    assert json.loads(text)["error"]["code"] == "verify-bad-aperture"
    for bad in ("85", "a=b,c=d", "18=5,245=85"):
        with pytest.raises(Exception, match="--calibration"):
            run(["verify", str(proof), "--calibration", bad], io.StringIO(), io.StringIO(),
                io.StringIO())  # fmt: skip
    with pytest.raises(Exception, match="--index"):
        run(["verify", str(proof), "--index", "0"], io.StringIO(), io.StringIO(), io.StringIO())


def test_a_spot_read_as_a_bar_fails_the_scans_through_it_by_hand() -> None:
    """A black 8 px spot in the 32 px space, over rows 0-279: scans 1-5 (rows 55, 104, 154,
    203, 252) see an extra bar and do not decode (grade 0), scans 6-10 grade 4: the symbol
    grades (5 × 0 + 5 × 4) / 10 = 2.0 (C), and the advice says the decode failed."""
    pixels = _pixels()
    middle = (WIDE_SPACE[0] + WIDE_SPACE[1]) // 2
    pixels[0:280, middle - 4 : middle + 4] = 0
    graded = _graded(pixels)
    assert [scan.decoded is None for scan in graded.scans] == [True] * 5 + [False] * 5
    assert graded.result == "2.0/06/670"
    assert graded.grade.letter == "C"
    assert graded.decoded_data == EAN
    assert "reference decode failed on 5 of 10 scans" in graded.advice[0][0]


def test_an_unreadable_symbol_on_its_side_is_still_found() -> None:
    """zxing-cpp refuses a symbol whose quiet zone is too narrow; the grader finds it lying on
    its side too, and fails its quiet zone."""
    pixels = _pixels()
    pixels[_bar_rows(pixels), FIRST_BAR - 5 * PX - 2 * PX : FIRST_BAR - 5 * PX] = 0
    turned = np.rot90(pixels).copy()
    assert read(_png(turned)) == []
    graded = _graded(turned)
    assert graded.decoded_data == EAN
    assert graded.angle in (90, 270)
    assert graded.scans[0].grades["quiet_zones"].value == 0.0


def test_magnification_outside_gb_12904_is_pointed_out() -> None:
    """X of 5 whole pixels at 600 dpi = 0.2117 mm, 64 % of 0.330 mm: below GB 12904's 80 %."""
    with pytest.warns(ArtworkWarning, match="outside 0.8-2.0"):
        pixels = _pixels(magnification=0.7, allow_any_magnification=True)  # type: ignore[arg-type]
    graded = _graded(pixels)
    assert graded.magnification == pytest.approx(0.64, abs=0.01)
    assert any("GB 12904 allows 80% to 200%" in english for english, _ in graded.advice)


def test_reports_for_several_symbols_and_unwritable_paths(tmp_path: Path) -> None:
    first, second = _pixels(), _pixels("69012341", Symbology.EAN8)
    page = np.full((len(first) + 40, first.shape[1] + second.shape[1] + 40), 255.0)
    page[: len(first), : first.shape[1]] = first
    page[: len(second), first.shape[1] + 40 :] = second
    proof = tmp_path / "two.png"
    proof.write_bytes(_png(page))
    status, _ = _cli("verify", str(proof), "--report", str(tmp_path / "r.html"))
    assert status == 0
    assert sorted(path.name for path in tmp_path.glob("r-*.html")) == ["r-1.html", "r-2.html"]
    with pytest.raises(Exception, match="cannot write"):
        run(["verify", str(proof), "--report", str(tmp_path / "no" / "r.html")], io.StringIO(),
            io.StringIO(), io.StringIO())  # fmt: skip


def test_the_page_says_why_a_scan_did_not_decode() -> None:
    pixels = _pixels()
    middle = (WIDE_SPACE[0] + WIDE_SPACE[1]) // 2
    pixels[0:280, middle - 4 : middle + 4] = 0
    graded = _graded(pixels)
    reason, reason_zh = graded.scans[0].failure or ("", "")
    assert reason
    assert reason_zh.startswith("译码失败：")
    assert as_json(graded)["scans"][0]["failure"] == reason
    assert "✗ " + reason_zh in html(graded)


def test_a_pdf_without_pages() -> None:
    document = pypdfium2.PdfDocument.new()
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    assert "damaged" in _refused(buffer.getvalue(), "scan-damaged")
