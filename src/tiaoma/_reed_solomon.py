"""Reed-Solomon codes over GF(2^m), for tiaoma's own readers and the 2D grader: check symbols,
syndromes, and the correction of errors and erasures.

A word is read most significant coefficient first (the data, then the check symbols, as the
symbols place them). Each symbology fixes the field's primitive polynomial and the generator's
first consecutive root b, the roots being α^b … α^(b+2t-1): QR Code 0x11D with b = 0 (ISO/IEC
18004:2015 §7.5.2), Data Matrix ECC 200 0x12D with b = 1 (ISO/IEC 16022:2006 §5.7), Han Xin Code
0x163 with b = 1 and its function information GF(16) 0x13 with b = 1 (ISO/IEC 20830:2021
§5.8.1). The decoder is the textbook one: syndromes, Berlekamp-Massey started from the erasure
locator, Chien search and Forney's formula. It corrects e errors and f erasures when
2e + f ≤ 2t, and says so when it cannot.

>>> field = Field(0x13, size=16)   # Han Xin's function information: 3 nibbles, 4 checks
>>> field.correct([1, 2, 3, 0, 0, 0, 0], 4, erasures=[3, 4, 5, 6])
([1, 2, 3, 2, 12, 7, 13], 4)
>>> field.correct([1, 9, 3, 2, 12, 7, 7], 4)   # two nibbles wrong: both corrected
([1, 2, 3, 2, 12, 7, 13], 2)
>>> data_matrix = Field(0x12D)
>>> block = data_matrix.encode([142, 164, 186], 5)
>>> block
[142, 164, 186, 114, 25, 5, 88, 102]
>>> damaged = block.copy(); damaged[1] ^= 0x55
>>> data_matrix.correct(damaged, 5)
([142, 164, 186, 114, 25, 5, 88, 102], 1)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["Field", "Uncorrectable"]


class Uncorrectable(Exception):
    """More errors than the check symbols can correct (or an inconsistent error pattern)."""


class Field:
    """GF(``size``) built on a primitive ``polynomial`` (with its leading term, e.g. 0x163 for
    GF(256)), for codes whose generator's roots start at α^``first_root``."""

    def __init__(self, polynomial: int, *, size: int = 256, first_root: int = 1) -> None:
        self.size = size
        self.polynomial = polynomial
        self.first_root = first_root
        self.exp = [0] * (2 * size)
        self.log = [0] * size
        value = 1
        for power in range(size - 1):
            self.exp[power] = value
            self.log[value] = power
            value <<= 1
            if value & size:
                value ^= polynomial
        for power in range(size - 1, 2 * size):  # doubled, so a sum of two logs needs no modulo
            self.exp[power] = self.exp[power - (size - 1)]
        self._exp = np.asarray(self.exp)
        self._log = np.asarray(self.log)

    def multiply(self, a: int, b: int) -> int:
        """a·b in the field."""
        if a == 0 or b == 0:
            return 0
        return self.exp[self.log[a] + self.log[b]]

    def divide(self, a: int, b: int) -> int:
        """a/b in the field (b ≠ 0)."""
        if a == 0:
            return 0
        return self.exp[(self.log[a] - self.log[b]) % (self.size - 1)]

    def power(self, exponent: int) -> int:
        """α^exponent."""
        return self.exp[exponent % (self.size - 1)]

    def evaluate(self, coefficients: Sequence[int], x: int) -> int:
        """A polynomial given lowest degree first, at x (Horner)."""
        result = 0
        for coefficient in reversed(coefficients):
            result = self.multiply(result, x) ^ coefficient
        return result

    def encode(self, data: Sequence[int], check: int) -> list[int]:
        """``data`` followed by its ``check`` check symbols."""
        generator = [1]  # highest power first
        for root in range(self.first_root, self.first_root + check):
            factor = self.power(root)
            generator = [*generator, 0]
            for at in range(len(generator) - 1, 0, -1):
                generator[at] ^= self.multiply(generator[at - 1], factor)
        remainder = [*data, *([0] * check)]
        for at in range(len(data)):
            factor = remainder[at]
            if factor:
                for offset, coefficient in enumerate(generator):
                    remainder[at + offset] ^= self.multiply(coefficient, factor)
        return [*data, *remainder[len(data) :]]

    def syndromes(self, word: Sequence[int], check: int) -> list[int]:
        """S_j = word(α^(first_root + j)) for j = 0 … check - 1 (numpy: one table lookup per
        symbol and root, then an exclusive-or along the word)."""
        symbols = np.asarray(word, dtype=np.int64)
        nonzero = symbols != 0
        if not nonzero.any():
            return [0] * check
        logs = self._log[symbols[nonzero]]
        powers = (len(word) - 1 - np.flatnonzero(nonzero))[None, :]
        roots = np.arange(self.first_root, self.first_root + check)[:, None]
        terms = self._exp[(logs[None, :] + roots * powers) % (self.size - 1)]
        return [int(value) for value in np.bitwise_xor.reduce(terms, axis=1)]

    def correct(
        self, word: Sequence[int], check: int, erasures: Sequence[int] = ()
    ) -> tuple[list[int], int]:
        """The corrected word and how many symbols were changed; ``erasures`` are indexes into
        the word. :class:`Uncorrectable` when the word is too far from every codeword to say."""
        found = self.syndromes(word, check)
        if not any(found):
            return list(word), 0
        if len(erasures) > check:
            raise Uncorrectable(f"{len(erasures)} erasures, more than {check} check symbols")
        n, order = len(word), self.size - 1
        erased = [self.exp[(n - 1 - index) % order] for index in erasures]
        locator = _locator(self, found, check, erased)
        degree = len(locator) - 1
        if 2 * degree - len(erasures) > check:
            raise Uncorrectable(f"about {degree} errors, more than {check} check symbols correct")
        positions = [
            index
            for index in range(n)
            if self.evaluate(locator, self.exp[(order - (n - 1 - index)) % order]) == 0
        ]
        if len(positions) != degree:
            raise Uncorrectable(f"an error locator of degree {degree} with {len(positions)} roots")
        fixed = list(word)
        for index, magnitude in _forney(self, found, locator, positions, n=n, check=check):
            fixed[index] ^= magnitude
        if any(self.syndromes(fixed, check)):
            raise Uncorrectable("the corrected word is still no codeword")
        return fixed, sum(1 for a, b in zip(fixed, word, strict=True) if a != b)


