"""``negsim play``: the conversation with a student, one command per line.

The same commands are read from a terminal or from a file piped in, so a session can be
scripted; the end of input acts as ``quit``. A malformed command gets one line saying what
is allowed, and the round waits for a valid one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from sim.model.human import Due, Move, Turn
from sim.report.narrate import in_words
from sim.scenario.schema import Scenario

from .ultimatum import HELP as ULTIMATUM_HELP
from .ultimatum import QUESTION, due_lines

HELP = (
    "Commands: accept | refuse | propose ISSUE=VALUE ... (values 0-100; issues not named keep "
    "the suggested value) | walk out | use force | help | quit"
)


class BadMove(ValueError):
    """A command that is not allowed here; its message is the one line shown."""


class TerminalSeat:
    """A ``Seat`` that reads commands from ``lines`` and writes with ``say``."""

    def __init__(
        self,
        scenario: Scenario,
        actor: str,
        lines: Iterator[str],
        say: Callable[[str], None],
        echo: bool = False,
    ):
        self.sc = scenario
        self.lines = lines
        self.say = say
        self.echo = echo  # write each command read (a scripted session then reads as a dialogue)
        spec = next(a for a in scenario.actors if a.id == actor)
        self.name = spec.name
        self.armed = spec.military_option is not None
        self.issue_ids = [i.id for i in scenario.issues]
        self.ended_by_input = False

    # ---- what the student sees ----------------------------------------------------------
    def _show(self, turn: Turn, proposing: bool) -> None:
        issues = self.sc.issues
        self.say("")
        self.say(f"Your move, {self.name} (round {turn.round}, {turn.meeting}).")
        if proposing:
            self.say("You chair this round: propose a settlement of the open issues.")
            for k in turn.open_issues:
                self.say(
                    f"  {issues[k].id} ({issues[k].name}): suggested "
                    f"{in_words(issues[k], turn.suggestion[k])}"
                    f"; 0 = {issues[k].low}, 100 = {issues[k].high}"
                )
        else:
            self.say(f"{turn.proposer} proposes:")
            for k in turn.open_issues:
                self.say(
                    f"  {issues[k].id} ({issues[k].name}): {in_words(issues[k], turn.proposal[k])}"
                )
            self.say(
                f"As the final deal it would be worth {turn.worth:.2f} to you; the agent in "
                "your seat would " + ("accept." if turn.agent_accepts else "refuse.")
            )
        line = f"With nothing more agreed you would have {turn.now:.2f}"
        if turn.war_value is not None:
            line += f"; force would give you {turn.war_value:.2f}"
        self.say(line + " (utility: 1 = everything as you want it).")

    # ---- reading a command ---------------------------------------------------------------
    def parse(self, text: str, turn: Turn, proposing: bool) -> Move | None:
        """The move a command asks for; None for help; BadMove for anything else."""
        words = text.strip().lower().split()
        if not words:
            raise BadMove("Type a command (help lists them).")
        head = " ".join(words[:2])
        if words == ["help"]:
            return None
        if words == ["quit"]:
            return Move("quit")
        if head == "walk out" and len(words) == 2:
            return Move("walk_out")
        if head == "use force" and len(words) == 2:
            if not self.armed:
                raise BadMove(f"{self.name} has no military option: use force is not allowed.")
            return Move("force")
        if words[0] in ("accept", "refuse") and len(words) == 1:
            if proposing:
                raise BadMove("You chair this round: propose ISSUE=VALUE ... (or propose alone).")
            return Move(words[0])  # type: ignore[arg-type]
        if words[0] == "propose":
            return Move("propose", self._values(words[1:], turn, proposing))
        raise BadMove(f"Not a command: {text.strip()!r}. {HELP}")

    def _values(self, pairs: list[str], turn: Turn, proposing: bool) -> dict[int, float]:
        open_ids = [self.issue_ids[k] for k in turn.open_issues]
        values: dict[int, float] = {}
        if proposing:  # issues not named keep the suggested value
            values = {k: float(turn.suggestion[k]) for k in turn.open_issues}
        elif not pairs:
            raise BadMove("A counter-proposal names issues: propose ISSUE=VALUE ...")
        for pair in pairs:
            issue, sep, raw = pair.partition("=")
            if not sep or issue not in open_ids:
                raise BadMove(
                    f"Write ISSUE=VALUE with an open issue ({', '.join(open_ids)}): got {pair!r}."
                )
            try:
                value = float(raw)
            except ValueError:
                raise BadMove(f"{issue}: the value must be a number from 0 to 100.") from None
            if not np.isfinite(value) or not 0 <= value <= 100:
                raise BadMove(f"{issue}: the value must be a number from 0 to 100.")
            values[self.issue_ids.index(issue)] = value
        return values

    def parse_ultimatum(self, text: str) -> Move | None:
        """``carry``/``lapse`` for an ultimatum falling due; None for help; BadMove otherwise."""
        words = " ".join(text.strip().lower().split())
        if words == "help":
            return None
        if words == "quit":
            return Move("quit")
        if words in ("carry", "carry out", "carry it out"):
            return Move("carry_out")
        if words in ("lapse", "let lapse", "let it lapse"):
            return Move("lapse")
        raise BadMove(
            f"Your ultimatum is due: answer carry or lapse (help explains); got {text.strip()!r}."
        )

    def _ask(self, turn: Turn, proposing: bool) -> Move:
        self._show(turn, proposing)
        return self._read(lambda text: self.parse(text, turn, proposing), HELP)

    def _read(self, parse: Callable[[str], Move | None], help_text: str) -> Move:
        while True:
            try:
                text = next(self.lines)
            except StopIteration:
                self.ended_by_input = True
                self.say("(end of input: the agent plays your seat from here)")
                return Move("quit")
            if self.echo:
                self.say(f"> {text.rstrip()}")
            try:
                move = parse(text)
            except BadMove as exc:
                self.say(str(exc))
                continue
            if move is None:
                self.say(help_text)
                continue
            return move

    def propose(self, turn: Turn) -> Move:
        return self._ask(turn, proposing=True)

    def respond(self, turn: Turn) -> Move:
        return self._ask(turn, proposing=False)

    def ultimatum(self, due: Due) -> Move:
        self.say("")
        for line in due_lines(self.sc, due):
            self.say(line)
        self.say(QUESTION)
        return self._read(self.parse_ultimatum, ULTIMATUM_HELP)


ENDINGS = {
    "agreement": "every issue was settled",
    "partial_agreement": "the agenda ended with some issues settled and others open",
    "stalemate": "the agenda ended with nothing settled",
    "breakdown": "a party walked out and the talks collapsed",
    "armed_conflict": "force was used",
}


def play(
    scenario: Scenario,
    actor: str,
    seed: int,
    lines: Iterator[str],
    say: Callable[[str], None],
    echo: bool = False,
    runs: int = 1000,
) -> None:
    """The whole session: the opening, the rounds with the student's moves, the debrief."""
    from .debrief import debrief
    from .session import play_run

    seat = TerminalSeat(scenario, actor, lines, say, echo)
    say(f"You play {seat.name}. {HELP}")
    if any(u.sender == actor for u in scenario.ultimatums):
        say("If an ultimatum of yours falls due unmet, you decide: carry it out or let it lapse.")

    def tell(paragraph: list[str]) -> None:
        for line in paragraph:
            say(line)

    played = play_run(scenario, actor, seat, seed, tell=tell)
    result = debrief(scenario, actor, played.utility, seed, runs)
    say("")
    say("Debrief")
    say(
        f"The talks ended in round {played.rounds}: {played.outcome.replace('_', ' ')} "
        f"({ENDINGS[played.outcome]})."
    )
    told = played.ultimatums[:-1] if played.ended_by_ultimatum else played.ultimatums
    for round_, _, carried in told:  # the one that ended the run is told just below
        say(
            f"Round {round_}: you carried out your ultimatum, and the talks went on."
            if carried
            else f"Round {round_}: you let your ultimatum lapse, and the talks went on."
        )
    if played.ended_by_person:
        how = "walked out" if played.outcome == "breakdown" else "used force"
        if played.ended_by_ultimatum:
            how = "carried out your ultimatum"
        say(f"You {how}: the run ended there, whatever the hazards would have drawn.")
    if played.handed_over:
        say(
            "You left the table"
            + (" at the end of input" if seat.ended_by_input else "")
            + f" after {played.moves} move(s); the agent finished the run in your seat."
        )
    say(f"{seat.name}'s utility (1 = everything as it wants it): {result.sentence()}")
    shares = result.simulated["outcome"].value_counts(normalize=True)
    say(
        f"The {runs:,} simulated runs (seed {seed}) ended in: "
        + ", ".join(f"{o.replace('_', ' ')} {100 * p:.0f}%" for o, p in shares.items())
        + "."
    )
