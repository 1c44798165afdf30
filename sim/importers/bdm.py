"""Reading a Bueno de Mesquita (1994) style case: one issue, one row per actor.

``Actor,Capability,Position,Salience`` (CSV, header on line 1). The case keeps its own scale in
everything shown (the issue's name and end words state it, e.g. 4-10); inside, positions are
mapped linearly onto negsim's 0-100 scale, and ``to_case_scale`` maps values back.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .deu_scenario import scenario_id
from .errors import DataFormatError

BDM_CITATION = (
    "Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In Bueno "
    "de Mesquita and Stokman (eds), European Community Decision Making, Yale University Press; "
    "as tabulated in Scholz, Calbert and Smith (2011), Journal of Theoretical Politics 23(4), "
    "510-531."
)
COLUMNS = ("Actor", "Capability", "Position", "Salience")


@dataclass(frozen=True)
class BdmActor:
    name: str
    capability: float
    position: float  # on the case's own scale
    salience: float  # 0-100


@dataclass(frozen=True)
class BdmCase:
    path: Path
    actors: list[BdmActor]
    low: float  # the case's scale, from its lowest to its highest position
    high: float

    def to_negsim(self, value: float) -> float:
        return 100 * (value - self.low) / (self.high - self.low)

    def to_case_scale(self, value: float) -> float:
        return self.low + (self.high - self.low) * value / 100


def read_bdm(path: Path | str, low: float | None = None, high: float | None = None) -> BdmCase:
    """Read the CSV; the scale runs from the lowest to the highest position unless given."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFormatError(path, 1, "(file)", f"cannot be read as text ({exc})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or len(rows[0]) < 2:
        raise DataFormatError(
            path, 1, "(header)", "not comma-separated (" + ",".join(COLUMNS) + ")"
        )
    header = [h.strip() for h in rows[0]]
    for c in COLUMNS:
        if c not in header:
            raise DataFormatError(path, 1, c, "required column missing")
    col = {c: header.index(c) for c in COLUMNS}
    actors = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(header):
            raise DataFormatError(
                path, n, "(row)", f"{len(row)} fields where the header has {len(header)}"
            )
        values = {}
        for c in COLUMNS[1:]:
            try:
                values[c] = float(row[col[c]])
            except ValueError:
                values[c] = math.nan
            if not math.isfinite(values[c]) or values[c] < 0:
                raise DataFormatError(path, n, c, f"not a non-negative number ({row[col[c]]!r})")
        if values["Salience"] > 100:
            raise DataFormatError(path, n, "Salience", "must be 0-100")
        name = row[col["Actor"]].strip()
        if not name:
            raise DataFormatError(path, n, "Actor", "blank name")
        actors.append(BdmActor(name, values["Capability"], values["Position"], values["Salience"]))
    if len(actors) < 2:
        raise DataFormatError(path, len(rows), "(rows)", "at least two actors are needed")
    xs = [a.position for a in actors]
    lo = min(xs) if low is None else low
    hi = max(xs) if high is None else high
    if not lo < hi or min(xs) < lo or max(xs) > hi:
        raise DataFormatError(path, 1, "Position", f"positions must lie on a scale {lo:g}-{hi:g}")
    return BdmCase(path, actors, lo, hi)


def bdm_scenario(case: BdmCase, status_quo: float, title: str | None = None) -> dict[str, Any]:
    """The plain scenario data of a BDM case: one issue, every actor at one table, unanimity.

    ``status_quo`` is on the case's own scale (the data code none).
    """
    name = title or case.path.stem.replace("_", " ")
    scale = f"{case.low:g}-{case.high:g}"
    ids: dict[str, str] = {}
    for a in case.actors:
        base = scenario_id(a.name)
        ids[a.name] = base if base not in ids.values() else f"{base}_{len(ids)}"
    issue = scenario_id(case.path.stem)
    return {
        "id": scenario_id(f"bdm_{case.path.stem}"),
        "title": f"{name} (Bueno de Mesquita 1994), on its original {scale} scale",
        "summary": f"A classic expected-utility case: {len(case.actors)} actors, one issue on "
        f"a {scale} scale mapped to 0-100 inside negsim.",
        "notes": {
            "what_it_is": f"The case as tabulated by Scholz et al. (2011), imported by negsim "
            f"import bdm. Positions were on a {scale} scale: 0 here is {case.low:g} and 100 is "
            f"{case.high:g} (linear).",
            "how_it_works": "Every actor sits at one table and must accept (the data code no "
            "voting rule); capability is the case's capability column.",
            "references": [BDM_CITATION],
        },
        "issues": [
            {
                "id": issue,
                "name": f"{name} (original scale {scale})",
                "low": f"{case.low:g} on the original {scale} scale (0 here)",
                "high": f"{case.high:g} on the original {scale} scale (100 here)",
                "status_quo": round(case.to_negsim(status_quo), 6),
                "assumption": f"the data code no status quo; {status_quo:g} on the {scale} "
                "scale was given to negsim import bdm --status-quo",
            }
        ],
        "actors": [
            {
                "id": ids[a.name],
                "name": a.name,
                "capability": max(a.capability, 0.001),
                "stances": {
                    issue: {
                        "position": round(case.to_negsim(a.position), 6),
                        "salience": a.salience / 100,
                        "source": f"Bueno de Mesquita (1994) via Scholz et al. (2011): position "
                        f"{a.position:g} on the {scale} scale, salience {a.salience:g}",
                    }
                },
                "source": f"capability {a.capability:g} (share of votes) from the case table",
            }
            for a in case.actors
        ],
        "meetings": [
            {
                "id": "council",
                "name": "Council negotiation",
                "participants": [ids[a.name] for a in case.actors],
                "chair": "rotate",
                "issues": [issue],
                "rounds": 10,
            }
        ],
    }
