"""Reading DEU-format data (Thomson et al. 2006; DEU III, Arregui and Perarnaud 2021).

The format: tab-separated, a header naming the columns on line 1, each actor's GDP share on
line 2 (a row with no proposal number), then one issue per line with each actor's position and
salience on the issue's 0-100 scale, the reference point ``rp`` and the outcome ``out``. A file
that is not in this format stops the import (``DataFormatError``); a row that cannot be scored
is kept out with a warning (``Skipped``), so one bad row never hides the rest.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import DataFormatError, Skipped


def _actor_names() -> dict[str, str]:
    """The DEU actor codes in the data's column order, and their names (deu_actors.csv)."""
    text = resources.files(__package__).joinpath("deu_actors.csv").read_text(encoding="utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(text.splitlines())}


ACTOR_NAMES = _actor_names()
INSTITUTIONS = ("com", "ep")
STATES = tuple(a for a in ACTOR_NAMES if a not in INSTITUTIONS)
REQUIRED = ("prnrnmc", "isnrnmc", "prnr", "prname", "isnr", "proc", "counvte", "rp", "out")
REQUIRED += ("pcom", "scom", "pep", "sep")
MIN_SCORED_ACTORS = 3


@dataclass
class DeuIssue:
    """One issue row: the coded actors' positions and saliences (both on 0-100)."""

    line: int
    proposal: int
    issue: int
    prnr: str
    prname: str
    isnr: str
    procedure: str  # COD or CNS
    voting: str  # QMV or Unan
    council: str
    kind: str  # Reg, Dir or Dec
    intro: dt.date | None
    final_act: dt.date | None
    positions: dict[str, float]
    saliences: dict[str, float]  # for the actors in positions
    reference_point: float | None
    outcome: float | None

    @property
    def scoreable(self) -> bool:
        return self.outcome is not None and len(self.positions) >= MIN_SCORED_ACTORS


@dataclass
class DeuData:
    """A DEU file read: the GDP shares, the readable issues and what was skipped."""

    path: Path
    gdp: dict[str, float]
    issues: list[DeuIssue]
    skipped: list[Skipped] = field(default_factory=list)

    def proposals(self) -> list[int]:
        return list(dict.fromkeys(i.proposal for i in self.issues))

    def proposal_issues(self, proposal: int) -> list[DeuIssue]:
        return [i for i in self.issues if i.proposal == proposal]

    def scored(self) -> list[DeuIssue]:
        return [i for i in self.issues if i.scoreable]


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})$")


def parse_date(text: str) -> dt.date | None:
    """A DEU date, or None when blank, ``999`` or impossible.

    Dates are written ``dd-mm-yy`` or ``dd-mm-yyyy``; some went through a spreadsheet that
    read ``dd-mm-yy`` as ``yy-mm-dd`` and wrote ``20dd-mm-yy`` (``1930-05-01`` is 30 May 2001):
    the four-digit-first form is read back that way, the only reading that gives dates inside
    the data set's 1996-2019 span for every such value in the development file.
    """
    text = text.strip()
    if m := _ISO.match(text):
        day, month, year = int(m[1]) % 100, int(m[2]), int(m[3])
    elif m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    else:
        return None
    if year < 100:
        year += 2000 if year < 50 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _number(text: str) -> float | None:
    """A finite number, or None for text that is not one (blank is handled by the caller)."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_deu(path: Path | str) -> DeuData:
    """Read a DEU-format file; raises ``DataFormatError`` if it is not one."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(path, 1, "(file)", f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise DataFormatError(path, 1, "(file)", f"cannot be read ({exc.strerror})") from None
    lines = text.splitlines()
    if not lines or "\t" not in lines[0]:
        raise DataFormatError(
            path, 1, "(header)", "not tab-separated: the DEU format has one tab between columns"
        )
    rows = list(csv.reader(lines, delimiter="\t"))
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataFormatError(path, 1, missing[0], "required column missing" + _others(missing[1:]))
    col = {name: i for i, name in enumerate(header)}
    actors = [a for a in ACTOR_NAMES if f"p{a}" in col and f"s{a}" in col]
    for a in ACTOR_NAMES:
        if (f"p{a}" in col) != (f"s{a}" in col):
            have, lack = (f"p{a}", f"s{a}") if f"p{a}" in col else (f"s{a}", f"p{a}")
            raise DataFormatError(path, 1, lack, f"required column missing (beside {have})")
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header) and any(v.strip() for v in row):
            raise DataFormatError(
                path,
                n,
                "(row)",
                f"{len(row)} tab-separated fields where the header has {len(header)}",
            )
    body = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(v.strip() for v in r)]
    if not body or body[0][1][col["prnrnmc"]].strip():
        raise DataFormatError(
            path, 2, "prnrnmc", "line 2 must be the GDP-share row (no proposal number)"
        )
    gdp = _gdp(path, body[0], actors, col)
    data = DeuData(path, gdp, [])
    for n, row in body[1:]:
        issue = _issue(n, row, actors, col, data.skipped)
        if issue is not None:
            data.issues.append(issue)
    return data


