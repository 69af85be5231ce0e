"""QR codes the hall shows on its pages (a WeChat payment, an authenticator's enrolment), drawn
by tiaoma as inline SVG."""

from __future__ import annotations

from tiaoma.render import artwork, geometry_for
from tiaoma.symbols.matrix import qr


def qr_svg(text: str) -> str:
    """``text`` as a QR code in SVG, or nothing for no text."""
    if not text:
        return ""
    symbol = qr(text)
    return artwork(symbol, geometry_for(symbol), "svg").decode()
