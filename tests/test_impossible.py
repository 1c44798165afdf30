"""Outcomes ruled out by construction: each check against a hand-made case and its contrast,
and the claim held to the model itself (a flagged outcome never happens; its contrast does)."""

from __future__ import annotations

import copy

import pytest

from sim.analysis.impossible import impossible_outcomes, unsettleable_issues
from sim.experiment import run_experiment
from tests.factory import actor, build, scenario_dict, stance


def _two_sided(high_floor: float, low_ceiling: float, **settings) -> dict:
    """Two actors who must both accept; a red line each on one issue, a free second issue."""
    a = actor(
        "east",
        {
            "border": stance(25, red_line={"at_most": low_ceiling, "assumption": "t"}),
            "trade": stance(60, 0.5),
        },
        flexibility=0.5,
    )
    b = actor(
        "west",
        {
            "border": stance(75, red_line={"at_least": high_floor, "assumption": "t"}),
            "trade": stance(70, 0.5),
        },
        flexibility=0.5,
    )
    # From a status quo of 0 both gain on trade, so a package can pay for a border compromise.
    return scenario_dict([a, b], {"border": 0, "trade": 0}, **settings)


def test_red_lines_that_do_not_overlap_make_agreement_impossible_with_the_reason():
    found = impossible_outcomes(_two_sided(high_floor=70, low_ceiling=30))
    assert set(found) == {"agreement", "armed_conflict"}  # no military option either
    (reason,) = found["agreement"]
    assert "East accepts nothing above 30" in reason
    assert "West accepts nothing below 70" in reason
    assert "border" in reason


def test_red_lines_that_overlap_leave_agreement_possible():
    assert "agreement" not in impossible_outcomes(_two_sided(high_floor=40, low_ceiling=60))
    # Touching bounds overlap at one point: still possible.
    assert "agreement" not in impossible_outcomes(_two_sided(high_floor=50, low_ceiling=50))


def test_a_party_whose_acceptance_is_not_needed_blocks_nothing():
    data = _two_sided(high_floor=70, low_ceiling=30)
    data["meetings"][0]["rule"] = ["west"]
    assert unsettleable_issues(data) == {}


@pytest.mark.parametrize(
    ("rule", "blocked"),
    [
        ({"kind": "unanimity"}, True),
        ({"kind": "majority"}, False),  # either side can be outvoted
        ({"kind": "majority", "veto": ["east"]}, False),  # one veto: the other is outvoted
        ({"kind": "majority", "veto": ["east", "west"]}, True),
        ({"kind": "qualified_majority", "threshold": 0.6, "veto": ["west", "east"]}, True),
    ],
)
def test_decision_rules_block_only_through_those_whose_acceptance_is_needed(rule, blocked):
    data = _two_sided(high_floor=70, low_ceiling=30)
    data["meetings"][0]["rule"] = rule
    assert ("agreement" in impossible_outcomes(data)) is blocked


def test_a_red_line_drawn_at_random_counts_only_if_no_draw_overlaps():
    data = _two_sided(high_floor=70, low_ceiling=30)
    stances = data["actors"][0]["stances"]["border"]["red_line"]
    stances["at_most"] = {"uniform": [20, 75]}  # some draws reach 70
    assert "agreement" not in impossible_outcomes(data)
    stances["at_most"] = {"uniform": [20, 65]}
    assert "agreement" in impossible_outcomes(data)


def test_a_drawn_position_beyond_the_red_line_moves_it():
    """Sampling moves a red line onto a position drawn on its wrong side, so a position that
    can reach the other side's floor opens the range."""
    data = _two_sided(high_floor=70, low_ceiling=30)
    data["actors"][0]["stances"]["border"]["position"] = {"uniform": [10, 80]}
    assert "agreement" not in impossible_outcomes(data)


def test_an_issue_at_no_negotiation_cannot_be_settled():
    data = _two_sided(high_floor=40, low_ceiling=60)
    data["meetings"][0]["issues"] = ["trade"]
    assert set(unsettleable_issues(data)) == {"border"}
    assert "no negotiation" in unsettleable_issues(data)["border"]


def test_package_deals_carry_a_blocked_issue_to_its_whole_table():
    data = _two_sided(high_floor=70, low_ceiling=30)
    assert set(unsettleable_issues(data)) == {"border"}
    data["settings"]["settlement"] = "package"
    found = impossible_outcomes(data)
    assert set(unsettleable_issues(data)) == {"border", "trade"}
    assert "partial_agreement" in found
    # A second table holding only trade lets trade be settled again.
    data["meetings"].append({**copy.deepcopy(data["meetings"][0]), "id": "t2", "issues": ["trade"]})
    assert set(unsettleable_issues(data)) == {"border"}
    assert "partial_agreement" not in impossible_outcomes(data)


def test_war_is_impossible_without_a_war_motive_and_possible_with_one():
    data = _two_sided(high_floor=40, low_ceiling=60)
    assert "armed_conflict" in impossible_outcomes(data)
    option = {"p_win": 0.4, "cost": 0.5, "assumption": "t"}
    data["actors"][0]["military_option"] = option
    assert "armed_conflict" in impossible_outcomes(data)  # p_win - cost < 0 in every draw
    option["cost"] = {"uniform": [0.3, 0.6]}
    assert "armed_conflict" not in impossible_outcomes(data)


def test_breakdown_is_impossible_when_its_rate_is_zero():
    data = _two_sided(high_floor=40, low_ceiling=60)
    assert "breakdown" not in impossible_outcomes(data)
    data["settings"]["tension"] = {"breakdown_rate": 0}
    assert "breakdown" in impossible_outcomes(data)


@pytest.mark.parametrize("settlement", ["issue_by_issue", "package"])
def test_the_model_agrees_flagged_outcomes_never_happen(tmp_path, settlement):
    """The analysis reads the file; the model plays it. What the one rules out, the other never
    produces, and the contrast case (red lines that overlap) does reach agreement."""
    blocked = _two_sided(high_floor=70, low_ceiling=30, settlement=settlement, belief_noise=5)
    contrast = _two_sided(high_floor=40, low_ceiling=60, settlement=settlement, belief_noise=5)
    shares = {}
    for name, data in (("blocked", blocked), ("contrast", contrast)):
        exp = run_experiment(build(tmp_path, data, f"{name}.yaml"), 300, 3, 1)
        shares[name] = exp.outcomes["outcome"].astype(str).value_counts(normalize=True)
        for outcome in impossible_outcomes(data):
            assert shares[name].get(outcome, 0.0) == 0.0, (name, outcome)
    assert "agreement" in impossible_outcomes(blocked)
    assert "agreement" not in impossible_outcomes(contrast)
    assert shares["contrast"].get("agreement", 0.0) > 0.5