def _others(names: list[str]) -> str:
    return f" (also missing: {', '.join(names)})" if names else ""


def _gdp(path: Path, numbered: tuple[int, list[str]], actors, col) -> dict[str, float]:
    n, row = numbered
    gdp = {}
    for a in actors:
        value = _number(row[col[f"p{a}"]])
        if value is None or value <= 0:
            got = row[col[f"p{a}"]].strip() or "blank"
            raise DataFormatError(path, n, f"p{a}", f"GDP share must be a positive number ({got})")
        gdp[a] = value
    return gdp


def _issue(n, row, actors, col, skipped: list[Skipped]) -> DeuIssue | None:
    def cell(name: str) -> str:
        return row[col[name]].strip() if name in col else ""

    prop, iss = cell("prnrnmc"), cell("isnrnmc")

    def skip(column: str, reason: str) -> None:
        skipped.append(Skipped(n, prop, iss, column, reason))

    if not (prop.isdigit() and iss.isdigit()):
        skip("prnrnmc", f"proposal and issue numbers must be whole numbers ({prop!r}, {iss!r})")
        return None
    positions, saliences, unsalient = {}, {}, []
    for a in actors:
        p, s = cell(f"p{a}"), cell(f"s{a}")
        if not p:
            continue  # not coded (a salience alone is the coders' 0 for an uncoded actor)
        x = _number(p)
        if x is None or not 0 <= x <= 100:
            skip(f"p{a}", f"position {p!r} is not a number from 0 to 100; issue not scored")
            return None
        if not s:
            unsalient.append(a)
            continue
        w = _number(s)
        if w is None or not 0 <= w <= 100:
            skip(f"s{a}", f"salience {s!r} is not a number from 0 to 100; issue not scored")
            return None
        positions[a], saliences[a] = x, w
    if unsalient:
        skip(
            ", ".join(f"s{a}" for a in unsalient),
            "a position without a salience; left out of this issue: " + ", ".join(unsalient),
        )
    values = {}
    for name in ("rp", "out"):
        text = cell(name)
        values[name] = _number(text) if text else None
        if text and (values[name] is None or not 0 <= values[name] <= 100):
            skip(name, f"{text!r} is not a number from 0 to 100; issue not scored")
            return None
    if cell("counvte") not in ("QMV", "Unan"):
        skip("counvte", f"voting rule {cell('counvte')!r} is neither QMV nor Unan; not scored")
        return None
    if len(positions) < 2:
        skip("(row)", f"{len(positions)} actor(s) with a position and a salience; not scored")
        return None
    issue = DeuIssue(
        line=n,
        proposal=int(prop),
        issue=int(iss),
        prnr=cell("prnr"),
        prname=cell("prname"),
        isnr=cell("isnr"),
        procedure=cell("proc").upper(),
        voting=cell("counvte"),
        council=cell("council"),
        kind=cell("type"),
        intro=parse_date(cell("intro")),
        final_act=parse_date(cell("finact")),
        positions=positions,
        saliences=saliences,
        reference_point=values["rp"],
        outcome=values["out"],
    )
    if issue.outcome is None:
        skip("out", "no outcome coded; in the scenario but not scored")
    elif not issue.scoreable:
        skip(
            "(row)",
            f"{len(positions)} actors with a position and a salience (at least "
            f"{MIN_SCORED_ACTORS} needed to score); in the scenario but not scored",
        )
    return issue
