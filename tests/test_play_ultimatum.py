"""A person decides their own actor's ultimatum (sim/model/human.py ``HumanSeat.decide``).

The case: a (with a military option worth 0, so no war motive) demands x >= 60 of b by the
end of round 2, on pain of war; b's red line (x <= 10) means the demand is never met. With
credibility 1 the run's draw carries the threat out, with credibility 0 it lets it lapse, so a
person's choice against the draw is seen in the outcome.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from sim.model.crisis import CAUSES
from sim.model.human import Due, HumanSeat, Move, Turn, end_round
from sim.model.talks import Talks
from sim.play.session import play_run
from sim.play.terminal import BadMove, TerminalSeat, play
from sim.scenario import scenario_from_dict

from .factory import crisis

SEED, RUN = 3, 0


def case(credibility: float, sender: str = "a", **ultimatum):
    data = crisis(0.0, 0.0, rounds=4)
    data["actors"][1]["stances"]["x"]["red_line"] = {"at_most": 10, "assumption": "t"}
    data["ultimatums"] = [
        {
            "id": "now_or_never",
            "sender": sender,
            "demand": {"x": {"at_least": 60}},
            "deadline": {"meeting": "m", "round": 2},
            "consequence": "war",
            "credibility": credibility,
            "source": "We expect an answer this month.",
            **ultimatum,
        }
    ]
    return scenario_from_dict(data)


class Scripted:
    """Lets the agent make every move at the table; answers ultimatums from a list."""

    def __init__(self, *decisions: str):
        self.decisions = list(decisions)
        self.dues: list[Due] = []
        self.turns: list[Turn] = []

    def propose(self, turn: Turn) -> Move:
        self.turns.append(turn)
        return Move("agent")

    respond = propose

    def ultimatum(self, due: Due) -> Move:
        self.dues.append(due)
        return Move(self.decisions.pop(0))  # type: ignore[arg-type]


def played(sc, seats: dict) -> tuple[Talks, HumanSeat]:
    talks = Talks(sc, SEED, np.array([RUN]))
    human = HumanSeat.take(talks, seats)
    while not talks.done:
        talks.step()
        end_round(talks, human)
    return talks, human


def agents_only(sc) -> Talks:
    talks = Talks(sc, SEED, np.array([RUN]))
    talks.play()
    return talks


def test_the_draws_go_as_the_case_says():
    """The contrast the other tests rest on: left to the draw, credibility 1 means war at the
    deadline (cause 'ultimatum'), credibility 0 no war at all."""
    sure, never = agents_only(case(1.0)), agents_only(case(0.0))
    assert (CAUSES[sure.cause[0]], sure.rounds[0]) == ("ultimatum", 2)
    assert sure.outcome[0] != never.outcome[0] and CAUSES[never.cause[0]] == ""


@pytest.mark.parametrize(
    ("credibility", "choice", "outcome", "cause", "said"),
    [
        (0.0, "carry_out", "armed_conflict", "person", "chose to carry out their ultimatum"),
        (1.0, "lapse", None, "", "the person playing A lets it lapse"),
    ],
)
def test_the_person_decides_their_own_ultimatum_against_the_draw(
    credibility, choice, outcome, cause, said
):
    told: list[str] = []
    seat = Scripted(choice)
    result = play_run(case(credibility), "a", seat, SEED, run=RUN, tell=told.extend)
    # The talks go on after a lapse, to whatever end (no war motive: not armed conflict).
    assert result.outcome == outcome if outcome else result.outcome != "armed_conflict"
    assert result.ended_by_person == (cause == "person")
    assert result.ended_by_ultimatum == (choice == "carry_out")
    assert result.ultimatums == [(2, "now_or_never", choice == "carry_out")]
    (due,) = seat.dues
    assert (due.round, due.unmet, due.consequence) == (2, [0], "war")
    assert due.agent_carries == (credibility == 1.0)  # the draw the person overrode
    assert due.source == "We expect an answer this month."
    assert said in " ".join(told)
    if choice == "carry_out":
        assert result.rounds == 2
        assert "hazard" not in next(line for line in told if line.startswith("The run ends"))


@pytest.mark.parametrize(("credibility", "choice"), [(1.0, "carry_out"), (0.0, "lapse")])
def test_choosing_what_the_draw_would_do_replays_the_agents_run(credibility, choice):
    """Deciding takes no random number: the rest of the run is the agents' own."""
    sc = case(credibility)
    talks, _ = played(sc, {"a": Scripted(choice)})
    plain = agents_only(sc)
    assert talks.outcome[0] == plain.outcome[0] and talks.rounds[0] == plain.rounds[0]
    np.testing.assert_array_equal(talks.values, plain.values)
    np.testing.assert_array_equal(talks.final_utilities(), plain.final_utilities())
    expected = "person" if choice == "carry_out" else ""
    assert CAUSES[talks.cause[0]] == expected


