"""zlib data for an image whose middle rows repeat, without compressing the repeats.

A barcode image is mostly one row repeated down the bar height; zlib would search every byte
of those repeats (measured: most of an EAN-13 PNG's time). Instead only the rows around the
repeats go through zlib (at its fastest level: the rest of the image compresses within 10 % of
its best), and the repeats are one hand-made deflate block (RFC 1951 3.2.6, fixed Huffman
codes) of back-references, "copy the previous row", made once per row length and count.

>>> import zlib
>>> data = zlib_stream(b"head", b"\\x00row", 40, b"tail")
>>> zlib.decompress(data) == b"head" + b"\\x00row" * 40 + b"tail"
True
"""

from __future__ import annotations

import struct
import zlib
from functools import cache

__all__ = ["zlib_stream"]

MAX_MATCH = 258
MAX_DISTANCE = 32768
_ZLIB_HEADER = b"\x78\x01"  # deflate, 32 KiB window, no dictionary; (0x78 * 256 + 1) % 31 == 0


def _code_table(first_base: int, extra_bits: list[int]) -> list[tuple[int, int]]:
    """(base value, extra bits) per code, each base following the previous code's range."""
    table, base = [], first_base
    for extra in extra_bits:
        table.append((base, extra))
        base += 1 << extra
    return table


# RFC 1951 3.2.5: length codes 257-284 (285 is 258 alone) and distance codes 0-29.
_LENGTHS = _code_table(3, [0] * 8 + [e for e in range(1, 6) for _ in range(4)])
_DISTANCES = _code_table(1, [0, 0] + [e for e in range(14) for _ in range(2)])[:30]


class _Bits:
    """Bits written least significant first, as deflate packs them."""

    def __init__(self) -> None:
        self.value = 0
        self.count = 0

    def put(self, value: int, count: int) -> None:
        self.value |= value << self.count
        self.count += count

    def put_code(self, code: int, length: int) -> None:
        """A Huffman code, whose bits go most significant first."""
        self.put(int(f"{code:0{length}b}"[::-1], 2), length)

    def to_bytes(self) -> bytes:
        return self.value.to_bytes((self.count + 7) // 8, "little")


def _find(table: list[tuple[int, int]], value: int) -> tuple[int, int, int]:
    """(code index, extra bits, extra value) of ``value`` in a length or distance table."""
    for index in range(len(table) - 1, -1, -1):
        base, extra = table[index]
        if value >= base:
            return index, extra, value - base
    raise ValueError(value)  # pragma: no cover - every value from 1 has a code


def _put_length(bits: _Bits, length: int) -> None:
    if length == MAX_MATCH:
        symbol, extra, offset = 285, 0, 0
    else:
        index, extra, offset = _find(_LENGTHS, length)
        symbol = 257 + index
    if symbol < 280:  # fixed Huffman codes: 256-279 in 7 bits, 280-287 in 8 bits
        bits.put_code(symbol - 256, 7)
    else:
        bits.put_code(0b11000000 + symbol - 280, 8)
    bits.put(offset, extra)


def _match_lengths(total: int) -> list[int]:
    """``total`` as match lengths of 3 to 258 bytes."""
    lengths = []
    while total:
        length = min(MAX_MATCH, total)
        if 0 < total - length < 3:  # leave at least 3 for the last match
            length = total - 3
        lengths.append(length)
        total -= length
    return lengths


@cache
def repeat_block(distance: int, total: int) -> bytes:
    """A non-final deflate block copying ``total`` bytes from ``distance`` back, then an empty
    stored block so the stream is byte-aligned again for zlib to go on."""
    bits = _Bits()
    bits.put(0b010, 3)  # not final; type 01, fixed Huffman codes
    index, extra, offset = _find(_DISTANCES, distance)
    for length in _match_lengths(total):
        _put_length(bits, length)
        bits.put_code(index, 5)
        bits.put(offset, extra)
    bits.put_code(0, 7)  # end of block (256)
    bits.put(0b000, 3)  # not final; type 00, stored, aligned to the next byte
    return bits.to_bytes() + b"\x00\x00\xff\xff"


def zlib_stream(top: bytes, row: bytes, repeat: int, bottom: bytes) -> bytes:
    """zlib data of ``top + row * repeat + bottom``."""
    stride = len(row)
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    copied = stride * (repeat - 1)
    parts = [_ZLIB_HEADER]
    if copied >= 3 and stride <= MAX_DISTANCE:
        # The flush forgets the history, so later matches never reach past the copied rows.
        parts += [compressor.compress(top + row), compressor.flush(zlib.Z_FULL_FLUSH),
                  repeat_block(stride, copied)]  # fmt: skip
    else:
        parts.append(compressor.compress(top + row * repeat))
    parts += [compressor.compress(bottom), compressor.flush()]
    parts.append(struct.pack(">I", zlib.adler32(b"".join((top, row * repeat, bottom)))))
    return b"".join(parts)
