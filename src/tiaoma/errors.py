"""One exception tree for every validation error, rooted in :class:`ValueError`.

Each error carries a stable ``code`` (for programs and the hall's translations), the values
it names in ``params``, an English message (``str(error)``) and a Chinese one
(``error.message_zh``). Message templates live in one registry so that every code has both
languages; modules register their own codes with :func:`define` when they are imported.

>>> from tiaoma import gtin
>>> try:
...     gtin.validate("6901234567890")
... except InvalidChecksum as error:
...     print(error.code)
...     print(error)
...     print(error.message_zh)
checksum
Invalid check digit for '6901234567890': expected 2, got 0
校验码错误：“6901234567890”的校验码应为 2，实为 0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "TiaomaError",
    "define",
    "passes",
    "registered_codes",
]

#: Longest piece of a value quoted in a message; a megabyte line must not make a megabyte message.
SHOWN_MAX = 60


@dataclass(frozen=True)
class _Templates:
    english: str
    chinese: str


_REGISTRY: dict[str, _Templates] = {}


def define(code: str, english: str, chinese: str) -> str:
    """Register the message templates of an error code and return the code.

    Templates are :meth:`str.format` strings over the error's parameters; string values are
    shortened to :data:`SHOWN_MAX` characters before formatting.
    """
    known = _REGISTRY.get(code)
    if known is not None and known != _Templates(english, chinese):
        raise RuntimeError(f"error code {code!r} defined twice with different messages")
    _REGISTRY[code] = _Templates(english, chinese)
    return code


def registered_codes() -> dict[str, tuple[str, str]]:
    """Every code registered so far, with its English and Chinese templates."""
    return {code: (t.english, t.chinese) for code, t in sorted(_REGISTRY.items())}


# English fragments of "expected ..." parameters and their Chinese, for callers that give only
# the English (lengths above all: "8, 12, 13 or 14 digits" -> "8、12、13 或 14 位").
_PHRASES_ZH = (
    ("optionally followed by a 2- or 5-digit add-on", "后可接 2 位或 5 位附加码"),
    ("at least ", "至少 "),
    (" characters", " 个字符"),
    (" digits", " 位"),
    ("a digit ", "数字 "),
    (" or ", " 或 "),
    (", ", "、"),
)


def chinese_expectation(text: str) -> str:
    """The Chinese of a formulaic English expectation (lengths, ranges); unknown words stay."""
    for english, chinese in _PHRASES_ZH:
        text = text.replace(english, chinese)
    return text


def _jsonable(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def _shown(value: Any, name: str = "value") -> Any:
    """A parameter as messages quote it: a user's string at most SHOWN_MAX characters (what
    the code expected is ours and shown whole), control characters escaped (``\\x1b``) so a
    message can be printed or logged safely."""
    if not isinstance(value, str):
        return value
    if name.startswith("expected"):
        return value
    text = value[:SHOWN_MAX]
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return f"{text}…({len(value)} chars)" if len(value) > SHOWN_MAX else text


class TiaomaError(ValueError):
    """A value tiaoma cannot accept; ``code`` says why, ``params`` name the parts."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in _REGISTRY:
            raise RuntimeError(f"undefined error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self._format(_REGISTRY[code].english))

    def _format(self, template: str) -> str:
        params = {name: _shown(value, name) for name, value in self.params.items()}
        if "expected" in params and "expected_zh" not in params:
            params["expected_zh"] = chinese_expectation(str(params["expected"]))
        return template.format(**params)

    @property
    def message(self) -> str:
        """The English message."""
        return str(self)

    @property
    def message_zh(self) -> str:
        """The Simplified Chinese message, for the hall."""
        return self._format(_REGISTRY[self.code].chinese)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description: code, both messages and the parameters."""
        params = {name: _jsonable(_shown(value, name)) for name, value in self.params.items()}
        return {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "params": params,
        }


def passes(validate: Callable[..., object], *args: Any) -> bool:
    """Whether ``validate(*args)`` returns without a :class:`TiaomaError`: every ``is_valid``."""
    try:
        validate(*args)
    except TiaomaError:
        return False
    return True


class InvalidFormat(TiaomaError):
    """The value has characters or a structure the number cannot have."""


class InvalidLength(TiaomaError):
    """The value has the wrong number of characters."""


class InvalidChecksum(TiaomaError):
    """A check digit or check character does not match."""


class InvalidComponent(TiaomaError):
    """A part of the value is well formed but not allowed (a date, a prefix, a code list)."""


# The codes shared by every module.
NOT_TEXT = define(
    "not_text",
    "Expected text, got {type}",
    "应为文本，实为 {type}",
)
EMPTY = define(
    "empty",
    "Empty value: expected {expected}",
    "输入为空：应为{expected_zh}",
)
NOT_DIGITS = define(
    "not_digits",
    "Invalid character {char!r} at position {position} of {value!r}: expected digits only",
    "“{value}”第 {position} 位的字符“{char}”无效：只能是数字",
)
LENGTH = define(
    "length",
    "Invalid length for {value!r}: expected {expected}, got {found}",
    "“{value}”长度错误：应为 {expected_zh}，实为 {found} 位",
)
CHECKSUM = define(
    "checksum",
    "Invalid check digit for {value!r}: expected {expected}, got {found}",
    "校验码错误：“{value}”的校验码应为 {expected}，实为 {found}",
)
