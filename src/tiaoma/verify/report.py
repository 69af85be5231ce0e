"""A grading as data (:func:`as_json`) and as a page a person would rather read (:func:`html`):
the straightened image with its ten scan lines, the worst scan's reflectance profile with Rmax,
Rmin, the global threshold, the worst edge contrast and the worst defect marked, a table of the
scans, the verdicts and the advice; Chinese first, English beside it. One self-contained file:
the image is embedded, the plot is SVG."""

from __future__ import annotations

import base64
import io
import itertools
from html import escape
from typing import Any

from tiaoma.verify.grading import PARAMETERS, Scan, Verdict, Verification

__all__ = ["as_json", "html", "verdict_rows"]


def _scan_json(scan: Scan) -> dict[str, Any]:
    measured = scan.analysed
    return {
        "scan": scan.number,
        "grade": scan.grade.value,
        "grade_2000": "FDCBA"[scan.grade_2000],
        "worst": scan.worst,
        "decoded": scan.decoded.data if scan.decoded else None,
        "failure": scan.failure[0] if scan.failure else None,
        "failure_zh": scan.failure[1] if scan.failure else None,
        "r_max": round(measured.r_max, 1),
        "r_min": round(measured.r_min, 1),
        "symbol_contrast": round(measured.symbol_contrast, 1),
        "global_threshold": round(measured.global_threshold, 1),
        "edge_contrast_min": round(measured.edge_contrast_min, 1),
        "modulation": round(measured.modulation, 3),
        "defects": round(measured.defects, 3),
        "decodability": round(scan.decoded.decodability, 3) if scan.decoded else None,
        "quiet_zones_x": [round(value, 1) for value in scan.quiet_zones_x],
        "grades": {name: grade.value for name, grade in scan.grades.items()},
    }


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def as_json(verification: Verification) -> dict[str, Any]:
    """Everything measured, as plain values."""
    return {
        "source": verification.source,
        "index": verification.index,
        "symbology": verification.symbology,
        "data": verification.data,
        "decoded": verification.decoded_data,
        "result": verification.result,
        "grade": verification.grade.value,
        "grade_2000": verification.grade_2000.value,
        "letter_2000": verification.grade_2000.letter,
        "aperture": verification.aperture,
        "wavelength": verification.wavelength,
        "dpi": verification.dpi,
        "x_mm": _rounded(verification.x_mm, 4),
        "pixels_per_module": _rounded(verification.pixels_per_module, 2),
        "magnification": _rounded(verification.magnification, 3),
        "bar_height_mm": round(verification.bar_height_mm, 2),
        "bar_gain_mm": _rounded(verification.bar_gain_mm, 4),
        "angle": verification.angle,
        "linked": verification.linked,
        "verdicts": [
            {
                "name": verdict.name,
                "name_zh": verdict.name_zh,
                "required": verdict.required,
                "passed": verdict.passed,
            }
            for verdict in verification.verdicts
        ],
        "advice": [{"en": english, "zh": chinese} for english, chinese in verification.advice],
        "scans": [_scan_json(scan) for scan in verification.scans],
    }


_STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.result { font-size: 2.4em; font-weight: bold; } .en { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.2em 0.5em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #17692a; } .fail { color: #b00020; font-weight: bold; }
svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
"""


def _both(chinese: str, english: str) -> str:
    return f'{escape(chinese)} <span class="en">{escape(english)}</span>'


def _image_svg(verification: Verification) -> str:
    """The straightened symbol and its quiet zones, the scan lines drawn over it."""
    bars = verification.bars
    module = verification.pixels_per_module or (bars.right - bars.left) / 95
    margin = int(14 * module)
    left, right = (
        max(bars.left - margin, 0),
        min(bars.right + margin, verification.straightened.width),
    )
    top = max(bars.top - int(4 * module), 0)
    bottom = min(bars.bottom + int(4 * module), verification.straightened.height)
    crop = verification.straightened.crop((left, top, right, bottom))
    buffer = io.BytesIO()
    crop.save(buffer, "PNG")
    picture = base64.b64encode(buffer.getvalue()).decode("ascii")
    lines = []
    for scan in verification.scans:
        colour = "#17692a" if scan.grade.value >= 1.5 else "#b00020"
        y = scan.row - top
        x1, x2 = scan.start - left, scan.start + len(scan.profile) - left
        stroke = max(1.0, module / 4)
        lines.append(
            f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="{stroke:.1f}" opacity="0.8"><title>{scan.number}: '
            f"{scan.grade.value}</title></line>"
        )
    width, height = right - left, bottom - top
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{min(width, 900)}"><image href="data:image/png;base64,{picture}" '
            f'width="{width}" height="{height}"/>{"".join(lines)}</svg>')  # fmt: skip


def _worst_edge(scan: Scan) -> float:
    """Where, in samples, the two neighbouring elements of least contrast meet."""
    elements = scan.analysed.elements
    pairs = list(itertools.pairwise(elements))
    contrasts = [abs(a.reflectance - b.reflectance) for a, b in pairs]
    at = contrasts.index(min(contrasts)) if contrasts else 0
    return pairs[at][1].start if pairs else 0.0


def _profile_svg(scan: Scan) -> str:
    """The profile drawn 900 wide and 300 high, 0-100 % reflectance upwards."""
    values, measured = scan.profile, scan.analysed
    width, height, count = 900.0, 300.0, max(len(scan.profile) - 1, 1)

    def x(sample: float) -> float:
        return sample / count * width

    def y(percent: float) -> float:
        return height - percent / 100 * height

    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    marks = [
        ("Rmax", measured.r_max, "#1f5fbf"), ("Rmin", measured.r_min, "#1f5fbf"),
        ("GT", measured.global_threshold, "#d97706"),
    ]  # fmt: skip
    lines = [
        f'<line x1="0" x2="{width}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{c}" '
        f'stroke-dasharray="6 4"/><text x="4" y="{max(y(v) - 3, 12):.1f}" fill="{c}" '
        f'font-size="12">{name} {v:.0f}%</text>'
        for name, v, c in marks
    ]  # fmt: skip
    worst_edge = x(_worst_edge(scan))
    lines.append(f'<line x1="{worst_edge:.1f}" x2="{worst_edge:.1f}" y1="0" y2="{height}" '
                 f'stroke="#b00020"/><text x="{worst_edge + 3:.1f}" y="14" fill="#b00020" '
                 f'font-size="12">ECmin {measured.edge_contrast_min:.0f}%</text>')  # fmt: skip
    defect = max(measured.elements, key=lambda element: element.non_uniformity)
    if defect.non_uniformity > 0:
        lines.append(f'<rect x="{x(defect.start):.1f}" y="0" width="'
                     f'{max(x(defect.end) - x(defect.start), 2):.1f}" height="{height}" '
                     f'fill="#b00020" opacity="0.15"><title>ERN {defect.non_uniformity:.1f}%'
                     f'</title></rect>')  # fmt: skip
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}">{"".join(lines)}<polyline points="{points}" fill="none" '
            f'stroke="#222" stroke-width="1.2"/></svg>')  # fmt: skip


def _scan_rows(verification: Verification) -> str:
    rows = []
    for scan in verification.scans:
        measured = scan.analysed
        cells = [
            str(scan.number), f"{scan.grade.value:.1f} ({scan.grade.letter})",
            f"{measured.r_max:.0f}", f"{measured.r_min:.0f}", f"{measured.symbol_contrast:.0f}",
            f"{measured.edge_contrast_min:.0f}", f"{measured.modulation:.2f}",
            f"{measured.defects:.2f}",
            f"{scan.decoded.decodability:.2f}" if scan.decoded else "—",
            "✓" if scan.decoded else "✗ " + (scan.failure[1] if scan.failure else ""),
            f"{scan.quiet_zones_x[0]:.1f} / {scan.quiet_zones_x[1]:.1f}",
            dict(PARAMETERS)[scan.worst] + f" {scan.worst}",
        ]  # fmt: skip
        rows.append("<tr>" + "".join(f'<td class="num">{escape(c)}</td>' for c in cells) + "</tr>")
    return "".join(rows)


_HEADINGS = (
    ("扫描", "Scan"), ("等级", "Grade"), ("Rmax %", ""), ("Rmin %", ""), ("SC %", ""),
    ("ECmin %", ""), ("MOD", ""), ("缺陷度", "Defects"), ("可译码度", "V"), ("译码", "Decode"),
    ("空白区 X", "Quiet zones"), ("最差参数", "Worst"),
)  # fmt: skip


def _verdicts(verification: Verification) -> str:
    return verdict_rows(verification.verdicts)


def verdict_rows(verdicts: tuple[Verdict, ...]) -> str:
    """The verdicts as table rows (pass, fail or not applicable), for this page and the 2D
    grade's (:mod:`tiaoma.verify.matrix_report`)."""
    rows = []
    for verdict in verdicts:
        if verdict.passed is None:
            outcome = '<span>不适用 <span class="en">not applicable</span></span>'
        elif verdict.passed:
            outcome = '<span class="pass">合格 <span class="en">pass</span></span>'
        else:
            outcome = '<span class="fail">不合格 <span class="en">fail</span></span>'
        rows.append(f"<tr><td>{_both(verdict.name_zh, verdict.name)}</td>"
                    f"<td>{escape(verdict.required)}</td><td>{outcome}</td></tr>")  # fmt: skip
    return "".join(rows)


def _facts(verification: Verification) -> str:
    def shown(value: float | None, pattern: str) -> str:
        return "—" if value is None else pattern.format(value)

    facts = (
        ("模块宽度 X", "X", shown(verification.x_mm, "{:.3f} mm")),
        ("放大系数", "Magnification", shown(verification.magnification, "{:.0%}")),
        ("条高", "Bar height", f"{verification.bar_height_mm:.2f} mm"),
        ("条宽增益", "Bar gain", shown(verification.bar_gain_mm, "{:+.3f} mm")),
        ("分辨率", "Resolution", f"{verification.dpi:g} dpi"),
        ("每模块像素", "Pixels per X", shown(verification.pixels_per_module, "{:.1f}")),
        ("图像转正角度", "Turned by", f"{verification.angle:g}°"),
        ("2000 版等级", "2000 edition grade",
         f"{verification.grade_2000.value:.1f} ({verification.grade_2000.letter})"),
    )  # fmt: skip
    return "".join(f"<tr><th>{_both(zh, en)}</th><td>{escape(value)}</td></tr>"
                   for zh, en, value in facts)  # fmt: skip


def html(verification: Verification) -> str:
    """The report page: one self-contained HTML file."""
    worst = verification.worst_scan
    advice = "".join(f"<li>{escape(zh)}<br><span class=\"en\">{escape(en)}</span></li>"
                     for en, zh in verification.advice)  # fmt: skip
    headings = "".join(f"<th>{_both(zh, en)}</th>" for zh, en in _HEADINGS)
    title = f"{verification.symbology} {verification.data}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>条码质量检测报告 {escape(title)}</title>
<style>{_STYLE}</style></head><body>
<h1>{_both("条码印刷质量检测报告", "Barcode print quality report")}</h1>
<p>{escape(verification.source)} · {escape(title)} · ISO/IEC 15416, GB/T 18348</p>
<p class="result">{escape(verification.result)} ({verification.grade.letter})</p>
<table>{_verdicts(verification)}</table>
<h2>{_both("建议", "Advice")}</h2><ul>{advice}</ul>
<h2>{_both("图像与扫描线", "The image and its scan lines")}</h2>{_image_svg(verification)}
<h2>{
        _both(
            f"最差扫描（第 {worst.number} 次）的反射率曲线",
            f"Scan reflectance profile of the worst scan ({worst.number})",
        )
    }</h2>
{_profile_svg(worst)}
<h2>{_both("各次扫描", "Each scan")}</h2>
<table><tr>{headings}</tr>{_scan_rows(verification)}</table>
<h2>{_both("测量值", "Measurements")}</h2><table>{_facts(verification)}</table>
<p class="en">tiaoma — grades computed from the image as ISO/IEC 15416 describes; a hardware
verifier calibrated to the standard remains the reference.</p>
</body></html>
"""
