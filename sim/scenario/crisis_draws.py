"""The random numbers of the crisis fields, drawn up front per run like every other draw.

Run k draws them from its own second stream, ``SeedSequence(seed, spawn_key=(k, 1))`` (the
child ``spawn(2)[1]`` of run k's stream), so a scenario without crisis fields draws exactly what
it drew before, and run k is still the same alone or in any batch. Layout, from the scenario
alone: per ultimatum its credibility, its execution uniform and each actor's perception error;
per event its probability and occurrence uniform; per actor its boycott's probability and
uniform; the accident rate and contact; then one accident uniform per round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .params import Bounds, Value, sample
from .sampling import schedule_length
from .schema import Scenario

UNIT = Bounds(0, 1)


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


def _stream(seed: int, runs: np.ndarray, width: int) -> np.ndarray:
    out = np.empty((len(runs), width))
    for i, k in enumerate(runs):
        ss = np.random.SeedSequence(seed, spawn_key=(int(k), 1))
        out[i] = np.random.Generator(np.random.PCG64(ss)).random(width)
    return out


def perceive(credibility: np.ndarray, noise: float, z: np.ndarray) -> np.ndarray:
    """Credibility seen with an error of sd ``noise`` in log-odds: 0 and 1 are seen exactly."""
    with np.errstate(divide="ignore", over="ignore"):
        return special.expit(special.logit(credibility) + noise * z)


def draw_crisis(sc: Scenario, seed: int, runs: np.ndarray) -> CrisisDraws:
    """Draw every run's crisis quantities (nothing at all for a scenario without them)."""
    runs = np.asarray(runs, dtype=np.int64)
    r, n, h = len(runs), len(sc.actors), schedule_length(sc)
    ult, ev = sc.ultimatums, sc.events
    acc = sc.settings.accidents
    width = len(ult) * (2 + n) + 2 * len(ev) + 2 * n + 2 + (h if acc else 0)
    if not (ult or ev or acc or any(a.boycott for a in sc.actors)):
        width = 0  # nothing random to draw: no second stream at all
    u = _stream(seed, runs, width) if width else np.zeros((r, width or 2 * n + 2))
    col = 0

    def take(count: int) -> np.ndarray:
        nonlocal col
        col += count
        return u[:, col - count : col]

    def value(v: Value) -> np.ndarray:
        return sample(v, UNIT, take(1)[:, 0])

    cred = np.zeros((r, len(ult)))
    executes = np.zeros((r, len(ult)), dtype=bool)
    perceived = np.zeros((r, len(ult), n))
    for j, x in enumerate(ult):
        cred[:, j] = value(x.credibility)
        executes[:, j] = take(1)[:, 0] < cred[:, j]
        z = special.ndtri(np.clip(take(n), 1e-12, 1 - 1e-12))
        perceived[:, j] = perceive(cred[:, j : j + 1], x.perception_noise, z)
    happens = np.zeros((r, len(ev)), dtype=bool)
    for j, e in enumerate(ev):
        p = value(e.probability)
        happens[:, j] = take(1)[:, 0] < p
    holds = np.zeros((r, n), dtype=bool)
    for i, a in enumerate(sc.actors):
        p = value(a.boycott.probability) if a.boycott else np.zeros(r)
        holds[:, i] = take(1)[:, 0] < p
    if acc:
        rate = sample(acc.rate, Bounds(0, 10), take(1)[:, 0])
        contact = value(acc.contact)
        acc_u = take(h)
    else:
        rate, contact, acc_u = np.zeros(r), np.zeros(r), np.ones((r, h))
    return CrisisDraws(cred, executes, perceived, happens, holds, rate, contact, acc_u)
