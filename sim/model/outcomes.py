"""The five ways a run of talks can end (DESIGN section 2)."""

from __future__ import annotations

OUTCOMES: tuple[str, ...] = (
    "agreement",
    "partial_agreement",
    "stalemate",
    "breakdown",
    "armed_conflict",
)
AGREEMENT, PARTIAL, STALEMATE, BREAKDOWN, ARMED_CONFLICT = range(5)
ONGOING = -1
