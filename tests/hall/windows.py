"""The rate limits count fixed clock minutes (hall.core.limits): a test that spends a whole
minute's allowance and then expects a refusal must do it inside one window, or the count starts
again half-way and the refusal never comes."""

from __future__ import annotations

import time

from hall.core.limits import WINDOW_SECONDS


def start_early_in_a_window(needed: float = 30.0) -> None:
    """Wait for the next window when fewer than ``needed`` seconds are left of this one."""
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    if left < needed:
        time.sleep(left + 0.5)
