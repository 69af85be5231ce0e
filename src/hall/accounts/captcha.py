"""Image captchas: four characters drawn by Pillow, the answer kept in the session as a keyed
hash, good for one try and five minutes.

With ``settings.TEST_HOOKS`` (tests only; refused in production settings) the session also
keeps the answer in clear, for the test-only view ``/__test__/captcha``.
"""

from __future__ import annotations

import io
import random
import secrets
import time

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SESSION_KEY = "hall.captcha"
TEST_KEY = "hall.captcha.test_answer"
#: Letters and digits no one confuses: no 0/O, 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 4


def _digest(answer: str) -> str:
    return salted_hmac("hall.captcha", answer.strip().upper()).hexdigest()


def new_captcha(request: HttpRequest) -> bytes:
    """A new PNG captcha for this session (the previous one dies)."""
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    request.session[SESSION_KEY] = {"digest": _digest(answer), "issued": time.time()}
    if settings.TEST_HOOKS:
        request.session[TEST_KEY] = answer
    return _draw(answer)


def check(request: HttpRequest, answer: str) -> bool:
    """Whether ``answer`` matches this session's captcha; either way the captcha is used up."""
    stored = request.session.pop(SESSION_KEY, None)
    request.session.pop(TEST_KEY, None)
    if not stored or time.time() - stored["issued"] > settings.CAPTCHA_SECONDS:
        return False
    return constant_time_compare(stored["digest"], _digest(answer or ""))


def _draw(answer: str) -> bytes:
    rng = random.Random(secrets.randbits(64))  # the picture's wobble; the answer is secret
    image = Image.new("RGB", (120, 44), (250, 246, 238))
    draw = ImageDraw.Draw(image)
    for _ in range(6):  # noise lines
        points = [(rng.randint(0, 120), rng.randint(0, 44)) for _ in range(2)]
        draw.line(points, fill=(rng.randint(120, 200),) * 3, width=1)
    font = ImageFont.load_default(size=28)
    for index, char in enumerate(answer):
        glyph = Image.new("RGBA", (30, 40), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((4, 2), char, font=font, fill=(30, 60, 140))
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC)
        image.paste(glyph, (6 + index * 27, rng.randint(0, 6)), glyph)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
