"""Han Xin Code's data modes, read back: a bit stream → the bytes it carries.

ISO/IEC 20830:2021 (GB/T 21049-2022) §5.3-5.4, as Zint's and BWIPP's encoders describe it
(docs/research/issue-24.md §2): each segment starts with a 4-bit mode indicator.

- ``0001`` numeric: 3 digits in 10 bits; 1021/1022/1023 end the mode and say the last group
  had 1, 2 or 3 digits.
- ``0010`` text: 6-bit values in sub-mode Text1 (digits, A-Z, a-z) or Text2 (control
  characters and punctuation); 62 switches sub-mode, 63 ends the mode.
- ``0011`` binary: a 13-bit byte count, then the bytes.
- ``0100`` / ``0101`` GB 2312 regions 1 and 2: 12 bits per character; 4095 ends, 4094 jumps to
  the other region without an indicator.
- ``0110`` GB 18030 two-byte: 15 bits per character, 32767 ends.
- ``0111`` GB 18030 four-byte: one character of 21 bits, no terminator.
- ``1000`` ECI: ``0`` + 7 bits, ``10`` + 14 bits or ``110`` + 21 bits.
- GS1 (BWIPP's reading of the draft standard, DIS §5.3.10 and §5.4.12): ``11100001`` starts a
  GS1 message (FNC1 in the first position), ``11111111`` ends it; inside it each FNC1
  separator is the numeric group value 1000.
- ``0000`` (or the end of the stream) ends the data: the rest is padding.

The bytes are decoded segment by segment (our reading where the standard cannot be read):
those of the Chinese modes as GB 18030, of the numeric and text modes as ASCII, of binary
mode in the ECI's character set if one was given. Without one, binary bytes are ISO/IEC
8859-1 (Han Xin's default character set as Zint and tiaoma's encoder take it) or GB 18030
(what Zint writes in binary mode for all text once any character is outside ISO/IEC 8859-1,
and BWIPP-like encoders UTF-8): UTF-8 made only of three- and four-byte sequences is UTF-8;
bytes that are no GB 18030 are ISO/IEC 8859-1; in a symbol with Chinese modes, or with C1
control codes (0x80-0x9F, which ISO/IEC 8859-1 text does not hold), or whose bytes above
0x7F all pair up within GB 2312's rows (0xA1-0xFE twice), they are GB 18030; the rest
ISO/IEC 8859-1. Two accented capitals side by side read as one Chinese character: no rule
can tell them apart without an ECI, which an encoder should write.

>>> bits = "0001" + format(123, "010b") + format(45, "010b") + format(1022, "010b")
>>> parse(bits).text
'12345'
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ModeError", "Parsed", "parse"]

#: Text1: digits, capitals, small letters (Table 3).
TEXT1 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#: Text2: control characters 0-27, then the punctuation of ASCII (Table 4).
TEXT2 = "".join(map(chr, range(28))) + " !\"#$%&'()*+,-./" + ":;<=>?@" + "[\\]^_`" + "{|}~\x7f"

#: Character sets of the ECIs a Han Xin symbol may name (AIM ECI assignments).
ECI_CODECS = {
    0: "cp437", 1: "latin-1", 2: "cp437", 3: "latin-1", 4: "iso8859-2", 5: "iso8859-3",
    6: "iso8859-4", 7: "iso8859-5", 8: "iso8859-6", 9: "iso8859-7", 10: "iso8859-8",
    11: "iso8859-9", 12: "iso8859-10", 13: "iso8859-11", 15: "iso8859-13", 16: "iso8859-14",
    17: "iso8859-15", 18: "iso8859-16", 20: "shift_jis", 21: "cp1250", 22: "cp1251",
    23: "cp1252", 24: "cp1256", 25: "utf-16-be", 26: "utf-8", 27: "ascii", 28: "big5",
    29: "gb18030", 30: "euc-kr", 31: "gbk", 32: "gb18030", 33: "utf-16-le", 34: "utf-32-be",
    35: "utf-32-le", 170: "ascii", 899: "latin-1",
}  # fmt: skip
#: GB 18030: the Chinese modes' character set.
DEFAULT_CODEC = "gb18030"
#: The ASCII group separator a scanner sends for FNC1 inside GS1 data.
GS = 0x1D


class ModeError(ValueError):
    """A bit stream that breaks the mode rules (an unknown indicator, a value out of range)."""


@dataclass
class Parsed:
    """What the bit stream carries."""

    segments: list[tuple[int | None, str, bytes]] = field(default_factory=list)
    """(ECI or None, kind, bytes) in order; kind is ``ascii`` (numeric and text modes),
    ``chinese`` (the GB 2312 and GB 18030 modes) or ``binary``."""
    gs1: bool = False
    modes: list[str] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        """Every segment's bytes, joined."""
        return b"".join(chunk for _, _, chunk in self.segments)

    @property
    def text(self) -> str:
        """The bytes decoded segment by segment (see the module's description)."""
        chinese = any(kind == "chinese" for _, kind, _ in self.segments)
        return "".join(
            chunk.decode(_codec(eci, kind, chunk, chinese), errors="replace")
            for eci, kind, chunk in self.segments
        )