def test_a_status_quo_threat_carried_out_moves_the_issue_and_the_talks_go_on():
    told: list[str] = []
    seat = Scripted("carry_out")
    sc = case(0.0, consequence="status_quo", change={"x": 40})
    result = play_run(sc, "a", seat, SEED, run=RUN, tell=told.extend)
    (due,) = seat.dues
    assert due.change == {0: 40.0} and due.after > due.now  # a wants x high: 40 beats 0
    assert "facts on the ground: x to 40" in due.threat
    assert "the person playing A carries out the threat: it changes the facts" in " ".join(told)
    assert result.ultimatums == [(2, "now_or_never", True)]
    assert not result.ended_by_person and result.rounds > 2  # the talks went on


def test_an_agents_ultimatum_still_follows_the_draw():
    seat = Scripted()  # seated at the target, b: never asked about a's ultimatum
    talks, _ = played(case(1.0), {"b": seat})
    assert seat.turns and not seat.dues
    assert CAUSES[talks.cause[0]] == "ultimatum" and talks.rounds[0] == 2


@pytest.mark.parametrize("kind", ["agent", "quit"])
def test_a_timer_run_out_or_a_seat_handed_over_leaves_it_to_the_draw(kind):
    seat = Scripted(kind)
    talks, human = played(case(1.0), {"a": seat})
    assert len(seat.dues) == 1
    assert CAUSES[talks.cause[0]] == "ultimatum"
    assert (kind == "quit") == bool(human.quitted) and not human.ultimatums


def test_a_seat_may_not_answer_an_ultimatum_with_a_move_at_the_table():
    with pytest.raises(ValueError, match="carried out or let lapse"):
        played(case(1.0), {"a": Scripted("force")})


# ---- the terminal ------------------------------------------------------------------------


class Answers:
    """Answers ``refuse`` (or ``propose`` when chairing) at the table, and ``at_question``
    (then nothing: the end of input) when the ultimatum's question is asked."""

    def __init__(self, said: list[str], at_question: list[str]):
        self.said = said
        self.at_question = list(at_question)

    def __iter__(self):
        return self

    def __next__(self) -> str:
        recent = "\n".join(self.said[-12:])
        if "[carry/lapse]" in recent.rsplit("Your move", 1)[-1]:
            if not self.at_question:
                raise StopIteration
            return self.at_question.pop(0)
        return "propose" if "You chair" in recent.rsplit("Your move", 1)[-1] else "refuse"


def transcript(credibility: float, at_question: list[str]) -> str:
    said: list[str] = []
    play(case(credibility), "a", SEED, Answers(said, at_question), said.append, echo=True, runs=50)
    return "\n".join(said)


def test_the_terminal_asks_in_plain_words_and_a_lapse_is_told_as_chosen():
    out = transcript(1.0, ["accept", "help", "lapse"])
    assert "If an ultimatum of yours falls due unmet, you decide" in out
    question = out.split("Your ultimatum expires unmet (round 2)")[1]
    assert "you demanded x at least 60, and it stands at" in question
    assert "Carried out, it means war: you use force" in question
    assert "this run's draw: it would carry it out" in question
    assert "> accept\nYour ultimatum is due: answer carry or lapse" in question
    assert "> help\nYour ultimatum's deadline has come" in question  # help for this question
    assert "> lapse" in question
    assert "the person playing A lets it lapse" in out
    debrief = out.split("Debrief")[1]
    assert "Round 2: you let your ultimatum lapse, and the talks went on." in debrief
    assert "armed conflict (" not in debrief


def test_the_terminals_carry_ends_the_run_and_the_debrief_says_who_chose():
    out = transcript(0.0, ["carry"])
    debrief = out.split("Debrief")[1]
    assert "The talks ended in round 2: armed conflict" in debrief
    assert "You carried out your ultimatum: the run ended there" in debrief


def test_the_end_of_input_at_the_question_hands_the_seat_and_the_decision_to_the_agent():
    out = transcript(1.0, [])
    assert "(end of input: the agent plays your seat from here)" in out
    assert "The talks ended in round 2: armed conflict" in out  # the draw: credibility 1
    assert "an ultimatum fell due unmet and its sender carried out its threat" in out
    assert "the agent finished the run in your seat" in out


