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

from .arrays import ceiling_at, clip, floor_at, row_sum, select, spread
from .candidates import TOLERANCE as ON_SCALE
from .candidates import first_nearest, intersection, nearest_inside, rule_test
from .utility import utility, utility_of_gaps, weighted_gaps

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

    # Its arrays with a run axis (``Talks.per_run``, sim/model/rows.py): those fixed once it
    # is built, and those the talks and events write; a new per-run attribute must be named.
    FIXED: tuple[str, ...] = ("ideal", "salience", "weights", "at_least", "at_most", "_below")
    FIXED += ("_above", "capability", "patience", "aspiration")
    CHANGING: tuple[str, ...] = ("position", "expected_deal", "flexibility", "dialogue")
    CHANGING += ("time_pressure", "war_cost", "p_win", "cost_of_war", "signal")
    ERRORS: tuple[str, ...] = ("position_error", "resolve_error")  # [N, R, ...]: axis 1

    def __init__(self, model: Talks, index: int, spec: ActorSpec, draws: Draws):
        super().__init__(model)
        self.index = index
        self.key = spec.id
        self.name = spec.name
        self.bloc = spec.bloc
        self.has_military_option = spec.military_option is not None
        # Its fixed arrays are views of the draws (each actor's block is contiguous there):
        # nothing writes into them, and an event or setting runs aside replaces them whole.
        self.ideal = draws.stance["position"][:, index]
        self.position = self.ideal.copy()
        # Salience is on one scale for all actors (0.1 barely matters, 1 is vital): it weighs
        # the actor in the compromise point and slows its concessions. Utility divides by the
        # total only where it exceeds 1, so U stays in [0, 1] and a low-stakes actor's utility
        # is flat: it loses little by giving way (docs/model.md, 1).
        self.salience = draws.stance["salience"][:, index]
        total = row_sum(self.salience)[:, None]
        self.weights = self.salience / np.maximum(total, 1.0)
        # Whether it cares at all about every issue in every run (acceptable_interval then
        # needs no guard against dividing by a zero weight).
        self.cares_everywhere = bool((self.weights > 0).all())
        self.at_least = draws.stance["at_least"][:, index]
        self.at_most = draws.stance["at_most"][:, index]
        # Red lines do not move during a run: the bounds an offer crosses them at are kept.
        self._below, self._above = self.at_least - 1e-9, self.at_most + 1e-9
        for name in ACTOR_FIELDS:
            setattr(self, name, draws.actor[name][:, index].copy())
        self.p_win = draws.actor["p_win"][:, index].copy()
        self.cost_of_war = draws.actor["cost"][:, index].copy()
        self.signal = draws.actor["signal"][:, index].copy()
        # Private information: errors in what this actor perceives of the others, by the actor
        # perceived first (position_error [N, R, K], resolve_error [N, R]), so the errors about
        # one actor are one contiguous block (numpy is several times slower on strided views).
        # An actor knows its own mind: its errors about itself are zero.
        n, (r, k) = len(model.scenario.actors), self.ideal.shape
        self.position_error, self.resolve_error = np.zeros((n, r, k)), np.zeros((n, r))
        belief_noise, resolve_noise = draws.setting["belief_noise"], draws.setting["resolve_noise"]
        for j, (z, z_resolve) in draws.errors_about(index).items():
            np.multiply(z, belief_noise[:, None], out=self.position_error[j])
            np.multiply(z_resolve, resolve_noise, out=self.resolve_error[j])
        # What it believes talks will ultimately give it (utility); NaN until it has sat at a
        # table, so an actor due at a later meeting waits for it before weighing force.
        self.expected_deal = np.full(self.position.shape[0], np.nan)
        # Values derived from its fixed arrays, kept while those arrays are the same (``_kept``).
        self._kept: dict[str, tuple[tuple, np.ndarray]] = {}

    def _keep(self, name: str, depends: tuple, compute) -> np.ndarray:
        """``compute()``, computed again only when ``depends`` changes: arrays by identity
        (an event, or setting runs aside, replaces an array, never writes into it), numbers
        by value. The engine asks for some of these a dozen times a round."""
        held = self._kept.get(name)
        if held is not None and all(
            a is b if isinstance(a, np.ndarray) else a == b
            for a, b in zip(held[0], depends, strict=True)
        ):
            return held[1]
        value = compute()
        self._kept[name] = (depends, value)
        return value

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
        self,
        values: np.ndarray,
        point: np.ndarray | None = None,
        at_deadline: bool = False,
        here: np.ndarray | None = None,
    ) -> np.ndarray:
        """The least it can be brought to accept now (or at the deadline): no agreement, or
        war if better.

        No agreement is the current state less the expected cost of a war that may break out
        while it holds out (Schelling's coercion) and less the share of its time pressure the
        agenda has used up (a deadline makes failure costlier as it nears). Impatience does
        not enter here: an impatient actor never takes less than it already has for that
        reason alone (docs/model.md, 3.1). ``here``: its utility of ``values`` from
        ``point``, when the caller has computed it already.
        """
        point = self.position if point is None else point
        if here is None:
            here = utility(point, self.weights, values)
        talks = self.model
        elapsed = 1.0 if at_deadline else talks.elapsed
        hold_out = (
            here
            - talks.war_risk * self.war_cost
            - self.time_pressure * elapsed
            - talks.crisis.threat_cost(self, values, point, here)
        )
        return np.maximum(hold_out, self.war_value())

    def aspiration_now(self) -> np.ndarray:
        """The share of the possible gain it still holds out for: ``a0 * patience^t * (1 - e)``.

        High early (a reason to wait for a better offer), discounted each round by impatience,
        and nil at the deadline.
        """
        talks = self.model
        return self._keep(
            "aspiration",
            (self.aspiration, self.patience, talks.t),
            lambda: self.aspiration * self.patience**talks.t * (1.0 - talks.elapsed),
        )

    def best_case(
        self,
        values: np.ndarray,
        open_: np.ndarray | None,
        point: np.ndarray | None = None,
        gaps: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Utility [R, K] of getting its way on each open issue alone, the rest held at values
        (``open_`` None: every issue), and its utility [R] of ``values`` itself.

        The yardstick of aspiration issue by issue: what settling issue k could at best add.
        Both come from the same weighted gaps ``w_k |v_k - x_k|`` (``gaps``, when the caller
        has them), so they are computed once.
        """
        point = self.position if point is None else point
        mine = gaps is None  # gaps made here may be reused as the result's buffer
        if mine:
            gaps = weighted_gaps(point, self.weights, values)
        here = utility_of_gaps(gaps)
        if open_ is None:
            best = np.divide(gaps, 100.0, out=gaps if mine else None)
        else:
            best = select(open_, gaps, 0.0)  # np.where's values, branch-free
            best /= 100.0
        best += here[:, None]
        return best, here

    def reservation_utility(
        self,
        values: np.ndarray,
        best: np.ndarray,
        point: np.ndarray | None = None,
        here: np.ndarray | None = None,
    ) -> np.ndarray:
        """What an offer must be worth for it to accept now: its bottom line plus the share
        of the best case (``best``: [R], or [R, K] issue by issue) it still aspires to."""
        floor = self.bottom_line(values, point, here=here)
        aspiration = self.aspiration_now()
        if np.ndim(best) == 2:  # issue by issue: both spread over the columns once
            k = best.shape[1]
            floor = spread(floor, k)
            aspiration = self._keep(
                "aspiration spread", (aspiration, k), lambda: spread(aspiration, k)
            )
        # floor + aspiration * max(best - floor, 0), in one buffer
        room = best - floor
        floor_at(room, 0.0, out=room)
        room *= aspiration
        room += floor
        return room

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

    def crosses(self, proposal: np.ndarray) -> np.ndarray:
        """Where ``proposal`` [R, K] crosses one of its red lines (beyond the tolerance).

        Asked twice a round for the same proposal (the answer, then the talks' own check of
        red lines), so kept while the proposal is the same array; read-only, as it is shared.
        """

        def compute() -> np.ndarray:
            out = proposal < self._below
            out |= proposal > self._above
            out.flags.writeable = False
            return out

        return self._keep("crosses", (proposal, self._below, self._above), compute)

    # ---- what it believes of the others -------------------------------------------------
    def believed_position(self, other: Actor) -> np.ndarray:
        return other.position + self.position_error[other.index]

    def believed_red_lines(self, other: Actor) -> tuple[np.ndarray, np.ndarray]:
        err = self.position_error[other.index]
        return other.at_least + err, other.at_most + err

    def believed_reservation(
        self,
        other: Actor,
        values: np.ndarray,
        best: np.ndarray,
        strategic: bool = True,
        here: np.ndarray | None = None,
        point: np.ndarray | None = None,
    ) -> np.ndarray:
        """Its estimate of ``other``'s reservation now (``strategic``, given ``other``'s best
        case ``best``), or of the bottom line ``other`` could be brought to by the deadline
        (``here`` and ``point``: ``other``'s utility of ``values`` from its believed position,
        and that position, when the caller has them)."""
        point = self.believed_position(other) if point is None else point
        if strategic:
            ru = other.reservation_utility(values, best, point, here=here)
        else:
            ru = other.bottom_line(values, point, at_deadline=True, here=here)
            ru = ru[:, None] if np.ndim(best) == 2 else ru
        err = self.resolve_error[other.index]
        ru += err[:, None] if np.ndim(ru) == 2 else err  # ru is a fresh array
        return ru

    def acceptable_interval(
        self,
        other: Actor,
        values: np.ndarray,
        strategic: bool = True,
        cols: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per issue, the values [R, K] it believes ``other`` accepts, others held at ``values``.

        With linear utility this set is an interval: ``|y - x| <= 100 * slack / w``. For
        itself it uses the truth. ``cols``: only these issues' intervals ([R, len(cols)]);
        the utility of ``values`` still counts every issue, the rest is the same numbers for
        fewer columns (a table holding a few of many issues).
        """
        point = self.position if other is self else self.believed_position(other)
        if cols is None:
            best, here = other.best_case(values, None, point)
            x, w = point, other.weights
            if other is self:
                low, high = self.at_least, self.at_most
            else:
                low, high = self.believed_red_lines(other)
        else:  # other.best_case's numbers on those columns; the utility counts every issue
            gaps = weighted_gaps(point, other.weights, values)
            here = utility_of_gaps(gaps)
            best = np.take(gaps, cols, axis=1)
            best /= 100.0
            best += here[:, None]
            x, w = np.take(point, cols, axis=1), np.take(other.weights, cols, axis=1)
            low = np.take(other.at_least, cols, axis=1)
            high = np.take(other.at_most, cols, axis=1)
            if other is not self:
                err = np.take(self.position_error[other.index], cols, axis=1)
                low, high = low + err, high + err
        if other is self:
            if strategic:
                ru = self.reservation_utility(values, best, here=here)
            else:
                ru = self.bottom_line(values, at_deadline=True, here=here)[:, None]
        else:
            ru = self.believed_reservation(other, values, best, strategic, here=here, point=point)
        slack = np.subtract(best, ru, out=best)  # best is not needed after this
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if other.cares_everywhere:  # no zero weight to guard against
                radius = np.multiply(slack, 100.0, out=slack)
                radius /= w
            else:
                radius = np.where(w > 0, 100.0 * slack / w, np.where(slack >= 0, np.inf, -np.inf))
        # max(x - radius, red line, scale end), and min for the upper end, pairwise in place.
        lo = x - radius
        np.maximum(lo, low, out=lo)
        floor_at(lo, 0.0, out=lo)
        hi = np.add(x, radius, out=radius)
        np.minimum(hi, high, out=hi)
        ceiling_at(hi, 100.0, out=hi)
        return lo, hi

    def best_point(
        self,
        deciders: list[Actor],
        decision: Decision,
        values: np.ndarray,
        strategic: bool = True,
        judge_self: bool = True,
        own: tuple[np.ndarray, np.ndarray] | None = None,
        cols: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per issue, the value nearest its position that it believes the rule lets pass.

        Returns (value [R, K], feasible [R, K]). The best point in a union of intervals is its
        own position or an end of one of them, so those are the only candidates: exact, with
        no search grid; under plain unanimity, the point of their intersection nearest its
        position, in closed form (``nearest_inside``). ``judge_self=False`` leaves out its
        own acceptance (used when it asks what the table would give it, to weigh against
        force). ``own``: its own acceptable interval, when the caller has it already.
        ``cols``: only these issues (both arrays [R, len(cols)], ``own`` too), as
        ``acceptable_interval`` takes them.
        """
        intervals = []
        for d in deciders:
            if d is self and not judge_self:
                continue
            if d is self and own is not None:
                lo, hi = own
            else:
                lo, hi = self.acceptable_interval(d, values, strategic, cols)
            intervals.append((d.index, lo, hi))
        everyone = {d.index for d in deciders} >= set(decision.deciders)
        outsider = judge_self and self.index not in decision.deciders  # yet must accept it
        if outsider:
            own = own or self.acceptable_interval(self, values, strategic, cols)
        x, at_least, at_most = self.position, self.at_least, self.at_most
        if cols is not None:
            x, at_least, at_most = (np.take(a, cols, axis=1) for a in (x, at_least, at_most))
        if decision.unanimous and everyone and intervals:  # one interval passes: closed form
            low, high = intersection(intervals + ([(self.index, *own)] if outsider else []))
            found = nearest_inside(low, high, x, at_least, at_most)
            if found is not None:
                return found
        assumed = None if judge_self else self.index  # left out: counted as accepting
        passes = rule_test(decision, intervals, everyone, len(self.model.actor_list), assumed)
        if outsider:
            own_lo, own_hi = own
            rule = passes

            def passes(c: np.ndarray) -> np.ndarray:
                return rule(c) & (c >= own_lo - ON_SCALE) & (c <= own_hi + ON_SCALE)

        ends = [x] + [end for _, lo, hi in intervals for end in (lo, hi)]
        return first_nearest(ends, x, at_least, at_most, passes)

    def expect_deal(
        self,
        deciders: list[Actor],
        decision: Decision,
        values: np.ndarray,
        open_: np.ndarray,
        cols: np.ndarray | None = None,
    ) -> np.ndarray:
        """The utility of the best package it believes the table would ultimately accept.

        Others are judged by the bottom lines they could be brought to by the deadline, not
        their opening aspirations: what force is weighed against is the deal talks can end in.
        ``cols``: the issues that can be open (the table's), when they are few of many.
        """
        best, feasible = self.best_point(
            deciders, decision, values, strategic=False, judge_self=False, cols=cols
        )
        if cols is None:
            package = select(open_ & feasible, best, values)  # np.where's values, branch-free
        else:
            package = values.copy()
            package[:, cols] = select(
                np.take(open_, cols, axis=1) & feasible, best, np.take(values, cols, axis=1)
            )
        return self.utility(package)

    # ---- updates shared by the mechanisms ------------------------------------------------
    def concede_toward(
        self, target: np.ndarray, still_open: np.ndarray, pressure: np.ndarray | float = 0.0
    ) -> None:
        """Give ground toward ``target``, most where it cares least, never past a red line.

        Step: ``max(flexibility * (1 - salience), pressure) * (target - position)``, salience
        on the shared scale (the exchange model's logic: concede where it costs you least);
        ``pressure`` [R, K] is a forum's push on isolated members.
        """
        willing = self._keep(
            "willing",
            (self.flexibility, self.salience),
            lambda: self.flexibility[:, None] * (1.0 - self.salience),
        )
        if np.ndim(pressure) == 0:
            rate = floor_at(willing, float(pressure))
        else:
            rate = np.maximum(willing, pressure)
        step = rate * (target - self.position)
        step = select(still_open, step, 0.0)
        self.position = clip(self.position + step, self.at_least, self.at_most)

    def learn(
        self,
        rate: np.ndarray,
        revealed: np.ndarray,
        cuts: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> None:
        """Refusals (and frank talks) reveal information: errors about those actors shrink.

        ``revealed`` [R, N] marks whose position and resolve were revealed this round; each
        such error is cut by the learning rate (its own entries are zero already). ``cuts``:
        ``learning_cuts(rate, revealed)``, when several actors learn the same.
        """
        cuts = (
            learning_cuts(rate, revealed, self.position_error.shape[-1]) if cuts is None else cuts
        )
        for j, (cut, cut_k) in cuts.items():
            self.position_error[j] *= cut_k
            self.resolve_error[j] *= cut


def learning_cuts(
    rate: np.ndarray, revealed: np.ndarray, issues: int
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """By actor revealed in some run: the factor [R] its errors are multiplied by (``1 - rate``
    where revealed, 1 elsewhere) and the same spread over the issues [R, K]. Actors revealed
    in no run are left out: their errors times 1.0 would not change."""
    keep = 1.0 - rate
    cuts = {}
    for j in np.flatnonzero(revealed.any(axis=0)):
        cut = np.where(revealed[:, j], keep, 1.0)
        cuts[int(j)] = cut, np.repeat(cut[:, None], issues, axis=1)
    return cuts