def _codec(eci: int | None, kind: str, chunk: bytes, chinese: bool) -> str:
    """The character set of a segment's bytes, ``chinese`` if the symbol has Chinese modes."""
    if kind == "chinese":
        return DEFAULT_CODEC
    if eci is not None:
        return ECI_CODECS.get(eci, "latin-1")
    if kind == "ascii" or _is_utf8(chunk):
        return "utf-8"
    if not _is_gb18030(chunk):
        return "latin-1"
    if chinese or any(0x80 <= byte <= 0x9F for byte in chunk) or _gb2312_pairs(chunk):
        return DEFAULT_CODEC
    return "latin-1"


def _gb2312_pairs(chunk: bytes) -> bool:
    """Whether every byte above 0x7F is one of a pair within GB 2312's rows."""
    at = 0
    while at < len(chunk):
        if chunk[at] < 0x80:
            at += 1
        elif chunk[at] >= 0xA1 and at + 1 < len(chunk) and chunk[at + 1] >= 0xA1:
            at += 2
        else:
            return False
    return True


def _is_gb18030(chunk: bytes) -> bool:
    try:
        chunk.decode(DEFAULT_CODEC)
    except UnicodeDecodeError:
        return False
    return True


#: How each mode's bytes are to be decoded (the rest are ASCII).
_KINDS = {"binary": "binary", "region 1": "chinese", "region 2": "chinese",
          "double byte": "chinese", "four byte": "chinese"}  # fmt: skip


def _is_utf8(chunk: bytes) -> bool:
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ord(char) < 0x80 or ord(char) >= 0x800 for char in text)


class _Bits:
    def __init__(self, bits: str) -> None:
        self.bits = bits
        self.at = 0

    def left(self) -> int:
        return len(self.bits) - self.at

    def take(self, count: int) -> int:
        if count > self.left():
            raise ModeError(f"the data ends inside a field of {count} bits at bit {self.at}")
        value = int(self.bits[self.at : self.at + count], 2)
        self.at += count
        return value


class _Out:
    def __init__(self) -> None:
        self.parsed = Parsed()
        self.eci: int | None = None
        self.kind = "ascii"
        self.buffer = bytearray()

    def switch_kind(self, kind: str) -> None:
        if kind != self.kind:
            self.flush()
            self.kind = kind

    def add(self, chunk: bytes | int) -> None:
        if isinstance(chunk, int):
            self.buffer.append(chunk)
        else:
            self.buffer.extend(chunk)

    def switch_eci(self, eci: int) -> None:
        self.flush()
        self.eci = eci

    def flush(self) -> None:
        if self.buffer:
            self.parsed.segments.append((self.eci, self.kind, bytes(self.buffer)))
            self.buffer = bytearray()


def _numeric(bits: _Bits, out: _Out) -> None:
    groups: list[int] = []
    while True:
        value = bits.take(10)
        if value >= 1021:
            last = value - 1020
            break
        groups.append(value)
    for index, value in enumerate(groups):
        digits = last if index == len(groups) - 1 else 3
        if value == 1000 and out.parsed.gs1:
            out.add(GS)
            continue
        if value >= 10**digits:
            raise ModeError(f"numeric group {value} does not fit {digits} digits")
        out.add(f"{value:0{digits}d}".encode())


def _text(bits: _Bits, out: _Out) -> None:
    table = TEXT1
    while True:
        value = bits.take(6)
        if value == 63:
            return
        if value == 62:
            table = TEXT2 if table is TEXT1 else TEXT1
            continue
        out.add(ord(table[value]))


