"""The checks of DESIGN section 4: cases whose answer is known by hand or by theory.

Each test states the answer theory gives and would fail if a mechanism were wrong; where a
mechanism could pass vacuously, a contrast case shows the same test can see the effect.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from sim.analysis import paired_difference, wilson
from sim.model import Talks, compromise_point, simulate, utility
from sim.model.outcomes import ARMED_CONFLICT
from sim.scenario import load_scenario

from .factory import actor, build, scenario_dict, stance

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


def test_without_a_bargaining_range_the_proposal_is_the_compromise_point(tmp_path):
    # One issue, no strategic room (red lines leave no overlap): the chair offers the focal
    # point sum(c s x) / sum(c s) = (1*0 + 2*50 + 3*100) / 6.
    data = scenario_dict(
        [
            actor("a", {"x": stance(0, red_line={"at_most": 10, "assumption": "t"})}),
            actor("b", {"x": stance(50)}, capability=2.0, patience=0.5),
            actor(
                "c",
                {"x": stance(100, red_line={"at_least": 90, "assumption": "t"})},
                capability=3.0,
            ),
        ],
        {"x": 50},
        [{"id": "m", "name": "M", "participants": ["a", "b", "c"], "chair": "b", "issues": ["x"]}],
    )
    talks = Talks(build(tmp_path, data), seed=1, runs=1)
    talks.step()
    assert talks.record.proposal[0, 0] == pytest.approx(400 / 6)
    assert not talks.settled.any()


# ---- 2. Fearon: complete information, a bargaining range, positive costs: no war --------------
def _crisis(p_win, cost, noise=0.0, resolve=0.0, rounds=4, settlement="issue_by_issue"):
    # A (ideal 100, can fight) against B (ideal 0, status quo 0). B loses 0.5 if the talks
    # fail (time pressure), so by the deadline it accepts any p <= 50; A needs
    # p >= p_win - cost. The range [p_win - cost, 50] is non-empty while p_win - cost <= 0.5.
    return scenario_dict(
        [
            actor(
                "a",
                {"x": stance(100)},
                military_option={"p_win": p_win, "cost": cost, "signal": 0.5, "assumption": "t"},
                dialogue=0.3,
            ),
            actor("b", {"x": stance(0)}, patience=0.5, dialogue=0.3, time_pressure=0.5),
        ],
        {"x": 0},
        [{"id": "m", "name": "M", "participants": ["a", "b"], "issues": ["x"], "rounds": rounds}],
        belief_noise=noise,
        resolve_noise=resolve,
        settlement=settlement,
        tension={"initial": 0.8, "war_rate": 20, "breakdown_rate": 0},
    )


@pytest.mark.parametrize("settlement", ["issue_by_issue", "package"])
def test_complete_information_with_a_bargaining_range_never_ends_in_war(tmp_path, settlement):
    # p_win - cost <= 0.55 - 0.05 = 0.5 in every run: the range is never empty.
    data = _crisis({"uniform": [0.3, 0.55]}, {"uniform": [0.05, 0.1]}, settlement=settlement)
    df = simulate(build(tmp_path, data), 2000, seed=11)
    assert (df["outcome"] == "armed_conflict").sum() == 0
    # ...and the deal lies in the range: A gets at least its value of war, B at most 50.
    assert (df["value_x"] <= 50 + 1e-6).all()
    assert (df["outcome"] == "agreement").all()


def test_private_information_about_resolve_makes_war_possible(tmp_path):
    # The same crisis with noisy beliefs about resolve: offers miss A's reservation and some
    # runs end in war. This is the contrast that shows the test above could fail.
    data = _crisis({"uniform": [0.3, 0.55]}, {"uniform": [0.05, 0.1]}, noise=10, resolve=0.2)
    df = simulate(build(tmp_path, data), 2000, seed=11)
    assert (df["outcome"] == "armed_conflict").mean() > 0.02


def test_without_a_bargaining_range_war_comes(tmp_path):
    # p_win - cost = 0.8 > 0.5: no offer B accepts is worth as much to A as war.
    df = simulate(build(tmp_path, _crisis(0.9, 0.1)), 500, seed=3)
    assert (df["outcome"] == "armed_conflict").mean() > 0.5


# ---- 3. raising a party's cost of war never raises the chance of war --------------------------
def _with_russia_cost(tmp_path, cost, name):
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(Path(BASELINE).read_text())
    for a in data["actors"]:
        if a["id"] == "russia":
            a["military_option"]["cost"] = cost
    from .factory import write

    return load_scenario(write(tmp_path, data, name))


def test_raising_the_cost_of_war_never_raises_armed_conflict(tmp_path):
    shares, indicators = [], []
    for i, cost in enumerate([0.15, 0.3, 0.45, 0.6]):
        df = simulate(_with_russia_cost(tmp_path, cost, f"c{i}.yaml"), 2000, seed=5)
        war = (df["outcome"] == "armed_conflict").to_numpy()
        shares.append(war.mean())
        indicators.append(war)
    # Common random numbers: the runs are paired, so the difference has a tight interval.
    for low, high in itertools.pairwise(indicators):
        d, lo, hi = paired_difference(low, high)
        assert lo <= 0.0, f"war became more likely with a higher cost ({d:+.3f}, [{lo}, {hi}])"
    assert shares[0] > shares[-1] + 0.05, shares  # and the effect is really there


# ---- 4. red lines ------------------------------------------------------------------------------
def test_no_agreement_ever_crosses_a_red_line_of_those_who_must_accept():
    sc = load_scenario(BASELINE)
    talks = Talks(sc, seed=2, runs=2000)
    crossings = 0
    settled_any = 0
    while not talks.done:
        talks.step()
        rec = talks.record
        if rec.proposal is None:
            continue
        for i in rec.plan.decision.needed:
            a = talks.actor_list[i]
            v = rec.proposal
            bad = rec.settled_now & ((v < a.at_least - 1e-9) | (v > a.at_most + 1e-9))
            crossings += int(bad.sum())
        settled_any += int(rec.settled_now.sum())
    assert settled_any > 1000  # agreements did happen, so the check had something to check
    assert crossings == 0


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
def test_positions_stay_on_the_scale_and_inside_own_red_lines():
    talks = Talks(load_scenario(BASELINE), seed=6, runs=1000)
    while not talks.done:
        talks.step()
        for a in talks.actor_list:
            assert (a.position >= 0).all() and (a.position <= 100).all()
            assert (a.position >= a.at_least - 1e-9).all()
            assert (a.position <= a.at_most + 1e-9).all()


def test_wilson_interval_matches_published_values():
    # Newcombe (1998), table I: 0/10 -> [0, 0.2775]; 15/148 -> [0.0624, 0.1605].
    lo, hi = wilson(0, 10)
    assert float(lo) == 0 and float(hi) == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson(15, 148)
    assert (float(lo), float(hi)) == pytest.approx((0.0624, 0.1605), abs=1e-4)


def test_no_war_hazard_without_a_war_motive(tmp_path):
    talks = Talks(build(tmp_path, _crisis(0.3, 0.1)), seed=1, runs=100)
    talks.play()
    assert (talks.outcome != ARMED_CONFLICT).all()
