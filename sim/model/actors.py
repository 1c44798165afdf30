"""An actor at the talks: what it wants, what it believes, and what no agreement is worth to it.

Each ``Actor`` is a Mesa agent whose state carries a leading run axis: ``position[R, K]`` is its
announced position on every issue in each of R runs, so one call decides for all runs at once.
How it proposes, answers and concedes belongs to the scenario's mechanism
(``sim/model/mechanisms/``); what it values and believes is the same under every mechanism, so
war, red lines and tension keep one meaning. The formulas are in docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.scenario.sampling import ACTOR_FIELDS

from .utility import utility

if TYPE_CHECKING:
    from sim.scenario.sampling import Draws
    from sim.scenario.schema import Actor as ActorSpec

    from .rules import Decision
    from .talks import Talks


TOLERANCE = 1e-9  # utility units: offers computed to meet a reservation exactly are accepted


@dataclass
class Response:
    """An actor's answer to a proposal, issue by issue, with its reasons (for narration)."""

    accept: np.ndarray  # [R, K] accepts settling issue k at the proposed value
    worth: np.ndarray  # [R, K] what accepting would be worth to it (utility)
    reservation: np.ndarray  # [R, K] what it holds out for now on each issue (reservation)
    crossed: np.ndarray  # [R, K] the proposed value crosses its red line on k


