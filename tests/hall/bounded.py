"""What the bounded-work tests (test_bounded_*.py) measure: the time and the peak memory of
refusing a costly input, held to a generous budget (a bound, not a benchmark)."""

from __future__ import annotations

import re
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MB = 2**20
STATUS = Path("/proc/self/status")


@dataclass
class Cost:
    seconds: float = 0.0
    #: The peak of the memory it took: Python's allocations (tracemalloc), or, for work done
    #: outside Python (Pillow, zxing-cpp), how far the process's resident size rose.
    peak_bytes: int = 0
    #: The PDF renderer's own peak, as it reported it (a process of its own).
    child_peak_bytes: int = 0

    def within(self, seconds: float, peak_bytes: int) -> bool:
        return self.seconds < seconds and max(self.peak_bytes, self.child_peak_bytes) < peak_bytes


@contextmanager
def measured(*, native: bool = False) -> Iterator[Cost]:
    """The cost of what runs inside. ``native``: the work allocates outside Python, which
    tracemalloc does not see, so the resident size is measured instead (Linux: its peak reset
    first; tracemalloc's own bookkeeping would count in it, so it is off)."""
    cost = Cost()
    rss_before = _reset_peak_rss() if native else 0
    if not native:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - started
        if native:
            cost.peak_bytes = max(0, _status("VmHWM") - rss_before)
        else:
            cost.peak_bytes = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()


def _reset_peak_rss() -> int:
    """The resident size now, its recorded peak reset to it (Linux's clear_refs)."""
    (STATUS.parent / "clear_refs").write_text("5")
    return _status("VmRSS")


def _status(field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    assert found is not None, field
    return int(found.group(1)) * 1024
