"""A seat at the table taken by a person: the scenario's mechanism plays everyone else.

``HumanSeat`` wraps the scenario's mechanism for one run (R = 1). When the person's actor
proposes or answers, it asks a ``Seat`` (the terminal, a browser page) what to do; every other
decision, and everything after the decision (learning, concessions of the others), is the
wrapped mechanism's. No input or output happens here: a ``Seat`` is any object with the two
methods below, so the same seam serves a terminal, a web page and a test.

What a person can do that the agents cannot is end the talks on purpose: walking out ends the
run in a breakdown, using force (for an actor with a military option) in armed conflict,
after the round, whatever the hazards drew. Carrying out a threat is such a choice too: when an
ultimatum of the person's own actor falls due unmet, the person decides whether it is carried
out (``Seat.ultimatum``), where an agent's sender leaves it to the run's draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from .actors import Actor, Response
from .crisis import PERSON, ULTIMATUM
from .mechanisms.base import Mechanism
from .outcomes import ARMED_CONFLICT, BREAKDOWN, ONGOING

if TYPE_CHECKING:
    from .mechanisms.base import Formatter
    from .schedule import RoundPlan
    from .talks import RoundRecord, Talks

Kind = Literal[
    "accept", "refuse", "propose", "walk_out", "force", "carry_out", "lapse", "agent", "quit"
]
ENDS_BY = {"war": ARMED_CONFLICT, "walk_out": BREAKDOWN}  # an ultimatum's ending consequences


@dataclass(frozen=True)
class Move:
    """What the person decided: ``values`` (issue index -> value) only for ``propose``."""

    kind: Kind
    values: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    """What the person sees before deciding, for their own actor (run 0 of the batch)."""

    round: int  # 1-based
    meeting: str
    proposer: str | None  # None when the person proposes
    open_issues: list[int]
    proposal: np.ndarray | None  # [K] the package on the table when answering
    suggestion: np.ndarray | None  # [K] what the agent in this seat would propose
    agent_accepts: bool | None  # whether the agent in this seat would accept the proposal
    worth: float | None  # the proposal's utility to the person's actor were it the final deal
    now: float  # its utility if the talks ended now with nothing more agreed
    war_value: float | None  # p_win - cost, for an actor with a military option


@dataclass(frozen=True)
class Due:
    """The person's own actor's ultimatum falling due unmet (run 0): what they decide on."""

    round: int  # 1-based
    ultimatum: str  # its id
    source: str | None  # the words it was issued in (the scenario's source:), if given
    demand: dict[int, tuple[str, float]]  # issue index -> ("at_least" | "at_most", bound)
    unmet: list[int]  # the issues whose value misses the demand
    values: np.ndarray  # [K] the issues' values now
    consequence: str  # "war", "walk_out" or "status_quo"
    change: dict[int, float]  # with status_quo: each named issue's new value (if unsettled)
    threat: str  # the consequence in plain words, to the person
    credibility: float  # this run's chance that the agent in the seat would carry it out
    agent_carries: bool  # what this run's draw has the agent do
    now: float  # utility if it lapses and the talks ended now with nothing more agreed
    after: float  # utility once carried out: p_win - cost for war, the moved values otherwise


class Seat(Protocol):
    """Asked for the person's moves: ``Move("agent")`` lets the agent make this one move (a
    timer ran out), ``Move("quit")`` hands the seat to the agent for the rest of the run.
    ``ultimatum`` answers ``carry_out`` or ``lapse`` (or ``agent``/``quit``: the draw decides).
    """

    def propose(self, turn: Turn) -> Move: ...

    def respond(self, turn: Turn) -> Move: ...

    def ultimatum(self, due: Due) -> Move: ...


class HumanSeat(Mechanism):
    """The scenario's mechanism with some actors' proposals and answers taken from people."""

    name = "human"
    summary = "some actors played by people, the others by the scenario's mechanism"

    def __init__(self, talks: Talks, inner: Mechanism, seats: dict[int, Seat]):
        super().__init__(talks)
        if len(talks.runs) != 1:
            raise ValueError("people play one run at a time (R = 1)")
        self.inner = inner
        self.seats = dict(seats)  # actor index -> seat; a seat whose person quit is removed
        self.quitted: set[int] = set()
        self.ending: int = ONGOING  # BREAKDOWN or ARMED_CONFLICT once a person ends the talks
        self.moves: list[tuple[int, int, Move]] = []  # (round, actor, move) for the debrief
        self.carried: list[tuple[int, int]] = []  # (round, ultimatum) the person carried out
        self.ultimatums: list[tuple[int, str, bool]] = []  # (round, id, carried out) decided
        self._last_proposer = -1  # Talks asks for responses right after the proposal

    @classmethod
    def take(cls, talks: Talks, seats: dict[str, Seat]) -> HumanSeat:
        """Seat people at actors (by id) in a one-run ``Talks``."""
        for actor in seats:
            if actor not in talks.actor_index:
                known = ", ".join(talks.actor_index)
                raise KeyError(f"no actor {actor!r} in this scenario (actors: {known})")
        by_index = {talks.actor_index[a]: s for a, s in seats.items()}
        human = cls(talks, talks.mechanism, by_index)
        talks.mechanism = human
        talks.crisis.decide = human.decide
        talks.seated[list(by_index)] = True
        return human

    def playing(self, actor: int) -> bool:
        return actor in self.seats and self.ending == ONGOING

    def _turn(
        self, actor: int, proposer: Actor | None, proposal, open_, suggestion, agrees=None
    ) -> Turn:
        talks = self.talks
        me = talks.actor_list[actor]
        plan = talks.schedule[talks.t]
        # Scored as the debrief scores the end of a run: from the actor's interests (its ideal
        # point), not from what it currently announces.
        worth = None if proposal is None else float(me.true_utility(proposal)[0])
        return Turn(
            round=talks.t + 1,
            meeting=talks.scenario.meetings[plan.meeting].name,
            proposer=None if proposer is None else proposer.name,
            open_issues=[int(k) for k in np.flatnonzero(open_[0])],
            proposal=None if proposal is None else proposal[0].copy(),
            suggestion=None if suggestion is None else suggestion[0].copy(),
            agent_accepts=agrees,
            worth=worth,
            now=float(me.true_utility(talks.values)[0]),
            war_value=float(me.war_value()[0]) if me.has_military_option else None,
        )

    def decide(self, j: int) -> bool | None:
        """Whether ultimatum j, due unmet, is carried out, when its sender is a person's actor.

        None leaves it to the run's draw, as for the agents: an agent's ultimatum, a seat
        handed over (``quit``) or a move left to the agent (``agent``, a timer ran out). A
        person who already walked out or used force this round has made their choice: their
        threat is not drawn on top of it.
        """
        talks = self.talks
        ult = talks.scenario.ultimatums[j]
        i = talks.actor_index[ult.sender]
        if i not in self.seats:
            return None
        if self.ending != ONGOING:
            return False
        move = self.seats[i].ultimatum(self._due(i, j))
        if move.kind not in ("carry_out", "lapse", "agent", "quit"):
            raise ValueError(f"an ultimatum is carried out or let lapse, not {move.kind!r}")
        self._record(i, move)
        if move.kind in ("agent", "quit"):
            return None
        carry = move.kind == "carry_out"
        self.ultimatums.append((talks.t + 1, ult.id, carry))
        if carry and ult.consequence in ENDS_BY:
            self.ending = ENDS_BY[ult.consequence]
            self.carried.append((talks.t + 1, j))
        return carry

    def _due(self, actor: int, j: int) -> Due:
        talks = self.talks
        crisis = talks.crisis
        ult = talks.scenario.ultimatums[j]
        me = talks.actor_list[actor]
        values = talks.values[0].copy()
        demand = {
            crisis.issue[x]: ("at_least", b.at_least)
            if b.at_least is not None
            else ("at_most", b.at_most)
            for x, b in ult.demand.items()
        }
        unmet = [
            k
            for k, (side, bound) in demand.items()
            if (values[k] < bound - 1e-9 if side == "at_least" else values[k] > bound + 1e-9)
        ]
        change = {crisis.issue[x]: float(v) for x, v in ult.change.items()}
        moved = values.copy()
        for k, v in change.items():
            if not talks.settled[0, k]:
                moved[k] = v
        now = float(me.true_utility(talks.values)[0])
        if ult.consequence == "war":
            after = float(me.war_value()[0])
            threat = "war: you use force and the talks end in armed conflict"
        elif ult.consequence == "walk_out":
            after = now
            threat = "walk out: you leave and the talks collapse (breakdown)"
        else:
            after = float(me.true_utility(moved[None, :])[0])
            names = talks.scenario.issues
            threat = (
                "change the facts on the ground: "
                + "; ".join(
                    f"{names[k].name} to {v:g}"
                    for k, v in change.items()
                    if not talks.settled[0, k]
                )
                + " (the talks go on)"
            )
        return Due(
            round=talks.t + 1,
            ultimatum=ult.id,
            source=ult.source,
            demand=demand,
            unmet=unmet,
            values=values,
            consequence=ult.consequence,
            change=change,
            threat=threat,
            credibility=float(crisis.draws.credibility[0, j]),
            agent_carries=bool(crisis.draws.executes[0, j]),
            now=now,
            after=after,
        )

    def _record(self, actor: int, move: Move) -> Move:
        self.moves.append((self.talks.t + 1, actor, move))
        if move.kind == "quit":
            del self.seats[actor]
            self.quitted.add(actor)
            self.talks.seated[actor] = False  # the agent's war motive counts again
        elif move.kind == "walk_out":
            self.ending = BREAKDOWN
        elif move.kind == "force":
            if not self.talks.actor_list[actor].has_military_option:
                raise ValueError("this actor has no military option")
            self.ending = ARMED_CONFLICT
        return move

    def _announce(self, actor: int, values: dict[int, float]) -> np.ndarray:
        """The person's counter-proposal becomes its announced position, within red lines."""
        me = self.talks.actor_list[actor]
        for k, v in values.items():
            me.position[0, k] = np.clip(v, me.at_least[0, k], me.at_most[0, k])
        return me.position

    # ---- the seam --------------------------------------------------------------------------
    def propose(self, plan: RoundPlan, proposer: Actor, deciders, open_) -> np.ndarray:
        offer = self.inner.propose(plan, proposer, deciders, open_)
        self._last_proposer = proposer.index
        i = proposer.index
        if not self.playing(i) or not open_.any():
            return offer
        move = self._record(i, self.seats[i].propose(self._turn(i, None, None, open_, offer)))
        if move.kind != "propose":
            return offer  # the agent proposes; an ending is applied after the round
        self._announce(i, move.values)
        mine = offer.copy()
        for k, v in move.values.items():
            mine[0, k] = v
        return np.where(open_, mine, self.talks.values)

    def respond(self, actor: Actor, proposal: np.ndarray, open_: np.ndarray) -> Response:
        answer = self.inner.respond(actor, proposal, open_)
        i = actor.index
        if not self.playing(i) or not open_.any():
            return answer
        proposer = self.talks.actor_list[self._last_proposer]
        agrees = bool(answer.accept[0, open_[0]].all())
        turn = self._turn(i, proposer, proposal, open_, None, agrees)
        move = self._record(i, self.seats[i].respond(turn))
        if move.kind in ("quit", "agent"):
            return answer
        yes = open_.copy() if move.kind == "accept" else np.zeros_like(open_)
        if move.kind == "propose":
            self._announce(i, move.values)
        return Response(
            accept=yes, worth=answer.worth, reservation=answer.reservation, crossed=answer.crossed
        )

    def update(self, plan, proposers, parts, proposal, responses, still_open) -> None:
        # Those who moved themselves this round keep their announced positions: a person
        # concedes by proposing. A move left to the agent (a timer ran out) concedes as it would.
        moved = {i for t, i, m in self.moves if t == self.talks.t + 1 and m.kind != "agent"}
        people = [self.talks.actor_list[i] for i in moved if self.playing(i)]
        held = [a.position.copy() for a in people]
        self.inner.update(plan, proposers, parts, proposal, responses, still_open)
        for a, position in zip(people, held, strict=True):
            a.position = position  # a person concedes by proposing, not by the agents' rule

    def rows_changed(self) -> None:
        self.inner.rows_changed()

    def consult(self, parts: list[Actor]) -> None:
        self.inner.consult(parts)

    def explain(self, rec: RoundRecord, run: int, fmt: Formatter) -> list[str]:
        return self.inner.explain(rec, run, fmt)


