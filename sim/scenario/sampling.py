"""Per-run draws: every random number a batch of runs uses, keyed by the quantity it is for.

Each uncertain quantity takes its uniforms from ``rng.uniforms(seed, runs, [path])`` where the
path is the quantity's scenario path (``actors.<actor id>.military_option.cost``), so run k sees
the same draw of a quantity in every scenario that has it, whatever else the scenario adds,
drops or fixes, and whether it is played alone, in a batch or on any worker. Perception errors
are keyed ``beliefs.<observer>.<observed>.<issue>`` and ``resolve.<observer>.<observed>``, the
hazards' uniforms ``hazard.war.<round>`` and ``hazard.walkout.<round>``, and the recognition of a
random chair ``hazard.chair.<round>`` (rounds from 1).

What is drawn is read from the schema, not listed here: every numeric field of Actor,
MilitaryOption, Stance, RedLine, Issue, Settings and Tension (``paths.numeric_fields``) appears
in ``Draws`` under its field name, so a field added to the schema is drawn without a change
here. The rounds of talks are deterministic functions of these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import special

from .crisis_draws import CrisisDraws, draw_crisis
from .params import Bounds, Dist, Value, sample
from .paths import numeric_fields, path_of
from .rng import uniforms
from .schema import Actor, Issue, MilitaryOption, RedLine, Scenario, Settings, Stance, Tension

# Uniforms per round, by key: war, walk-out, and which participant is recognised to propose.
HAZARD_KINDS = ("war", "walkout", "chair")
HAZARD_DRAWS = len(HAZARD_KINDS)
# The actor's own numeric fields (the model gives each agent one attribute per name), read from
# the schema: a field added to Actor is drawn and handed to the agents without a change here.
ACTOR_FIELDS = tuple(numeric_fields(Actor))


def schedule_length(sc: Scenario) -> int:
    """The most rounds a run can last: every meeting's rounds plus any continuation."""
    extra = sc.settings.continuation.rounds if sc.settings.continuation else 0
    return sum(m.rounds for m in sc.meetings) + extra


