"""The numbers library's reasons in the hall's language: its errors carry English and Chinese.

The library speaks to programmers as well as to people: some of its messages name the file it
read (``<bytes>`` for an upload), a command-line option (``--dpi 600``), a keyword argument, an
install command or the renderer it runs (PDFium, zxing-cpp). None of that reaches a member: for
those codes the hall says what to do in its own words (:data:`HALL_WORDS`), in the reader's
language; every other reason is the library's own.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from tiaoma.errors import TiaomaError

#: The hall's words for the library's reasons that speak of files, options and programs.
HALL_WORDS: dict[str, Promise] = {
    "scan-empty": _("文件是空的"),
    "scan-not-image": _("不是可读取的图片或 PDF（只接受 PNG、JPEG、BMP、TIFF、GIF 或 PDF）"),
    "scan-damaged": _("文件不完整或已损坏：请重新扫描或导出后再上传"),
    "scan-unreadable": _("文件无法打开：请重新扫描或导出后再上传"),
    "scan-too-large": _("图片有 %(pixels)s 个像素，超过允许的 %(limit)s 个：请降低扫描分辨率后"
                        "再上传"),
    "scan-pdf-too-large": _("PDF 页面过大（第 %(page)s 页，%(width)s × %(height)s 毫米）：请只上传"
                            "印有条码的页面，或导出为图片后再上传"),
    "scan-pdf-slow": _("PDF 渲染超过 %(seconds)s 秒，已停止：请导出为图片后再上传"),
    "scan-pdf-failed": _("PDF 无法打开（可能已损坏或加密）：请导出为图片后再上传"),
    "scan-missing": _("暂时无法读取图片，请稍后再试"),
    "verify-no-dpi": _("图片未注明分辨率：请填写扫描时的分辨率（dpi），例如 600"),
    "verify-no-symbol": _("图片中未找到条码"),
    "verify-not-linear": _("图片中的条码是 %(found)s；印刷质量检测适用于 EAN/UPC、ITF-14、"
                           "Code 128 和 Code 39 条码"),
    "verify-index": _("图片中只找到 %(count)s 个条码"),
    "verify-resolution": _("%(symbology)s %(data)s 在 %(dpi)s dpi 下每个模块只有 %(found)s 个像素，"
                           "检测至少需要 %(needed)s 个：请以 %(dpi_needed)s dpi 或更高分辨率扫描"),
    "verify-undecodable": _("找到了条码的条，但无法识读：按印刷现状符号等级为 0（F）"),
    "verify-no-bars": _("读出了 %(symbology)s %(data)s，但无法测量其条：请扫描得更清晰后再上传"),
    "render.magnification": _("放大系数 %(found)s 超出 GB 12904 规定的 %(low)s 至 %(high)s"),
    "unrecognised": _("无法识别“%(value)s”：不是商品条码、UPC-E、ISBN、ISMN、ISSN、SSCC、"
                      "应用标识符数据串或 GS1 数字链接"),
}  # fmt: skip


def reason(error: TiaomaError) -> str:
    """``error``'s message in the language of the request (Chinese unless English is chosen)."""
    words = HALL_WORDS.get(error.code)
    if words is not None:
        return str(words) % _params(error.params)
    return error.message if (get_language() or "zh").startswith("en") else error.message_zh


def _params(params: dict[str, Any]) -> dict[str, str]:
    """The error's values as text: a small number to two places (0.80, 2.00), a large whole
    one as it is (600), text cut to 40 characters."""
    shown: dict[str, str] = {}
    for name, value in params.items():
        if isinstance(value, float):
            shown[name] = f"{value:.0f}" if value.is_integer() and value >= 10 else f"{value:.2f}"
        else:
            shown[name] = str(value)[:40]
    return shown


def reasons(error: TiaomaError) -> dict[str, str]:
    """``error``'s code and its reason in both languages, as an API's error body gives them
    (``message`` in the request's language, ``message_en`` and ``message_zh``)."""
    with override("en"):
        english = reason(error)
    with override("zh-hans"):
        chinese = reason(error)
    return {"code": error.code, "message": reason(error), "message_en": english,
            "message_zh": chinese}  # fmt: skip
