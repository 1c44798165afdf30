"""Problems found in scenario files, each pinned to a file, line and column.

A modeller fixes a scenario from the message alone, so every problem names where it is
(``FILE:LINE:COL``), which field (a dotted path) and what was found there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a YAML file (1-based line and column, as editors count)."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        # Line 0: data that never was a file (``scenario_from_dict``), where the field path
        # alone says where the problem is.
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, in the form ``FILE:LINE:COL: field: message (got X)``."""

    location: Location
    field: str
    message: str
    got: str | None = None

    def __str__(self) -> str:
        got = f" (got {self.got})" if self.got is not None else ""
        return f"{self.location}: {self.field}: {self.message}{got}"


class ScenarioError(Exception):
    """Raised with every problem found, so one validation pass reports them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.location, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


def describe_value(value: object, limit: int = 60) -> str:
    """Show a found value briefly: long strings and containers are cut, not dumped."""
    if isinstance(value, dict):
        flow = "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
        text = (
            flow
            if len(flow) <= limit
            else "a mapping with keys " + ", ".join(map(str, list(value)[:5]))
        )
    elif isinstance(value, list):
        text = f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    elif isinstance(value, str):
        text = repr(value)
    elif value is None:
        text = "nothing (null)"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _flow(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return str(value)


def display_path(path: Path | str) -> str:
    """Paths relative to the working directory when possible, as a user typed them."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, a link loop, a NUL byte
        return str(p)