@dataclass
class Draws:
    """Everything random about a batch of runs, with the run axis first."""

    runs: np.ndarray
    actor: dict[str, np.ndarray] = field(default_factory=dict)  # name -> [R, N]
    stance: dict[str, np.ndarray] = field(default_factory=dict)  # name -> [R, N, K]
    status_quo: np.ndarray = field(default_factory=lambda: np.empty(0))  # [R, K]
    setting: dict[str, np.ndarray] = field(default_factory=dict)  # name -> [R]
    # The perception errors' standard normals as drawn, [R, P, K] and [R, P], for the ordered
    # pairs (perceiver i, perceived j), i != j, in ``pairs`` order: each actor reads its own
    # straight from here (``errors_about``), so no [R, N, N, K] copy is made to be copied again.
    belief_z: np.ndarray = field(default_factory=lambda: np.empty((0, 0, 0)))
    resolve_z: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    pairs: list[tuple[int, int]] = field(default_factory=list)
    hazard_u: np.ndarray = field(default_factory=lambda: np.empty(0))  # [R, H, 3]
    # The sampled parameters (distributions only) by scenario path: inputs.csv's columns.
    inputs: dict[str, np.ndarray] = field(default_factory=dict)  # path -> [R]
    # Ultimatums, events, boycotts and accidents (crisis_draws.py, keyed the same way).
    crisis: CrisisDraws | None = None

    def errors_about(self, i: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """By actor j, the normals [R, K] and [R] of actor i's errors about j (j != i)."""
        return {
            j: (self.belief_z[:, p], self.resolve_z[:, p])
            for p, (a, j) in enumerate(self.pairs)
            if a == i
        }

    @property
    def position_error(self) -> np.ndarray:
        """[R, N, N, K]: the normal of i's error about j's positions, zero where i == j."""
        r, n = len(self.runs), self._actors()
        out = np.zeros((r, n, n, self.belief_z.shape[-1]))
        for p, (i, j) in enumerate(self.pairs):
            out[:, i, j] = self.belief_z[:, p]
        return out

    @property
    def resolve_error(self) -> np.ndarray:
        """[R, N, N]: the normal of i's error about j's resolve, zero where i == j."""
        r, n = len(self.runs), self._actors()
        out = np.zeros((r, n, n))
        for p, (i, j) in enumerate(self.pairs):
            out[:, i, j] = self.resolve_z[:, p]
        return out

    def _actors(self) -> int:
        return next(iter(self.actor.values())).shape[1]


@dataclass(frozen=True)
class Quantity:
    """One value of the scenario, where it goes in ``Draws`` and the path its draws are keyed by."""

    path: str
    value: Value | None  # None: the field is unset (NaN)
    bounds: Bounds
    table: str  # "issue", "actor", "stance" or "setting"
    name: str
    index: tuple[int, ...]  # issue, actor, (actor, issue) or ()
    at_status_quo: bool = False  # an actor's position on an issue it has no stance on


def quantities(sc: Scenario) -> list[Quantity]:
    """Every numeric value of the scenario, in file order, with its path and destination."""
    out: list[Quantity] = []
    for k, issue in enumerate(sc.issues):
        for name, bounds in numeric_fields(Issue).items():
            value = getattr(issue, name)
            path = path_of("issues", issue.id, name)
            out.append(Quantity(path, value, bounds, "issue", name, (k,)))
    for a, actor in enumerate(sc.actors):
        base = path_of("actors", actor.id)
        for name, bounds in numeric_fields(Actor).items():
            out.append(
                Quantity(path_of(base, name), getattr(actor, name), bounds, "actor", name, (a,))
            )
        mo = actor.military_option
        for name, bounds in numeric_fields(MilitaryOption).items():
            value = getattr(mo, name) if mo is not None else 0.0
            path = path_of(base, "military_option", name)
            out.append(Quantity(path, value, bounds, "actor", name, (a,)))
        for k, issue in enumerate(sc.issues):
            st = actor.stances.get(issue.id)
            at = path_of(base, "stances", issue.id)
            for name, bounds in numeric_fields(Stance).items():
                value = getattr(st, name) if st is not None else max(bounds.low, 0.0)
                free = st is None and name == "position"
                q = Quantity(path_of(at, name), value, bounds, "stance", name, (a, k), free)
                out.append(q)
            rl = st.red_line if st is not None else None
            for name, bounds in numeric_fields(RedLine).items():
                value = getattr(rl, name) if rl is not None else None
                if value is None:  # no red line on that side: the end of the scale
                    value = bounds.low if name == "at_least" else bounds.high
                path = path_of(at, "red_line", name)
                out.append(Quantity(path, value, bounds, "stance", name, (a, k)))
    s = sc.settings
    for name, bounds in numeric_fields(Settings).items():
        path = path_of("settings", name)
        out.append(Quantity(path, getattr(s, name), bounds, "setting", name, ()))
    for name, bounds in numeric_fields(Tension).items():
        path, value = path_of("settings", "tension", name), getattr(s.tension, name)
        out.append(Quantity(path, value, bounds, "setting", f"tension_{name}", ()))
    return out


def _error_keys(sc: Scenario) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    ids, issues = [a.id for a in sc.actors], [i.id for i in sc.issues]
    n = len(ids)
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    beliefs = [path_of("beliefs", ids[i], ids[j], k) for i, j in pairs for k in issues]
    resolve = [path_of("resolve", ids[i], ids[j]) for i, j in pairs]
    return pairs, beliefs, resolve


def _hazard_keys(sc: Scenario) -> list[str]:
    rounds = range(1, schedule_length(sc) + 1)
    return [path_of("hazard", kind, t) for t in rounds for kind in HAZARD_KINDS]


def random_keys(sc: Scenario) -> dict[str, list[str]]:
    """The keys of every random quantity a run of this scenario draws, by kind.

    Two scenarios run with the same seed give run k the same draw for every key they share:
    this is what ``compare`` reports as the common random numbers of a comparison.
    """
    _, beliefs, resolve = _error_keys(sc)
    return {
        "parameters": [q.path for q in quantities(sc) if isinstance(q.value, Dist)],
        "perception errors": beliefs + resolve,
        "hazards": _hazard_keys(sc),
    }


def _by_actor(runs: int, actors: tuple[int, ...], tail: tuple[int, ...], make) -> np.ndarray:
    """A [runs, *actors, *tail] array whose memory holds the actor axes first: what each actor
    takes at the start of a batch (``[:, i]``) is then one contiguous block to copy, not a
    strided gather (its shape and values are the same either way)."""
    return np.moveaxis(make((*actors, runs, *tail)), len(actors), 0)


def draw(sc: Scenario, seed: int, runs: np.ndarray) -> Draws:
    """Draw every run's parameters, perception errors and hazard uniforms."""
    runs = np.asarray(runs, dtype=np.int64)
    r, n, k_count, h = len(runs), len(sc.actors), len(sc.issues), schedule_length(sc)
    d = Draws(runs=runs)
    plan = quantities(sc)
    tables = {"actor": d.actor, "stance": d.stance, "setting": d.setting}
    shapes = {"actor": ((n,), ()), "stance": ((n,), (k_count,)), "setting": ((), ())}
    d.status_quo = np.empty((r, k_count))
    sampled = [q for q in plan if isinstance(q.value, Dist)]
    u = uniforms(seed, runs, [q.path for q in sampled])
    for j, q in enumerate(sampled):
        d.inputs[q.path] = sample(q.value, q.bounds, u[:, j])
    # Most values are constants: they are written into one small table per field ([N, K],
    # [N] or a scalar) and broadcast over the runs once, not run axis by run axis; what
    # differs by run is written afterwards. Each cell is written by the last quantity that
    # names it, as writing them in file order would leave it.
    constants: dict[tuple[str, str], np.ndarray] = {}
    by_run: dict[tuple[str, str, tuple[int, ...]], Quantity] = {}
    for q in plan:
        if q.table == "issue":
            if q.name != "status_quo":
                continue  # no model reads another issue field yet
            dest = d.status_quo
        else:
            dest = tables[q.table].get(q.name)
            if dest is None:
                actors, tail = shapes[q.table]
                dest = tables[q.table][q.name] = _by_actor(r, actors, tail, np.empty)
                constants[q.table, q.name] = np.zeros(actors + tail)
        at = (slice(None), *q.index)
        if q.table == "issue":  # the status quo first, whole: stances without one read it
            value = np.nan if q.value is None else q.value
            dest[at] = d.inputs[q.path] if isinstance(q.value, Dist) else value
        elif q.at_status_quo or isinstance(q.value, Dist):
            by_run[q.table, q.name, q.index] = q
        else:
            by_run.pop((q.table, q.name, q.index), None)
            constants[q.table, q.name][q.index] = np.nan if q.value is None else q.value
    for (table, name), small in constants.items():
        tables[table][name][...] = small
    for q in by_run.values():
        at = (slice(None), *q.index)
        if q.at_status_quo:  # no stance: it sits at the status quo and cares nothing for it
            tables[q.table][q.name][at] = d.status_quo[:, q.index[1]]
        else:
            tables[q.table][q.name][at] = d.inputs[q.path]
    # A sampled red line on the wrong side of a sampled position is moved onto the position.
    np.minimum(d.stance["at_least"], d.stance["position"], out=d.stance["at_least"])
    np.maximum(d.stance["at_most"], d.stance["position"], out=d.stance["at_most"])

    d.pairs, belief_keys, resolve_keys = _error_keys(sc)
    z = uniforms(seed, runs, belief_keys + resolve_keys)
    special.ndtri(z, out=z)
    d.belief_z = z[:, : len(belief_keys)].reshape(r, len(d.pairs), k_count)
    d.resolve_z = z[:, len(belief_keys) :]
    d.hazard_u = uniforms(seed, runs, _hazard_keys(sc)).reshape(r, h, HAZARD_DRAWS)
    d.crisis = draw_crisis(sc, seed, runs)
    d.inputs.update(d.crisis.inputs)
    return d