def _binary(bits: _Bits, out: _Out) -> None:
    count = bits.take(13)
    out.add(bytes(bits.take(8) for _ in range(count)))


def _region(bits: _Bits, out: _Out, region: int) -> None:
    while True:
        value = bits.take(12)
        if value == 4095:
            return
        if value == 4094:
            region = 3 - region
            continue
        out.add(_gb2312(value, region))


def _gb2312(value: int, region: int) -> bytes:
    """A region 1 or 2 value → its two GB 2312 bytes."""
    if region == 2:
        first, second = 0xD8 + value // 0x5E, 0xA1 + value % 0x5E
    elif value < 0xEB0:
        first, second = 0xB0 + value // 0x5E, 0xA1 + value % 0x5E
    elif value < 0xFCA:
        first, second = 0xA1 + (value - 0xEB0) // 0x5E, 0xA1 + (value - 0xEB0) % 0x5E
    else:
        first, second = 0xA8, 0xA1 + value - 0xFCA
    if first > 0xF7 or second > 0xFE:
        raise ModeError(f"region {region} value {value} is no GB 2312 character")
    return bytes((first, second))


def _double_byte(bits: _Bits, out: _Out) -> None:
    while True:
        value = bits.take(15)
        if value == 32767:
            return
        first, rest = 0x81 + value // 0xBE, value % 0xBE
        second = rest + 0x40 if rest <= 0x3E else rest + 0x41
        if first > 0xFE:
            raise ModeError(f"double-byte value {value} is no GB 18030 character")
        out.add(bytes((first, second)))


def _four_byte(bits: _Bits, out: _Out) -> None:
    value = bits.take(21)
    first, value = divmod(value, 0x3138)
    second, value = divmod(value, 0x04EC)
    third, fourth = divmod(value, 10)
    if first > 0x7D:
        raise ModeError("four-byte value is no GB 18030 character")
    out.add(bytes((0x81 + first, 0x30 + second, 0x81 + third, 0x30 + fourth)))


def _eci(bits: _Bits, out: _Out) -> None:
    if bits.take(1) == 0:
        out.switch_eci(bits.take(7))
    elif bits.take(1) == 0:
        out.switch_eci(bits.take(14))
    elif bits.take(1) == 0:
        out.switch_eci(bits.take(21))
    else:
        raise ModeError("an ECI designator starting 111")


#: GS1 mode's opening and closing 8-bit indicators, by their first four bits.
_GS1_BRACKETS = {0b1110: 0b0001, 0b1111: 0b1111}


def _gs1(bits: _Bits, out: _Out, indicator: int) -> None:
    if bits.take(4) != _GS1_BRACKETS[indicator]:
        raise ModeError(f"unknown mode indicator {indicator:04b} at bit {bits.at - 8}")
    if indicator == 0b1110:
        out.parsed.gs1 = True
        out.parsed.modes.append("GS1")


_MODES = {
    0b0001: ("numeric", _numeric),
    0b0010: ("text", _text),
    0b0011: ("binary", _binary),
    0b0100: ("region 1", lambda bits, out: _region(bits, out, 1)),
    0b0101: ("region 2", lambda bits, out: _region(bits, out, 2)),
    0b0110: ("double byte", _double_byte),
    0b0111: ("four byte", _four_byte),
    0b1000: ("ECI", _eci),
}


def parse(bits: str) -> Parsed:
    """The segments a bit stream ('0'/'1' text) carries, up to its end or padding.

    Raises :class:`ModeError` for a stream that breaks the rules (a damaged symbol that the
    error correction let through, or a mode tiaoma does not know)."""
    reader = _Bits(bits)
    out = _Out()
    while reader.left() >= 4:
        indicator = reader.take(4)
        if indicator == 0:
            break
        if indicator in _GS1_BRACKETS:
            _gs1(reader, out, indicator)
            continue
        if indicator not in _MODES:
            raise ModeError(f"unknown mode indicator {indicator:04b} at bit {reader.at - 4}")
        name, read = _MODES[indicator]
        out.parsed.modes.append(name)
        out.switch_kind(_KINDS.get(name, "ascii"))
        read(reader, out)
    out.flush()
    return out.parsed
