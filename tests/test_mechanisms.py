"""The theory checks every mechanism must pass, as one class each mechanism's tests inherit.

Axelrod-style: a new mechanism gets ``class TestMine(MechanismConformance): mechanism = "mine"``
and is held to the same checks (docs/model.md, "Checks"). Each check has a contrast that shows
it can fail. Mechanism-specific cases (the compromise point, hand-computed rounds) live in the
subclasses.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest

from sim.analysis import paired_difference
from sim.model import Talks, simulate
from sim.model.mechanisms import MECHANISMS
from sim.model.rules import Decision
from sim.scenario import ScenarioError, load_scenario, scenario_from_dict
from sim.scenario.schema import MECHANISMS as SCHEMA_MECHANISMS

from .factory import actor, crisis, scenario_dict, stance

BASELINE = "scenarios/nato_russia_2022.yaml"


def no_range(chair):
    """Two invented states whose red lines leave no bargaining range; the revisionist's force
    is worth p_win - cost = 0.65, far more than anything the defender would ever accept."""
    return {
        "id": "chair_probe",
        "title": "Chair probe",
        "notes": {"what_it_is": "No bargaining range; who chairs must not decide war."},
        "issues": [
            {"id": "x", "name": "Territory", "low": "all B's", "high": "all A's", "status_quo": 0}
        ],
        "actors": [
            actor(
                "a",
                {"x": stance(100, red_line={"at_least": 60, "assumption": "t"})},
                military_option={"p_win": 0.8, "cost": 0.15, "signal": 0.5, "assumption": "t"},
                flexibility=0.3,
                patience=0.9,
            ),
            actor(
                "b",
                {"x": stance(0, red_line={"at_most": 20, "assumption": "t"})},
                war_cost=0.3,
                flexibility=0.3,
                patience=0.9,
            ),
        ],
        "meetings": [
            {
                "id": "m",
                "name": "Talks",
                "participants": ["a", "b"],
                "chair": chair,
                "issues": ["x"],
                "rounds": 6,
            }
        ],
    }


class MechanismConformance:
    """Checks of DESIGN section 4 and docs/model.md, run for ``mechanism``."""

    mechanism: str

    def scenario(self, data: dict):
        data = copy.deepcopy(data)
        data.setdefault("settings", {})["mechanism"] = self.mechanism
        return scenario_from_dict(data)

    def baseline(self, **russia):
        sc = load_scenario(BASELINE)
        data = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
        for a in data["actors"]:
            if a["id"] == "russia":
                a["military_option"].update(russia)
        return self.scenario(data)

    def test_registered_and_declared(self):
        assert self.mechanism in MECHANISMS
        assert self.mechanism in SCHEMA_MECHANISMS

    @pytest.mark.parametrize("settlement", ["issue_by_issue", "package"])
    def test_complete_information_with_a_range_never_ends_in_war(self, settlement):
        data = crisis({"uniform": [0.3, 0.55]}, {"uniform": [0.05, 0.1]}, settlement=settlement)
        df = simulate(self.scenario(data), 1000, seed=11)
        assert (df["outcome"] == "armed_conflict").sum() == 0
        assert (df["outcome"] == "agreement").all()

    def test_private_information_makes_war_possible(self):
        # The contrast of the test above: noisy beliefs about resolve and positions.
        data = crisis({"uniform": [0.3, 0.55]}, {"uniform": [0.05, 0.1]}, noise=10, resolve=0.3)
        df = simulate(self.scenario(data), 1000, seed=11)
        assert (df["outcome"] == "armed_conflict").mean() > 0.01

    def test_who_chairs_does_not_decide_war(self):
        shares = {}
        for chair in ("a", "b", "rotate"):
            df = simulate(self.scenario(no_range(chair)), 1000, seed=3)
            shares[chair] = (df["outcome"] == "armed_conflict").mean()
        assert max(shares.values()) - min(shares.values()) <= 0.10, shares
        assert min(shares.values()) > 0.5, shares  # no range and a strong motive: war comes

    def test_raising_the_cost_of_war_never_raises_armed_conflict(self):
        shares, indicators = [], []
        for cost in (0.15, 0.3, 0.45, 0.6):
            df = simulate(self.baseline(cost=cost), 1000, seed=5)
            war = (df["outcome"] == "armed_conflict").to_numpy()
            shares.append(war.mean())
            indicators.append(war)
        for low, high in itertools.pairwise(indicators):
            d, lo, hi = paired_difference(low, high)
            assert lo <= 0.0, f"war became more likely with a higher cost ({d:+.3f}, {hi:+.3f})"
        assert shares[0] > shares[-1], shares

    def test_red_lines_are_never_crossed_and_positions_stay_on_the_scale(self):
        talks = Talks(self.baseline(), seed=2, runs=1000)
        settled = 0
        while not talks.done:
            talks.step()
            rec = talks.record
            for a in talks.actor_list:
                assert (a.position >= a.at_least - 1e-9).all()
                assert (a.position <= a.at_most + 1e-9).all()
                assert ((a.position >= 0) & (a.position <= 100)).all()
            if rec.proposal is None:
                continue
            for i in rec.plan.decision.needed:
                a = talks.actor_list[i]
                v = rec.proposal
                bad = rec.settled_now & ((v < a.at_least - 1e-9) | (v > a.at_most + 1e-9))
                assert not bad.any()
            settled += rec.settled_now.sum()
        assert settled > 0  # something was agreed, so the check above had work to do

    def test_identical_actors_are_treated_alike(self):
        twins = scenario_dict(
            [
                actor("a", {"x": stance(20)}, flexibility=0.3),
                actor("b", {"x": stance(20)}, flexibility=0.3),
                actor("c", {"x": stance(80)}, flexibility=0.3),
            ],
            {"x": 50},
            [
                {
                    "id": "m",
                    "name": "M",
                    "participants": ["c", "a", "b"],
                    "chair": "c",
                    "issues": ["x"],
                    "rounds": 5,
                }
            ],
        )
        talks = Talks(self.scenario(twins), seed=1, runs=10)
        while not talks.done:
            talks.step()
            a, b = talks.actor_list[0], talks.actor_list[1]
            assert np.array_equal(a.position, b.position)
        u = talks.final_utilities()
        assert np.array_equal(u[:, 0], u[:, 1])

    def test_same_seed_same_runs_whatever_the_batch(self):
        sc = self.baseline()
        whole = simulate(sc, 300, seed=9)
        part = simulate(sc, np.arange(100, 200), seed=9)
        assert whole.iloc[100:200].reset_index(drop=True).equals(part)
        assert not whole.equals(simulate(sc, 300, seed=10))

    def test_crisis_fields_keep_their_meaning(self):
        # docs/model.md, 12: an ultimatum nobody believes changes nothing, run for run; a
        # certain, unmet one is carried out at its deadline; an event moves the status quo at
        # its round. Red lines leave no agreement possible, and nobody has a war motive.
        base = crisis(0.0, 0.0, noise=8, resolve=0.1, rounds=4)
        base["actors"][1]["stances"]["x"]["red_line"] = {"at_most": 10, "assumption": "t"}
        base["actors"][0]["stances"]["x"]["red_line"] = {"at_least": 50, "assumption": "t"}
        threat = {
            "id": "u",
            "sender": "a",
            "demand": {"x": {"at_least": 60}},
            "deadline": {"round": 2},
            "consequence": "walk_out",
            "credibility": 0.0,
            "assumption": "t",
        }
        plain = simulate(self.scenario(base), 200, seed=3)
        data = copy.deepcopy(base)
        data["ultimatums"] = [threat]
        assert plain.drop(columns="cause").equals(
            simulate(self.scenario(data), 200, seed=3).drop(columns="cause")
        )
        data["ultimatums"] = [{**threat, "credibility": 1.0}]
        carried = simulate(self.scenario(data), 200, seed=3)
        assert (carried["cause"] == "ultimatum").all() and (carried["rounds"] == 2).all()
        data = copy.deepcopy(base)
        data["events"] = [
            {"id": "e", "name": "E", "at": {"round": 2}, "status_quo": {"x": 5}, "assumption": "t"}
        ]
        talks = Talks(self.scenario(data), 3, 50)
        seen = []
        talks.play(lambda rec: seen.append((talks.values[:, 0].copy(), talks.settled[:, 0].copy())))
        (v1, s1), (v2, s2) = seen[0], seen[1]
        assert (v1[~s1] == 0).all() and (v2[~s2] == 5).all()


class TestBargaining(MechanismConformance):
    mechanism = "bargaining"

    def test_without_a_range_the_proposal_is_the_compromise_point(self):
        # One issue, no strategic room: the chair offers sum(c s x) / sum(c s), saliences
        # compared across actors: (1*1*0 + 2*0.5*50 + 3*1*100) / (1 + 1 + 3) = 350 / 5 = 70.
        data = scenario_dict(
            [
                actor("a", {"x": stance(0, red_line={"at_most": 10, "assumption": "t"})}),
                actor("b", {"x": stance(50, salience=0.5)}, capability=2.0),
                actor(
                    "c",
                    {"x": stance(100, red_line={"at_least": 90, "assumption": "t"})},
                    capability=3.0,
                ),
            ],
            {"x": 50},
            [
                {
                    "id": "m",
                    "name": "M",
                    "participants": ["a", "b", "c"],
                    "chair": "b",
                    "issues": ["x"],
                }
            ],
        )
        talks = Talks(self.scenario(data), seed=1, runs=1)
        talks.step()
        assert talks.record.proposal[0, 0] == pytest.approx(70.0)
        assert not talks.settled.any()


# ---- decision rules, by hand ------------------------------------------------------------------
def test_qualified_majority_by_hand():
    # Voters 0..3 weigh 29, 29, 12, 4 (74 in all); threshold 0.739 needs 54.7: 29 + 29 = 58
    # passes, 29 + 12 + 4 = 45 does not; veto player 4 must accept too.
    rule = Decision("qualified_majority", (0, 1, 2, 3), (29.0, 29.0, 12.0, 4.0), 0.739, 0, (4,))
    accept = np.array(
        [
            [1, 1, 0, 0, 1],
            [1, 0, 1, 1, 1],
            [1, 1, 0, 0, 0],
            [1, 1, 1, 1, 1],
        ],
        dtype=bool,
    )
    assert rule.passes(accept).tolist() == [True, False, False, True]


def test_majority_needs_more_than_half_and_min_members():
    rule = Decision("majority", (0, 1, 2, 3), (1.0,) * 4, 0.5, 0, ())
    two, three = np.array([1, 1, 0, 0], bool), np.array([1, 1, 1, 0], bool)
    assert not rule.passes(two) and rule.passes(three)
    strict = Decision("qualified_majority", (0, 1, 2, 3), (1.0,) * 4, 0.5, 3, ())
    assert not strict.passes(two) and strict.passes(three)


def test_a_rule_mapping_is_checked_with_its_path(tmp_path):
    data = crisis(0.3, 0.1)
    data["meetings"][0]["rule"] = {"kind": "qualified_majority", "weights": {"zz": 2}}
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data)
    assert "meetings[0].rule: a qualified_majority needs a threshold" in str(exc.value)
    data["meetings"][0]["rule"] = {
        "kind": "qualified_majority",
        "threshold": 0.6,
        "weights": {"zz": 2},
        "veto": ["a"],
    }
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data)
    assert "meetings[0].rule.weights.zz: weights are for voters only" in str(exc.value)


def test_a_majority_outvotes_a_holdout_that_unanimity_lets_block():
    # Three at 100 and one at 0 = status quo with salience 1 and no time pressure: under
    # unanimity the holdout blocks every move; under a majority the others settle near 100.
    def case(rule):
        people = [actor(n, {"x": stance(100)}) for n in "abc"]
        people.append(actor("d", {"x": stance(0)}, time_pressure=0.0))
        meeting = {
            "id": "m",
            "name": "M",
            "participants": list("abcd"),
            "chair": "a",
            "issues": ["x"],
            "rounds": 4,
            "rule": rule,
        }
        return scenario_from_dict(scenario_dict(people, {"x": 0}, [meeting]))

    blocked = simulate(case("all"), 20, seed=1)
    outvoted = simulate(case({"kind": "majority"}), 20, seed=1)
    assert (blocked["value_x"] == 0).all()  # at most the status quo is confirmed
    assert outvoted["settled_x"].all() and (outvoted["value_x"] > 90).all()


# ---- salience, time pressure, aspiration ------------------------------------------------------
def test_impatience_never_makes_an_actor_take_less_than_the_status_quo():
    # A (ideal 100) and B (ideal 40) around a status quo of 60, both very impatient. Without
    # time pressure no settlement may leave either worse off than 60 leaves it, i.e. only 60
    # itself; with time pressure (the contrast) they do give ground beyond it.
    def case(tau):
        people = [
            actor("a", {"x": stance(100)}, patience=0.5, time_pressure=tau, flexibility=0.5),
            actor("b", {"x": stance(40)}, patience=0.5, time_pressure=tau, flexibility=0.5),
        ]
        return scenario_from_dict(scenario_dict(people, {"x": 60}, belief_noise=10))

    values = simulate(case(0.0), 500, seed=4)["value_x"]
    assert (values - 60).abs().max() < 1e-9
    pressed = simulate(case(0.3), 500, seed=4)["value_x"]
    assert (pressed - 60).abs().max() > 5


def test_time_pressure_lets_a_status_quo_actor_give_way_by_the_deadline():
    # B sits at the status quo. With time pressure tau it accepts, at the deadline, values up
    # to 100 tau / salience from it: tau 0.3, salience 1 -> 30 (A proposes the most it can);
    # one round, so the round is the deadline.
    def case(tau, salience=1.0):
        people = [
            actor("a", {"x": stance(100)}),
            actor("b", {"x": stance(0, salience=salience)}, time_pressure=tau, aspiration=0.0),
        ]
        meeting = {
            "id": "m",
            "name": "M",
            "participants": ["a", "b"],
            "chair": "a",
            "issues": ["x"],
            "rounds": 1,
        }
        return scenario_from_dict(scenario_dict(people, {"x": 0}, [meeting]))

    assert (simulate(case(0.0), 5, seed=1)["value_x"] == 0).all()
    df = simulate(case(0.3), 5, seed=1)
    assert df["settled_x"].all() and df["value_x"].to_numpy() == pytest.approx(30.0)
    # Salience compares across actors: caring half as much, B gives twice as much ground.
    df = simulate(case(0.3, salience=0.5), 5, seed=1)
    assert df["value_x"].to_numpy() == pytest.approx(60.0)


def test_aspiration_makes_an_actor_wait_for_a_better_offer():
    # Two rounds; A cannot offer B less than 30 (its red line). In round 1 half the agenda is
    # used, so B's bottom line is 1 - 0.6 * 0.5 = 0.7: 30 is acceptable. A B with no
    # aspiration takes it at once; one that aspires to 0.9 of the gain holds out for
    # 0.7 + 0.9 * 0.5 * 0.3 = 0.835 (at most 16.5) and waits for the last round, where its
    # bottom line is 0.4 and A asks, and gets, 60: holding out is a gamble.
    def settled(aspiration):
        people = [
            actor(
                "a",
                {"x": stance(100, red_line={"at_least": 30, "assumption": "t"})},
                aspiration=0.0,
                time_pressure=0.0,
            ),
            actor("b", {"x": stance(0)}, time_pressure=0.6, aspiration=aspiration),
        ]
        meeting = {
            "id": "m",
            "name": "M",
            "participants": ["a", "b"],
            "chair": "a",
            "issues": ["x"],
            "rounds": 2,
        }
        df = simulate(scenario_from_dict(scenario_dict(people, {"x": 0}, [meeting])), 1, 1)
        return int(df["rounds"].iloc[0]), float(df["value_x"].iloc[0])

    assert settled(0.0) == (1, pytest.approx(30.0))
    assert settled(0.9) == (2, pytest.approx(60.0))


def test_a_consensus_norm_moves_a_lone_holdout():
    # One member at 0 against three at 100, all caring fully (so they never concede on their
    # own): with a consensus norm the holdout moves toward the table; without, it stays.
    def holdout_position(consensus):
        people = [actor(n, {"x": stance(100)}) for n in "abc"]
        people.append(actor("d", {"x": stance(0)}))
        meeting = {
            "id": "m",
            "name": "M",
            "participants": list("abcd"),
            "chair": "a",
            "issues": ["x"],
            "rounds": 2,
            "consensus": consensus,
        }
        talks = Talks(scenario_from_dict(scenario_dict(people, {"x": 0}, [meeting])), 1, 1)
        talks.step()
        return talks.actor_list[3].position[0, 0]

    assert holdout_position(0.0) == 0.0
    # Isolation 1, focal point (3*100 + 0)/4 = 75: a step of 0.5 * 75.
    assert holdout_position(0.5) == pytest.approx(37.5)


def test_an_actor_at_no_table_can_still_go_to_war():
    # C, with force worth 0.6 and a status quo worth 0 to it, attends no meeting: it cannot be
    # offered anything, so it weighs force against the status quo and war is possible.
    people = [
        actor("a", {"x": stance(0)}),
        actor("b", {"x": stance(10)}),
        actor(
            "c",
            {"x": stance(100)},
            military_option={"p_win": 0.8, "cost": 0.2, "signal": 0.5, "assumption": "t"},
        ),
    ]
    people[0]["stances"]["x"]["red_line"] = {"at_most": 5, "assumption": "t"}
    people[1]["stances"]["x"]["red_line"] = {"at_least": 8, "assumption": "t"}
    # A and B never agree (their red lines do not overlap), so the talks go on while C waits.
    meeting = {"id": "m", "name": "M", "participants": ["a", "b"], "issues": ["x"], "rounds": 5}
    data = scenario_dict(people, {"x": 0}, [meeting], tension={"initial": 0.8, "war_rate": 10})
    df = simulate(scenario_from_dict(data), 300, seed=1)
    assert (df["outcome"] == "armed_conflict").mean() > 0.5


def test_scenario_from_dict_names_the_bad_field():
    data = crisis(0.3, 0.1)
    data["actors"][1]["stances"]["x"]["salience"] = 2
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data, name="generated")
    assert str(exc.value) == (
        "generated: actors[1].stances.x.salience: must be between 0 and 1 (got 2)"
    )


def test_a_field_a_mechanism_cannot_honour_is_refused_with_the_reason():
    data = crisis(0.3, 0.1)
    data["meetings"][0]["consensus"] = 0.5
    data["settings"]["mechanism"] = "bargaining"
    scenario_from_dict(data)  # bargaining honours it
    data["settings"]["mechanism"] = "expected_utility"
    with pytest.raises(ScenarioError) as exc:
        scenario_from_dict(data)
    assert "meetings[0].consensus: expected_utility moves positions by challenges" in str(exc.value)
