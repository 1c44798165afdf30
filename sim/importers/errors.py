"""Problems with a data file, each pinned to a file, line and column.

A data file that cannot be read as its format stops the import with ``FILE:LINE: column:
problem``; a row that can be read but not scored is skipped with a warning kept in a list, so one
bad row never hides the rest of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.scenario.errors import display_path


class DataFormatError(Exception):
    """The file is not in the format asked for: nothing can be read from it safely."""

    def __init__(self, path: Path | str, line: int, column: str, problem: str):
        self.path, self.line, self.column, self.problem = Path(path), line, column, problem
        super().__init__(f"{display_path(path)}:{line}: {column}: {problem}")


@dataclass(frozen=True)
class Skipped:
    """A row (or one actor's entry in it) left out of the scoring, and why."""

    line: int
    proposal: str
    issue: str
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"proposal {self.proposal}, issue {self.issue}" if self.issue else "row"
        return f"line {self.line}: {self.column}: {self.reason} ({where})"
