"""The agenda unrolled into rounds: which meeting each round belongs to and who proposes."""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.schema import Scenario

from .rules import Decision, compile_rule

RANDOM = -2  # the proposer is recognised at random in each run (chair: random)


@dataclass(frozen=True)
class RoundPlan:
    """One round of the agenda."""

    meeting: int  # index into scenario.meetings
    round_in_meeting: int  # 0-based, counting continuation rounds on
    participants: tuple[int, ...]  # actor indices
    decision: Decision  # whose acceptances make an agreement
    proposer: int  # actor index; -1 in a consultation; RANDOM: drawn per run (recognition)
    issues: tuple[int, ...]  # issue indices on the table
    continuation: bool = False


def build_schedule(sc: Scenario) -> list[RoundPlan]:
    """Every round of the agenda in order, then the continuation rounds if any."""
    actor = {a.id: i for i, a in enumerate(sc.actors)}
    issue = {x.id: k for k, x in enumerate(sc.issues)}
    played: dict[int, int] = {}
    plan: list[RoundPlan] = []

    def add(m: int, continuation: bool) -> None:
        meeting = sc.meetings[m]
        r = played.get(m, 0)
        played[m] = r + 1
        parts = tuple(actor[p] for p in meeting.participants)
        decision = compile_rule(meeting, actor)
        if meeting.kind == "consultation":
            proposer = -1
        elif meeting.proposers:
            proposer = actor[meeting.proposers[r % len(meeting.proposers)]]
        elif meeting.chair == "random":
            proposer = RANDOM
        elif meeting.chair == "rotate":
            proposer = parts[r % len(parts)]
        else:
            proposer = actor[meeting.chair]
        plan.append(
            RoundPlan(
                m,
                r,
                parts,
                decision,
                proposer,
                tuple(issue[i] for i in meeting.issues),
                continuation,
            )
        )

    for m, meeting in enumerate(sc.meetings):
        for _ in range(meeting.rounds):
            add(m, False)
    cont = sc.settings.continuation
    if cont is not None:
        m = next(i for i, x in enumerate(sc.meetings) if x.id == cont.meeting)
        for _ in range(cont.rounds):
            add(m, True)
    return plan
