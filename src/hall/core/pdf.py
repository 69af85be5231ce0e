"""A PDF answer for any view: made on request; without the CJK font, back with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from hall.core.cjk import FontMissing


def pdf_response(request: HttpRequest, make: Callable[[], bytes], *, back: str,
                 back_args: tuple[Any, ...] = (),
                 filename: str | None = None) -> HttpResponse:  # fmt: skip
    """``make()`` as an inline PDF (an attachment when ``filename``), or a redirect to ``back``
    with the message that says which font to install."""
    try:
        pdf = make()
    except FontMissing as error:
        messages.error(request, str(error))
        return redirect(back, *back_args)
    response = HttpResponse(pdf, content_type="application/pdf")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
