"""Per-run draws: every random number a run uses, drawn up front from its own stream.

Run k draws only from ``SeedSequence(seed, spawn_key=(k,))`` (the stream
``SeedSequence(seed).spawn(N)[k]`` would give, without making N objects), so run k is the same
whether it is played alone, in a batch of ten or among a million, on any number of workers.
Each run draws one block of uniforms whose layout depends on the scenario alone: first the
uncertain parameters in file order, then perception errors, then the hazards' uniforms. The
rounds of talks are deterministic functions of these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import special

from .params import Bounds, Value, sample
from .schema import Scenario

POSITION = Bounds(0, 100)
UNIT = Bounds(0, 1)
# Uniforms per round: war, walk-out, and which participant is recognised to propose.
HAZARD_DRAWS = 3
ACTOR_FIELDS = (
    "capability",
    "flexibility",
    "patience",
    "dialogue",
    "war_cost",
    "aspiration",
    "time_pressure",
)


def run_streams(seed: int, runs: np.ndarray, width: int) -> np.ndarray:
    """Uniforms [len(runs), width]; row i comes from run ``runs[i]``'s own stream."""
    out = np.empty((len(runs), width))
    for i, k in enumerate(runs):
        ss = np.random.SeedSequence(seed, spawn_key=(int(k),))
        out[i] = np.random.Generator(np.random.PCG64(ss)).random(width)
    return out


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
    position_error: np.ndarray = field(default_factory=lambda: np.empty(0))  # [R, N, N, K] z
    resolve_error: np.ndarray = field(default_factory=lambda: np.empty(0))  # [R, N, N] z
    hazard_u: np.ndarray = field(default_factory=lambda: np.empty(0))  # [R, H, 3]


def draw(sc: Scenario, seed: int, runs: np.ndarray) -> Draws:
    """Draw every run's parameters, perception errors and hazard uniforms."""
    runs = np.asarray(runs, dtype=np.int64)
    r, n, k_count, h = len(runs), len(sc.actors), len(sc.issues), schedule_length(sc)
    # First pass: which values are uncertain, in file order, and where each one goes.
    plan: list[tuple[np.ndarray, tuple, Value, Bounds]] = []
    d = Draws(runs=runs)
    d.status_quo = np.empty((r, k_count))
    for name in ACTOR_FIELDS:
        d.actor[name] = np.empty((r, n))
    for name in ("p_win", "cost", "signal"):
        d.actor[name] = np.zeros((r, n))
    for name in ("position", "salience", "at_least", "at_most"):
        d.stance[name] = np.empty((r, n, k_count))

    def put(dest: np.ndarray, index: tuple, value: Value, bounds: Bounds) -> None:
        plan.append((dest, index, value, bounds))

    for k, issue in enumerate(sc.issues):
        put(d.status_quo, (slice(None), k), issue.status_quo, POSITION)
    for a, actor in enumerate(sc.actors):
        at = (slice(None), a)
        put(d.actor["capability"], at, actor.capability, Bounds(0.001, 100))
        put(d.actor["flexibility"], at, actor.flexibility, UNIT)
        put(d.actor["patience"], at, actor.patience, Bounds(0.5, 1))
        put(d.actor["dialogue"], at, actor.dialogue, UNIT)
        put(d.actor["war_cost"], at, actor.war_cost, UNIT)
        put(d.actor["aspiration"], at, actor.aspiration, UNIT)
        put(d.actor["time_pressure"], at, actor.time_pressure, UNIT)
        if (mo := actor.military_option) is not None:
            put(d.actor["p_win"], at, mo.p_win, UNIT)
            put(d.actor["cost"], at, mo.cost, UNIT)
            put(d.actor["signal"], at, mo.signal, UNIT)
        for k, issue in enumerate(sc.issues):
            at = (slice(None), a, k)
            st = actor.stances.get(issue.id)
            rl = st.red_line if st else None
            put(d.stance["position"], at, st.position if st else issue.status_quo, POSITION)
            put(d.stance["salience"], at, st.salience if st else 0.0, UNIT)
            low = rl.at_least if rl is not None and rl.at_least is not None else 0.0
            high = rl.at_most if rl is not None and rl.at_most is not None else 100.0
            put(d.stance["at_least"], at, low, POSITION)
            put(d.stance["at_most"], at, high, POSITION)
    s = sc.settings
    settings: dict[str, tuple[Value, Bounds]] = {
        "belief_noise": (s.belief_noise, Bounds(0, 50)),
        "resolve_noise": (s.resolve_noise, UNIT),
        "learning_rate": (s.learning_rate, UNIT),
        "bloc_cohesion": (s.bloc_cohesion, UNIT),
    }
    for name, info in type(s.tension).model_fields.items():
        bounds = next(m for m in info.metadata if isinstance(m, Bounds))
        settings["tension_" + name] = (getattr(s.tension, name), bounds)
    for name, (value, bounds) in settings.items():
        d.setting[name] = np.empty(r)
        put(d.setting[name], (slice(None),), value, bounds)

    # Second pass: one block of uniforms per run, then every value from its own column.
    p = sum(not isinstance(value, int | float) for _, _, value, _ in plan)
    width = p + n * n * k_count + n * n + HAZARD_DRAWS * h
    u = run_streams(seed, runs, width)
    col = 0
    for dest, index, value, bounds in plan:
        if isinstance(value, int | float):
            dest[index] = value
        else:
            dest[index] = sample(value, bounds, u[:, col])
            col += 1
    # A sampled red line on the wrong side of a sampled position is moved onto the position.
    np.minimum(d.stance["at_least"], d.stance["position"], out=d.stance["at_least"])
    np.maximum(d.stance["at_most"], d.stance["position"], out=d.stance["at_most"])

    z = special.ndtri(np.clip(u[:, p : p + n * n * k_count + n * n], 1e-12, 1 - 1e-12))
    d.position_error = z[:, : n * n * k_count].reshape(r, n, n, k_count)
    d.resolve_error = z[:, n * n * k_count :].reshape(r, n, n)
    d.hazard_u = u[:, p + n * n * k_count + n * n :].reshape(r, h, HAZARD_DRAWS)
    return d
