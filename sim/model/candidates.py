"""Choosing a value issue by issue among candidates: which pass a decision rule, and the
first nearest of those to a position (``Actor.best_point``, docs/model.md section 2).

The scan works on whole [R, K] arrays of candidate values, one candidate at a time, and gives
the values the plain formulation gives (a stacked ``where``/``argmin``), bit for bit. Under
plain unanimity the accepted set is one interval, and ``nearest_inside`` gives the same point
in closed form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .arrays import clip, select

if TYPE_CHECKING:
    from .rules import Decision

# How far outside an interval a value may lie and still count as inside it: rounding noise.
TOLERANCE = 1e-9
# A distance no candidate on a 0-100 scale comes near: it stands for "refused" in the scan.
FAR = 1e300
Interval = tuple[int, np.ndarray, np.ndarray]  # (actor index, low [R, K], high [R, K])


def intersection(intervals: list[Interval]) -> tuple[np.ndarray, np.ndarray]:
    """[max low, min high] of non-empty ``intervals``: what every one of them accepts (a NaN
    end propagates, so no value passes there)."""
    low, high = intervals[0][1], intervals[0][2]
    for _, lo, hi in intervals[1:]:
        low, high = np.maximum(low, lo), np.minimum(high, hi)
    return low, high


def rule_test(
    decision: Decision,
    intervals: list[Interval],
    everyone: bool,
    actors: int,
    assumed: int | None = None,
) -> Callable[[np.ndarray], np.ndarray]:
    """The test [R, K] -> [R, K] of whether a candidate value passes ``decision``, each actor
    accepting values inside its interval (with the 1e-9 tolerance) and ``assumed`` (an
    actor index, if any) accepting everything.

    ``everyone``: the intervals include every decider, so under a plain unanimity rule a
    candidate passes when it lies in all of them, i.e. in [max low, min high] with the same
    tolerances, compared once, not actor by actor (max(low_i - e) is max(low_i) - e exactly:
    subtracting e keeps the order; a NaN end propagates through max/min and refuses, as its
    own test would).
    """
    if decision.unanimous and everyone:  # ``assumed`` has no interval here: not tested
        if not intervals:
            return lambda c: np.ones(c.shape, dtype=bool)
        low, high = intersection(intervals)
        low, high = low - TOLERANCE, high + TOLERANCE

        def inside_all(c: np.ndarray) -> np.ndarray:
            ok = c >= low
            ok &= c <= high
            return ok

        return inside_all

    def by_actor(c: np.ndarray) -> np.ndarray:
        accept = np.zeros((*c.shape, actors), dtype=bool)
        for i, lo, hi in intervals:
            accept[..., i] = (c >= lo - TOLERANCE) & (c <= hi + TOLERANCE)
        if assumed is not None:
            accept[..., assumed] = True
        return decision.passes(accept)

    return by_actor


def nearest_inside(
    low: np.ndarray,
    high: np.ndarray,
    position: np.ndarray,
    at_least: np.ndarray,
    at_most: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The point of [``low``, ``high``] nearest to ``position``, within the red lines
    [``at_least``, ``at_most``], and whether there is one: (value [R, K], feasible [R, K]);
    None if any value is NaN (the scan's rule for NaN then applies).

    Under plain unanimity a value passes when every decider accepts it, i.e. when it lies in
    the intersection [max low_i, min high_i] of their intervals, so ``first_nearest`` over the
    2N + 1 candidates has a closed form, with x the position clipped to the red lines::

        x                        where L - e <= x <= H + e  (x itself passes)
        min(L, at_most)          where x < L - e            (the intersection's near end)
        max(H, at_least)         where x > H + e
        x, and infeasible,       where that end does not lie in [L - e, H + e]

    These are candidates of the scan (x, an end, or an end clipped to a red line), and each is
    the nearest passing one. The two differ only where another candidate lies strictly
    between L - e and L (or H and H + e), e = 1e-9: the scan takes that point, outside the
    intersection by less than e, and this the intersection's end, less than e away; and where
    the intervals miss each other by between e and 2e, the scan may find such a point where
    this finds none (``tests/test_candidates.py`` checks all of it). It is a dozen passes over
    [R, K] where the scan makes a dozen per candidate: about a tenth of the engine's time in
    the baseline.
    """
    x = clip(position, at_least, at_most)
    if np.isnan(low.max()) or np.isnan(high.max()) or np.isnan(x.max()):
        return None
    floor, ceiling = low - TOLERANCE, high + TOLERANCE
    below, above = x < floor, x > ceiling
    up, down = np.minimum(low, at_most), np.maximum(high, at_least)
    best = select(below, up, select(above, down, x))
    feasible = best >= floor
    feasible &= best <= ceiling
    return select(feasible, best, x), feasible


def first_nearest(
    ends: list[np.ndarray],
    position: np.ndarray,
    at_least: np.ndarray,
    at_most: np.ndarray,
    passes: Callable[[np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Of the candidates ``ends`` (each [R, K], clipped to the red lines), the first nearest
    to ``position`` that ``passes``, and whether any passes: (value [R, K], feasible [R, K]).

    This is ``argmin`` over ``where(passes, |c - x|, inf)`` stacked, whose first minimum it
    keeps, computed without numpy's argmin over a short leading axis (slower than all the
    rest) or a select per candidate (np.where on a data-dependent mask is as slow): a refused
    candidate's distance is raised by FAR, which leaves every refused one tied at FAR and
    above any passing one, as inf does; the index of the best so far only grows, so it is a
    maximum; the values are read once at the end.
    """
    shape = position.shape
    cand = np.empty((len(ends), *shape))
    dist, far, closer = np.empty(shape), np.empty(shape), np.empty(shape, dtype=bool)
    pick = np.zeros(shape, dtype=np.uint8 if len(ends) < 256 else np.intp)
    step = np.empty_like(pick)
    best_dist = None
    refused = []
    for j, end in enumerate(ends):
        c = np.maximum(end, at_least, out=cand[j])  # np.clip's value (np.clip is slow on arrays)
        np.minimum(c, at_most, out=c)
        no = ~passes(c)
        refused.append(no)
        np.abs(np.subtract(c, position, out=dist), out=dist)
        dist += np.multiply(no, FAR, out=far)  # + 0.0 where it passes: the same distance
        if best_dist is None:
            best_dist = dist.copy()
            continue
        np.less(dist, best_dist, out=closer)
        np.multiply(closer, pick.dtype.type(j), out=step)
        np.maximum(pick, step, out=pick)  # j where strictly closer
        np.minimum(best_dist, dist, out=best_dist)
    assert best_dist is not None
    if np.isnan(best_dist.max()):  # np.minimum kept any NaN
        # NaN candidates or distances: np.argmin's own rule over the exact distances.
        ok = ~np.stack(refused)
        dist = np.where(ok, np.abs(cand - position), np.inf)
        pick = np.argmin(dist, axis=0)
        return np.take_along_axis(cand, pick[None], axis=0)[0], ok.any(axis=0)
    size = position.size
    best = np.take(cand.reshape(-1), pick.reshape(-1).astype(np.intp) * size + np.arange(size))
    return best.reshape(shape), best_dist < FAR
