"""A 2D grade (:class:`~tiaoma.verify.matrix.MatrixGrade`) as data (:func:`as_json`) and as a
page (:func:`html`): the result and verdicts, the advice, the image with the module grid the
grade measured drawn over it and the worst modules marked (red: read wrong; orange: a
reflectance margin below grade 4), the parameters, the fixed pattern segments, the error
correction blocks and the measurements. Chinese first, English beside it, in the linear
report's style (:mod:`tiaoma.verify.report`); one self-contained file, the image embedded."""

from __future__ import annotations

import base64
import io
from html import escape
from typing import Any

import numpy as np

from tiaoma.verify.matrix import MatrixGrade
from tiaoma.verify.report import _STYLE, _both, verdict_rows

__all__ = ["as_json", "html"]

#: At most this many modules are marked (the worst).
MARKED = 200


def as_json(graded: MatrixGrade) -> dict[str, Any]:
    """Everything measured, as plain values."""
    return {
        "source": graded.source, "symbology": graded.symbology, "data": graded.data,
        "size": graded.size, "result": graded.result, "grade": graded.grade.value,
        "letter": graded.grade.letter, "aperture": graded.aperture,
        "wavelength": graded.wavelength, "dpi": round(graded.dpi, 1),
        "x_mm": round(graded.x_mm, 4), "pixels_per_module": round(graded.pixels_per_module, 2),
        "print_growth": [round(value, 3) for value in graded.print_growth],
        "r_max": round(graded.r_max, 1), "r_min": round(graded.r_min, 1),
        "global_threshold": round(graded.global_threshold, 1),
        "parameters": [
            {"name": p.name, "name_zh": p.name_zh,
             "measured": None if p.measured is None else round(p.measured, 4),
             "shown": p.shown, "grade": p.grade.value, "letter": p.grade.letter}
            for p in graded.parameters
        ],
        "segments": [
            {"name": s.name, "name_zh": s.name_zh, "modules": s.modules, "damaged": s.damaged,
             "grade": s.grade.value}
            for s in graded.segments
        ],
        "block_errors": list(graded.block_errors),
        "verdicts": [
            {"name": v.name, "name_zh": v.name_zh, "required": v.required, "passed": v.passed}
            for v in graded.verdicts
        ],
        "advice": [{"en": english, "zh": chinese} for english, chinese in graded.advice],
    }  # fmt: skip


def _marked(graded: MatrixGrade) -> list[tuple[int, int, str, str]]:
    """The modules to mark, the worst first, at most :data:`MARKED`: (row, column, colour,
    why); red those read wrong, orange those whose reflectance margin grades below 4."""
    grades = graded.module_grades
    weak = np.argwhere((grades >= 0) & (grades < 4))
    weak = weak[np.argsort(grades[weak[:, 0], weak[:, 1]], kind="stable")][:MARKED]
    return [
        (int(row), int(col), "#b00020" if grades[row, col] == 0 else "#d97706",
         f"grade {grades[row, col]} / 等级 {grades[row, col]}")
        for row, col in weak
    ]  # fmt: skip


def _image_svg(graded: MatrixGrade) -> str:
    """The image measured, the module grid over it, the worst modules outlined."""
    buffer = io.BytesIO()
    graded.picture.save(buffer, "PNG")
    picture = base64.b64encode(buffer.getvalue()).decode("ascii")
    width, height = graded.picture.size
    corners = graded.centres
    stroke = max(0.6, graded.pixels_per_module / 14)

    def path(points: np.ndarray) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in points.tolist())

    grid = [f'<polyline points="{path(corners[i])}"/>' for i in range(corners.shape[0])]
    grid += [f'<polyline points="{path(corners[:, j])}"/>' for j in range(corners.shape[1])]
    marks = []
    for row, col, colour, why in _marked(graded):
        quad = np.array([corners[row, col], corners[row, col + 1], corners[row + 1, col + 1],
                         corners[row + 1, col]])  # fmt: skip
        marks.append(f'<polygon points="{path(quad)}" fill="none" stroke="{colour}" '
                     f'stroke-width="{2 * stroke:.1f}"><title>{row}, {col}: {escape(why)}'
                     f"</title></polygon>")  # fmt: skip
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{min(width, 700)}"><image href="data:image/png;base64,{picture}" '
            f'width="{width}" height="{height}"/><g fill="none" stroke="#1f5fbf" '
            f'stroke-width="{stroke:.1f}" opacity="0.6">{"".join(grid)}</g>'
            f'{"".join(marks)}</svg>')  # fmt: skip


