"""The expected_utility mechanism inside the engine: the checks every mechanism passes
(inherited from ``MechanismConformance``), its proposal by hand, narration, and every bundled
scenario run under it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.model import Talks
from sim.model.mechanisms import MECHANISMS, ExpectedUtility
from sim.scenario import load_scenario

from .factory import actor, build, scenario_dict, stance
from .test_mechanisms import MechanismConformance
from .test_theory import _twins

ROOT = Path(__file__).resolve().parents[1]
EU = {"mechanism": "expected_utility"}


def with_mechanism(data: dict, name: str = "expected_utility") -> dict:
    data["settings"] = {**data.get("settings", {}), "mechanism": name}
    return data


def bundled(name: str):
    sc = load_scenario(ROOT / "scenarios" / name)
    settings = sc.settings.model_copy(update={"mechanism": "expected_utility"})
    return sc.model_copy(update={"settings": settings})


class TestExpectedUtility(MechanismConformance):
    mechanism = "expected_utility"

    def test_the_class_is_the_registered_one(self):
        assert MECHANISMS[self.mechanism] is ExpectedUtility


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
