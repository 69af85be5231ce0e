"""GS1 DataBar Expanded encodation: an element string to the bits of its data characters.

ISO/IEC 24724:2011: a linkage flag (0: no composite component), an encodation method
that compresses the common openings, and the general-purpose field for the rest.

========= ===================================================== ==========================
method    opening                                               compressed
========= ===================================================== ==========================
``1``     (01) any GTIN                                         indicator 4 bits, 4 x 10
``0100``  (01)9… (3103) up to 032767, nothing else              GTIN, weight in 15 bits
``0101``  (01)9… (3202) up to 009999 or (3203) up to 022767    GTIN, weight in 15 bits
``0111…`` (01)9… (310x)/(320x) up to 099999 [+ (11)/(13)/(15)/  GTIN, 20 + 16 bits
          (17)], nothing else
``01100`` (01)9… (392x)                                         GTIN, x in 2 bits
``01101`` (01)9… (393x)                                         GTIN, x, currency 10 bits
``00``    anything else                                         nothing
========= ===================================================== ==========================

The general-purpose field has three modes: numeric (digit pairs in 7 bits),
alphanumeric (digits and FNC1 5 bits, A-Z and ``*,-./`` 6 bits) and ISO/IEC 646 (also
lower case and ``!"%&'()+:;<=>?_`` and space), with FNC1 returning to numeric.

>>> from tiaoma import ai
>>> encode(ai.parse("(01)90012345678908(3103)001750"), min_characters=4)
'001000000000001001110101010001101111101111010000011011010110'
"""

from __future__ import annotations

from tiaoma import ai

__all__ = ["FNC1", "MAX_DATA_CHARACTERS", "encode", "general_field"]

#: FNC1 inside the general-purpose field (a separator after a variable-length AI).
FNC1 = "\x1d"
#: At most 22 symbol characters, one of them the check character (ISO/IEC 24724).
MAX_DATA_CHARACTERS = 21
CHARACTER_BITS = 12

_NUMERIC, _ALPHA, _ISO = "numeric", "alphanumeric", "iso646"
# Alphanumeric encodation (ISO/IEC 24724:2011 table 12): the five punctuation characters in 6 bits.
_ALPHA_PUNCTUATION = {"*": 58, ",": 59, "-": 60, ".": 61, "/": 62}
# ISO/IEC 646 encodation (ISO/IEC 24724:2011 table 13): the 8-bit characters from 232 on.
_ISO_PUNCTUATION = {char: 232 + n for n, char in enumerate("!\"%&'()*+,-./:;<=>?_ ")}
_DATE_AIS = {"11": 0, "13": 1, "15": 2, "17": 3}
_NO_DATE = 38400


def _bits(value: int, width: int) -> str:
    return format(value, f"0{width}b")


def _gtin_body(gtin14: str) -> str:
    """The 12 digits after the indicator, check digit dropped, in four 10-bit groups."""
    return "".join(_bits(int(gtin14[i : i + 3]), 10) for i in range(1, 13, 3))


def _numeric(char: str) -> bool:
    return char.isdigit() or char == FNC1


def _alpha(char: str) -> bool:
    return char.isdigit() or char == FNC1 or "A" <= char <= "Z" or char in _ALPHA_PUNCTUATION


def _alpha_bits(char: str) -> str:
    if char.isdigit():
        return _bits(int(char) + 5, 5)
    if char in _ALPHA_PUNCTUATION:
        return _bits(_ALPHA_PUNCTUATION[char], 6)
    return _bits(ord(char) - ord("A") + 32, 6)


def _iso_bits(char: str) -> str:
    if char.isdigit():
        return _alpha_bits(char)
    if "A" <= char <= "Z":
        return _bits(ord(char) - ord("A") + 64, 7)
    if "a" <= char <= "z":
        return _bits(ord(char) - ord("a") + 90, 7)
    return _bits(_ISO_PUNCTUATION[char], 8)


def _numeric_run(data: str, start: int, length: int) -> bool:
    """Whether the ``length`` characters from ``start`` are all digits or FNC1."""
    piece = data[start : start + length]
    return len(piece) == length and all(map(_numeric, piece))


