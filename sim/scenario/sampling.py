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
    hazard_u: np.ndarray = field(default_factory=lambda: np.empty(0))  # [R, H, 2]


class _Columns:
    """Hands out the next column of the uniform block to each uncertain value, in order."""

    def __init__(self) -> None:
        self.width = 0
        self.plan: list[tuple[Value, Bounds, int]] = []

    def take(self, value: Value, bounds: Bounds) -> int:
        col = -1
        if not isinstance(value, int | float):
            col = self.width
            self.width += 1
        self.plan.append((value, bounds, col))
        return len(self.plan) - 1


def draw(sc: Scenario, seed: int, runs: np.ndarray) -> Draws:
    """Draw every run's parameters, perception errors and hazard uniforms."""
    runs = np.asarray(runs, dtype=np.int64)
    n, k_count, h = len(sc.actors), len(sc.issues), schedule_length(sc)
    issues = [i.id for i in sc.issues]
    cols = _Columns()
    slots: dict[tuple, int] = {}

    for k, issue in enumerate(sc.issues):
        slots["sq", k] = cols.take(issue.status_quo, POSITION)
    for a, actor in enumerate(sc.actors):
        slots["capability", a] = cols.take(actor.capability, Bounds(0.001, 100))
        slots["flexibility", a] = cols.take(actor.flexibility, UNIT)
        slots["patience", a] = cols.take(actor.patience, Bounds(0.5, 1))
        slots["dialogue", a] = cols.take(actor.dialogue, UNIT)
        slots["war_cost", a] = cols.take(actor.war_cost, UNIT)
        mo = actor.military_option
        slots["p_win", a] = cols.take(mo.p_win if mo else 0.0, UNIT)
        slots["cost", a] = cols.take(mo.cost if mo else 0.0, UNIT)
        slots["signal", a] = cols.take(mo.signal if mo else 0.0, UNIT)
        for k, issue_id in enumerate(issues):
            st = actor.stances.get(issue_id)
            pos = st.position if st else sc.issues[k].status_quo
            slots["position", a, k] = cols.take(pos, POSITION)
            slots["salience", a, k] = cols.take(st.salience if st else 0.0, UNIT)
            rl = st.red_line if st else None
            lo = rl.at_least if rl is not None and rl.at_least is not None else 0.0
            hi = rl.at_most if rl is not None and rl.at_most is not None else 100.0
            slots["at_least", a, k] = cols.take(lo, POSITION)
            slots["at_most", a, k] = cols.take(hi, POSITION)
    s = sc.settings
    setting_values = {
        "belief_noise": (s.belief_noise, Bounds(0, 50)),
        "resolve_noise": (s.resolve_noise, UNIT),
        "learning_rate": (s.learning_rate, UNIT),
        "bloc_cohesion": (s.bloc_cohesion, UNIT),
    }
    for name, info in type(s.tension).model_fields.items():
        bound = next((m for m in info.metadata if isinstance(m, Bounds)), None)
        if bound is None:  # pragma: no cover - every tension field is a param
            bound = _annotation_bounds(info.annotation)
        setting_values["tension_" + name] = (getattr(s.tension, name), bound)
    for name, (value, bound) in setting_values.items():
        slots["setting", name] = cols.take(value, bound)

    p = cols.width
    width = p + n * n * k_count + n * n + 2 * h
    u = run_streams(seed, runs, width)

    def value(slot: int) -> np.ndarray:
        v, bounds, col = cols.plan[slot]
        return sample(v, bounds, u[:, col] if col >= 0 else np.zeros(len(runs)))

    r = len(runs)
    d = Draws(runs=runs)
    d.status_quo = np.stack([value(slots["sq", k]) for k in range(k_count)], axis=1)
    for name in ("capability", "flexibility", "patience", "dialogue", "war_cost"):
        d.actor[name] = np.stack([value(slots[name, a]) for a in range(n)], axis=1)
    for name in ("p_win", "cost", "signal"):
        d.actor[name] = np.stack([value(slots[name, a]) for a in range(n)], axis=1)
    for name in ("position", "salience", "at_least", "at_most"):
        d.stance[name] = np.stack(
            [np.stack([value(slots[name, a, k]) for k in range(k_count)], 1) for a in range(n)], 1
        ).reshape(r, n, k_count)
    # A sampled red line on the wrong side of a sampled position is moved onto the position.
    d.stance["at_least"] = np.minimum(d.stance["at_least"], d.stance["position"])
    d.stance["at_most"] = np.maximum(d.stance["at_most"], d.stance["position"])
    for name in setting_values:
        d.setting[name] = value(slots["setting", name])

    z = special.ndtri(np.clip(u[:, p:], 1e-12, 1 - 1e-12))
    d.position_error = z[:, : n * n * k_count].reshape(r, n, n, k_count)
    d.resolve_error = z[:, n * n * k_count : n * n * k_count + n * n].reshape(r, n, n)
    d.hazard_u = u[:, p + n * n * k_count + n * n :].reshape(r, h, 2)
    return d


def _annotation_bounds(annotation: object) -> Bounds:
    from typing import get_args

    for arg in get_args(annotation):
        if isinstance(arg, Bounds):
            return arg
    raise TypeError(f"no bounds on {annotation!r}")
