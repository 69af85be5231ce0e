"""What to change, in English and Chinese, from what a grading measured: the causes ISO/IEC
15416 Annex (informative: "possible causes of deviation from optimum grades") lists for each
parameter, put as a prepress clerk would act on them. The wording and the 0.1 X threshold on
bar gain are ours."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tiaoma.render.layout import MAGNIFICATION_RANGE
from tiaoma.verify.grading import (
    GRADABLE,
    QUIET_ZONE_TOLERANCE_X,
    QUIET_ZONES,
)  # fmt: skip

if TYPE_CHECKING:
    from tiaoma.verify.grading import Scan, Verification

__all__ = ["advice"]

#: Below this a parameter's grade is worth a word (C and below: 1.5 passes, 2.5 is advised).
_WORTH_A_WORD = 2.5


def advice(verification: Verification) -> Iterator[tuple[str, str]]:
    """(English, Chinese) pieces of advice, the most pressing first."""
    scans = verification.scans
    yield from _decode(scans)
    yield from _quiet_zones(verification)
    yield from _bar_gain(verification)
    yield from _contrast(scans)
    yield from _edges(scans)
    yield from _size(verification)
    yield from _composite(verification)
    if verification.grade.value >= 3.5:
        yield ("No faults found: the symbol grades A.", "未发现问题：符号等级为 A。")


def _lowest(scans: tuple[Scan, ...], name: str) -> float:
    return min(scan.grades[name].value for scan in scans)


def _decode(scans: tuple[Scan, ...]) -> Iterator[tuple[str, str]]:
    failed = [scan for scan in scans if scan.decoded is None]
    if failed:
        reason, reason_zh = failed[0].failure or ("", "")
        yield (
            f"The reference decode failed on {len(failed)} of {len(scans)} scans ({reason}): "
            "bars or spaces are too wide, too narrow, broken or joined.",
            f"{len(scans)} 次扫描中有 {len(failed)} 次参考译码失败（{reason_zh}）："
            "条或空过宽、过窄、断开或粘连。",
        )
    elif _lowest(scans, "decodability") < _WORTH_A_WORD:
        yield (
            "Low decodability: bar and space widths stray from their nominal widths; check "
            "the bar width reduction and the printer's resolution.",
            "可译码度低：条、空宽度偏离标称值；请检查条宽减少量和印刷设备的分辨率。",
        )


def _quiet_zones(verification: Verification) -> Iterator[tuple[str, str]]:
    symbology = GRADABLE[verification.symbology]
    needed = QUIET_ZONES[symbology]
    x_mm = verification.x_mm
    if x_mm is None:
        return
    for side, side_zh, at in (("left", "左侧", 0), ("right", "右侧", 1)):
        found = min(scan.quiet_zones_x[at] for scan in verification.scans)
        if found < needed[at] - QUIET_ZONE_TOLERANCE_X:
            yield (
                f"The {side} quiet zone is {found * x_mm:.2f} mm ({found:.1f} X); "
                f"{verification.symbology} needs {needed[at] * x_mm:.2f} mm ({needed[at]} X): "
                "move other printing away or widen the light margin.",
                f"{side_zh}空白区为 {found * x_mm:.2f} 毫米（{found:.1f}X）；"
                f"{verification.symbology} 需要 {needed[at] * x_mm:.2f} 毫米（{needed[at]}X）："
                "请移开其他图文或加宽空白区。",
            )


def _bar_gain(verification: Verification) -> Iterator[tuple[str, str]]:
    gain, x_mm = verification.bar_gain_mm, verification.x_mm
    if gain is None or x_mm is None or abs(gain) < 0.1 * x_mm:
        return
    if gain > 0:
        yield (
            f"Bars {gain:.3f} mm too wide: reduce bar width in the artwork (bar width "
            f"reduction {gain:.3f} mm) or lower the ink spread on press.",
            f"条宽比标称值宽 {gain:.3f} 毫米：请在图稿中减小条宽（条宽减少量 {gain:.3f} 毫米）"
            "或降低印刷扩张。",
        )
    else:
        yield (
            f"Bars {-gain:.3f} mm too narrow: reduce the bar width reduction in the artwork "
            f"by {-gain:.3f} mm.",
            f"条宽比标称值窄 {-gain:.3f} 毫米：请将图稿的条宽减少量减小 {-gain:.3f} 毫米。",
        )


def _contrast(scans: tuple[Scan, ...]) -> Iterator[tuple[str, str]]:
    if _lowest(scans, "minimum_reflectance") < 1:
        yield (
            "The bars reflect more than half the light the background does: use a darker "
            "ink for the bars.",
            "条的反射率超过背景的一半：请用更深的颜色印刷条。",
        )
    if _lowest(scans, "symbol_contrast") < _WORTH_A_WORD:
        contrast = min(scan.analysed.symbol_contrast for scan in scans)
        yield (
            f"Symbol contrast {contrast:.0f} %: print black, dark blue or dark green bars on "
            "a white or light, matt background (red and warm colours vanish in a scanner's "
            "red light).",
            f"符号反差 {contrast:.0f}%：请用黑、深蓝或深绿色印条，白色或浅色哑光底色"
            "（红色和暖色在扫描器的红光下看不见）。",
        )


def _edges(scans: tuple[Scan, ...]) -> Iterator[tuple[str, str]]:
    if _lowest(scans, "modulation") < _WORTH_A_WORD:
        yield (
            "Low modulation: narrow spaces fill in or narrow bars fade (ink spread, blur, "
            "show-through); check the bar width reduction and the print's sharpness.",
            "调制比低：窄空被填塞或窄条变浅（油墨扩张、模糊、透印）；请检查条宽减少量和印刷清晰度。",
        )
    if _lowest(scans, "defects") < _WORTH_A_WORD:
        yield (
            "Defects: spots in the spaces or voids in the bars; check the plate, the ink "
            "coverage and the substrate.",
            "缺陷：空中有污点或条中有脱墨；请检查印版、墨量和承印物。",
        )


def _size(verification: Verification) -> Iterator[tuple[str, str]]:
    magnification = verification.magnification
    if magnification is None:
        return
    low, high = MAGNIFICATION_RANGE
    if not low - 0.005 <= magnification <= high + 0.005:
        yield (
            f"X is {verification.x_mm:.3f} mm, a magnification of {magnification:.0%}; GB "
            f"12904 allows {low:.0%} to {high:.0%}.",
            f"模块宽度 X 为 {verification.x_mm:.3f} 毫米，放大系数 {magnification:.0%}；"
            f"GB 12904 允许 {low:.0%} 至 {high:.0%}。",
        )


def _composite(verification: Verification) -> Iterator[tuple[str, str]]:
    if verification.linked:
        yield (
            "This is the linear component of a GS1 Composite symbol: the 2D component above "
            "it was not graded (grade it after ISO/IEC 15415 with a verifier that reads it).",
            "这是 GS1 复合码的线性组分：其上方的二维组分未分级"
            "（请用能识读它的检测仪按 ISO/IEC 15415 分级）。",
        )
