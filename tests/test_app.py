"""The teaching page's computations and the classroom, without a browser (test_app_browser.py
drives the page itself)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from sim.app.classroom import NAME_LENGTH, Classroom, ClassroomError
from sim.app.compute import SteppedRun, distribution, pick_run
from sim.app.levers import levers_of, with_overrides
from sim.model.human import Move
from sim.model.talks import Talks
from sim.report.narrate import narrate
from sim.scenario import load_scenario
from tests.factory import REPO

BASELINE = REPO / "scenarios" / "nato_russia_2022.yaml"


@pytest.fixture(scope="module")
def sc():
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def dist(sc):
    return distribution(sc, runs=300, seed=11)


def test_the_distribution_counts_every_run_once_with_intervals_around_each_share(dist):
    assert sum(dist.shares.values()) == pytest.approx(1.0)
    for o, share in dist.shares.items():
        assert dist.low[o] <= share <= dist.high[o]
        assert (dist.table["outcome"] == o).mean() == pytest.approx(share)
    assert [r[0] for r in dist.rows()][-1] == "armed conflict"


def test_a_run_picked_by_outcome_ended_that_way_and_the_next_pick_moves_on(dist):
    first = pick_run(dist, "armed_conflict")
    second = pick_run(dist, "armed_conflict", after=first)
    ended = dist.table.set_index("run")["outcome"]
    assert ended[first] == ended[second] == "armed_conflict"
    assert second > first
    # Red lines on enlargement leave no overlap: agreement is impossible in the baseline.
    assert pick_run(dist, "agreement") is None


def test_a_stepped_run_tells_exactly_what_narrate_tells(sc):
    stepped = SteppedRun(sc, run=4, seed=11)
    while not stepped.done:
        stepped.step()
    told = "\n".join(line for p in stepped.paragraphs for line in p) + "\n"
    assert told == narrate(sc, 11, 4)
    assert stepped.history().shape == (len(stepped.paragraphs), len(sc.actors), len(sc.issues))


def test_the_cost_of_war_lever_moves_the_share_of_armed_conflict(sc):
    paths = [lever.path for lever in levers_of(sc)]
    assert "actors.russia.military_option.cost" in paths
    assert "settings.belief_noise" in paths
    cheap = with_overrides(sc, {"actors.russia.military_option.cost": 0.0})
    dear = with_overrides(sc, {"actors.russia.military_option.cost": 1.0})
    war = [distribution(s, runs=300, seed=11).shares["armed_conflict"] for s in (cheap, dear)]
    assert war[1] < war[0]


def test_joining_checks_names_and_seats_and_keeps_names_as_typed(sc):
    session = Classroom().open(sc, timer=1)
    with pytest.raises(ClassroomError, match="name"):
        session.join("   ", "russia")
    with pytest.raises(ClassroomError, match="No actor"):
        session.join("Ann", "atlantis")
    session.join("  <b>Ann</b>\n  Lee ", "russia")
    assert session.seats["russia"] == "<b>Ann</b> Lee"  # text, shown as text by the page
    with pytest.raises(ClassroomError, match="taken"):
        session.join("Bob", "russia")
    session.join("x" * 500, "us")
    assert len(session.seats["us"]) == NAME_LENGTH
    assert set(session.free_actors()) == {a.id for a in sc.actors} - {"russia", "us"}


def _finish(session, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while session.playing and time.monotonic() < end:
        time.sleep(0.01)
    assert not session.playing, "the game did not finish"


def test_when_every_timer_runs_out_the_agents_play_the_run_they_would_have(sc):
    session = Classroom().open(sc, timer=0.01)
    session.join("Ann", "russia")
    session.join("Bob", "us")
    session.start()
    _finish(session)
    plain = Talks(sc, session.seed, np.array([0]))
    plain.play()
    from sim.model.outcomes import OUTCOMES

    assert session.game.outcome == OUTCOMES[int(plain.outcome[0])]
    assert session.game.utilities["russia"] == pytest.approx(plain.final_utilities()[0, 1])
    assert session.outcome_counts()[session.game.outcome] == 1


def test_a_student_walking_out_ends_the_game_in_breakdown(sc):
    session = Classroom().open(sc, timer=30)
    token = session.join("Ann", "russia")
    with pytest.raises(ClassroomError, match="Nothing is waiting"):
        session.answer(token, Move("accept"))
    with pytest.raises(ClassroomError, match="not seated"):
        session.answer("forged", Move("accept"))
    session.start()
    end = time.monotonic() + 30
    while "russia" not in session.pending and time.monotonic() < end:
        time.sleep(0.01)
    session.answer(token, Move("walk_out"))
    _finish(session)
    assert session.game.outcome == "breakdown"
    assert Classroom().find("nope") is None


def test_negsim_app_refuses_bad_input_in_one_line_before_serving(tmp_path):
    import socket

    from tests.factory import negsim

    missing = negsim("app", tmp_path / "none.yaml", "--no-browser")
    assert missing.returncode == 2
    assert "none.yaml" in missing.stderr and missing.stderr.strip().count("\n") == 0
    pytest.importorskip("solara", reason="the app extra is not installed")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = negsim("app", BASELINE, "--no-browser", "--port", port)
    assert busy.returncode == 2
    assert f"127.0.0.1:{port}" in busy.stderr and "--port" in busy.stderr
    assert busy.stderr.strip().count("\n") == 0


def test_the_lesson_plans_first_exercise_finds_what_it_says(sc):
    """docs/teaching.md, exercise 1, on the page's own runs: no agreement whatever the levers;
    a dearer war cuts war and removes stalemate, down to a floor (the ultimatum's wars, all in
    its round) that a dearer war still does not move; a cheap war makes war the commonest
    ending; complete information leaves war in place; walk-outs hardly move."""
    cost = "actors.russia.military_option.cost"
    base = distribution(sc)
    dear = distribution(with_overrides(sc, {cost: 0.6}))
    dearer = distribution(with_overrides(sc, {cost: 0.9}))
    cheap = distribution(with_overrides(sc, {cost: 0.1}))
    known = distribution(with_overrides(sc, {"settings.belief_noise": 0}))
    for d in (base, dear, dearer, cheap, known):
        assert d.shares["agreement"] == 0
        assert 0.1 <= d.shares["breakdown"] <= 0.2
    assert dear.shares["armed_conflict"] < base.shares["armed_conflict"] - 0.05
    assert dear.shares["stalemate"] < 0.01
    assert dear.shares["partial_agreement"] > base.shares["partial_agreement"] + 0.15
    assert dearer.shares == dear.shares
    wars = dear.table.loc[dear.table["outcome"] == "armed_conflict", "rounds"]
    assert wars.nunique() == 1 and len(wars) > 0.15 * dear.runs  # all when the ultimatum falls due
    assert cheap.shares["armed_conflict"] > 0.5 > 0.1 > cheap.shares["partial_agreement"]
    assert abs(known.shares["armed_conflict"] - base.shares["armed_conflict"]) < 0.05
