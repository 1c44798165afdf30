"""A run in at most a few dozen lines, for a class: one line per round that changed something.

Rounds where nothing moves are folded ("rounds 12-14 · NRC: no movement"); issues go by their
short labels and utilities by two decimals. ``find_run`` finds the first run of an experiment
that ended a given way, so a lecturer can ask for "a run that ended in war".
"""

from __future__ import annotations

import numpy as np

from sim.model.crisis import CAUSES
from sim.model.outcomes import ONGOING, OUTCOMES
from sim.model.talks import RoundRecord, Talks
from sim.scenario.schema import Scenario

from .crisis_words import crisis_lines, label


def find_run(scenario: Scenario, seed: int, outcome: str, runs: int = 1000) -> int | None:
    """The first of ``runs`` runs of the experiment with seed ``seed`` that ended in ``outcome``."""
    talks = Talks(scenario, seed, runs)
    talks.play()
    hits = np.flatnonzero(talks.outcome == OUTCOMES.index(outcome))
    talks.release()
    return int(hits[0]) if len(hits) else None


def _round_line(talks: Talks, rec: RoundRecord) -> str:
    """What changed in a round, or "no movement"."""
    actors = talks.actor_list
    bits = [line.rstrip(".") for line in crisis_lines(talks, rec, short=True)]
    if rec.proposal is not None:
        agreed = [
            f"{label(talks, k)} agreed at {rec.proposal[0, k]:.0f}"
            for k in range(len(talks.issue_ids))
            if rec.settled_now[0, k]
        ]
        room = rec.crisis.present if rec.crisis and rec.crisis.present is not None else None
        refusers = [
            actors[i].name
            for i in rec.plan.participants
            if (room is None or room[0, i])
            and (rec.open_issues[0] & ~rec.responses[i].accept[0]).any()
        ]
        if agreed:
            bits.append("; ".join(agreed))
        elif rec.open_issues[0].any() and refusers:
            bits.append(f"No agreement ({', '.join(refusers)} refusing)")
        elif rec.open_issues[0].any():
            bits.append("No agreement")
    moved = [
        a.name
        for a in actors
        if (np.abs(rec.positions_after[0, a.index] - rec.positions_before[0, a.index]) >= 1).any()
    ]
    if moved:
        bits.append(f"{', '.join(moved)} give ground")
    if rec.ended[0] != ONGOING:
        cause = CAUSES[talks.cause[0]]
        bits.append(
            "Ends in " + OUTCOMES[rec.ended[0]].replace("_", " ") + (f" ({cause})" if cause else "")
        )
    return ". ".join(bits) if bits else "no movement"


def brief(scenario: Scenario, seed: int, run: int = 0) -> str:
    """Run ``run`` of the experiment with seed ``seed``, one line per round that changed
    something, with tension and the ending."""
    talks = Talks(scenario, seed, np.array([run]))
    rows: list[tuple[int, int, str, str, float, float]] = []  # first, last, meeting, what, T

    def on_round(rec: RoundRecord) -> None:
        meeting = scenario.meetings[rec.plan.meeting].name
        what = _round_line(talks, rec)
        t0, t1 = rec.tension_before[0], rec.tension_after[0]
        if rows and rows[-1][2] == meeting and rows[-1][3] == what and what == "no movement":
            first, _, _, _, start, _ = rows[-1]
            rows[-1] = (first, rec.t + 1, meeting, what, start, t1)
        else:
            rows.append((rec.t + 1, rec.t + 1, meeting, what, t0, t1))

    talks.play(on_round)
    lines = [scenario.title, f"Seed {seed}, run {run}, in brief (tension 0 calm, 1 on the brink)."]
    for first, last, meeting, what, t0, t1 in rows:
        when = f"Round {first}" if first == last else f"Rounds {first}-{last}"
        lines.append(f"{when} · {meeting}: {what}. Tension {t0:.2f}→{t1:.2f}.")
    outcome = OUTCOMES[talks.outcome[0]].replace("_", " ")
    settled = [
        f"{label(talks, k)} {talks.values[0, k]:.0f}"
        for k in range(len(talks.issue_ids))
        if talks.settled[0, k]
    ]
    lines.append(
        f"Outcome: {outcome} after {talks.rounds[0]} rounds; settled: "
        + (", ".join(settled) if settled else "nothing")
        + "."
    )
    u = talks.final_utilities()[0]
    lines.append(
        "Final utilities: "
        + ", ".join(f"{a.name} {x:.2f}" for a, x in zip(talks.actor_list, u, strict=True))
        + "."
    )
    return "\n".join(lines) + "\n"
