"""Reed-Solomon error correction over GF(256), as the 2D symbologies use it, for counting the
errors a symbol's blocks hold (ISO/IEC 15415's unused error correction).

Each symbology fixes the field's primitive polynomial and the generator's first root: QR Code
0x11D with roots α^0 … α^(d-1) (ISO/IEC 18004:2015 §7.5.2), Data Matrix ECC 200 0x12D with
roots α^1 … α^d (ISO/IEC 16022:2006 §5.7). A block is a list of codewords, the first the
coefficient of the highest power. :func:`correct` finds the errors by Berlekamp-Massey, Chien
search and Forney's formula, and says how many there were.

>>> field = Field(0x12D, first_root=1)
>>> block = field.encode([142, 164, 186], 5)
>>> block
[142, 164, 186, 114, 25, 5, 88, 102]
>>> damaged = block.copy(); damaged[1] ^= 0x55
>>> field.correct(damaged)
([142, 164, 186, 114, 25, 5, 88, 102], 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Field", "Uncorrectable"]


class Uncorrectable(Exception):
    """A block holds more errors than its error correction can correct."""


@dataclass(frozen=True)
class Field:
    """GF(256) built on ``primitive`` and the generator polynomial's ``first_root``."""

    primitive: int
    first_root: int
    exp: tuple[int, ...] = field(init=False, repr=False)
    log: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        exp, log, value = [0] * 512, [0] * 256, 1
        for power in range(255):
            exp[power], log[value] = value, power
            value <<= 1
            if value & 0x100:
                value ^= self.primitive
        for power in range(255, 512):  # doubled, so a sum of two logs needs no modulo
            exp[power] = exp[power - 255]
        object.__setattr__(self, "exp", tuple(exp))
        object.__setattr__(self, "log", tuple(log))

    def mul(self, a: int, b: int) -> int:
        return 0 if a == 0 or b == 0 else self.exp[self.log[a] + self.log[b]]

    def inverse(self, a: int) -> int:
        return self.exp[255 - self.log[a]]

    def power(self, exponent: int) -> int:
        return self.exp[exponent % 255]

    def evaluate(self, polynomial: list[int], x: int) -> int:
        """A polynomial, highest power first, at ``x`` (Horner)."""
        total = 0
        for coefficient in polynomial:
            total = self.mul(total, x) ^ coefficient
        return total

    def encode(self, data: list[int], ec_count: int) -> list[int]:
        """``data`` followed by its ``ec_count`` error correction codewords."""
        generator = [1]
        for root in range(self.first_root, self.first_root + ec_count):
            generator = _times_linear(self, generator, self.power(root))
        remainder = [*data, *([0] * ec_count)]
        for at in range(len(data)):
            factor = remainder[at]
            if factor:
                for offset, coefficient in enumerate(generator):
                    remainder[at + offset] ^= self.mul(coefficient, factor)
        return [*data, *remainder[len(data) :]]

    def syndromes(self, block: list[int], ec_count: int) -> list[int]:
        roots = range(self.first_root, self.first_root + ec_count)
        return [self.evaluate(block, self.power(root)) for root in roots]

    def correct(self, block: list[int], ec_count: int | None = None) -> tuple[list[int], int]:
        """The block corrected and the number of codewords in error; :class:`Uncorrectable`
        when there are more than it can correct. ``ec_count`` defaults to 5 (tests)."""
        count = 5 if ec_count is None else ec_count
        syndromes = self.syndromes(block, count)
        if not any(syndromes):
            return list(block), 0
        locator = _berlekamp_massey(self, syndromes)
        positions = _chien(self, locator, len(block))
        if len(positions) != len(locator) - 1 or 2 * len(positions) > count:
            raise Uncorrectable  # beyond 2e <= d a nearest codeword is no longer unique
        corrected = list(block)
        for position, magnitude in _forney(self, syndromes, locator, positions, len(block)):
            corrected[position] ^= magnitude
        if any(self.syndromes(corrected, count)):  # pragma: no cover - a guard, never seen
            raise Uncorrectable
        return corrected, len(positions)


def _times_linear(gf: Field, polynomial: list[int], root: int) -> list[int]:
    """``polynomial`` × (x - root), highest power first."""
    result = [*polynomial, 0]
    for at, coefficient in enumerate(polynomial):
        result[at + 1] ^= gf.mul(coefficient, root)
    return result


def _berlekamp_massey(gf: Field, syndromes: list[int]) -> list[int]:
    """The error locator Λ(x), lowest power first (Λ0 = 1)."""
    locator, previous = [1], [1]
    length, shift, last_discrepancy = 0, 1, 1
    for step, syndrome in enumerate(syndromes):
        discrepancy = syndrome
        for index in range(1, length + 1):
            discrepancy ^= gf.mul(locator[index], syndromes[step - index])
        if discrepancy == 0:
            shift += 1
            continue
        scale = gf.mul(discrepancy, gf.inverse(last_discrepancy))
        adjusted = locator + [0] * max(0, len(previous) + shift - len(locator))
        for index, coefficient in enumerate(previous):
            adjusted[index + shift] ^= gf.mul(scale, coefficient)
        if 2 * length <= step:
            previous, length, last_discrepancy, shift = locator, step + 1 - length, discrepancy, 1
        else:
            shift += 1
        locator = adjusted
    return locator[: length + 1]


def _chien(gf: Field, locator: list[int], size: int) -> list[int]:
    """The block positions (0 = first codeword) where Λ(X⁻¹) = 0, X = α^(size - 1 - position)."""
    positions = []
    for position in range(size):
        inverse = gf.power(-(size - 1 - position))
        total = 0
        for power, coefficient in enumerate(locator):
            total ^= gf.mul(coefficient, gf.power(gf.log[inverse] * power) if inverse else 0)
        if total == 0:
            positions.append(position)
    return positions


def _forney(gf: Field, syndromes: list[int], locator: list[int], positions: list[int],
            size: int) -> list[tuple[int, int]]:  # fmt: skip
    """Each error's position and magnitude: e = X^(1 - first root) Ω(X⁻¹) / Λ'(X⁻¹)."""
    evaluator = [0] * len(syndromes)  # Ω = S(x) Λ(x) mod x^d, lowest power first
    for i, syndrome in enumerate(syndromes):
        for j, coefficient in enumerate(locator):
            if i + j < len(syndromes):
                evaluator[i + j] ^= gf.mul(syndrome, coefficient)
    found = []
    for position in positions:
        x = gf.power(size - 1 - position)
        x_inverse = gf.inverse(x)
        omega = _low_first(gf, evaluator, x_inverse)
        derivative = _low_first(gf, [c if k % 2 else 0 for k, c in enumerate(locator)][1:],
                                x_inverse)  # fmt: skip
        if derivative == 0:  # pragma: no cover - distinct roots never give a zero Λ'
            raise Uncorrectable
        scale = gf.power((1 - gf.first_root) * gf.log[x])
        found.append((position, gf.mul(scale, gf.mul(omega, gf.inverse(derivative)))))
    return found


def _low_first(gf: Field, polynomial: list[int], x: int) -> int:
    """A polynomial, lowest power first, at ``x``."""
    total = 0
    for coefficient in reversed(polynomial):
        total = gf.mul(total, x) ^ coefficient
    return total
