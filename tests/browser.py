"""What the browser tests share: Debian's chromium, launched as this machine allows.

Playwright cannot download its own browser here, so the tests drive the system's chromium;
.ci/run installs it with apt. Under CI a missing browser fails the test (an install step is
broken); elsewhere it skips, saying why.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing(what: str) -> None:
    """Fail under CI (its install step should have provided it), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI must install it: see .ci/run)")
    pytest.skip(what)


def chromium() -> str:
    """The path of the system's chromium."""
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    missing("no chromium found (.ci/run installs Debian's chromium with apt)")
    raise AssertionError  # unreachable: missing() fails or skips