@pytest.mark.parametrize(
    ("text", "kind"),
    [("carry", "carry_out"), ("Carry it out", "carry_out"), ("let lapse", "lapse")],
)
def test_the_terminal_reads_carry_and_lapse(text, kind):
    seat = TerminalSeat(case(1.0), "a", iter([]), lambda _: None)
    assert seat.parse_ultimatum(text) == Move(kind)  # type: ignore[arg-type]
    with pytest.raises(BadMove, match="carry or lapse"):
        seat.parse_ultimatum("war")


# ---- the classroom -----------------------------------------------------------------------


def class_game(credibility: float, choice: str | None, timer: float):
    """A classroom game with a student at a who refuses at the table and answers ``choice``
    (None: never, the timer runs out) when the ultimatum falls due."""
    pytest.importorskip("solara", reason="the app extra is not installed")
    from sim.app.classroom import Classroom, ClassroomError

    session = Classroom().open(case(credibility), timer=timer)
    token = session.join("Ann", "a")
    session.start()
    seen_due = None
    end = time.monotonic() + 30
    while session.playing and time.monotonic() < end:
        pending = session.pending.get("a")
        if pending is None or pending.answer is not None:
            time.sleep(0.005)
            continue
        if pending.due is not None:
            seen_due = pending.due
            if choice is None:
                time.sleep(0.005)
                continue
            with pytest.raises(ClassroomError, match="carry it out or let it lapse"):
                session.answer(token, Move("refuse"))
            session.answer(token, Move(choice))  # type: ignore[arg-type]
        elif pending.proposing:
            with pytest.raises(ClassroomError, match="No ultimatum"):
                session.answer(token, Move("lapse"))
            session.answer(token, Move("propose", {0: 100.0}))
        else:
            session.answer(token, Move("refuse"))
    assert not session.playing, "the game did not finish"
    return session, seen_due


def test_a_student_carries_out_or_lets_lapse_their_ultimatum_in_the_classroom():
    war, due = class_game(0.0, "carry_out", timer=10)
    assert due is not None and due.agent_carries is False
    assert war.game.outcome == "armed_conflict"
    assert any(
        "chose to carry out their ultimatum" in line for p in war.game.paragraphs for line in p
    )
    calm, _ = class_game(1.0, "lapse", timer=10)
    assert calm.game.outcome != "armed_conflict"


def test_when_the_students_timer_runs_out_the_draw_decides_the_ultimatum():
    session, due = class_game(1.0, None, timer=0.2)
    assert due is not None  # the student was asked
    assert session.game.outcome == "armed_conflict"  # and the draw (credibility 1) carried it out
    told = " ".join(line for p in session.game.paragraphs for line in p)
    assert "its sender carried out its threat" in told and "person" not in told


class Steady:
    """Russia in docs/teaching.md, exercise 3: ``answer`` (accept or refuse) every proposal,
    propose the suggested values when chairing, and ``choice`` for the ultimatum."""

    def __init__(self, answer: str, choice: str):
        self.answer, self.choice = answer, choice
        self.dues: list[Due] = []

    def propose(self, turn: Turn) -> Move:
        return Move("propose", {k: float(turn.suggestion[k]) for k in turn.open_issues})

    def respond(self, turn: Turn) -> Move:
        return Move(self.answer)  # type: ignore[arg-type]

    def ultimatum(self, due: Due) -> Move:
        self.dues.append(due)
        return Move(self.choice)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("answer", "choice", "outcome", "utility"),
    [
        ("refuse", "carry_out", "armed_conflict", 0.44),
        ("accept", "lapse", "partial_agreement", 0.51),
        ("refuse", "lapse", "stalemate", 0.31),
    ],
)
def test_the_lesson_plans_third_exercise_finds_what_it_says(answer, choice, outcome, utility):
    """docs/teaching.md, exercise 3, seed 1: the ultimatum is Russia's to decide at round 11,
    where the agent's draw would carry it out."""
    from sim.scenario import load_scenario

    from .factory import REPO

    seat = Steady(answer, choice)
    sc = load_scenario(REPO / "scenarios" / "nato_russia_2022.yaml")
    result = play_run(sc, "russia", seat, seed=1)
    (due,) = seat.dues
    assert due.round == 11 and due.agent_carries
    assert (result.outcome, round(result.utility, 2)) == (outcome, utility)
    text = (REPO / "docs" / "teaching.md").read_text()
    assert f"{utility:.2f}" in text
