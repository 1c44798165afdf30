"""A person at the table (sim/model/human.py, sim/play/): the seam, the commands, the debrief."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from sim.model.human import HumanSeat, Move, Turn, end_round
from sim.model.talks import Talks
from sim.play.debrief import debrief
from sim.play.session import play_run
from sim.play.terminal import BadMove, TerminalSeat
from sim.scenario import load_scenario
from tests.factory import REPO

BASELINE = REPO / "scenarios" / "nato_russia_2022.yaml"


@pytest.fixture(scope="module")
def sc():
    return load_scenario(BASELINE)


class Scripted:
    """A seat that answers from a list, then hands the seat over (or waits with ``then``)."""

    def __init__(self, moves: list[Move], then: str = "quit"):
        self.moves = list(moves)
        self.then = then
        self.turns: list[Turn] = []

    def _next(self, turn: Turn) -> Move:
        self.turns.append(turn)
        return self.moves.pop(0) if self.moves else Move(self.then)  # type: ignore[arg-type]

    propose = respond = ultimatum = _next


def agents_only(sc, seed: int, run: int) -> Talks:
    talks = Talks(sc, seed, np.array([run]))
    talks.play()
    return talks


@pytest.mark.parametrize("then", ["quit", "agent"])
def test_a_person_who_leaves_everything_to_the_agent_gets_the_agents_run(sc, then):
    """The seam changes nothing by itself: quitting at once replays the agents' own run
    exactly; letting every timer run out replays it with the one difference a held seat
    makes, that the seat's war motive draws no deliberate war (the person decides force)."""
    talks = Talks(sc, 3, np.array([2]))
    seat = Scripted([], then=then)
    human = HumanSeat.take(talks, {"russia": seat})
    while not talks.done:
        talks.step()
        end_round(talks, human)
    plain = Talks(sc, 3, np.array([2]))
    plain.seated[plain.actor_index["russia"]] = then == "agent"
    plain.play()
    assert seat.turns, "russia must have been asked at least once"
    assert talks.outcome[0] == plain.outcome[0]
    np.testing.assert_array_equal(talks.final_utilities(), plain.final_utilities())


def test_walking_out_ends_the_run_in_breakdown_and_force_in_war(sc):
    said = {"walk_out": "chose to walk out", "force": "chose to use force"}
    for move, outcome in ((Move("walk_out"), "breakdown"), (Move("force"), "armed_conflict")):
        told: list[str] = []
        played = play_run(sc, "russia", Scripted([move]), seed=1, tell=told.extend)
        assert played.outcome == outcome
        assert played.ended_by_person
        assert played.rounds < 10  # Russia's first turn comes early in the agenda
        # The story names the person's choice, not a hazard that never fired.
        ending = next(line for line in told if line.startswith("The run ends"))
        assert said[move.kind] in ending and "hazard" not in ending, ending


def test_force_is_refused_to_an_actor_without_a_military_option(sc):
    with pytest.raises(ValueError, match="no military option"):
        play_run(sc, "nato", Scripted([Move("force")]), seed=1)
    seat = TerminalSeat(sc, "nato", iter([]), lambda _: None)
    with pytest.raises(BadMove, match="no military option"):
        seat.parse("use force", _turn(), proposing=False)


def _turn(open_issues=(1, 2), proposing=False) -> Turn:
    values = np.full(6, 50.0)
    return Turn(
        round=2,
        meeting="m",
        proposer=None if proposing else "United States",
        open_issues=list(open_issues),
        proposal=None if proposing else values,
        suggestion=values if proposing else None,
        agent_accepts=None if proposing else True,
        worth=None if proposing else 0.5,
        now=0.3,
        war_value=None,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sing", "Not a command"),
        ("propose", "names issues"),
        ("propose exercises", "ISSUE=VALUE"),
        ("propose nato_enlargement=10", "open issue"),  # not on this table
        ("propose exercises=150", "from 0 to 100"),
        ("propose exercises=nan", "from 0 to 100"),
        ("walk out now", "Not a command"),
    ],
)
def test_a_malformed_move_gets_one_line_saying_what_is_allowed(sc, text, message):
    seat = TerminalSeat(sc, "russia", iter([]), lambda _: None)
    with pytest.raises(BadMove, match=message) as exc:
        seat.parse(text, _turn(), proposing=False)
    assert "\n" not in str(exc.value)


