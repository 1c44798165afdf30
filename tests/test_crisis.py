"""Crisis fields by hand and by theory: ultimatums, events, boycotts, accidents, mediation."""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

from sim.model.crisis import CAUSES
from sim.model.outcomes import ARMED_CONFLICT
from sim.model.schedule import build_schedule
from sim.model.talks import Talks, simulate
from sim.scenario import ScenarioError, scenario_from_dict

from .factory import REPO, actor, crisis, negsim, scenario_dict, stance, write

BASELINE = REPO / "scenarios" / "nato_russia_2022.yaml"


def threat(**extra):
    return {
        "id": "u",
        "sender": "a",
        "demand": {"x": {"at_least": 60}},
        "consequence": "war",
        "credibility": 1.0,
        "assumption": "test",
        **extra,
    }


def test_an_ultimatum_with_zero_credibility_changes_nothing():
    base = crisis(0.7, 0.1, noise=8, resolve=0.1)
    with_threat = copy.deepcopy(base)
    with_threat["ultimatums"] = [threat(credibility=0.0, perception_noise=2.0)]
    a = simulate(scenario_from_dict(base), 300, 5).drop(columns="cause")
    b = simulate(scenario_from_dict(with_threat), 300, 5)
    assert (b["cause"] != "ultimatum").all()
    assert a.equals(b.drop(columns="cause"))


def test_a_certain_costly_ultimatum_lowers_the_targets_bottom_line_by_its_cost():
    # b: ideal 0 = status quo, salience 1 (U = 1 now), war_cost 0.3. A certain threat of war
    # costs it 0.3 while the demand is unmet (docs/model.md, 12.1).
    data = crisis(0.6, 0.2)
    data["actors"][1]["war_cost"] = 0.3
    plain = Talks(scenario_from_dict(data), 1, 4)
    data["ultimatums"] = [threat()]
    threatened = Talks(scenario_from_dict(data), 1, 4)
    b0, b1 = plain.actor_list[1], threatened.actor_list[1]
    drop = b0.bottom_line(plain.values) - b1.bottom_line(threatened.values)
    np.testing.assert_allclose(drop, 0.3)
    # A status-quo threat costs what the change would: x to 40 is worth 1 - 0.4 = 0.6 to b.
    data["ultimatums"] = [threat(consequence="status_quo", change={"x": 40})]
    moved = Talks(scenario_from_dict(data), 1, 4)
    drop = b0.bottom_line(plain.values) - moved.actor_list[1].bottom_line(moved.values)
    np.testing.assert_allclose(drop, 0.4)
    # The sender itself is not threatened.
    np.testing.assert_allclose(
        plain.actor_list[0].bottom_line(plain.values),
        moved.actor_list[0].bottom_line(moved.values),
    )


def test_an_unmet_certain_threat_of_war_is_carried_out_at_its_deadline():
    data = crisis(0.0, 0.0, rounds=4)  # no war motive: deliberate war cannot come
    data["actors"][1]["stances"]["x"]["red_line"] = {"at_most": 10, "assumption": "t"}
    data["ultimatums"] = [threat(deadline={"meeting": "m", "round": 2})]
    talks = Talks(scenario_from_dict(data), 3, 50)
    talks.play()
    unmet = talks.values[:, 0] < 60
    assert unmet.all()
    assert (talks.outcome == ARMED_CONFLICT).all()
    assert (talks.rounds == 2).all()
    assert {CAUSES[c] for c in talks.cause} == {"ultimatum"}


def test_an_event_changes_the_status_quo_at_its_round_exactly():
    data = crisis(0.0, 0.0, rounds=4)  # no war motive: every run reaches round 3
    data["actors"][1]["stances"]["x"]["red_line"] = {"at_most": 0, "assumption": "t"}
    data["actors"][0]["stances"]["x"]["red_line"] = {"at_least": 90, "assumption": "t"}
    data["events"] = [
        {
            "id": "e",
            "name": "Troops arrive",
            "at": {"round": 3},
            "status_quo": {"x": 30},
            "assumption": "t",
        }
    ]
    talks = Talks(scenario_from_dict(data), 2, 20)
    seen = []
    talks.play(lambda rec: seen.append(talks.values[:, 0].copy()))
    assert not talks.settled.any()
    np.testing.assert_array_equal(seen[0], 0.0)
    np.testing.assert_array_equal(seen[1], 0.0)
    np.testing.assert_array_equal(seen[2], 30.0)  # the start of round 3
    # With probability 0 it never happens.
    data["events"][0]["probability"] = 0.0
    talks = Talks(scenario_from_dict(data), 2, 20)
    talks.play()
    np.testing.assert_array_equal(talks.values[:, 0], 0.0)


