"""Hypothesis strategies that build small, valid scenarios as plain dicts.

``scenario_dicts()`` draws a scenario the way a modeller would write it in YAML: 2-6 actors,
1-5 issues, 1-4 meetings mixing negotiations and consultations (at least one negotiation, every
issue on some negotiation's table, the chair rotating or one of the participants), positions
and saliences (every actor caring about at least one issue), optional red lines on the right
side of the position, optional military options and blocs, both settlement modes, and numbers
that are sometimes distributions (``{normal: [m, sd]}``, ``{uniform: [lo, hi]}``,
``{triangular: [lo, mode, hi]}``, ``{beta: [a, b]}``) inside the field's bounds. Every stance
carries a ``source`` or an ``assumption``.

The dicts are validated without files by ``build`` (``Scenario.model_validate`` and the loader's
cross-checks, which a valid scenario must pass with no finding), or written to YAML with
``write_yaml`` and read back by ``sim.scenario.load_scenario``. ``to_yaml`` gives the text to
paste into a bug report when a property fails.

Numbers are drawn on a 0.01 grid so failing examples read well, and red lines keep a margin of
at least 0.01 from the position's central value, so float rounding in the cross-check can never
turn a valid draw into an invalid one.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML

from sim.scenario.checks import cross_check
from sim.scenario.schema import Scenario

# Field bounds, as the schema declares them.
POSITION = (0.0, 100.0)
UNIT = (0.0, 1.0)
CAPABILITY = (0.001, 100.0)
PATIENCE = (0.5, 1.0)
BELIEF_NOISE = (0.0, 50.0)
WEIGHT = (0.0, 5.0)  # the tension weights
BREAKDOWN_RATE = (0.0, 10.0)
WAR_RATE = (0.0, 50.0)

KINDS = ("number", "normal", "uniform", "triangular", "beta")
BLOCS = ("west", "east")
MARGIN = 0.01  # red lines stay at least this far (in central value) from the position

Bounds = tuple[float, float]


def _grid(lo: float, hi: float) -> st.SearchStrategy[int]:
    """Integers i with lo <= i / 100 <= hi."""
    return st.integers(math.ceil(round(lo * 100, 6)), math.floor(round(hi * 100, 6)))


def grid_number(lo: float, hi: float) -> st.SearchStrategy[float]:
    """A number on the 0.01 grid inside [lo, hi]."""
    return _grid(lo, hi).map(lambda i: i / 100)


def central(raw: Any, field: Bounds) -> float:
    """The value the cross-checks use for a number or a distribution (its mean)."""
    if isinstance(raw, int | float):
        return float(raw)
    ((kind, args),) = raw.items()
    if kind == "normal":
        return float(args[0])
    if kind == "uniform":
        return (args[0] + args[1]) / 2
    if kind == "triangular":
        return sum(args) / 3
    lo, hi = field
    return lo + (hi - lo) * args[0] / (args[0] + args[1])


@st.composite
def values(
    draw: st.DrawFn,
    field: Bounds,
    lo: float | None = None,
    hi: float | None = None,
    dists: bool = True,
) -> Any:
    """A number or a distribution valid for ``field``, whose central value lies in [lo, hi].

    Uniform and triangular ranges lie inside [lo, hi] too; a normal's mean and a beta's mean
    (a beta spans the whole field) lie in [lo, hi]. ``lo``/``hi`` default to the field's bounds.
    """
    lo = field[0] if lo is None else lo
    hi = field[1] if hi is None else hi
    grid = _grid(lo, hi)
    kind = draw(st.sampled_from(KINDS)) if dists else "number"
    first, last = math.ceil(round(lo * 100, 6)), math.floor(round(hi * 100, 6))
    if kind in ("uniform", "triangular") and last - first < 2:
        kind = "number"
    if kind == "number":
        return draw(grid) / 100
    if kind == "normal":
        width = field[1] - field[0]
        sd = draw(grid_number(0.01, max(0.01, width / 4)))
        return {"normal": [draw(grid) / 100, sd]}
    if kind == "uniform":
        a, b = sorted(draw(st.lists(grid, min_size=2, max_size=2, unique=True)))
        return {"uniform": [a / 100, b / 100]}
    if kind == "triangular":
        a, c = sorted(draw(st.lists(grid, min_size=2, max_size=2, unique=True)))
        mode = draw(st.integers(a, c))
        return {"triangular": [a / 100, mode / 100, c / 100]}
    # beta: choose its mean inside [lo, hi] (strictly inside the field) and a concentration.
    width = field[1] - field[0]
    m_lo = max((lo - field[0]) / width, 0.01)
    m_hi = min((hi - field[0]) / width, 0.99)
    if m_lo > m_hi:
        return draw(grid) / 100
    mean = draw(st.floats(m_lo, m_hi, allow_nan=False, allow_infinity=False))
    concentration = draw(st.sampled_from([1.0, 2.0, 5.0, 20.0]))
    return {"beta": [mean * concentration, (1 - mean) * concentration]}


def basis() -> st.SearchStrategy[dict[str, str]]:
    """Where a number comes from: a source, an assumption, or both."""
    return st.sampled_from(
        [
            {"assumption": "generated for a property test"},
            {"source": "generated"},
            {"source": "generated", "assumption": "and assumed"},
        ]
    )


@st.composite
def red_line(draw: st.DrawFn, position: Any) -> dict[str, Any] | None:
    """An optional red line on the correct side of the position (by central values)."""
    x = central(position, POSITION)
    sides = []
    if x - MARGIN >= POSITION[0]:
        sides.append("at_least")
    if x + MARGIN <= POSITION[1]:
        sides.append("at_most")
    side = draw(st.sampled_from([None, *sides]))
    if side is None:
        return None
    if side == "at_least":
        bound = draw(values(POSITION, POSITION[0], x - MARGIN))
    else:
        bound = draw(values(POSITION, x + MARGIN, POSITION[1]))
    return {side: bound, **draw(basis())}


@st.composite
def stance(draw: st.DrawFn, cares: bool) -> dict[str, Any]:
    """An actor's view of one issue; ``cares`` forces a salience whose mean is above 0."""
    position = draw(values(POSITION))
    salience = draw(values(UNIT, 0.05 if cares else 0.0, 1.0))
    out: dict[str, Any] = {"position": position, "salience": salience, **draw(basis())}
    rl = draw(red_line(position))
    if rl is not None:
        out["red_line"] = rl
    return out


