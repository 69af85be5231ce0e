"""Reed-Solomon decoding over GF(2^m): errors and erasures, for tiaoma's own readers.

A codeword is read most significant coefficient first (the data, then the check symbols, as
the symbols place them); its roots are α^1 … α^2t (first consecutive root 1, as in Han Xin
Code, ISO/IEC 20830:2021 §5.8.1, and in its function information). The decoder is the textbook
one: syndromes, Berlekamp-Massey started from the erasure locator, Chien search and Forney's
formula. It corrects e errors and f erasures when 2e + f ≤ 2t and says so when it cannot.

>>> field = Field(16, 0b10011)   # Han Xin's function information: 3 nibbles, 4 checks
>>> word, _ = decode(field, [1, 2, 3, 0, 0, 0, 0], 4, erasures=[3, 4, 5, 6])
>>> word                           # the check nibbles found by correcting their erasure
[1, 2, 3, 2, 12, 7, 13]
>>> decode(field, [1, 9, 3, 2, 12, 7, 7], 4)   # two nibbles wrong: both corrected
([1, 2, 3, 2, 12, 7, 13], 2)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["Field", "Uncorrectable", "decode", "syndromes"]


class Uncorrectable(Exception):
    """More errors than the check symbols can correct (or an inconsistent error pattern)."""


class Field:
    """GF(size) built on a primitive polynomial (with its leading term), e.g. 0x163 for GF(256)."""

    def __init__(self, size: int, polynomial: int) -> None:
        self.size = size
        self.exp = [0] * (2 * size)
        self.log = [0] * size
        value = 1
        for power in range(size - 1):
            self.exp[power] = value
            self.log[value] = power
            value <<= 1
            if value & size:
                value ^= polynomial
        for power in range(size - 1, 2 * size):
            self.exp[power] = self.exp[power - (size - 1)]

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

    def evaluate(self, coefficients: Sequence[int], x: int) -> int:
        """A polynomial given lowest degree first, at x."""
        result = 0
        for coefficient in reversed(coefficients):
            result = self.multiply(result, x) ^ coefficient
        return result


def syndromes(field: Field, word: Sequence[int], check: int) -> list[int]:
    """S_j = word(α^j) for j = 1 … check, the word read highest degree first (numpy: one
    table lookup per symbol and root, then an exclusive-or along the word)."""
    symbols = np.asarray(word, dtype=np.int64)
    nonzero = symbols != 0
    if not nonzero.any():
        return [0] * check
    logs = np.asarray(field.log)[symbols[nonzero]]
    powers = (len(word) - 1 - np.flatnonzero(nonzero))[None, :]
    roots = np.arange(1, check + 1)[:, None]
    terms = np.asarray(field.exp)[(logs[None, :] + roots * powers) % (field.size - 1)]
    return [int(value) for value in np.bitwise_xor.reduce(terms, axis=1)]


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


def decode(
    field: Field, word: Sequence[int], check: int, erasures: Sequence[int] = ()
) -> tuple[list[int], int]:
    """The corrected word and how many symbols were changed; erasures are indexes into word.

    Raises :class:`Uncorrectable` when the word is too far from every codeword to say."""
    found = syndromes(field, word, check)
    if not any(found):
        return list(word), 0
    if len(erasures) > check:
        raise Uncorrectable(f"{len(erasures)} erasures, more than {check} check symbols")
    n = len(word)
    order = field.size - 1
    erased = [field.exp[(n - 1 - index) % order] for index in erasures]
    locator = _locator(field, found, check, erased)
    degree = len(locator) - 1
    if 2 * degree - len(erasures) > check:
        raise Uncorrectable(f"about {degree} errors, more than {check} check symbols correct")
    positions = [
        index
        for index in range(n)
        if field.evaluate(locator, field.exp[(order - (n - 1 - index)) % order]) == 0
    ]
    if len(positions) != degree:
        raise Uncorrectable(f"an error locator of degree {degree} with {len(positions)} roots")
    evaluator = _multiply_polynomials(field, found, locator)[:check]
    derivative = [locator[i] if i % 2 else 0 for i in range(1, len(locator))]
    fixed = list(word)
    for index in positions:
        inverse = field.exp[(order - (n - 1 - index)) % order]
        magnitude = field.divide(
            field.evaluate(evaluator, inverse), field.evaluate(derivative, inverse)
        )
        fixed[index] ^= magnitude
    if any(syndromes(field, fixed, check)):
        raise Uncorrectable("the corrected word is still no codeword")
    return fixed, sum(1 for a, b in zip(fixed, word, strict=True) if a != b)