def _numeric_to_end(data: str, start: int, at_least: int) -> bool:
    """Whether the data ends in ``at_least`` or more digits or FNC1s from ``start``."""
    rest = data[start:]
    return len(rest) >= at_least and all(map(_numeric, rest))


def _iso_latch(data: str, start: int) -> str | None:
    """Whether ISO/IEC 646 mode latches before ``data[start]``, and to which mode.

    Only when the next ten characters (or all that remain) are alphanumeric-encodable, FNC1
    included: to numeric if they begin with four digits or FNC1s, else to alphanumeric if at
    least five remain.
    """
    window = data[start : start + 10]
    if not all(map(_alpha, window)):
        return None
    if _numeric_run(data, start, 4):
        return _NUMERIC
    return _ALPHA if len(window) >= 5 else None


class _Writer:
    """The general-purpose field as it is written: the bits and the current mode."""

    def __init__(self) -> None:
        self.bits: list[str] = []
        self.mode = _NUMERIC

    def put(self, bits: str) -> None:
        self.bits.append(bits)

    def latch(self, mode: str) -> None:
        latches = {
            (_NUMERIC, _ALPHA): "0000",
            (_NUMERIC, _ISO): "0000" + "00100",
            (_ALPHA, _NUMERIC): "000",
            (_ALPHA, _ISO): "00100",
            (_ISO, _NUMERIC): "000",
            (_ISO, _ALPHA): "00100",
        }
        self.put(latches[self.mode, mode])
        self.mode = mode


def general_field(data: str, *, alphanumeric: bool = False) -> tuple[str, str | None, bool]:
    """Encode ``data`` (FNC1 as :data:`FNC1`) in the general-purpose field, starting in
    numeric mode, or in alphanumeric mode if ``alphanumeric`` (a composite component's AI 90
    method leaves the field there, ISO/IEC 24723 5.3.2).

    Returns the bits; the digit left over when the data ends in numeric mode with one digit
    (how it is written depends on the symbol size, see :func:`encode`), else ``None``; and
    whether the field ends in numeric mode.
    """
    writer = _Writer()
    if alphanumeric:
        writer.mode = _ALPHA
    i = 0
    while i < len(data):
        char = data[i]
        if writer.mode == _NUMERIC:
            if i + 1 < len(data) and _numeric(char) and _numeric(data[i + 1]):
                first, second = (10 if c == FNC1 else int(c) for c in data[i : i + 2])
                writer.put(_bits(11 * first + second + 8, 7))
                i += 2
                continue
            if i + 1 == len(data) and char.isdigit():
                return "".join(writer.bits), char, True
            writer.latch(_ALPHA if _alpha(char) else _ISO)
            continue
        if char == FNC1:
            # FNC1 in alphanumeric or ISO/IEC 646 mode returns to numeric (tables 12, 13).
            writer.put("01111")
            writer.mode = _NUMERIC
            i += 1
            continue
        if writer.mode == _ALPHA:
            if _numeric_run(data, i, 6) or _numeric_to_end(data, i, 4):
                writer.latch(_NUMERIC)
            elif not _alpha(char):
                writer.latch(_ISO)
            else:
                writer.put(_alpha_bits(char))
                i += 1
            continue
        target = _iso_latch(data, i)
        if target is not None:
            writer.latch(target)
        else:
            writer.put(_iso_bits(char))
            i += 1
    return "".join(writer.bits), None, writer.mode == _NUMERIC


def _opening(message: ai.Gs1Message) -> tuple[str, str, str, bool]:
    """The encodation method's bits, its compressed data, the data left for the
     general-purpose field, and whether the 2-bit variable length field follows the method
    ."""
    elements = list(message)
    if elements[0].ai != "01":
        return "00", "", message.fnc1(FNC1), True
    gtin14 = elements[0].value
    rest = elements[1:]
    fixed = _fixed_method(gtin14, rest)
    if fixed is not None:
        return *fixed, "", False
    if gtin14[0] == "9" and rest and rest[0].ai[:3] in {"392", "393"} and rest[0].ai[3] in "0123":
        price = rest[0]
        compressed = _gtin_body(gtin14) + _bits(int(price.ai[3]), 2)
        value = price.value
        if price.ai[:3] == "393":
            compressed, value = compressed + _bits(int(value[:3]), 10), value[3:]
        method = "01100" if price.ai[:3] == "392" else "01101"
        pieces = [(value, price.definition.predefined_length), *_pieces(rest[1:])]
        return method, compressed, _join(pieces), True
    return "1", _bits(int(gtin14[0]), 4) + _gtin_body(gtin14), _join(_pieces(rest)), True