def test_accidents_are_war_nobody_chose_and_grow_with_contact():
    data = crisis(0.0, 0.0, rounds=6)  # p_win - cost = 0: no deliberate war
    data["actors"][1]["stances"]["x"]["red_line"] = {"at_most": 0, "assumption": "t"}
    data["settings"]["accidents"] = {"rate": 2.0, "contact": 0.5, "assumption": "t"}
    df = simulate(scenario_from_dict(data), 400, 9)
    war = df["outcome"] == "armed_conflict"
    assert war.sum() > 0
    assert (df.loc[war, "cause"] == "accident").all()
    data["settings"]["accidents"]["contact"] = 0.0
    none = simulate(scenario_from_dict(data), 400, 9)
    assert not (none["outcome"] == "armed_conflict").any()


def test_a_boycott_keeps_the_actor_away_and_nothing_needing_it_settles():
    data = crisis(0.3, 0.2, rounds=4)
    data["actors"][1]["boycott"] = {"while_on_table": ["x"], "probability": 1.0, "assumption": "t"}
    df = simulate(scenario_from_dict(data), 100, 4)
    assert not df["settled_x"].any()
    data["actors"][1]["boycott"]["probability"] = 0.0
    contrast = simulate(scenario_from_dict(data), 100, 4)
    assert contrast["settled_x"].any()


def test_a_stated_proposer_order_is_followed():
    data = crisis(0.3, 0.2, rounds=5)
    data["meetings"][0]["proposers"] = ["b", "b", "a"]
    plan = build_schedule(scenario_from_dict(data))
    assert [p.proposer for p in plan] == [1, 1, 0, 1, 1]


def test_a_mediator_proposes_the_compromise_point():
    data = scenario_dict(
        [
            actor("a", {"x": stance(0)}),
            actor("b", {"x": stance(100)}),
            actor("c", {"x": stance(90, 0.1)}),
        ],
        {"x": 20},
        [
            {
                "id": "m",
                "name": "M",
                "participants": ["a", "b", "c"],
                "issues": ["x"],
                "chair": "c",
                "mediation": "compromise",
            }
        ],
    )
    talks = Talks(scenario_from_dict(data), 1, 2)
    talks.step()
    # (0 * 1 + 100 * 1 + 90 * 0.1) / 2.1, not c's own point.
    np.testing.assert_allclose(talks.record.proposal[:, 0], 109 / 2.1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sender", "nobody", "no actor has this id"),
        ("deadline", {"meeting": "m", "round": 9}, "the agenda has no such round"),
        ("consequence", "status_quo", "change: is given exactly when"),
    ],
)
def test_bad_ultimatums_are_refused_with_their_path(field, value, message):
    data = crisis(0.3, 0.2)
    data["ultimatums"] = [threat(**{field: value})]
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    assert message in str(info.value)
    assert "ultimatums[0]" in str(info.value)


def test_brief_narration_fits_a_class_and_outcome_finds_a_war():
    brief = negsim("narrate", BASELINE, "--seed", "7", "--brief")
    assert brief.returncode == 0, brief.stderr
    assert len(brief.stdout.splitlines()) <= 40
    war = negsim("narrate", BASELINE, "--seed", "7", "--brief", "--outcome", "armed_conflict")
    assert war.returncode == 0, war.stderr
    assert "Outcome: armed conflict" in war.stdout
    none = negsim("narrate", BASELINE, "--outcome", "agreement", "--runs", "5")
    assert none.returncode == 2
    assert "none of the first 5 runs ended in agreement" in none.stderr


def two_issues(**more):
    """a wants both x and y high; b can give on x but neither side can give on y (red lines)."""
    return scenario_dict(
        [
            actor(
                "a",
                {
                    "x": stance(100),
                    "y": stance(100, red_line={"at_least": 50, "assumption": "t"}),
                },
                time_pressure=0.0,
            ),
            actor(
                "b",
                {
                    "x": stance(0, 0.2),
                    "y": stance(0, 1.0, red_line={"at_most": 0, "assumption": "t"}),
                },
                time_pressure=0.5,
            ),
        ],
        {"x": 0, "y": 0},
        [{"id": "m", "name": "M", "participants": ["a", "b"], "issues": ["x", "y"], "rounds": 4}],
        **more,
    )


