"""One run with a person in one seat, round by round, narrated as the agents' runs are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.model.crisis import CAUSES
from sim.model.human import HumanSeat, Seat, end_round
from sim.model.outcomes import OUTCOMES
from sim.model.talks import Talks
from sim.report.narrate import Narrator
from sim.scenario.schema import Scenario


@dataclass
class Played:
    """How the person's run ended."""

    outcome: str
    rounds: int
    utility: float  # the person's actor's final utility (1 = its ideal everywhere)
    handed_over: bool  # the person quit and the agent finished the run for them
    moves: int  # moves the person made
    ended_by_person: bool  # the person walked out, used force or carried out their ultimatum
    ultimatums: list[tuple[int, str, bool]] = field(default_factory=list)
    # (round, ultimatum id, carried out) for each of their actor's ultimatums the person decided
    ended_by_ultimatum: bool = False  # the person's ending was their ultimatum carried out


def play_run(
    scenario: Scenario,
    actor: str,
    seat: Seat,
    seed: int,
    run: int = 0,
    tell: Callable[[list[str]], None] | None = None,
) -> Played:
    """Play run ``run`` of seed ``seed`` with ``actor`` taken by ``seat``.

    ``tell(lines)`` sees the opening and then each round told in words (the narration's
    paragraphs), so the person reads what the others did before the next decision.
    """
    talks, human = _play(scenario, {actor: seat}, seed, run, tell)
    utility = float(talks.final_utilities()[0, talks.actor_index[actor]])
    by_person = CAUSES[int(talks.cause[0])] == "person"
    return Played(
        outcome=OUTCOMES[int(talks.outcome[0])],
        rounds=int(talks.rounds[0]),
        utility=utility,
        handed_over=bool(human.quitted),
        moves=sum(m.kind not in ("quit", "agent") for _, _, m in human.moves),
        ended_by_person=by_person,
        ultimatums=list(human.ultimatums),
        ended_by_ultimatum=by_person and bool(human.carried),
    )


def play_run_seated(
    scenario: Scenario,
    seats: dict[str, Seat],
    seed: int,
    run: int = 0,
    tell: Callable[[list[str]], None] | None = None,
) -> tuple[str, dict[str, float]]:
    """A run with several seats taken (a classroom): its outcome and every actor's utility."""
    talks, _ = _play(scenario, seats, seed, run, tell)
    utilities = talks.final_utilities()[0]
    return OUTCOMES[int(talks.outcome[0])], {
        a.key: float(u) for a, u in zip(talks.actor_list, utilities, strict=True)
    }


def _play(scenario, seats, seed, run, tell) -> tuple[Talks, HumanSeat]:
    talks = Talks(scenario, seed, np.array([run]))
    human = HumanSeat.take(talks, seats)
    narrator = Narrator(scenario, talks)
    narrator.opening(seed, run)
    while not talks.done:
        if tell is not None:
            tell(narrator.lines)
        narrator.lines = []
        talks.step()
        end_round(talks, human)
        narrator.round(talks.record)
    if tell is not None:
        tell(narrator.lines)
    return talks, human
