"""System packages some tests need: present in CI (.ci/run installs them), maybe not on a laptop.

On a developer's machine without them such a test skips with the reason; in CI (CI=true) it
fails instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

OCRB_FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")


def require(condition: bool, package: str) -> None:
    """Skip (or, in CI, fail) unless ``condition``; ``package`` says what to install."""
    if condition:
        return
    message = f"needs the system package {package} (apt-get install {package})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: .ci/run should have installed it")
    pytest.skip(message)


def cairosvg():  # type: ignore[no-untyped-def]
    """The cairosvg module, whose import needs the system's libcairo."""
    try:
        import cairosvg as module
    except OSError:
        require(False, "libcairo2")
    return module


def unavailable(message: str) -> None:
    """A service the tests need is not running: skip here, fail in CI (which runs it)."""
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI runs this service, so the tests must reach it")
    pytest.skip(message)


def free_port() -> int:
    """A loopback port nothing listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 30) -> None:
    """Return once something listens on the loopback ``port``; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")