def end_round(talks: Talks, human: HumanSeat) -> None:
    """Apply the person's walk-out or use of force once the round is played.

    The round's settlements stand; the run ends in this round unless the hazards (or an
    agreement) already ended it, which the record shows as usual.

    A run the person ends by carrying out their own ultimatum has cause 'person', not
    'ultimatum': 'ultimatum' says the credibility draw fired, and here no draw decided; like a
    walk-out or force it is an ending the person chose, and outcomes.csv and a class's results
    count it with those. It takes the ultimatum's place in the order of endings (after the
    war hazard and accidents), so a hazard that ended the round first keeps its cause. The
    narration still names the ultimatum (sim/report/narrate.py).
    """
    if human.ending == ONGOING:
        return
    if talks.outcome[0] != ONGOING:
        carried_now = any(r == talks.t for r, _ in human.carried)
        if (
            carried_now
            and talks.rounds[0] == talks.t
            and talks.cause[0] == ULTIMATUM
            and talks.outcome[0] == human.ending
        ):
            talks.cause[0] = PERSON
        return
    talks.outcome[0] = human.ending
    talks.cause[0] = PERSON  # told apart from the hazards' endings in outcomes and narration
    talks.rounds[0] = talks.t
    if talks.record is not None:
        talks.record.ended[0] = human.ending
