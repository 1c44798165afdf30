"""The best point under unanimity in closed form is the candidate scan's point.

``nearest_inside`` replaces ``first_nearest`` (the scan over a proposer's 2N + 1 candidates)
where the rule is plain unanimity: the values every decider accepts are then one interval. The
two must give the same point and the same feasibility wherever no candidate lies within the
1e-9 tolerance outside that interval without being on its end; there the closed form takes the
end, at most 1e-9 from the scan's point.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from sim.model.candidates import TOLERANCE, first_nearest, nearest_inside, rule_test
from sim.model.rules import Decision
from sim.model.talks import Talks
from sim.scenario import scenario_from_dict

from .factory import REPO, case_data
from .strategies import build, scenario_dicts, to_yaml

SCENARIOS = [*sorted((REPO / "scenarios").glob("*.yaml")), "every_feature", "outsiders"]
ALL = Decision("unanimity", (0, 1, 2), (1.0, 1.0, 1.0), 1.0, 0, ())


def _scan(ends_lo, ends_hi, x, at_least, at_most):
    intervals = [(i, lo, hi) for i, (lo, hi) in enumerate(zip(ends_lo, ends_hi, strict=True))]
    passes = rule_test(ALL, intervals, True, len(intervals))
    ends = [x] + [end for _, lo, hi in intervals for end in (lo, hi)]
    return first_nearest(ends, x, at_least, at_most, passes)


def _closed(ends_lo, ends_hi, x, at_least, at_most):
    low, high = ends_lo[0], ends_hi[0]
    for lo, hi in zip(ends_lo[1:], ends_hi[1:], strict=True):
        low, high = np.maximum(low, lo), np.minimum(high, hi)
    return nearest_inside(low, high, x, at_least, at_most)


def _col(*v: float) -> np.ndarray:
    return np.array(v, dtype=float)[:, None]


def test_by_hand():
    # Two deciders, [20, 60] and [40, 80]: the intersection is [40, 60]. Red lines [0, 100]
    # except where noted. Rows: inside, below, above, on the end, empty intersection, the
    # near end beyond the red line, the position beyond its own red line.
    lo = [_col(20, 20, 20, 20, 20, 20, 20), _col(40, 40, 40, 40, 70, 40, 40)]
    hi = [_col(60, 60, 60, 60, 60, 60, 60), _col(80, 80, 80, 80, 80, 80, 80)]
    x = _col(50, 10, 90, 40, 50, 10, 95)
    at_least, at_most = _col(0, 0, 0, 0, 0, 0, 0), _col(100, 100, 100, 100, 100, 30, 55)
    best, feasible = _closed(lo, hi, x, at_least, at_most)
    assert best[:, 0].tolist() == [50, 40, 60, 40, 50, 10, 55]
    assert feasible[:, 0].tolist() == [True, True, True, True, False, False, True]
    scan = _scan(lo, hi, x, at_least, at_most)
    assert np.array_equal(best, scan[0]) and np.array_equal(feasible, scan[1])


def _grid_case(rng: np.random.Generator, n: int, shape: tuple[int, int]):
    """Ends, positions and red lines on a 2.5 grid: ties, shared ends, empty intersections,
    ends beyond the red lines and positions outside them, and no value within 1e-9 of
    another without being equal to it."""

    def grid(size=shape):
        return rng.integers(0, 41, size) * 2.5

    a, b = grid((n, *shape)), grid((n, *shape))
    lo, hi = list(np.minimum(a, b)), list(np.maximum(a, b))
    flip = rng.random((n, *shape)) < 0.1  # some empty intervals, lo > hi
    lo, hi = (list(np.where(flip, b, a)) for a, b in ((lo, hi), (hi, lo)))
    r1, r2 = grid(), grid()
    return lo, hi, grid(), np.minimum(r1, r2), np.maximum(r1, r2)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_the_closed_form_is_the_scan_bit_for_bit_on_a_grid(n):
    rng = np.random.default_rng(n)
    lo, hi, x, at_least, at_most = _grid_case(rng, n, (4000, 3))
    best, feasible = _closed(lo, hi, x, at_least, at_most)
    want, want_ok = _scan(lo, hi, x, at_least, at_most)
    assert feasible.tobytes() == want_ok.tobytes()
    assert best.tobytes() == want.tobytes()
    assert 0.01 < feasible.mean() < 0.99  # both kinds of case are exercised


def test_within_the_tolerance_the_closed_form_takes_the_intersections_end():
    # Decider 0 accepts [40, 60]; decider 1's lower end lies a hair below, so the
    # intersection is [40, 60], and the candidate 40 - 0.5e passes the scan's test.
    hair = 0.5 * TOLERANCE
    lo = [_col(40.0, 30.0), _col(40.0 - hair, 30.0)]
    hi = [_col(60.0, 50.0 + hair), _col(70.0, 50.0)]
    x, at_least, at_most = _col(10.0, 90.0), _col(0.0, 0.0), _col(100.0, 100.0)
    best, feasible = _closed(lo, hi, x, at_least, at_most)
    want, want_ok = _scan(lo, hi, x, at_least, at_most)
    assert feasible.all() and want_ok.all()
    assert best[:, 0].tolist() == [40.0, 50.0]  # inside every interval
    assert want[:, 0].tolist() == [40.0 - hair, 50.0 + hair]  # the scan's nearer candidates
    assert np.abs(best - want).max() <= TOLERANCE


@pytest.mark.parametrize("n", [2, 4])
def test_off_the_grid_the_two_agree_within_the_tolerance(n):
    rng = np.random.default_rng(10 + n)
    lo, hi, x, at_least, at_most = _grid_case(rng, n, (4000, 3))
    # Nudge some ends by less than the tolerance, so they lie just off another's value.
    lo = [v + rng.uniform(-TOLERANCE, TOLERANCE, v.shape) * (rng.random(v.shape) < 0.3) for v in lo]
    best, feasible = _closed(lo, hi, x, at_least, at_most)
    want, want_ok = _scan(lo, hi, x, at_least, at_most)
    both = feasible & want_ok
    assert np.abs(best - want)[both].max() <= TOLERANCE
    assert (feasible != want_ok).mean() < 0.01
    assert (best[~feasible] == np.clip(x, at_least, at_most)[~feasible]).all()


def test_a_nan_leaves_the_choice_to_the_scan():
    lo, hi = [_col(np.nan, 10.0)], [_col(50.0, 50.0)]
    assert _closed(lo, hi, _col(5.0, 5.0), _col(0.0, 0.0), _col(100.0, 100.0)) is None


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: getattr(p, "stem", p))
def test_every_round_is_the_scans_on_the_bundled_scenarios(path, monkeypatch):
    """Played with the closed form and with the scan alone, every proposal is the same (and
    with chairs who are not deciders but must accept their own proposals)."""
    if path == "outsiders":  # chairs outside the rule's list, who must accept what they offer
        data = case_data(REPO / "scenarios/nato_russia_2022.yaml")
        chairs = {"osce_talks": "ukraine", "nato_russia_council": "nato"}
        for m in data["meetings"]:
            if m["id"] in chairs:
                m["rule"], m["chair"] = ["russia", "us"], chairs[m["id"]]
        for a in data["actors"]:
            if a["id"] in chairs.values():  # so demanding that their own answer often binds
                a["aspiration"] = 0.95
    else:
        data = case_data(path)
    sc = scenario_from_dict(data)

    def proposals(scan_only: bool) -> list[np.ndarray]:
        if scan_only:
            monkeypatch.setattr("sim.model.actors.nearest_inside", lambda *a: None)
        talks = Talks(sc, 5, 800)
        seen: list[np.ndarray] = []
        talks.play(lambda rec: seen.append(rec.proposal))
        talks.release()
        monkeypatch.undo()
        return seen

    closed, scan = proposals(False), proposals(True)
    assert len(closed) == len(scan)
    for t, (a, b) in enumerate(zip(closed, scan, strict=True)):
        same = (a is None and b is None) or np.array_equal(a, b, equal_nan=True)
        assert same, f"round {t + 1}"


def _proposals(sc, seed: int, runs: int, monkeypatch, scan_only: bool) -> list[np.ndarray | None]:
    if scan_only:
        monkeypatch.setattr("sim.model.actors.nearest_inside", lambda *a: None)
    talks = Talks(sc, seed, runs)
    seen: list[np.ndarray | None] = []
    talks.play(lambda rec: seen.append(rec.proposal))
    talks.release()
    monkeypatch.undo()
    return seen


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=scenario_dicts(), seed=st.integers(0, 2**32 - 1))
def test_on_any_valid_scenario_the_closed_form_proposes_what_the_scan_does(data, seed):
    """Random scenarios (2-6 actors, any rules, both settlement modes): every round's
    proposals are the same with the closed form and with the scan alone. The examples are
    fixed (``derandomize``): the two may differ within the 1e-9 band by design, so a rare
    such case must not make CI flaky; 600 random examples once showed no difference."""
    note(f"seed: {seed}\n{to_yaml(data)}")
    sc = build(data)
    with pytest.MonkeyPatch.context() as mp:
        closed = _proposals(sc, seed, 60, mp, scan_only=False)
        scan = _proposals(sc, seed, 60, mp, scan_only=True)
    assert len(closed) == len(scan)
    for t, (a, b) in enumerate(zip(closed, scan, strict=True)):
        same = (a is None and b is None) or np.array_equal(a, b, equal_nan=True)
        assert same, f"round {t + 1}"
