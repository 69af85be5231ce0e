"""QR codes the hall shows on its pages (a WeChat payment, an authenticator's enrolment), drawn
by tiaoma as inline SVG."""

from __future__ import annotations


def qr_svg(text: str) -> str:
    """``text`` as a QR code in SVG, or nothing for no text."""
    if not text:
        return ""
    from tiaoma.render import artwork, geometry_for  # noqa: PLC0415 - drawn on demand
    from tiaoma.symbols.matrix import qr  # noqa: PLC0415

    symbol = qr(text)
    return artwork(symbol, geometry_for(symbol), "svg").decode()
