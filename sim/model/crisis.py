"""What moves a crisis besides the bargaining itself: ultimatums, events, boycotts, accidents.

``Talks`` owns one ``Crisis`` and calls it at the start of a round (events), to know who is in
the room (boycotts, departures), inside every bottom line (the threat an ultimatum holds over
its targets) and at the end of a round (deadlines falling due, accidents). It is the engine's,
not a mechanism's, so every mechanism honours these fields the same way. docs/model.md,
section 12, gives the formulas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import numpy as np

from sim.scenario.agenda import deadline_round, round_of

from .utility import compromise_weights, utility, weighted_position

if TYPE_CHECKING:
    from .actors import Actor
    from .schedule import RoundPlan
    from .talks import Talks

# Why a run ended, beside its outcome (the ``cause`` column of outcomes.csv).
# "person": a student in play mode walked out, used force or carried out their own actor's
# ultimatum (sim/model/human.py).
CAUSES: tuple[str, ...] = ("", "deliberate", "accident", "ultimatum", "walk_out", "person")
NO_CAUSE, DELIBERATE, ACCIDENT, ULTIMATUM, WALK_OUT, PERSON = range(6)
# Event fields that set an actor attribute of the same meaning (schema name -> Actor attribute).
ACTOR_ATTRIBUTES = {
    "flexibility": "flexibility",
    "dialogue": "dialogue",
    "time_pressure": "time_pressure",
    "war_cost": "war_cost",
    "p_win": "p_win",
    "cost": "cost_of_war",
    "signal": "signal",
}


@dataclass
class CrisisNews:
    """What the crisis did in one round, per run (narration reads this)."""

    events: list[tuple[int, np.ndarray]] = field(default_factory=list)  # (event, runs)
    present: np.ndarray | None = None  # [R, N] participants in the room
    fired: list[tuple[int, np.ndarray]] = field(default_factory=list)  # ultimatum, runs
    lapsed: list[tuple[int, np.ndarray]] = field(default_factory=list)  # unmet, not carried out
    met: list[tuple[int, np.ndarray]] = field(default_factory=list)  # demand met by the deadline
    chosen: list[tuple[int, np.ndarray]] = field(default_factory=list)  # a person decided
    accident_hazard: np.ndarray | None = None  # [R]


class Crisis:
    """State and rules of the crisis fields for one batch of runs."""

    def __init__(self, talks: Talks):
        sc = talks.scenario
        self.talks = talks
        assert talks.draws.crisis is not None
        self.draws = talks.draws.crisis
        r, n = len(talks.runs), len(sc.actors)
        self.deadline = deadline_round(sc)
        self.ultimatum_round = [
            self.deadline if u.deadline is None else round_of(sc, u.deadline, last=True)
            for u in sc.ultimatums
        ]
        self.event_round = [round_of(sc, e.at, last=False) for e in sc.events]
        self.resolved = np.zeros((r, len(sc.ultimatums)), dtype=bool)
        self.left = np.zeros((r, n), dtype=bool)
        self.contact = self.draws.contact.copy()
        self.issue = {x.id: k for k, x in enumerate(sc.issues)}
        self.news = CrisisNews()
        # Set by a person's seat (sim/model/human.py): decide(j) -> True (carry out), False
        # (let lapse) or None (the draw decides) for ultimatum j falling due unmet in run 0.
        self.decide: Callable[[int], bool | None] | None = None

    def per_run(self) -> list[tuple[object, str, int, bool]]:
        """Its arrays with a run axis (``Talks.per_run``): its state, and its draws (read)."""
        own = [(self, name, 0, True) for name in ("resolved", "left", "contact")]
        drawn = [f.name for f in fields(self.draws) if f.name != "inputs"]
        return own + [(self.draws, name, 0, False) for name in drawn]

    # ---- events ------------------------------------------------------------------------
    def start_round(self, t: int, active: np.ndarray) -> None:
        """Apply the events of round ``t`` in the runs where they happen."""
        talks = self.talks
        self.news = CrisisNews()
        for j, event in enumerate(talks.scenario.events):
            if self.event_round[j] != t:
                continue
            runs = active & self.draws.event_happens[:, j]
            if not runs.any():
                continue
            self.news.events.append((j, runs))
            for issue_id, value in event.status_quo.items():
                k = self.issue[issue_id]
                move = runs & ~talks.settled[:, k]
                talks.values[move, k] = value
                talks.status_quo[move, k] = value
            for actor_id, change in event.actors.items():
                actor = talks.actor_list[talks.actor_index[actor_id]]
                for name in change.model_fields_set:
                    attr = ACTOR_ATTRIBUTES[name]
                    old = getattr(actor, attr)
                    setattr(actor, attr, np.where(runs, getattr(change, name), old))
            for actor_id in event.leave:
                self.left[runs, talks.actor_index[actor_id]] = True
            for actor_id in event.join:
                self.left[runs, talks.actor_index[actor_id]] = False
            if event.contact is not None:
                self.contact = np.where(runs, event.contact, self.contact)

    # ---- who is in the room --------------------------------------------------------------
    def present(self, plan: RoundPlan, open_issues: np.ndarray) -> np.ndarray:
        """Participants in the room [R, N]: not departed, and not boycotting this table."""
        talks = self.talks
        room = np.zeros(self.left.shape, dtype=bool)
        room[:, list(plan.participants)] = True
        room &= ~self.left
        for i, spec in enumerate(talks.scenario.actors):
            if spec.boycott is None:
                continue
            ks = [self.issue[x] for x in spec.boycott.while_on_table]
            away = open_issues[:, ks].any(axis=1) & self.draws.boycott_holds[:, i]
            room[:, i] &= ~away
        self.news.present = room
        return room

    def mediate(self, proposer: Actor, parts: list[Actor], open_: np.ndarray) -> np.ndarray:
        """A mediator's text: the compromise point of those in the room as it perceives them."""
        talks = self.talks
        room = self.news.present
        weights = compromise_weights(
            [a.capability * room[:, a.index] for a in parts],  # absent parties carry no weight
            [a.salience for a in parts],
        )
        believed = [proposer.believed_position(a) for a in parts]
        focal = weighted_position(weights, believed, talks.values)
        return np.where(open_, focal, talks.values)

    # ---- ultimatums ----------------------------------------------------------------------
    def _unmet(self, j: int, values: np.ndarray) -> np.ndarray:
        """Runs [R] in which ultimatum j's demand is not met by ``values``."""
        bad = np.zeros(values.shape[0], dtype=bool)
        for issue_id, bound in self.talks.scenario.ultimatums[j].demand.items():
            v = values[:, self.issue[issue_id]]
            if bound.at_least is not None:
                bad |= v < bound.at_least - 1e-9
            if bound.at_most is not None:
                bad |= v > bound.at_most + 1e-9
        return bad

    def threat_cost(
        self, actor: Actor, values: np.ndarray, point: np.ndarray, here: np.ndarray | None = None
    ) -> np.ndarray:
        """The expected loss [R] pending threats hold over ``actor`` if it holds out.

        Sum over unresolved ultimatums whose demand is unmet of the credibility as the actor
        perceives it times what the consequence would cost it (docs/model.md, 12.1).
        ``here``: the actor's utility of ``values`` from ``point``, if the caller has it.
        """
        talks = self.talks
        total = np.zeros(values.shape[0])
        for j, ult in enumerate(talks.scenario.ultimatums):
            if actor.key == ult.sender or talks.t > self.ultimatum_round[j]:
                continue
            pending = ~self.resolved[:, j] & self._unmet(j, values)
            if not pending.any():
                continue
            if here is None:
                here = utility(point, actor.weights, values)
            if ult.consequence == "war":
                cost = (
                    np.maximum(here - actor.war_value(), 0.0)
                    if actor.has_military_option
                    else actor.war_cost
                )
            elif ult.consequence == "walk_out":
                cost = actor.time_pressure * (1.0 - talks.elapsed)
            else:
                after = values.copy()
                for issue_id, v in ult.change.items():
                    k = self.issue[issue_id]
                    after[:, k] = np.where(talks.settled[:, k], after[:, k], v)
                cost = np.maximum(here - utility(point, actor.weights, after), 0.0)
            total += np.where(pending, self.draws.perceived[:, j, actor.index] * cost, 0.0)
        return total

    def deadlines(self, t: int, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ultimatums falling due at the end of round ``t``: runs ending in war, in walk-out."""
        talks = self.talks
        war = np.zeros(active.shape, dtype=bool)
        walk = np.zeros(active.shape, dtype=bool)
        for j, ult in enumerate(talks.scenario.ultimatums):
            if self.ultimatum_round[j] != t:
                continue
            unmet = active & self._unmet(j, talks.values)
            fire = self._carried_out(j, unmet)
            self.resolved[active, j] = True
            self.news.met.append((j, active & ~unmet))
            self.news.lapsed.append((j, unmet & ~fire))
            self.news.fired.append((j, fire))
            if ult.consequence == "war":
                war |= fire
            elif ult.consequence == "walk_out":
                walk |= fire
            else:
                for issue_id, v in ult.change.items():
                    k = self.issue[issue_id]
                    move = fire & ~talks.settled[:, k]
                    talks.values[move, k] = v
                    talks.status_quo[move, k] = v
        return war, walk

    def _carried_out(self, j: int, unmet: np.ndarray) -> np.ndarray:
        """Runs [R] in which ultimatum j, unmet, is carried out: the run's draw, unless a
        person in the sender's seat decides (``decide``, run 0: play mode is one run).

        The draw was made up front and is read either way, so whatever the person decides,
        no other random number of the run shifts.
        """
        fire = unmet & self.draws.executes[:, j]
        if self.decide is None or not unmet[0]:
            return fire
        choice = self.decide(j)
        if choice is None:
            return fire
        fire[0] = choice
        person = np.zeros_like(unmet)
        person[0] = True
        self.news.chosen.append((j, person))
        return fire

    # ---- linkage and side payments ----------------------------------------------------------
    def link(self, settled_now: np.ndarray) -> np.ndarray:
        """Settlements [R, K] with linked groups kept whole: a group's open issues settle in
        the same round or not at all."""
        talks = self.talks
        out = settled_now.copy()
        for link in talks.scenario.linkage:
            ks = [self.issue[x] for x in link.issues]
            whole = np.all(settled_now[:, ks] | talks.settled[:, ks], axis=1)
            out[:, ks] &= whole[:, None]
        return out

    def pay(self, responses: dict, open_issues: np.ndarray) -> None:
        """Side payments in the answers: the receiver counts the payment as part of what
        settling the issue is worth to it, the giver counts its cost (docs/model.md, 12.6)."""
        talks = self.talks
        package = talks.scenario.settings.settlement == "package"
        for pay in talks.scenario.side_payments:
            k = self.issue[pay.issue]
            on = open_issues[:, k]
            if package:
                cols = open_issues & on[:, None]
            else:
                cols = np.zeros_like(open_issues)
                cols[:, k] = on
            for actor_id, delta in ((pay.receiver, pay.amount), (pay.giver, -pay.cost)):
                resp = responses.get(talks.actor_index[actor_id])
                if resp is None:
                    continue
                cross = resp.crossed.any(axis=1, keepdims=True) if package else resp.crossed
                resp.worth = np.where(cols, resp.worth + delta, resp.worth)
                ok = (resp.worth >= resp.reservation - 1e-9) & ~cross & cols
                resp.accept = resp.accept | ok if delta > 0 else resp.accept & (ok | ~cols)

    def transfers(self) -> np.ndarray:
        """Net side payments [R, N] made for issues that ended settled."""
        talks = self.talks
        out = np.zeros((len(talks.runs), len(talks.actor_list)))
        for pay in talks.scenario.side_payments:
            done = talks.settled[:, self.issue[pay.issue]]
            out[:, talks.actor_index[pay.receiver]] += np.where(done, pay.amount, 0.0)
            out[:, talks.actor_index[pay.giver]] -= np.where(done, pay.cost, 0.0)
        return out

    # ---- accidents ----------------------------------------------------------------------
    def accident(self, t: int, tension: np.ndarray, active: np.ndarray) -> np.ndarray:
        """Runs [R] where an unintended clash happens: h = 1 - exp(-rate * T * contact)."""
        h = 1.0 - np.exp(-self.draws.accident_rate * tension * self.contact)
        h = np.where(active, h, 0.0)
        self.news.accident_hazard = h
        return active & (self.draws.accident_u[:, t] < h)
