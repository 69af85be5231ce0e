"""The help pages (issue 23): how each piece of business goes, sample images of what to upload
and of a barcode at its real size, and the questions members ask most. Open to anyone: the
public and printers read it before they have an account."""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from tiaoma.render import artwork, geometry_for
from tiaoma.render.layout import MAGNIFICATION_RANGE
from tiaoma.symbols.choose import encode

#: The sample symbol's number: GS1's own example GTIN-13 with China's 690 prefix (no product).
SAMPLE_GTIN = "6901234567892"


@functools.cache
def sample_symbol() -> SafeString:
    """The sample EAN-13 as SVG at its nominal size (magnification 1.00, 37.29 x 25.93 mm):
    drawn once by the library, the same for every reader."""
    encoded = encode(SAMPLE_GTIN)
    return mark_safe(artwork(encoded, geometry_for(encoded), "svg").decode())


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    low, high = MAGNIFICATION_RANGE
    return render(request, "portal/help.html", {
        "sample_symbol": sample_symbol(), "sample_gtin": SAMPLE_GTIN,
        "lowest": f"{low:.2f}", "highest": f"{high:.2f}",
    })  # fmt: skip
