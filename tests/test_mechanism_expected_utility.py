"""The expected_utility mechanism inside the engine: its proposal by hand, the model's theory
checks (docs/model.md) under it, narration, and every bundled scenario run under it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.model import Talks, simulate
from sim.model.mechanisms import MECHANISMS, ExpectedUtility
from sim.scenario import load_scenario

from .factory import actor, build, scenario_dict, stance
from .test_theory import _crisis, _twins

ROOT = Path(__file__).resolve().parents[1]
EU = {"mechanism": "expected_utility"}


def with_mechanism(data: dict, name: str = "expected_utility") -> dict:
    data["settings"] = {**data.get("settings", {}), "mechanism": name}
    return data


def bundled(name: str):
    sc = load_scenario(ROOT / "scenarios" / name)
    settings = sc.settings.model_copy(update={"mechanism": "expected_utility"})
    return sc.model_copy(update={"settings": settings})


def test_the_mechanism_is_registered_under_its_schema_name():
    assert MECHANISMS["expected_utility"] is ExpectedUtility


def test_the_proposal_is_the_median_voter_by_hand(tmp_path):
    # One issue, no room (red lines leave no overlap). Weights c*s: a 1 at 0, b 2 at 50,
    # c 2.5 at 100; total 5.5, half 2.75; cumulative 1 at 0, 3 at 50: the median voter is 50.
    # Under bargaining the same table's focal point is the mean (0 + 100 + 250) / 5.5 = 63.6.
    data = scenario_dict(
        [
            actor("a", {"x": stance(0, red_line={"at_most": 10, "assumption": "t"})}),
            actor("b", {"x": stance(50)}, capability=2.0, patience=0.5),
            actor(
                "c",
                {"x": stance(100, red_line={"at_least": 90, "assumption": "t"})},
                capability=2.5,
            ),
        ],
        {"x": 50},
        [{"id": "m", "name": "M", "participants": ["a", "b", "c"], "chair": "b", "issues": ["x"]}],
    )
    eu_talks = Talks(build(tmp_path, with_mechanism(data)), seed=1, runs=1)
    eu_talks.step()
    assert eu_talks.record.proposal[0, 0] == pytest.approx(50.0)
    barg = Talks(build(tmp_path, with_mechanism(data, "bargaining"), "b.yaml"), seed=1, runs=1)
    barg.step()
    assert barg.record.proposal[0, 0] == pytest.approx(350 / 5.5)


def test_complete_information_with_a_bargaining_range_never_ends_in_war(tmp_path):
    data = with_mechanism(_crisis({"uniform": [0.3, 0.55]}, {"uniform": [0.05, 0.1]}))
    df = simulate(build(tmp_path, data), 1000, seed=11)
    assert (df["outcome"] == "armed_conflict").sum() == 0
    # Contrast: without a bargaining range the same table does go to war.
    df = simulate(build(tmp_path, with_mechanism(_crisis(0.9, 0.1)), "no_range.yaml"), 300, seed=3)
    assert (df["outcome"] == "armed_conflict").mean() > 0.5


def test_private_information_about_resolve_makes_war_possible(tmp_path):
    # The contrast that shows the check above could fail under this mechanism too.
    data = _crisis({"uniform": [0.3, 0.55]}, {"uniform": [0.05, 0.1]}, noise=10, resolve=0.2)
    df = simulate(build(tmp_path, with_mechanism(data)), 1000, seed=11)
    assert (df["outcome"] == "armed_conflict").mean() > 0.02


def test_red_lines_hold_and_positions_stay_inside_their_own():
    talks = Talks(bundled("nato_russia_2022.yaml"), seed=2, runs=300)
    crossings = settled = 0
    while not talks.done:
        talks.step()
        rec = talks.record
        for a in talks.actor_list:
            assert (a.position >= np.maximum(a.at_least, 0) - 1e-9).all()
            assert (a.position <= np.minimum(a.at_most, 100) + 1e-9).all()
        if rec.proposal is None:
            continue
        for i in rec.plan.decision.needed:
            a = talks.actor_list[i]
            v = rec.proposal
            crossings += int(
                (rec.settled_now & ((v < a.at_least - 1e-9) | (v > a.at_most + 1e-9))).sum()
            )
        settled += int(rec.settled_now.sum())
    assert settled > 100  # agreements happened, so the check had something to check
    assert crossings == 0


def test_identical_actors_are_treated_identically(tmp_path):
    talks = Talks(build(tmp_path, _twins(**EU)), seed=9, runs=200)
    moved = False
    while not talks.done:
        talks.step()
        a, b = talks.actor_list[0], talks.actor_list[1]
        np.testing.assert_array_equal(a.position, b.position)
        moved |= bool((a.position != a.ideal).any())
    assert moved  # the challenges did move them, identically
    u = talks.final_utilities()
    np.testing.assert_array_equal(u[:, 0], u[:, 1])


def test_run_k_is_the_same_whatever_the_batch():
    sc = bundled("cuban_missile_crisis_1962.yaml")
    whole = simulate(sc, 40, seed=7)
    part = Talks(sc, 7, np.arange(30, 40))
    part.play()
    again = part.outcomes_frame().reset_index(drop=True)
    expected = whole.iloc[30:40].reset_index(drop=True)
    assert again.equals(expected)


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml")),
)
def test_every_bundled_scenario_runs_and_narrates(name):
    sc = bundled(name)
    talks = Talks(sc, seed=3, runs=1)
    lines: list[str] = []
    while not talks.done:
        talks.step()
        rec = talks.record
        if rec.proposal is not None:
            lines += talks.mechanism.explain(rec, 0, lambda k, v: f"{v:.0f}")
    assert talks.outcome[0] >= 0 and not talks.active[0]
    assert any("proposes" in line for line in lines)
    # The challenges are told where they moved someone by a point or more.
    assert any("gives ground toward its position" in line for line in lines)
