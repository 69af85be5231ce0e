"""Money as the hall keeps it, integer fen, and as providers and people write it, yuan."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def yuan_to_fen(text: str) -> int:
    """``"1280.00"`` -> 128000; at most two decimals, never negative (providers write yuan)."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    fen = amount * 100
    if not amount.is_finite() or fen != fen.to_integral_value() or amount < 0:
        raise ValueError(f"not an amount in yuan and fen: {text!r}")
    return int(fen)


def fen_to_yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
