"""Analysis of results tables: outcome shares and intervals, comparisons."""

from .compare import outcome_differences, pairing_note, pairing_notes, shared_draws
from .impossible import impossible_outcomes, unsettleable_issues
from .intervals import newcombe, paired_difference, wilson
from .summary import positions_summary, rounds_summary, shares_table, summarize

__all__ = [
    "impossible_outcomes",
    "newcombe",
    "outcome_differences",
    "paired_difference",
    "pairing_note",
    "pairing_notes",
    "positions_summary",
    "rounds_summary",
    "shared_draws",
    "shares_table",
    "summarize",
    "unsettleable_issues",
    "wilson",
]
