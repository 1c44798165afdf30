"""The random numbers of the crisis fields, keyed by scenario path like every other draw.

Each uses ``rng.uniforms(seed, runs, [key])`` (sampling.py), so run k sees the same draw of a
quantity whatever else the scenario adds or drops, alone or in any batch. Keys: an ultimatum's
``ultimatums.<id>.credibility`` (when it is a distribution), ``ultimatums.<id>.carried_out`` and
``ultimatums.<id>.perceived.<actor>``; an event's ``events.<id>.probability`` (a distribution)
and ``events.<id>.happens``; an actor's ``actors.<id>.boycott.probability`` and
``actors.<id>.boycott.holds``; ``settings.accidents.rate`` and ``settings.accidents.contact``
(distributions), and ``hazard.accident.<round>`` (rounds from 1). A scenario without crisis
fields draws none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import special

from .agenda import agenda_rounds
from .params import Bounds, Dist, Value, sample
from .paths import path_of
from .rng import uniforms
from .schema import Scenario

UNIT = Bounds(0, 1)
RATE = Bounds(0, 10)


@dataclass
class CrisisDraws:
    """What is random about ultimatums, events, boycotts and accidents, run axis first."""

    credibility: np.ndarray  # [R, U] probability the sender carries out its threat
    executes: np.ndarray  # [R, U] whether it would (u < credibility)
    perceived: np.ndarray  # [R, U, N] credibility as each actor perceives it
    event_happens: np.ndarray  # [R, E]
    boycott_holds: np.ndarray  # [R, N] (False for actors without a boycott)
    accident_rate: np.ndarray  # [R]
    contact: np.ndarray  # [R] military contact at the start
    accident_u: np.ndarray  # [R, H]
    inputs: dict[str, np.ndarray] = field(default_factory=dict)  # sampled, by path (inputs.csv)


def perceive(credibility: np.ndarray, noise: float, z: np.ndarray) -> np.ndarray:
    """Credibility seen with an error of sd ``noise`` in log-odds: 0 and 1 are seen exactly."""
    with np.errstate(divide="ignore", over="ignore"):
        return special.expit(special.logit(credibility) + noise * z)


def draw_crisis(sc: Scenario, seed: int, runs: np.ndarray) -> CrisisDraws:
    """Draw every run's crisis quantities (nothing at all for a scenario without them)."""
    runs = np.asarray(runs, dtype=np.int64)
    r, n, h = len(runs), len(sc.actors), len(agenda_rounds(sc))
    inputs: dict[str, np.ndarray] = {}

    def one(key: str) -> np.ndarray:
        return uniforms(seed, runs, [key])[:, 0]

    def value(v: Value, key: str, bounds: Bounds = UNIT) -> np.ndarray:
        if not isinstance(v, Dist):
            return np.full(r, float(v))
        inputs[key] = sample(v, bounds, one(key))
        return inputs[key]

    ult, ev = sc.ultimatums, sc.events
    cred = np.zeros((r, len(ult)))
    executes = np.zeros((r, len(ult)), dtype=bool)
    perceived = np.zeros((r, len(ult), n))
    for j, x in enumerate(ult):
        cred[:, j] = value(x.credibility, path_of("ultimatums", x.id, "credibility"))
        executes[:, j] = one(path_of("ultimatums", x.id, "carried_out")) < cred[:, j]
        keys = [path_of("ultimatums", x.id, "perceived", a.id) for a in sc.actors]
        z = special.ndtri(uniforms(seed, runs, keys))
        perceived[:, j] = perceive(cred[:, j : j + 1], x.perception_noise, z)
    happens = np.zeros((r, len(ev)), dtype=bool)
    for j, e in enumerate(ev):
        p = value(e.probability, path_of("events", e.id, "probability"))
        happens[:, j] = one(path_of("events", e.id, "happens")) < p
    holds = np.zeros((r, n), dtype=bool)
    for i, a in enumerate(sc.actors):
        if a.boycott is None:
            continue
        p = value(a.boycott.probability, path_of("actors", a.id, "boycott", "probability"))
        holds[:, i] = one(path_of("actors", a.id, "boycott", "holds")) < p
    acc = sc.settings.accidents
    if acc is not None:
        rate = value(acc.rate, path_of("settings", "accidents", "rate"), RATE)
        contact = value(acc.contact, path_of("settings", "accidents", "contact"))
        acc_u = uniforms(seed, runs, [path_of("hazard", "accident", t + 1) for t in range(h)])
    else:
        rate, contact, acc_u = np.zeros(r), np.zeros(r), np.ones((r, h))
    return CrisisDraws(cred, executes, perceived, happens, holds, rate, contact, acc_u, inputs)
