"""Image captchas: four characters drawn by Pillow, good for one try and five minutes.

The answer's keyed hash lives in the shared cache (Redis at scale) under a random token that
the browser keeps in a cookie: asking for a captcha writes no session row, and a try claims the
token by deleting it, which one request alone can do however many send it at once (issue 19:
ten concurrent logins reused one solved captcha). Each client address may ask for
``CAPTCHAS_PER_MINUTE`` a minute.

With ``settings.TEST_HOOKS`` (tests only; refused in production settings) the cache also keeps
the answer in clear, for the test-only view ``/__test__/captcha``.
"""

from __future__ import annotations

import io
import random
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac
from PIL import Image, ImageDraw, ImageFilter, ImageFont

COOKIE = "hall_captcha"
#: Letters and digits no one confuses: no 0/O, 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 4
CAPTCHAS_PER_MINUTE = 30


def _digest(answer: str) -> str:
    return salted_hmac("hall.captcha", answer.strip().upper()).hexdigest()


def _key(token: str) -> str:
    return f"captcha:{token}"


def new_captcha(response: HttpResponse) -> bytes:
    """A new PNG captcha; its token goes to the browser in ``response``'s cookie."""
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    token = secrets.token_urlsafe(18)
    cache.set(_key(token), _digest(answer), settings.CAPTCHA_SECONDS)
    if settings.TEST_HOOKS:
        cache.set(f"captcha-test:{token}", answer, settings.CAPTCHA_SECONDS)
    response.set_cookie(COOKIE, token, max_age=settings.CAPTCHA_SECONDS, httponly=True,
                        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")  # fmt: skip
    return _draw(answer)


def check(request: HttpRequest, answer: str) -> bool:
    """Whether ``answer`` matches the request's captcha; either way the captcha is used up."""
    token = request.COOKIES.get(COOKIE, "")[:64]
    if not token:
        return False
    stored = cache.get(_key(token))
    if stored is None or not cache.delete(_key(token)):  # claimed by a concurrent try
        return False
    return constant_time_compare(stored, _digest(answer or ""))


def test_answer(request: HttpRequest) -> str | None:
    """The answer in clear (``settings.TEST_HOOKS`` only)."""
    if not settings.TEST_HOOKS:  # pragma: no cover - never routed then
        return None
    answer = cache.get(f"captcha-test:{request.COOKIES.get(COOKIE, '')[:64]}")
    return str(answer) if answer is not None else None


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