def _multiply_polynomials(field: Field, a: Sequence[int], b: Sequence[int]) -> list[int]:
    product = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                product[i + j] ^= field.multiply(x, y)
    return product


def _locator(field: Field, found: list[int], check: int, erased: list[int]) -> list[int]:
    """Berlekamp-Massey, started from the erasure locator (lowest degree first)."""
    locator = [1]
    for position in erased:
        locator = _multiply_polynomials(field, locator, [1, position])
    previous = list(locator)
    length = len(erased)
    shift = 1
    last_discrepancy = 1
    for step in range(len(erased), check):
        discrepancy = found[step]
        for i in range(1, min(len(locator), step + 1)):
            discrepancy ^= field.multiply(locator[i], found[step - i])
        if discrepancy == 0:
            shift += 1
            continue
        scale = field.divide(discrepancy, last_discrepancy)
        update = [0] * shift + [field.multiply(scale, c) for c in previous]
        candidate = [
            (locator[i] if i < len(locator) else 0) ^ (update[i] if i < len(update) else 0)
            for i in range(max(len(locator), len(update)))
        ]
        if 2 * length <= step + len(erased):
            previous, length, last_discrepancy, shift = (
                locator,
                step + 1 + len(erased) - length,
                discrepancy,
                1,
            )
        else:
            shift += 1
        locator = candidate
    while len(locator) > 1 and locator[-1] == 0:
        locator.pop()
    return locator


def _forney(field: Field, found: list[int], locator: list[int], positions: list[int], *,
            n: int, check: int) -> list[tuple[int, int]]:  # fmt: skip
    """(index, error magnitude) of each position: Ω(X⁻¹) / Λ'(X⁻¹), times X^(1-b) for roots
    from α^b (b = 1 needs no factor)."""
    order = field.size - 1
    evaluator = _multiply_polynomials(field, found, locator)[:check]
    derivative = [locator[i] if i % 2 else 0 for i in range(1, len(locator))]
    corrections = []
    for index in positions:
        power = (n - 1 - index) % order
        inverse = field.exp[(order - power) % order]
        magnitude = field.divide(
            field.evaluate(evaluator, inverse), field.evaluate(derivative, inverse)
        )
        magnitude = field.multiply(magnitude, field.power(power * (1 - field.first_root)))
        corrections.append((index, magnitude))
    return corrections