def _parameters(graded: MatrixGrade) -> str:
    rows = [
        f'<tr><td>{_both(p.name_zh, p.name)}</td><td class="num">{escape(p.shown)}</td>'
        f'<td class="num">{p.grade.value:.1f} ({p.grade.letter})</td></tr>'
        for p in graded.parameters
    ]
    return "".join(rows)


def _segments(graded: MatrixGrade) -> str:
    return "".join(
        f'<tr><td>{_both(s.name_zh, s.name)}</td><td class="num">{s.damaged} / {s.modules}'
        f'</td><td class="num">{s.grade.value:.0f}</td></tr>'
        for s in graded.segments
    )


def _facts(graded: MatrixGrade) -> str:
    across, down = graded.print_growth
    blocks = ", ".join("✗" if count is None else str(count) for count in graded.block_errors)
    facts = (
        ("规格", "Size", graded.size),
        ("模块尺寸 X", "X", f"{graded.x_mm:.3f} mm"),
        ("每模块像素", "Pixels per X", f"{graded.pixels_per_module:.1f}"),
        ("分辨率", "Resolution", f"{graded.dpi:g} dpi"),
        ("测量孔径", "Aperture", f"{graded.aperture} ({int(graded.aperture) * 0.025:.3f} mm)"),
        ("印刷增益（横/纵，不分级）", "Print growth (across/down, not graded)",
         f"{across:+.0%} / {down:+.0%} X"),
        ("Rmax / Rmin / GT", "", f"{graded.r_max:.0f} / {graded.r_min:.0f} / "
                                 f"{graded.global_threshold:.0f} %"),
        ("各纠错块的错误码字数", "Codewords in error per block", blocks),
    )  # fmt: skip
    return "".join(f"<tr><th>{_both(zh, en)}</th><td>{escape(value)}</td></tr>"
                   for zh, en, value in facts)  # fmt: skip


def html(graded: MatrixGrade) -> str:
    """The report page: one self-contained HTML file."""
    advice = "".join(f'<li>{escape(zh)}<br><span class="en">{escape(en)}</span></li>'
                     for en, zh in graded.advice)  # fmt: skip
    title = f"{graded.symbology} {graded.data}"
    heading = _both("参数", "Parameter") + "</th><th>" + _both("测量值", "Measured")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>二维码质量检测报告 {escape(title)}</title>
<style>{_STYLE}</style></head><body>
<h1>{_both("二维码印刷质量检测报告", "2D symbol print quality report")}</h1>
<p>{escape(graded.source)} · {escape(title)} · ISO/IEC 15415, GB/T 23704</p>
<p class="result">{escape(graded.result)} ({graded.grade.letter})</p>
<table>{verdict_rows(graded.verdicts)}</table>
<h2>{_both("建议", "Advice")}</h2><ul>{advice}</ul>
<h2>{_both("图像与模块网格", "The image and its module grid")}</h2>{_image_svg(graded)}
<h2>{_both("各参数", "Each parameter")}</h2>
<table><tr><th>{heading}</th><th>{_both("等级", "Grade")}</th></tr>{_parameters(graded)}</table>
<h2>{_both("固定图形", "Fixed patterns")}</h2>
<table><tr><th>{_both("区段", "Segment")}</th><th>{_both("损坏模块", "Damaged")}</th>
<th>{_both("等级", "Grade")}</th></tr>{_segments(graded)}</table>
<h2>{_both("测量值", "Measurements")}</h2><table>{_facts(graded)}</table>
<p class="en">tiaoma — grades computed from the image as ISO/IEC 15415 describes; a hardware
verifier calibrated to the standard remains the reference.</p>
</body></html>
"""