@st.composite
def actor(draw: st.DrawFn, index: int, issue_ids: list[str]) -> dict[str, Any]:
    """One actor with stances on a non-empty subset of the issues."""
    on = draw(
        st.lists(st.sampled_from(issue_ids), min_size=1, max_size=len(issue_ids), unique=True)
    )
    main = draw(st.sampled_from(on))
    out: dict[str, Any] = {
        "id": f"actor{index}",
        "name": f"Actor {index}",
        "capability": draw(values(CAPABILITY)),
        "flexibility": draw(values(UNIT)),
        "patience": draw(values(PATIENCE)),
        "dialogue": draw(values(UNIT)),
        "stances": {k: draw(stance(cares=k == main)) for k in sorted(on, key=issue_ids.index)},
    }
    if draw(st.booleans()):
        out["bloc"] = draw(st.sampled_from(BLOCS))
    if draw(st.booleans()):
        out["war_cost"] = draw(values(UNIT))
    if draw(st.integers(0, 3)) == 0:
        mo: dict[str, Any] = {
            "p_win": draw(values(UNIT)),
            "cost": draw(values(UNIT)),
            **draw(basis()),
        }
        if draw(st.booleans()):
            mo["signal"] = draw(values(UNIT))
        out["military_option"] = mo
    if draw(st.booleans()):
        out["assumption"] = "actor-level values generated"
    return out


@st.composite
def meetings(
    draw: st.DrawFn, actor_ids: list[str], issue_ids: list[str], max_meetings: int = 4
) -> list[dict[str, Any]]:
    """1-4 meetings, at least one a negotiation; every issue on some negotiation's table."""
    count = draw(st.integers(1, max_meetings))
    kinds = draw(
        st.lists(st.sampled_from(["negotiation", "consultation"]), min_size=count, max_size=count)
    )
    kinds[draw(st.integers(0, count - 1))] = "negotiation"
    negotiations = [m for m, kind in enumerate(kinds) if kind == "negotiation"]
    tables: dict[int, list[str]] = {
        m: draw(st.lists(st.sampled_from(issue_ids), max_size=len(issue_ids), unique=True))
        for m in negotiations
    }
    for issue in issue_ids:  # every issue on some negotiation's table
        if not any(issue in table for table in tables.values()):
            tables[draw(st.sampled_from(negotiations))].append(issue)
    for table in tables.values():  # every negotiation with something on its table
        if not table:
            table.append(draw(st.sampled_from(issue_ids)))
    dated = draw(st.booleans())
    day = dt.date(2024, 1, 1)
    out = []
    for m, kind in enumerate(kinds):
        parts = draw(
            st.lists(st.sampled_from(actor_ids), min_size=2, max_size=len(actor_ids), unique=True)
        )
        meeting: dict[str, Any] = {
            "id": f"meeting{m}",
            "name": f"Meeting {m}",
            "kind": kind,
            "participants": parts,
            "chair": draw(st.sampled_from(["rotate", *parts])),
            "rounds": draw(st.integers(1, 3)),
        }
        if kind == "negotiation":
            meeting["issues"] = sorted(tables[m], key=issue_ids.index)
            if draw(st.integers(0, 3)) == 0:
                meeting["rule"] = draw(
                    st.lists(st.sampled_from(parts), min_size=1, max_size=len(parts), unique=True)
                )
            elif draw(st.booleans()):
                meeting["rule"] = "all"
        if dated:
            day += dt.timedelta(days=draw(st.integers(0, 10)))
            meeting["date"] = day
        out.append(meeting)
    return out