def test_a_counter_proposal_names_issues_and_a_chair_fills_the_rest(sc):
    seat = TerminalSeat(sc, "russia", iter([]), lambda _: None)
    move = seat.parse("propose exercises=20", _turn(), proposing=False)
    assert move == Move("propose", {1: 20.0})
    chair = seat.parse("propose deployments=5", _turn(proposing=True), proposing=True)
    assert chair == Move("propose", {1: 50.0, 2: 5.0})
    with pytest.raises(BadMove, match="chair"):
        seat.parse("accept", _turn(proposing=True), proposing=True)


def test_the_debrief_places_a_utility_among_the_simulated_runs(sc):
    best = debrief(sc, "russia", 1.0, seed=1, runs=200)
    worst = debrief(sc, "russia", -1.0, seed=1, runs=200)
    middle = float(np.median(best.simulated["utility_russia"]))
    mid = debrief(sc, "russia", middle, seed=1, runs=200)
    assert best.better_than == 1.0 and worst.better_than == 0.0
    assert mid.better_than <= 0.5 <= mid.better_than + mid.as_good
    assert "of simulated Russias" in best.sentence()


def _play_cli(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", "play", str(BASELINE), *args],
        input=script,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_negsim_play_scripted_to_quit_prints_the_debrief_with_the_percentile():
    done = _play_cli("accept\nsing\nrefuse\nquit\n", "--as", "russia", "--seed", "1")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "> sing" in out and "Not a command: 'sing'" in out
    assert "the agent finished the run in your seat" in out
    assert "of simulated Russias" in out
    share = int(out.split("is better than ")[1].split("%")[0])
    assert 0 <= share <= 100
    assert "Debrief" in out and "The talks ended in round" in out


def test_negsim_play_rejects_an_unknown_actor_in_one_line():
    done = _play_cli("", "--as", "atlantis")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "atlantis" in done.stderr and "russia" in done.stderr


def test_the_lesson_plans_five_line_variant_is_a_valid_variant():
    import re

    text = (REPO / "docs" / "teaching.md").read_text()
    block = re.search(r"```yaml\n(extends: .*?)```", text, flags=re.S).group(1)
    assert len(block.strip().splitlines()) == 5
    path = REPO / "scenarios" / "_teaching_example_tmp.yaml"
    try:
        path.write_text(block)
        variant = load_scenario(path)
    finally:
        path.unlink(missing_ok=True)
    russia = next(a for a in variant.actors if a.id == "russia")
    assert russia.military_option.cost == 0.6
    assert russia.military_option.p_win.kind == "triangular"  # the rest kept from the base
    assert "negsim play scenarios/nato_russia_2022.yaml --as russia --seed 1" in text


def test_a_seated_actors_war_motive_draws_no_war_the_person_did_not_choose():
    """No bargaining range (p_win - cost = 0.8 > 0.5): the agent in a's seat goes to war in
    most runs; a person in that seat who never uses force never sees a deliberate war, and one
    who hands the seat back gets the agent's wars again."""
    from sim.model.crisis import CAUSES
    from sim.model.outcomes import ARMED_CONFLICT
    from sim.scenario import scenario_from_dict

    from .factory import crisis

    case = scenario_from_dict(crisis(0.9, 0.1, rounds=6))
    wars = {"agent": 0, "person": 0, "handed back": 0}
    for run in range(30):
        for who, moves in (("person", []), ("handed back", [Move("quit")])):
            talks = Talks(case, 11, np.array([run]))
            human = HumanSeat.take(talks, {"a": Scripted(moves, then="agent")})
            while not talks.done:
                talks.step()
                end_round(talks, human)
            wars[who] += int(talks.outcome[0] == ARMED_CONFLICT)
            if who == "person" and talks.outcome[0] == ARMED_CONFLICT:
                assert CAUSES[talks.cause[0]] == "accident"
        wars["agent"] += int(agents_only(case, 11, run).outcome[0] == ARMED_CONFLICT)
    assert wars["agent"] >= 20
    assert wars["person"] == 0
    assert wars["handed back"] == wars["agent"]
