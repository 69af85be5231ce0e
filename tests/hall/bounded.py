"""What the bounded-work tests (test_bounded_*.py) measure: the time and the peak memory of
refusing a costly input, held to a generous budget (a bound, not a benchmark)."""

from __future__ import annotations

import resource
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MB = 2**20


@dataclass
class Cost:
    seconds: float = 0.0
    #: The peak of Python's own allocations (tracemalloc) while it ran.
    peak_bytes: int = 0
    #: The peak resident size of the children it waited for (a renderer's process), if any ran.
    child_peak_bytes: int = 0

    def within(self, seconds: float, peak_bytes: int) -> bool:
        return self.seconds < seconds and max(self.peak_bytes, self.child_peak_bytes) < peak_bytes


@contextmanager
def measured() -> Iterator[Cost]:
    """The cost of what runs inside. A child's peak is getrusage's largest child so far: a bound
    of the one that ran here (tests that spawn none leave it at what it was)."""
    cost = Cost()
    children_before = _children_peak()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - started
        cost.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        after = _children_peak()
        cost.child_peak_bytes = after if after != children_before else 0


def _children_peak() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kB on Linux