def test_linked_issues_never_settle_apart():
    apart = simulate(scenario_from_dict(two_issues()), 50, 1)
    assert apart["settled_x"].all() and not apart["settled_y"].any()  # the contrast
    data = two_issues(belief_noise=10, resolve_noise=0.1)
    data["linkage"] = [{"issues": ["x", "y"], "assumption": "t"}]
    linked = simulate(scenario_from_dict(data), 200, 1)
    assert (linked["settled_x"] == linked["settled_y"]).all()
    assert not linked["settled_x"].any()


def test_a_side_payment_buys_a_refused_settlement_at_its_price():
    data = crisis(0.0, 0.0, rounds=2)
    data["actors"][1]["time_pressure"] = 0.1
    talks = Talks(scenario_from_dict(data), 1, 3)
    b = talks.actor_list[1]
    open_ = np.ones((3, 1), dtype=bool)
    offer = np.full((3, 1), 30.0)
    plain = talks.mechanism.respond(b, offer, open_)
    assert not plain.accept.any()  # 30 is worth 0.7 to b, short of its reservation
    data["side_payments"] = [
        {"giver": "a", "receiver": "b", "issue": "x", "amount": 0.3, "cost": 0.2, "assumption": "t"}
    ]
    talks = Talks(scenario_from_dict(data), 1, 3)
    b = talks.actor_list[1]
    resp = {b.index: talks.mechanism.respond(b, offer, open_)}
    talks.crisis.pay(resp, open_)
    np.testing.assert_allclose(resp[b.index].worth, plain.worth + 0.3)
    assert resp[b.index].accept.all()
    talks.settled[:] = True
    np.testing.assert_allclose(talks.crisis.transfers(), [[-0.2, 0.3]] * 3)


def test_validate_warns_about_what_is_legal_but_probably_mistaken(tmp_path):
    data = crisis(0.6, 0.2)
    data["actors"].append(actor("c", {"x": stance(50)}))  # at no meeting, with no other way
    data["actors"][1]["boycott"] = {"while_on_table": ["x"], "probability": 1.0, "assumption": "t"}
    path = write(tmp_path, data)
    proc = negsim("validate", path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    absent = [x for x in lines if "actors[2].id" in x]
    assert len(absent) == 1 and "attends no meeting: it can do nothing at all" in absent[0]
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: warning: ", absent[0])
    assert any("meetings[0].rule" in x and "always boycotts" in x for x in lines)
    # The contrast: a boycott that may not hold, and an actor at the table, warn of nothing.
    data["actors"][1]["boycott"]["probability"] = 0.5
    data["meetings"][0]["participants"].append("c")
    quiet = negsim("validate", write(tmp_path, data, "quiet.yaml"))
    assert quiet.returncode == 0 and "warning" not in quiet.stderr


def test_rounds_told_alike_are_folded_into_one_paragraph():
    from sim.report.narrate import narrate

    data = crisis(0.0, 0.0, rounds=2)
    data["meetings"].insert(
        0,
        {
            "id": "c",
            "name": "Consult",
            "kind": "consultation",
            "participants": ["a", "b"],
            "rounds": 3,
        },
    )
    story = narrate(scenario_from_dict(data), seed=1)
    assert "Rounds 1-3 · Consult: no movement" in story
    assert "Round 2 ·" not in story and "Round 4 ·" in story
    # The contrast: rounds that differ are each told.
    data["meetings"][0]["rounds"] = 1
    assert "Rounds" not in narrate(scenario_from_dict(data), seed=1)


def test_the_report_does_not_call_war_impossible_when_an_accident_or_threat_can_bring_it():
    from sim.analysis.impossible import impossible_outcomes

    data = crisis(0.0, 0.0)  # no war motive, walk-out rate 0
    assert {"armed_conflict", "breakdown"} <= set(impossible_outcomes(data))
    accidents = copy.deepcopy(data)
    accidents["settings"]["accidents"] = {"rate": 1.0, "contact": 0.5, "assumption": "t"}
    assert "armed_conflict" not in impossible_outcomes(accidents)
    walk = copy.deepcopy(data)
    walk["ultimatums"] = [threat(consequence="walk_out", credibility={"uniform": [0, 0.2]})]
    found = impossible_outcomes(walk)
    assert "breakdown" not in found and "armed_conflict" in found


def test_describe_lists_the_crisis_fields(tmp_path):
    proc = negsim("describe", BASELINE)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    assert "Crisis dynamics" in text
    assert "deadline the end of Written answers to Moscow's proposals" in text
    assert "Russia demands NATO enlargement at most 30 by the deadline, or war" in text
    plain = negsim("describe", write(tmp_path, crisis(0.3, 0.2)))
    assert plain.returncode == 0 and "Crisis dynamics" not in plain.stdout
