"""Budgets a small valid file must not be able to blow through: checked before work starts.

Each limit is generous for a real crisis (the bundled ones have at most 6 actors, 6 issues and
12 meetings) and refuses what would take minutes or gigabytes. Each can be raised through an
environment variable that the message names, for the rare study that needs more.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """One budget: its default, the environment variable that raises it, and its unit."""

    name: str
    default: int
    env: str
    unit: str

    @property
    def value(self) -> int:
        raw = os.environ.get(self.env, "").strip().replace("_", "")
        try:
            return max(1, int(raw)) if raw else self.default
        except ValueError:
            return self.default

    def exceeded(self, found: int, at_least: bool = False) -> str:
        """The message for ``found`` over the limit: which limit, and how to raise it."""
        return (
            f"{'at least ' if at_least else ''}{found:,} {self.unit}, more than the limit of "
            f"{self.value:,}; set the environment variable {self.env} to raise it"
        )


FILE_BYTES = Limit("file size", 1_000_000, "NEGSIM_MAX_FILE_BYTES", "bytes")
ACTORS = Limit("actors", 100, "NEGSIM_MAX_ACTORS", "actors")
ISSUES = Limit("issues", 100, "NEGSIM_MAX_ISSUES", "issues")
MEETINGS = Limit("meetings", 500, "NEGSIM_MAX_MEETINGS", "meetings")
ROUNDS = Limit("rounds", 2_000, "NEGSIM_MAX_ROUNDS", "rounds")
MEMORY_MB = Limit("memory", 4_000, "NEGSIM_MAX_MEMORY_MB", "MB")

SECTIONS = {"actors": ACTORS, "issues": ISSUES, "meetings": MEETINGS}


class BudgetError(Exception):
    """Work that would exceed a budget: refused before it starts (exit 2)."""
