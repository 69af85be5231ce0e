"""The help pages (issue 23): open to anyone, in both languages, with the sample images (each
served) and a sample EAN-13 drawn by the library at its real size that decodes to its number."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from hall.portal.guide import SAMPLE_GTIN, sample_symbol
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols.choose import encode

pytestmark = pytest.mark.django_db


def test_help_is_open_to_anyone_in_both_languages() -> None:
    page = Client().get("/help/").content.decode()
    for anchor in ("start", "business", "samples", "printing", "faq"):
        assert f'id="{anchor}"' in page
    assert "忘记登录密码怎么办？" in page
    assert "0.80" in page
    assert "2.00" in page
    for image in re.findall(r'<img src="/static/([^"]+)"', page):
        assert finders.find(image), image
    english = Client(headers={"accept-language": "en"})
    english.cookies["django_language"] = "en"
    assert "Frequently asked questions" in english.get("/help/").content.decode()


def test_the_sample_symbol_is_at_its_real_size_and_decodes() -> None:
    drawn = str(sample_symbol())
    assert 'width="37.29mm"' in drawn
    encoded = encode(SAMPLE_GTIN)
    png = artwork(encoded, geometry_for(encoded), "png")
    import io

    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found.text == SAMPLE_GTIN
