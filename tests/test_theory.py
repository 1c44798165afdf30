"""Cases whose answer is known by hand or by theory, beyond the per-mechanism conformance class.

The checks every mechanism must pass (Fearon's no-war result and its contrast, cost
monotonicity, red lines, who chairs, symmetry, reproducibility) are in test_mechanisms.py.

Each test states the answer theory gives and would fail if a mechanism were wrong; where a
mechanism could pass vacuously, a contrast case shows the same test can see the effect.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis import wilson
from sim.model import Talks, compromise_point, simulate, utility
from sim.model.outcomes import ARMED_CONFLICT
from sim.scenario import load_scenario

from .factory import actor, build, crisis, scenario_dict, stance

BASELINE = "scenarios/nato_russia_2022.yaml"


# ---- 1. utility and the compromise point ------------------------------------------------------
def test_utility_by_hand():
    # s = (0.25, 0.75), ideal (20, 80), package (40, 50): 1 - (0.25*20 + 0.75*30)/100 = 0.725
    u = utility(np.array([20.0, 80.0]), np.array([0.25, 0.75]), np.array([40.0, 50.0]))
    assert u == pytest.approx(0.725)


def test_compromise_point_is_capability_salience_weighted_mean():
    c = np.array([1.0, 2.0, 3.0])
    s = np.array([[0.5], [1.0], [0.25]])
    x = np.array([[0.0], [90.0], [40.0]])
    # (1*0.5*0 + 2*1*90 + 3*0.25*40) / (0.5 + 2 + 0.75) = 210 / 3.25
    got = compromise_point(c, s, x, fallback=np.array([50.0]))
    assert got == pytest.approx([210 / 3.25])


def test_compromise_point_falls_back_where_nobody_cares():
    got = compromise_point(
        np.array([1.0, 1.0]), np.zeros((2, 1)), np.array([[0.0], [100.0]]), np.array([37.0])
    )
    assert got == pytest.approx([37.0])


# ---- 2. Fearon: complete information, a bargaining range, positive costs: no war --------------
def test_without_a_bargaining_range_war_comes(tmp_path):
    # p_win - cost = 0.8 > 0.5: no offer B accepts is worth as much to A as war.
    df = simulate(build(tmp_path, crisis(0.9, 0.1)), 500, seed=3)
    assert (df["outcome"] == "armed_conflict").mean() > 0.5


# ---- 4. red lines ------------------------------------------------------------------------------
def test_an_issue_inside_nobodys_red_lines_is_never_settled():
    # NATO's open door (at least 90) and Russia's demand (at most 30) leave no overlap.
    df = simulate(load_scenario(BASELINE), 2000, seed=4)
    assert not df["settled_nato_enlargement"].any()
    assert (df["value_nato_enlargement"] == 100).all()


# ---- 5. symmetry ------------------------------------------------------------------------------
def _twins(**settings):
    twin = dict(flexibility=0.3, patience=0.9, dialogue=0.6, capability=1.0)
    return scenario_dict(
        [
            actor("a", {"x": stance(20, 0.7), "y": stance(80, 0.3)}, **twin),
            actor("b", {"x": stance(20, 0.7), "y": stance(80, 0.3)}, **twin),
            actor(
                "c", {"x": stance(90, 0.5), "y": stance(10, 0.5)}, capability=2.0, flexibility=0.2
            ),
        ],
        {"x": 60, "y": 40},
        [
            {
                "id": "m",
                "name": "M",
                "participants": ["a", "b", "c"],
                "chair": "c",
                "issues": ["x", "y"],
                "rounds": 6,
            }
        ],
        **settings,
    )


def test_identical_actors_are_treated_identically(tmp_path):
    talks = Talks(build(tmp_path, _twins()), seed=9, runs=200)
    while not talks.done:
        talks.step()
        a, b = talks.actor_list[0], talks.actor_list[1]
        np.testing.assert_array_equal(a.position, b.position)
        resp = talks.record.responses
        np.testing.assert_array_equal(resp[0].accept, resp[1].accept)
    u = talks.final_utilities()
    np.testing.assert_array_equal(u[:, 0], u[:, 1])


def test_identical_actors_fare_alike_in_distribution_under_noise(tmp_path):
    df = simulate(build(tmp_path, _twins(belief_noise=15, resolve_noise=0.1)), 3000, seed=9)
    d = df["utility_a"] - df["utility_b"]
    se = d.std(ddof=1) / np.sqrt(len(d))
    assert abs(d.mean()) < 4 * se + 1e-12


# ---- 6. bounds and intervals -------------------------------------------------------------------
def test_wilson_interval_matches_published_values():
    # Newcombe (1998), table I: 0/10 -> [0, 0.2775]; 15/148 -> [0.0624, 0.1605].
    lo, hi = wilson(0, 10)
    assert float(lo) == 0 and float(hi) == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson(15, 148)
    assert (float(lo), float(hi)) == pytest.approx((0.0624, 0.1605), abs=1e-4)


def test_no_war_hazard_without_a_war_motive(tmp_path):
    talks = Talks(build(tmp_path, crisis(0.3, 0.1)), seed=1, runs=100)
    talks.play()
    assert (talks.outcome != ARMED_CONFLICT).all()
