"""The talks: a Mesa model that plays one round of the agenda per step, for R runs at once.

Runs that have ended are masked, not removed, so run k's arrays stay in place and the same
code serves one run told in words (R = 1) and a Monte Carlo of thousands; a large batch played
to the end without a watcher sets its ended runs aside instead (sim/model/rows.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd

from sim.scenario.sampling import Draws, draw
from sim.scenario.schema import Scenario

from .actors import Actor, Response
from .arrays import add_up, clip, row_all, row_any, row_count, select
from .crisis import ACCIDENT, CAUSES, DELIBERATE, ULTIMATUM, WALK_OUT, Crisis, CrisisNews
from .heap import keep_freed_memory
from .mechanisms import MECHANISMS, Mechanism
from .outcomes import (
    AGREEMENT,
    ARMED_CONFLICT,
    BREAKDOWN,
    ONGOING,
    OUTCOMES,
    PARTIAL,
    STALEMATE,
)
from .rows import SetAside, Slot
from .schedule import RANDOM, RoundPlan, build_schedule

# A batch of at least this many rows sets its ended runs aside once no more than this share of
# its rows still talk: each time costs a copy of every per-run array, and the rounds after it
# then cost the share still talking (sim/model/rows.py).
SET_ASIDE_ROWS = 1024
SET_ASIDE_SHARE = 0.75


@dataclass
class RoundRecord:
    """What happened in one round, for every run (narration and trajectories read this)."""

    t: int
    plan: RoundPlan
    active: np.ndarray  # [R] runs still talking at the start of the round
    proposers: np.ndarray  # [R] actor index of each run's proposer (-1 in a consultation)
    proposal: np.ndarray | None  # [R, K] full package put on the table
    open_issues: np.ndarray  # [R, K] table issues still open at the start of the round
    responses: dict[int, Response]  # by actor index
    settled_now: np.ndarray  # [R, K]
    positions_before: np.ndarray  # [R, N, K]
    positions_after: np.ndarray  # [R, N, K]
    shortfall: np.ndarray  # [R, N] war motive of each actor after the round
    tension_parts: dict[str, np.ndarray]  # what pulled tension up (+) or down (-) this round
    tension_before: np.ndarray  # [R]
    tension_after: np.ndarray  # [R]
    war_hazard: np.ndarray  # [R]
    breakdown_hazard: np.ndarray  # [R]
    ended: np.ndarray  # [R] outcome code for runs that ended this round, else ONGOING
    crisis: CrisisNews | None = None  # events, who was in the room, deadlines, accidents
    # The rows of the full batch these arrays hold, in order, when ended runs were set aside
    # (``Talks.play(set_aside=True)`` with a watcher); None: every row of the batch.
    rows: np.ndarray | None = None


class Talks(mesa.Model):
    """One batch of runs of a scenario's agenda (docs/model.md describes every step)."""

    def __init__(self, scenario: Scenario, seed: int, runs: np.ndarray | int = 1):
        # Mesa's own generator is seeded too, though no mechanism draws from it: every random
        # number a run uses was drawn up front, keyed by run and purpose (see sampling.py).
        super().__init__(rng=np.random.SeedSequence(seed))
        keep_freed_memory()  # once per process: batches reuse memory (sim/model/heap.py)
        self.scenario = scenario
        runs = np.arange(runs) if isinstance(runs, int | np.integer) else np.asarray(runs)
        self.draws: Draws = draw(scenario, seed, runs)
        self.issue_ids = [i.id for i in scenario.issues]
        self.actor_index = {a.id: i for i, a in enumerate(scenario.actors)}
        self.actor_list = [
            Actor(self, i, spec, self.draws) for i, spec in enumerate(scenario.actors)
        ]
        self.schedule = build_schedule(scenario)
        self.horizon = len(self.schedule)
        r, k = len(runs), len(self.issue_ids)
        self.runs = runs
        self.status_quo = self.draws.status_quo.copy()  # events may move it
        self.values = self.status_quo.copy()
        self.settled = np.zeros((r, k), dtype=bool)
        self.tension = self.draws.setting["tension_initial"].copy()
        self.war_risk = np.zeros(r)  # last round's hazard of war: the risk of holding out
        self.outcome = np.full(r, ONGOING)
        self.cause = np.zeros(r, dtype=np.int64)  # index into CAUSES
        self.rounds = np.zeros(r, dtype=np.int64)
        self.t = 0
        self.record: RoundRecord | None = None
        s = self.draws.setting
        self.learning_rate = s["learning_rate"]
        self.bloc_cohesion = s["bloc_cohesion"]
        # Who can expect a deal at some table: an actor at no negotiation has only the status
        # quo to weigh force against (docs/model.md, 5.1).
        self.attends = np.zeros(len(self.actor_list), dtype=bool)
        for m in scenario.meetings:
            if m.kind == "negotiation":
                self.attends[[self.actor_index[p] for p in m.participants]] = True
        # Actors a person plays (sim/model/human.py): whether they use force is the person's
        # choice, so their war motive raises tension but draws no deliberate war.
        self.seated = np.zeros(len(self.actor_list), dtype=bool)
        self.mechanism: Mechanism = MECHANISMS[scenario.settings.mechanism](self)
        self.crisis = Crisis(self)
        # The rows of the full batch still played while ended runs are set aside, else None.
        self.rows: np.ndarray | None = None
        # Whether each round leaves a RoundRecord (an unwatched play needs none).
        self.recording = True

    # ---- state views -----------------------------------------------------------------------
    @property
    def active(self) -> np.ndarray:
        return self.outcome == ONGOING

    @property
    def done(self) -> bool:
        return self.t >= self.horizon or not self.active.any()

    def positions(self) -> np.ndarray:
        """Announced positions [R, N, K] (a view of them stacked actor by actor, [N, R, K]:
        one contiguous copy each, several times faster than interleaving them)."""
        return np.stack([a.position for a in self.actor_list]).transpose(1, 0, 2)

    @property
    def elapsed(self) -> float:
        """The share of the time to the deadline used up by the end of this round,
        ``min(1, (t + 1) / (D + 1))`` with D the deadline's round (default: the last, so H).

        The one deadline clock: time pressure, aspirations, tension's deadline term and
        ultimatums without a date of their own all read it (docs/model.md, 3.1, 5.2, 12.1).
        """
        return min(1.0, (self.t + 1) / (self.crisis.deadline + 1))

    def narrow(self, plan: RoundPlan) -> np.ndarray | None:
        """The table's issues, when they are at most half of all: only they can be open this
        round, so what is computed issue by issue for proposals and deals may be computed
        for them alone (the same numbers on fewer columns); None to compute every issue,
        which costs less than picking the columns out when the table holds most of them."""
        if 2 * len(plan.issues) > len(self.issue_ids):
            return None
        return np.asarray(plan.issues, dtype=np.intp)

    # ---- one round --------------------------------------------------------------------------
    def step(self) -> None:
        """Play the next round of the agenda for every run still talking.

        What happened is left in ``self.record`` (Mesa's step wrapper drops return values).
        """
        plan = self.schedule[self.t]
        meeting = self.scenario.meetings[plan.meeting]
        active = self.active
        self.crisis.start_round(self.t, active)
        parts = [self.actor_list[i] for i in plan.participants]
        table = np.zeros(len(self.issue_ids), dtype=bool)
        table[list(plan.issues)] = True
        open_issues = table[None, :] & ~self.settled & active[:, None]
        present = self.crisis.present(plan, open_issues)
        recording = self.recording
        before = self.positions() if recording else None
        tension_before = self.tension.copy() if recording else None
        proposal, responses = None, {}
        settled_now = np.zeros_like(self.settled)

        proposers = np.full(len(active), plan.proposer)
        if meeting.kind == "negotiation":
            if plan.proposer == RANDOM:
                proposers = self._recognise(parts, table)
            deciders = [self.actor_list[i] for i in plan.decision.deciders]
            proposal = self.values.copy()
            chairs = np.unique(proposers) if plan.proposer == RANDOM else [plan.proposer]
            for i in chairs:
                proposer = self.actor_list[i]
                if meeting.mediation == "compromise":
                    offer = self.crisis.mediate(proposer, parts, open_issues)
                else:
                    offer = self.mechanism.propose(plan, proposer, deciders, open_issues)
                # A proposer kept away (a boycott, a departure) puts nothing on the table.
                mine = (proposers == i) & present[:, i]
                proposal = offer if mine.all() else np.where(mine[:, None], offer, proposal)
            responses = {a.index: self.mechanism.respond(a, proposal, open_issues) for a in parts}
            self.crisis.pay(responses, open_issues)
            for a in parts:  # the absent accept nothing
                responses[a.index].accept &= present[:, a.index, None]
            settled_now = self._decide(plan, parts, proposal, responses, open_issues)
            settled_now = self.crisis.link(settled_now)
            self.values = select(settled_now, proposal, self.values)
            self.settled |= settled_now
            still_open = open_issues & ~settled_now
            away = [a for a in parts if not present[:, a.index].all()]
            held = {a.index: a.position.copy() for a in away}
            self.mechanism.update(plan, proposers, parts, proposal, responses, still_open)
            for a in away:  # the absent neither concede nor learn what the table would give them
                a.position = select(present[:, a.index, None], a.position, held[a.index])
            for a in parts:
                if a.has_military_option:
                    deal = a.expect_deal(
                        deciders, plan.decision, self.values, still_open, self.narrow(plan)
                    )
                    seen = active & present[:, a.index]
                    a.expected_deal = np.where(seen, deal, a.expected_deal)
        else:
            self.mechanism.consult(parts)

        self._bloc_cohesion(parts, active)
        motives = [a.war_shortfall(self.values) for a in self.actor_list]
        self._update_tension(parts, motives, settled_now, active)
        war_h, break_h = self._hazards(meeting.kind, parts, motives, active)
        self.war_risk = np.where(active, war_h, self.war_risk)
        ended = self._terminate(war_h, break_h, active)
        self.record = None
        if recording:
            assert before is not None and tension_before is not None
            self.record = RoundRecord(
                t=self.t,
                plan=plan,
                active=active,
                proposers=proposers,
                proposal=proposal,
                open_issues=open_issues,
                responses=responses,
                settled_now=settled_now,
                positions_before=before,
                positions_after=self.positions(),
                shortfall=np.stack(motives, 1),
                tension_parts={
                    k: np.broadcast_to(v, self.tension.shape) for k, v in self.tension_parts.items()
                },
                tension_before=tension_before,
                tension_after=self.tension.copy(),
                war_hazard=war_h,
                breakdown_hazard=break_h,
                ended=ended,
                crisis=self.crisis.news,
                rows=self.rows,
            )
        self.t += 1

    def _recognise(self, parts: list[Actor], table: np.ndarray) -> np.ndarray:
        """Each run's proposer [R], drawn with probability proportional to capability times
        salience on the table (Baron and Ferejohn 1989), from the round's own uniform."""
        w = np.stack([a.capability * a.salience[:, table].sum(axis=1) for a in parts], axis=1)
        w = np.where(w.sum(axis=1, keepdims=True) > 0, w, 1.0)
        cum = np.cumsum(w, axis=1) / w.sum(axis=1, keepdims=True)
        u = self.draws.hazard_u[:, self.t, 2]
        pick = np.minimum((cum < u[:, None]).sum(axis=1), len(parts) - 1)
        return np.asarray([a.index for a in parts])[pick]

    def _decide(self, plan, parts, proposal, responses, open_issues) -> np.ndarray:
        """Which open issues the meeting's rule settles [R, K], red lines enforced here.

        Whatever a mechanism answers, an actor never counts as accepting a value beyond its
        own red line; in package mode a package is accepted or refused whole.
        """
        package = self.scenario.settings.settlement == "package"
        # accept[r, k, i], stored actor by actor: each actor's [R, K] is one contiguous block.
        accept = np.zeros((len(self.actor_list), *open_issues.shape), dtype=bool).transpose(1, 2, 0)
        for a in parts:
            crossed = open_issues & a.crosses(proposal)
            yes = responses[a.index].accept & open_issues
            if package:
                whole = row_all(yes | ~open_issues) & ~row_any(crossed)
                yes = whole[:, None] & open_issues
            accept[..., a.index] = yes & ~crossed
        if package:
            anywhere = np.zeros((len(open_issues), len(self.actor_list)), dtype=bool)
            for a in parts:  # the others accept nothing anywhere
                anywhere[:, a.index] = row_any(accept[..., a.index])
            passed = plan.decision.passes(anywhere) & row_any(open_issues)
            return open_issues & passed[:, None]
        return open_issues & plan.decision.passes(accept)

    def _bloc_cohesion(self, parts: list[Actor], active: np.ndarray) -> None:
        """Bloc members at the table pull toward their caucus's capability-weighted position."""
        blocs: dict[str, list[Actor]] = {}
        for a in parts:
            if a.bloc is not None:
                blocs.setdefault(a.bloc, []).append(a)
        for members in blocs.values():
            if len(members) < 2:
                continue
            w = [m.capability[:, None] for m in members]
            centre = add_up([c * m.position for c, m in zip(w, members, strict=True)])
            centre /= add_up(w)  # sum(w x) / sum(w) over the members, without stacking them
            # Only open issues: what is settled is settled, whatever the caucus now thinks.
            pull = select(active[:, None] & ~self.settled, self.bloc_cohesion[:, None], 0.0)
            for m in members:
                m.position = clip(m.position + pull * (centre - m.position), m.at_least, m.at_most)

    def _update_tension(self, parts, motives, settled_now, active) -> None:
        """T moves a share of the way to its target, less relief for what was settled
        (``motives``: each actor's war shortfall [R], by actor index)."""
        s = self.draws.setting
        military = [a for a in self.actor_list if a.has_military_option]
        signal = np.max([a.signal for a in military], axis=0) if military else 0.0
        dialogue = np.mean([a.dialogue for a in parts], axis=0)
        elapsed = self.elapsed
        self.tension_parts = {
            # The largest motive, actor by actor (np.max over a short axis is slow; the
            # shortfalls are never NaN or -0.0, so the maximum is the same either way).
            "war motive": s["tension_gap_weight"] * functools.reduce(np.maximum, motives),
            "military signals": s["tension_signal_weight"] * signal,
            "the approaching deadline": s["tension_deadline_weight"] * elapsed,
            "dialogue": -s["tension_dialogue_relief"] * dialogue,
        }
        target = np.clip(sum(self.tension_parts.values()), 0.0, 1.0)
        relief = s["tension_settlement_relief"] * row_count(settled_now) / len(self.issue_ids)
        self.tension_parts["settlements"] = -relief
        new = np.clip(
            self.tension + s["tension_adjustment"] * (target - self.tension) - relief, 0, 1
        )
        self.tension = np.where(active, new, self.tension)

    def _hazards(self, kind, parts, motives, active) -> tuple[np.ndarray, np.ndarray]:
        """Per-round hazards: war from the war motive (Fearon), walk-outs from low dialogue.

        ``motives``: each actor's war shortfall [R]; war comes unless every actor's motive
        lets peace survive (the product is taken actor by actor, as np.prod takes it). A
        seated actor's motive is left out of the war hazard: a person uses force by choosing
        to, never by a draw made for them."""
        s = self.draws.setting
        motives = [np.zeros_like(m) if self.seated[i] else m for i, m in enumerate(motives)]
        rate = -s["tension_war_rate"] * self.tension
        war = 1.0 - functools.reduce(np.multiply, [np.exp(rate * m) for m in motives])
        if kind == "negotiation":
            least = np.min([a.dialogue for a in parts], axis=0)
            brk = 1.0 - np.exp(-s["tension_breakdown_rate"] * self.tension * (1.0 - least))
        else:
            brk = np.zeros_like(war)
        return np.where(active, war, 0.0), np.where(active, brk, 0.0)

    def _terminate(self, war_h, break_h, active) -> np.ndarray:
        u = self.draws.hazard_u[:, self.t]
        ended = np.full(self.outcome.shape, ONGOING)
        agreed = active & row_all(self.settled)
        going = active & ~agreed
        threat_war, threat_walk = self.crisis.deadlines(self.t, going)
        war = going & (u[:, 0] < war_h)
        accident = going & ~war & self.crisis.accident(self.t, self.tension, going)
        threat_war &= ~war & ~accident
        walkout = going & ~war & ~accident & ~threat_war & (u[:, 1] < break_h)
        threat_walk &= ~war & ~accident & ~threat_war & ~walkout
        fought = war | accident | threat_war
        ended[agreed], ended[fought] = AGREEMENT, ARMED_CONFLICT
        ended[walkout | threat_walk] = BREAKDOWN
        self.cause[war] = DELIBERATE
        self.cause[accident] = ACCIDENT
        self.cause[threat_war | threat_walk] = ULTIMATUM
        self.cause[walkout] = WALK_OUT
        if self.t == self.horizon - 1:
            rest = active & (ended == ONGOING)
            some = row_any(self.settled)
            ended[rest & some] = PARTIAL
            ended[rest & ~some] = STALEMATE
        stop = ended != ONGOING
        self.outcome[stop] = ended[stop]
        self.rounds[stop] = self.t + 1
        return ended

    # ---- a whole run -------------------------------------------------------------------------
    def play(self, on_round=None, set_aside: bool | None = None) -> None:
        """Step until every run has ended; ``on_round(record)`` sees each round.

        ``set_aside`` (by default, when nothing watches the rounds): a large batch sets its
        ended runs aside as they accumulate and puts them back at the end, with the same
        numbers, the late rounds computing only the runs still talking. A watcher that asks
        for it then gets records of the rows still played (``RoundRecord.rows``); any other
        sees every run's rows in every record. Unwatched, rounds leave no record.
        """
        if set_aside is None:
            set_aside = on_round is None
        aside = SetAside() if set_aside else None
        self.recording = on_round is not None
        try:
            while not self.done:
                if aside is not None:
                    self._set_aside_ended(aside)
                self.step()
                if on_round is not None:
                    on_round(self.record)
        finally:
            self.recording = True
            if aside is not None and aside.rows is not None:
                aside.restore()
                self.rows = None
                self.crisis.news = CrisisNews()  # the last round's, of the rows then played
                self.mechanism.rows_changed()

    def _set_aside_ended(self, aside: SetAside) -> None:
        active = self.active
        if len(active) < SET_ASIDE_ROWS or active.sum() > SET_ASIDE_SHARE * len(active):
            return
        aside.drop(self.per_run(), active)
        self.rows = aside.rows
        self.mechanism.rows_changed()

    def per_run(self) -> list[Slot]:
        """Every array of the batch's state with a run axis, read or written while it plays
        (sim/model/rows.py; the draws read only when the model is built are not here)."""
        written = ("status_quo", "values", "settled", "tension", "war_risk", "outcome")
        written += ("cause", "rounds")
        slots: list[Slot] = [(self, name, 0, True) for name in written]
        slots += [(self, name, 0, False) for name in ("runs", "learning_rate", "bloc_cohesion")]
        slots += [(self.draws.setting, name, 0, False) for name in self.draws.setting]
        slots.append((self.draws, "hazard_u", 0, False))
        slots += self.crisis.per_run()
        for a in self.actor_list:
            slots += [(a, name, 0, False) for name in a.FIXED]
            slots += [(a, name, 0, True) for name in a.CHANGING]
            slots += [(a, name, 1, True) for name in a.ERRORS]
        return slots

    def release(self) -> None:
        """Let this model be freed once its results are read.

        Mesa 3.3 keeps every model alive through the class-level ``Agent._ids`` registry
        (mesa#3179); an experiment makes one model per chunk, so each is let go explicitly.
        """
        for a in self.actor_list:
            a.remove()
        mesa.Agent._ids.pop(self, None)
        self.actor_list = []
        self.record = None
        # Its mechanism and crisis point back at it, and Mesa keeps bound methods of it on
        # it: cycles that only the cyclic garbage collector frees, some time later. Broken,
        # its arrays are freed as soon as the caller lets go of it, so a process playing
        # batch after batch holds one batch's arrays at a time, not two (a worker of the
        # 1,000,000-run benchmark peaked at 0.18 GiB instead of 0.44).
        for name in ("mechanism", "crisis", "step", "_user_step"):
            self.__dict__.pop(name, None)

    def final_utilities(self) -> np.ndarray:
        """Each actor's utility [R, N] of how its run ended, from its ideal point.

        After a war an actor with the military option gets ``p_win - cost``; the others get
        the status quo less their own cost of war.
        """
        cols = []
        war = self.outcome == ARMED_CONFLICT
        paid = self.crisis.transfers()
        for a in self.actor_list:
            u = a.true_utility(self.values) + paid[:, a.index]
            fought = a.war_value() if a.has_military_option else u - a.war_cost
            cols.append(np.where(war, fought, u))
        return np.stack(cols, axis=1)

    def outcomes_frame(self) -> pd.DataFrame:
        """One row per run in the layout of ``outcomes.csv`` (docs/results.md)."""
        data: dict[str, object] = {
            "run": self.runs.astype(np.int64),
            "outcome": pd.Categorical.from_codes(self.outcome, categories=list(OUTCOMES)),
            "rounds": self.rounds,
            "cause": pd.Categorical.from_codes(self.cause, categories=list(CAUSES)),
        }
        for k, issue in enumerate(self.issue_ids):
            data[f"settled_{issue}"] = self.settled[:, k]
        for k, issue in enumerate(self.issue_ids):
            data[f"value_{issue}"] = self.values[:, k]
        utilities = self.final_utilities()
        for i, a in enumerate(self.actor_list):
            data[f"utility_{a.key}"] = utilities[:, i]
        return pd.DataFrame(data)


def simulate(scenario: Scenario, runs: int | np.ndarray, seed: int) -> pd.DataFrame:
    """Play ``runs`` runs of a scenario and return the per-run outcomes table.

    The model is released before returning: Mesa's agent registry would otherwise keep every
    model a notebook ever simulated alive (about 3.7 MB a call for the baseline)."""
    talks = Talks(scenario, seed, runs)
    try:
        talks.play()
        return talks.outcomes_frame()
    finally:
        talks.release()