@st.composite
def settings(draw: st.DrawFn, negotiation_ids: list[str]) -> dict[str, Any]:
    """Model settings: the settlement mode always, the rest sometimes."""
    out: dict[str, Any] = {
        "settlement": draw(st.sampled_from(["issue_by_issue", "package"])),
    }
    optional = {
        "belief_noise": values(BELIEF_NOISE),
        "resolve_noise": values(UNIT),
        "learning_rate": values(UNIT),
        "bloc_cohesion": values(UNIT),
        "package_grid": st.integers(3, 41),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            out[name] = draw(strategy)
    if draw(st.booleans()):
        out["continuation"] = {
            "meeting": draw(st.sampled_from(negotiation_ids)),
            "rounds": draw(st.integers(1, 3)),
        }
    if draw(st.booleans()):
        tension_fields = {
            "initial": values(UNIT),
            "adjustment": values(UNIT),
            "gap_weight": values(WEIGHT),
            "signal_weight": values(WEIGHT),
            "deadline_weight": values(WEIGHT),
            "dialogue_relief": values(WEIGHT),
            "settlement_relief": values(WEIGHT),
            "breakdown_rate": values(BREAKDOWN_RATE),
            "war_rate": values(WAR_RATE),
        }
        chosen = draw(st.lists(st.sampled_from(sorted(tension_fields)), unique=True))
        out["tension"] = {name: draw(tension_fields[name]) for name in sorted(chosen)}
    return out


@st.composite
def scenario_dicts(
    draw: st.DrawFn, max_actors: int = 6, max_issues: int = 5, max_meetings: int = 4
) -> dict[str, Any]:
    """A valid scenario as the plain dict a YAML file would hold."""
    n_issues = draw(st.integers(1, max_issues))
    n_actors = draw(st.integers(2, max_actors))
    issue_ids = [f"issue{k}" for k in range(n_issues)]
    actor_ids = [f"actor{i}" for i in range(n_actors)]
    issues = []
    for k, issue_id in enumerate(issue_ids):
        issue: dict[str, Any] = {
            "id": issue_id,
            "name": f"Issue {k}",
            "low": "nothing",
            "high": "everything",
            "status_quo": draw(values(POSITION)),
        }
        if draw(st.booleans()):
            issue["source"] = "generated"
        issues.append(issue)
    actors = [draw(actor(i, issue_ids)) for i in range(n_actors)]
    agenda = draw(meetings(actor_ids, issue_ids, max_meetings))
    negotiation_ids = [m["id"] for m in agenda if m["kind"] == "negotiation"]
    return {
        "id": "generated",
        "title": "A generated scenario",
        "notes": {"what_it_is": "A scenario drawn by hypothesis for the property tests."},
        "settings": draw(settings(negotiation_ids)),
        "issues": issues,
        "actors": actors,
        "meetings": agenda,
    }


# ---- from dict to scenario -------------------------------------------------------------------
def build(data: dict[str, Any]) -> Scenario:
    """Validate a scenario dict without a file: the schema, then the loader's cross-checks."""
    scenario = Scenario.model_validate(data)
    findings = cross_check(scenario)
    if findings:
        raise AssertionError(f"the strategy drew an invalid scenario: {findings}")
    return scenario


def to_yaml(data: dict[str, Any]) -> str:
    """The scenario as YAML text (what a bug report shows)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 100
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def write_yaml(data: dict[str, Any], path: Path) -> Path:
    """Write the scenario to ``path`` as YAML, for ``load_scenario``."""
    path.write_text(to_yaml(data), encoding="utf-8")
    return path
