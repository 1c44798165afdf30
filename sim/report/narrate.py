"""One run of the talks told round by round in plain words, for a class to follow.

The story is read off the same model the Monte Carlo uses (R = 1), so what is told is exactly
what is counted. Run k of ``negsim run --seed S`` is told by ``negsim narrate --seed S --run k``.
"""

from __future__ import annotations

import numpy as np

from sim.model.crisis import CAUSES
from sim.model.outcomes import ONGOING, OUTCOMES
from sim.model.talks import RoundRecord, Talks
from sim.scenario.schema import Issue, Scenario

from .crisis_words import crisis_lines

WIDTH_INDENT = "  "


def in_words(issue: Issue, value: float) -> str:
    """A value on an issue's scale with the words of the nearer end."""
    if value <= 5:
        return f"{value:.0f} ({issue.low})"
    if value >= 95:
        return f"{value:.0f} ({issue.high})"
    if 45 <= value <= 55:
        return f"{value:.0f} (midway)"
    end = issue.low if value < 50 else issue.high
    return f"{value:.0f} (nearer '{end}')"


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%" if p >= 0.005 or p == 0 else "<1%"


class Narrator:
    """Collects a run's rounds and turns each into a paragraph."""

    def __init__(self, scenario: Scenario, talks: Talks):
        self.sc = scenario
        self.talks = talks
        self.lines: list[str] = []
        # The last round told: (what it said, its lines, its round number, where it starts,
        # tension before it), so rounds told alike can be folded into one paragraph.
        self.previous: tuple[str, list[str], int, int, float] | None = None

    def say(self, text: str = "", indent: int = 0) -> None:
        self.lines.append(WIDTH_INDENT * indent + text)

    def opening(self, seed: int, run: int) -> None:
        sc, talks = self.sc, self.talks
        self.say(sc.title)
        self.say(f"One run of the talks (seed {seed}, run {run}), told round by round.")
        self.say()
        self.say("The issues, each a scale from 0 to 100, and where they stand before the talks:")
        for k, issue in enumerate(sc.issues):
            self.say(
                f"- {issue.name}: 0 = {issue.low}; 100 = {issue.high}. "
                f"Status quo {talks.status_quo[0, k]:.0f}.",
                1,
            )
        self.say()
        self.say("The actors and what they want most:")
        for a in talks.actor_list:
            top = int(np.argmax(a.salience[0]))
            issue = sc.issues[top]
            line = f"- {a.name}: cares most about {issue.name} (wants {a.ideal[0, top]:.0f})"
            if a.has_military_option:
                line += (
                    f"; force would be worth {a.war_value()[0]:.2f} to it "
                    f"(chance of success {a.p_win[0]:.2f} less cost {a.cost_of_war[0]:.2f})"
                )
            self.say(line + ".", 1)
        self.say()
        self.say(f"Tension before the talks: {talks.tension[0]:.2f} (0 = calm, 1 = on the brink).")
        self.say(
            "What a deal is 'worth' to an actor is its utility, from 0 to 1 (1 = everything as "
            "it wants it). Moves of less than one point are not shown."
        )

    def round(self, rec: RoundRecord) -> None:
        """Tell a round; a round told exactly like the one before (same meeting, same
        proposal and answers, no movement) is folded into it: "rounds 12-14: no movement"."""
        start = len(self.lines)
        self._round(rec)
        block = self.lines[start:]
        body = "\n".join(block[2:-1] if rec.ended[0] == ONGOING else block)
        meeting = self.sc.meetings[rec.plan.meeting].name
        prev = self.previous
        key = meeting + "\n" + body
        if prev is not None and prev[0] == key and rec.ended[0] == ONGOING and "→" not in body:
            first = prev[2]
            del self.lines[start:]
            del self.lines[prev[3] :]
            self.say()
            self.say(f"Rounds {first}-{rec.t + 1} · {meeting}: no movement, each as the first:")
            self.lines.extend(prev[1][2:-1])
            self.say(
                f"Tension {prev[4]:.2f} → {rec.tension_after[0]:.2f} over these rounds; "
                f"hazard in the last: armed conflict {_pct(rec.war_hazard[0])}, "
                f"walk-out {_pct(rec.breakdown_hazard[0])}.",
                1,
            )
            self.previous = (key, prev[1], first, prev[3], prev[4])
            return
        self.previous = (key, block, rec.t + 1, start, float(rec.tension_before[0]))

    def _round(self, rec: RoundRecord) -> None:
        sc, talks = self.sc, self.talks
        plan = rec.plan
        meeting = sc.meetings[plan.meeting]
        actors = talks.actor_list
        self.say()
        when = f" · {meeting.date:%A %-d %B %Y}" if meeting.date and not plan.continuation else ""
        total = meeting.rounds
        which = (
            "continuation round, after the agenda"
            if plan.continuation
            else (f"round {plan.round_in_meeting + 1} of {total}" if total > 1 else "")
        )
        self.say(f"Round {rec.t + 1} · {meeting.name}{when}" + (f" · {which}" if which else ""))
        parts = [actors[i] for i in plan.participants]
        for line in crisis_lines(talks, rec):
            self.say(line, 1)
        if rec.proposal is None:
            self.say(
                f"{_names([a.name for a in parts])} consult. Nothing is proposed; "
                "talking, they learn more about one another's positions and resolve.",
                1,
            )
        else:
            self._negotiation(rec, parts)
        self._moves(rec, parts)
        self._tension(rec)

    def _negotiation(self, rec: RoundRecord, parts) -> None:
        sc = self.sc
        for line in self.talks.mechanism.explain(rec, 0, lambda k, v: in_words(sc.issues[k], v)):
            self.say(line, 1)
        open_k = [k for k in range(len(sc.issues)) if rec.open_issues[0, k]]
        if not open_k:
            return
        settled = [k for k in open_k if rec.settled_now[0, k]]
        if settled:
            agreed = "; ".join(
                f"{sc.issues[k].name} settled at {in_words(sc.issues[k], rec.proposal[0, k])}"
                for k in settled
            )
            self.say(f"Agreed: {agreed}.", 1)
        else:
            self.say("No agreement this round.", 1)

    def _moves(self, rec: RoundRecord, parts) -> None:
        """Concessions and caucus pulls of at least one point on open issues, by actor."""
        sc = self.sc
        still_open = ~self.talks.settled[0]
        moves = []
        for a in self.talks.actor_list:
            before, after = rec.positions_before[0, a.index], rec.positions_after[0, a.index]
            steps = [
                f"{issue.name} {before[k]:.0f}→{after[k]:.0f}"
                for k, issue in enumerate(sc.issues)
                if still_open[k] and abs(after[k] - before[k]) >= 1.0
            ]
            if steps:
                moves.append(f"{a.name} ({', '.join(steps)})")
        if moves:
            self.say("Positions move: " + "; ".join(moves) + ".", 1)

    def _tension(self, rec: RoundRecord) -> None:
        actors = self.talks.actor_list
        before, after = rec.tension_before[0], rec.tension_after[0]
        motive = [
            f"{a.name} finds force worth {rec.shortfall[0, a.index]:.2f} more than what is on offer"
            for a in actors
            if rec.shortfall[0, a.index] > 0
        ]
        text = f"Tension {before:.2f} → {after:.2f}"
        drivers = [
            f"{name} {value[0]:+.2f}"
            for name, value in rec.tension_parts.items()
            if abs(value[0]) >= 0.005
        ]
        if drivers:
            text += f" ({', '.join(drivers)})"
        if motive:
            text += ". " + "; ".join(motive)
        text += (
            f". Hazard this round: armed conflict {_pct(rec.war_hazard[0])}, "
            f"walk-out {_pct(rec.breakdown_hazard[0])}."
        )
        self.say(text, 1)
        ended = rec.ended[0]
        if ended != ONGOING:
            self._ending(rec, OUTCOMES[ended])

    def _ending(self, rec: RoundRecord, outcome: str) -> None:
        sc, talks = self.sc, self.talks
        self.say()
        cause = CAUSES[talks.cause[0]]
        news = rec.crisis
        fired = set() if news is None else {j for j, runs in news.fired if runs[0]}
        # A person's own ultimatum carried out (play mode) ends the run with cause 'person' too.
        carried = news is not None and any(runs[0] and j in fired for j, runs in news.chosen)
        war_reason = {
            "accident": "an unintended clash between forces in contact turned into war (the "
            "accident hazard fired), though no one chose it",
            "ultimatum": "an ultimatum fell due unmet and its sender carried out its threat",
            "person": "a person at the table chose to carry out their ultimatum of war"
            if carried
            else "a person at the table chose to use force",
        }.get(
            cause,
            "force is worth more than anything on the table to a party that has it, and the "
            "hazard of war fired",
        )
        reasons = {
            "agreement": "every issue is settled",
            "partial_agreement": "the agenda is over with some issues settled and others open",
            "stalemate": "the agenda is over and nothing is settled, though the sides still talk",
            "breakdown": {
                "ultimatum": "an ultimatum fell due unmet and its sender walked out",
                "person": "a person at the table chose to carry out their ultimatum and walk "
                "out, and talks collapse"
                if carried
                else "a person at the table chose to walk out, and talks collapse",
            }.get(cause, "a party walks out (the walk-out hazard fired) and talks collapse"),
            "armed_conflict": war_reason,
        }
        self.say(
            f"The run ends in round {rec.t + 1}: {outcome.replace('_', ' ')}, "
            f"because {reasons[outcome]}."
        )
        for k, issue in enumerate(sc.issues):
            state = "settled" if talks.settled[0, k] else "unsettled, status quo"
            self.say(f"- {issue.name}: {in_words(issue, talks.values[0, k])}, {state}.", 1)
        utilities = talks.final_utilities()[0]
        self.say(
            "Final utilities (1 = the actor's ideal everywhere): "
            + ", ".join(
                f"{a.name} {u:.2f}" for a, u in zip(talks.actor_list, utilities, strict=True)
            )
            + "."
        )


def narrate(scenario: Scenario, seed: int, run: int = 0) -> str:
    """The story of run ``run`` of the experiment with master seed ``seed``."""
    talks = Talks(scenario, seed, np.array([run]))
    narrator = Narrator(scenario, talks)
    narrator.opening(seed, run)
    talks.play(narrator.round)
    return "\n".join(narrator.lines) + "\n"
