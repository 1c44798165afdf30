"""Where results came from: the versions and the commit a manifest records.

A manifest must say what produced a folder: the package versions and, when negsim runs from a
git checkout, the exact commit (marked ``+modified`` when ``sim/`` has uncommitted edits), so
"0.1.0" alone never stands for whatever the code was that day.
"""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path


def _git_commit() -> str | None:
    """The commit negsim runs from when it runs from a git checkout ("+modified" if edited).

    Only the checkout negsim itself lives in (its folder holds ``.git``), never one that
    merely encloses an installed copy.
    """
    import subprocess

    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", "-C", str(root), *args],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.strip()

        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", "sim")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}+modified" if dirty else commit


def versions() -> dict[str, str]:
    """The versions of negsim and what it rests on (and negsim's commit, when known)."""

    def v(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"

    found = {
        "negsim": v("negsim"),
        "numpy": v("numpy"),
        "pandas": v("pandas"),
        "mesa": v("mesa"),
        "python": platform.python_version(),
    }
    commit = _git_commit()
    if commit:
        found["negsim_commit"] = commit
    return found