def _pieces(elements: list[ai.ElementString]) -> list[tuple[str, bool]]:
    return [(e.ai + e.value, e.definition.predefined_length) for e in elements]


def _join(pieces: list[tuple[str, bool]]) -> str:
    """Element strings with FNC1 after each of variable length, except the last."""
    out = []
    for index, (text, predefined) in enumerate(pieces):
        out.append(text)
        if index < len(pieces) - 1 and not predefined:
            out.append(FNC1)
    return "".join(out)


_WEIGHT_METHODS = {
    # AI: (method, largest value, offset): ISO/IEC 24724 and 7.2.5.4.3.
    "3103": ("0100", 32767, 0),
    "3202": ("0101", 9999, 0),
    "3203": ("0101", 22767, 10000),
}


def _fixed_method(gtin14: str, rest: list[ai.ElementString]) -> tuple[str, str] | None:
    """The fully compressed methods for (01)9… with a weight (and a date), or ``None``."""
    if gtin14[0] != "9" or not rest or len(rest) > 2:
        return None
    weight = rest[0]
    value = int(weight.value) if weight.ai[:3] in {"310", "320"} else None
    if value is None or value > 99999:
        return None
    body = _gtin_body(gtin14)
    if len(rest) == 1:
        method, largest, offset = _WEIGHT_METHODS.get(weight.ai, ("", -1, 0))
        if value <= largest:
            return method, body + _bits(value + offset, 15)
        date_ai, date = "11", _NO_DATE
    elif rest[1].ai in _DATE_AIS:
        stamp = rest[1].value
        date_ai = rest[1].ai
        date = int(stamp[:2]) * 384 + (int(stamp[2:4]) - 1) * 32 + int(stamp[4:6])
    else:
        return None
    # 0111 + the date AI in 2 bits + 310x (0) or 320x (1); 38400 for no date.
    method = "0111" + _bits(_DATE_AIS[date_ai], 2) + ("0" if weight.ai[:3] == "310" else "1")
    return method, body + _bits(int(weight.ai[3]) * 100000 + value, 20) + _bits(date, 16)


def _characters_for(bits: int, min_characters: int) -> int:
    return max(-(-bits // CHARACTER_BITS), min_characters)


def encode(message: ai.Gs1Message, *, min_characters: int = 3, linked: bool = False) -> str:
    """The data characters' bits, a multiple of 12, for ``message``: linkage flag, method,
     variable length field, compressed data, general-purpose field, end digit and padding
    . ``min_characters`` is the fewest data characters the symbol may have; the linkage flag
    is 1 when ``linked``: a composite component is printed above (ISO/IEC 24724)."""
    method, compressed, rest, variable = _opening(message)
    field, last_digit, in_numeric = general_field(rest)
    head = ("1" if linked else "0") + method  # the linkage flag
    fixed = len(head) + (2 if variable else 0) + len(compressed)
    if last_digit is not None:
        # One digit left in numeric mode: 4 bits (digit + 1) if 4-6 bits remain in the last
        # character, else the digit and an FNC1 pad in 7 bits.
        used = fixed + len(field)
        spare = _characters_for(used, min_characters) * CHARACTER_BITS - used
        digit = int(last_digit)
        field += _bits(digit + 1, 4) if 4 <= spare <= 6 else _bits(11 * digit + 18, 7)
    characters = _characters_for(fixed + len(field), min_characters)
    vls = ""
    if variable:
        symbol_characters = characters + 1
        vls = f"{symbol_characters % 2}{int(symbol_characters > 14)}"
    bits = head + vls + compressed + field
    padding = ("0000" if in_numeric else "") + "00100" * CHARACTER_BITS
    return bits + padding[: characters * CHARACTER_BITS - len(bits)]