class Actor(mesa.Agent):
    """A party to the talks; who it is and what it wants come only from the scenario file."""

    def __init__(self, model: Talks, index: int, spec: ActorSpec, draws: Draws):
        super().__init__(model)
        self.index = index
        self.key = spec.id
        self.name = spec.name
        self.bloc = spec.bloc
        self.has_military_option = spec.military_option is not None
        self.ideal = draws.stance["position"][:, index].copy()
        self.position = self.ideal.copy()
        # Salience is on one scale for all actors (0.1 barely matters, 1 is vital): it weighs
        # the actor in the compromise point and slows its concessions. Utility divides by the
        # total only where it exceeds 1, so U stays in [0, 1] and a low-stakes actor's utility
        # is flat: it loses little by giving way (docs/model.md, 1).
        self.salience = draws.stance["salience"][:, index].copy()
        total = self.salience.sum(axis=-1, keepdims=True)
        self.weights = self.salience / np.maximum(total, 1.0)
        self.at_least = draws.stance["at_least"][:, index].copy()
        self.at_most = draws.stance["at_most"][:, index].copy()
        for name in ACTOR_FIELDS:
            setattr(self, name, draws.actor[name][:, index].copy())
        self.p_win = draws.actor["p_win"][:, index].copy()
        self.cost_of_war = draws.actor["cost"][:, index].copy()
        self.signal = draws.actor["signal"][:, index].copy()
        # Private information: errors in what this actor perceives of the others.
        noise = draws.setting["belief_noise"][:, None, None]
        self.position_error = draws.position_error[:, index] * noise
        self.position_error[:, index] = 0.0
        self.resolve_error = draws.resolve_error[:, index] * draws.setting["resolve_noise"][:, None]
        self.resolve_error[:, index] = 0.0
        # What it believes talks will ultimately give it (utility); NaN until it has sat at a
        # table, so an actor due at a later meeting waits for it before weighing force.
        self.expected_deal = np.full(self.position.shape[0], np.nan)

    # ---- what it wants ---------------------------------------------------------------
    def utility(self, package: np.ndarray) -> np.ndarray:
        """Worth of a package measured from its announced position (what it now asks for)."""
        return utility(self.position, self.weights, package)

    def true_utility(self, package: np.ndarray) -> np.ndarray:
        """Worth of a package measured from its ideal point (its interests, for reporting)."""
        return utility(self.ideal, self.weights, package)

    def war_value(self) -> np.ndarray:
        """Fearon's value of fighting, ``p_win - cost``; minus infinity without the option."""
        if not self.has_military_option:
            return np.full(self.p_win.shape, -np.inf)
        return self.p_win - self.cost_of_war

    def bottom_line(
        self, values: np.ndarray, point: np.ndarray | None = None, at_deadline: bool = False
    ) -> np.ndarray:
        """The least it can be brought to accept now (or at the deadline): no agreement, or
        war if better.

        No agreement is the current state less the expected cost of a war that may break out
        while it holds out (Schelling's coercion) and less the share of its time pressure the
        agenda has used up (a deadline makes failure costlier as it nears). Impatience does
        not enter here: an impatient actor never takes less than it already has for that
        reason alone (docs/model.md, 3.1).
        """
        point = self.position if point is None else point
        talks = self.model
        elapsed = 1.0 if at_deadline else talks.elapsed
        hold_out = (
            utility(point, self.weights, values)
            - talks.war_risk * self.war_cost
            - self.time_pressure * elapsed
            - talks.crisis.threat_cost(self, values, point)
        )
        return np.maximum(hold_out, self.war_value())

    def aspiration_now(self) -> np.ndarray:
        """The share of the possible gain it still holds out for: ``a0 * patience^t * (1 - e)``.

        High early (a reason to wait for a better offer), discounted each round by impatience,
        and nil at the deadline.
        """
        talks = self.model
        return self.aspiration * self.patience**talks.t * (1.0 - talks.elapsed)

    def best_case(self, values: np.ndarray, open_: np.ndarray, point=None) -> np.ndarray:
        """Utility [R, K] of getting its way on each open issue alone, the rest held at values.

        The yardstick of aspiration issue by issue: what settling issue k could at best add.
        """
        point = self.position if point is None else point
        here = utility(point, self.weights, values)[:, None]
        return here + np.where(open_, self.weights * np.abs(values - point), 0.0) / 100.0

    def reservation_utility(
        self, values: np.ndarray, best: np.ndarray, point: np.ndarray | None = None
    ) -> np.ndarray:
        """What an offer must be worth for it to accept now: its bottom line plus the share
        of the best case (``best``: [R], or [R, K] issue by issue) it still aspires to."""
        floor = self.bottom_line(values, point)
        floor = floor[:, None] if np.ndim(best) == 2 else floor
        return floor + self.aspiration_now().reshape(
            floor.shape[:1] + (1,) * (floor.ndim - 1)
        ) * np.maximum(best - floor, 0.0)

    def war_shortfall(self, values: np.ndarray) -> np.ndarray:
        """How much more war is worth to it than what it believes talks will give it (0 if less).

        The yardstick is the best deal it believes the table would ultimately accept, whoever
        proposes (so the chair's identity does not decide war), or the current state where that
        is better; an actor that attends no meeting has only the current state.
        """
        if not self.has_military_option:
            return np.zeros(self.p_win.shape)
        now = self.utility(values)
        deal = np.where(np.isnan(self.expected_deal), np.inf, self.expected_deal)
        if not self.model.attends[self.index]:
            deal = now
        return np.maximum(self.war_value() - np.maximum(deal, now), 0.0)

    # ---- what it believes of the others -------------------------------------------------
    def believed_position(self, other: Actor) -> np.ndarray:
        return other.position + self.position_error[:, other.index]

    def believed_red_lines(self, other: Actor) -> tuple[np.ndarray, np.ndarray]:
        err = self.position_error[:, other.index]
        return other.at_least + err, other.at_most + err

    def believed_reservation(
        self, other: Actor, values: np.ndarray, best: np.ndarray, strategic: bool = True
    ) -> np.ndarray:
        """Its estimate of ``other``'s reservation now (``strategic``, given ``other``'s best
        case ``best``), or of the bottom line ``other`` could be brought to by the deadline."""
        point = self.believed_position(other)
        if strategic:
            ru = other.reservation_utility(values, best, point)
        else:
            ru = other.bottom_line(values, point, at_deadline=True)
            ru = ru[:, None] if np.ndim(best) == 2 else ru
        err = self.resolve_error[:, other.index]
        return ru + (err[:, None] if np.ndim(ru) == 2 else err)

    def acceptable_interval(
        self, other: Actor, values: np.ndarray, strategic: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per issue, the values [R, K] it believes ``other`` accepts, others held at ``values``.

        With linear utility this set is an interval: ``|y - x| <= 100 * slack / w``. For
        itself it uses the truth.
        """
        if other is self:
            x, (low, high) = self.position, (self.at_least, self.at_most)
        else:
            x, (low, high) = self.believed_position(other), self.believed_red_lines(other)
        w = other.weights
        best = other.best_case(values, np.ones(values.shape, dtype=bool), x)
        if other is self:
            if strategic:
                ru = self.reservation_utility(values, best)
            else:
                ru = self.bottom_line(values, at_deadline=True)[:, None]
        else:
            ru = self.believed_reservation(other, values, best, strategic)
        slack = best - ru
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            radius = np.where(w > 0, 100.0 * slack / w, np.where(slack >= 0, np.inf, -np.inf))
        lo = np.maximum.reduce([x - radius, low, np.zeros_like(x)])
        hi = np.minimum.reduce([x + radius, high, np.full_like(x, 100.0)])
        return lo, hi

    def best_point(
        self,
        deciders: list[Actor],
        decision: Decision,
        values: np.ndarray,
        strategic: bool = True,
        judge_self: bool = True,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per issue, the value nearest its position that it believes the rule lets pass.

        Returns (value [R, K], feasible [R, K]). The best point in a union of intervals is its
        own position or an end of one of them, so those are the only candidates: exact, with
        no search grid. ``judge_self=False`` leaves out its own acceptance (used when it asks
        what the table would give it, to weigh against force).
        """
        ends = []
        accept_sets = []
        for d in deciders:
            if d is self and not judge_self:
                continue
            lo, hi = self.acceptable_interval(d, values, strategic)
            ends += [lo, hi]
            accept_sets.append((d.index, lo, hi))
        cand = np.stack([self.position, *ends], axis=-1)  # [R, K, C]
        cand = np.clip(cand, self.at_least[..., None], self.at_most[..., None])
        n = len(self.model.actor_list)
        accept = np.zeros((*cand.shape, n), dtype=bool)
        for i, lo, hi in accept_sets:
            accept[..., i] = (cand >= lo[..., None] - 1e-9) & (cand <= hi[..., None] + 1e-9)
        if not judge_self:
            accept[..., self.index] = True
        ok = decision.passes(accept)
        if judge_self and self.index not in decision.deciders:
            lo, hi = self.acceptable_interval(self, values, strategic)
            ok &= (cand >= lo[..., None] - 1e-9) & (cand <= hi[..., None] + 1e-9)
        dist = np.where(ok, np.abs(cand - self.position[..., None]), np.inf)
        pick = np.argmin(dist, axis=-1)
        best = np.take_along_axis(cand, pick[..., None], axis=-1)[..., 0]
        return best, ok.any(axis=-1)

    def expect_deal(
        self, deciders: list[Actor], decision: Decision, values: np.ndarray, open_: np.ndarray
    ) -> np.ndarray:
        """The utility of the best package it believes the table would ultimately accept.

        Others are judged by the bottom lines they could be brought to by the deadline, not
        their opening aspirations: what force is weighed against is the deal talks can end in.
        """
        best, feasible = self.best_point(
            deciders, decision, values, strategic=False, judge_self=False
        )
        package = np.where(open_ & feasible, best, values)
        return self.utility(package)

    # ---- updates shared by the mechanisms ------------------------------------------------
    def concede_toward(
        self, target: np.ndarray, still_open: np.ndarray, pressure: np.ndarray | float = 0.0
    ) -> np.ndarray:
        """Give ground toward ``target``, most where it cares least, never past a red line.

        Step: ``max(flexibility * (1 - salience), pressure) * (target - position)``, salience
        on the shared scale (the exchange model's logic: concede where it costs you least);
        ``pressure`` [R, K] is a forum's push on isolated members. Returns the step.
        """
        rate = np.maximum(self.flexibility[:, None] * (1.0 - self.salience), pressure)
        step = rate * (target - self.position)
        step = np.where(still_open, step, 0.0)
        new = np.clip(self.position + step, self.at_least, self.at_most)
        taken = new - self.position
        self.position = new
        return taken

    def learn(self, rate: np.ndarray, revealed: np.ndarray) -> None:
        """Refusals (and frank talks) reveal information: errors about those actors shrink.

        ``revealed`` [R, N] marks whose position and resolve were revealed this round; each
        such error is cut by the learning rate (its own entries are zero already).
        """
        keep = np.where(revealed, 1.0 - rate[:, None], 1.0)
        self.position_error *= keep[:, :, None]
        self.resolve_error *= keep
