"""Bargaining: the proposer offers the best it believes will pass; others accept, refuse, concede.

The default mechanism (docs/model.md, sections 2-4): a chair or rotating proposer puts forward
the package best for itself among those it believes the meeting's rule lets pass, given noisy
beliefs; each participant accepts what is worth its reservation utility (bottom line plus a
falling aspiration); after a refusal the others learn, responders concede toward the offer
and the proposer toward the compromise point, most where they care least.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..actors import TOLERANCE, Actor, Response
from ..arrays import add_in_order, clip, select
from ..utility import (
    CompromiseWeights,
    compromise_weights,
    utility,
    weighted_position,
)
from .base import Formatter, Mechanism

if TYPE_CHECKING:
    from ..schedule import RoundPlan
    from ..talks import RoundRecord, Talks


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


class Bargaining(Mechanism):
    """Alternating offers under a decision rule, with learning and concession."""

    name: ClassVar[str] = "bargaining"
    summary: ClassVar[str] = (
        "proposals the proposer believes will pass, responses against reservation utility, "
        "concessions after refusals"
    )

    def __init__(self, talks: Talks):
        super().__init__(talks)
        # Compromise weights by table (actor indices): one computation per table per run.
        self._table_weights: dict[tuple[int, ...], CompromiseWeights] = {}

    def rows_changed(self) -> None:
        self._table_weights.clear()  # kept per run: computed again for the rows now played

    # ---- proposals -----------------------------------------------------------------------
    def focal_point(
        self, proposer: Actor, parts: list[Actor], positions: list[np.ndarray] | None = None
    ) -> np.ndarray:
        """The compromise point of those at the table as the proposer perceives them.

        ``positions``: the participants' announced positions [R, K] in table order, when the
        caller asks for several perceivers' points on the same positions (each believed
        position is then that position plus the perceiver's error, the same sums).
        """
        table = tuple(a.index for a in parts)
        weights = self._table_weights.get(table)
        if weights is None:  # capability and salience do not change during a run
            weights = self._table_weights[table] = compromise_weights(
                [a.capability for a in parts], [a.salience for a in parts]
            )
        if positions is None:
            believed = [proposer.believed_position(a) for a in parts]
        else:
            errors = [proposer.position_error[a.index] for a in parts]
            believed = [x + e for x, e in zip(positions, errors, strict=True)]
        return weighted_position(weights, believed, self.talks.values)

    def propose(
        self, plan: RoundPlan, proposer: Actor, deciders: list[Actor], open_: np.ndarray
    ) -> np.ndarray:
        """The best package for the proposer among those it believes the rule lets pass.

        Where it believes nothing passes it floats the compromise point as far as it would
        accept it itself, which tests the others and reveals information; where it would
        itself accept no change, it restates its demand.
        """
        talks = self.talks
        parts = [talks.actor_list[i] for i in plan.participants]
        focal = self.focal_point(proposer, parts)
        if talks.scenario.settings.settlement == "issue_by_issue":
            return self._issue_by_issue(proposer, deciders, plan, open_, focal)
        return self._package(proposer, deciders, plan, open_, focal)

    def _issue_by_issue(self, proposer, deciders, plan, open_, focal) -> np.ndarray:
        values = self.talks.values
        cols = self.talks.narrow(plan)  # only the table's issues can be open
        own = proposer.acceptable_interval(proposer, values, cols=cols)  # best_point needs it
        best, feasible = proposer.best_point(deciders, plan.decision, values, own=own, cols=cols)
        own_lo, own_hi = own
        focal = clip(focal, proposer.at_least, proposer.at_most)
        position = proposer.position
        if cols is not None:
            focal, position, table_values, table_open = (
                np.take(a, cols, axis=1) for a in (focal, position, values, open_)
            )
        else:
            table_values, table_open = values, open_
        # select: np.where's values, without its per-element branch on these data masks
        fallback = select(own_lo <= own_hi, clip(focal, own_lo, own_hi), position)
        offer = select(table_open, select(feasible, best, fallback), table_values)
        if cols is None:
            return offer
        out = values.copy()
        out[:, cols] = offer
        return out

    def _package(self, proposer, deciders, plan, open_, focal) -> np.ndarray:
        """Candidates on the path from its position to the focal point, nearest itself first.

        The G candidates are held issue by issue, each issue's values an [R, G] array (an
        [R, 1] one for an issue no run has open: it is the current value at every point),
        rather than one [R, G, K] array: the same numbers, with contiguous passes and
        nothing computed G times over for the issues off the table.
        """
        talks = self.talks
        values = talks.values
        grid = np.linspace(0.0, 1.0, talks.scenario.settings.package_grid)
        start = np.where(open_, proposer.position, values)
        end = np.where(open_, focal, values)
        on_table = open_.any(axis=0)
        cand = []  # per issue: start + g * (end - start), kept within red lines where open
        for k in range(open_.shape[1]):
            s_k, e_k = start[:, k, None], end[:, k, None]
            if not on_table[k]:  # end == start: g * 0 is 0 for every g
                cand.append(s_k + grid[:1] * (e_k - s_k))
                continue
            c = s_k + grid * (e_k - s_k)
            inside = clip(c, proposer.at_least[:, k, None], proposer.at_most[:, k, None])
            cand.append(np.where(open_[:, k, None], inside, c))
        n = len(talks.actor_list)
        # The proposer judges by the truth, the others as it perceives them.
        mine = proposer.utility(np.where(open_, proposer.position, values))
        own = _path_utility(proposer.position, proposer.weights, cand)
        own_ok = own >= proposer.reservation_utility(values, mine)[:, None] - TOLERANCE
        # accept[r, g, i], stored actor by actor so that each actor's [R, G] is contiguous.
        accept = np.zeros((n, *own.shape), dtype=bool).transpose(1, 2, 0)
        accept[..., proposer.index] = own_ok  # candidates keep its red lines (clipped above)
        for d in deciders:
            if d is proposer:
                continue
            x = proposer.believed_position(d)
            u = _path_utility(x, d.weights, cand)
            best = utility(x, d.weights, np.where(open_, x, values))
            ru = proposer.believed_reservation(d, values, best)
            lo, hi = proposer.believed_red_lines(d)
            keeps = u >= ru[:, None] - TOLERANCE
            for k in np.flatnonzero(on_table):  # within its red lines on every open issue
                c = cand[k]
                keeps &= (c >= lo[:, k, None] - 1e-9) & (c <= hi[:, k, None] + 1e-9) | ~open_[
                    :, k, None
                ]
            accept[..., d.index] = keeps
        ok = plan.decision.passes(accept) & own_ok
        # The nearest acceptable candidate; failing that, the one with the most support
        # (acceptances counted voter by voter, as a sum over them would).
        support = sum(accept[..., v].astype(np.int64) for v in plan.decision.voters)
        for v in plan.decision.veto:
            support = support - n * ~accept[..., v]
        support = support + np.zeros(own.shape, dtype=np.int64)  # no voters: all zero
        pick = np.where(ok.any(axis=1), np.argmax(ok, axis=1), np.argmax(support, axis=1))
        rows = np.arange(len(pick))
        return np.stack([c[rows, pick] if c.shape[1] > 1 else c[:, 0] for c in cand], axis=1)

    # ---- responses -----------------------------------------------------------------------
    def respond(self, actor: Actor, proposal: np.ndarray, open_: np.ndarray) -> Response:
        """Accept what is worth at least its reservation utility and crosses no red line.

        Issue by issue, settling issue k alone is judged (the others held where they are);
        for a package, the whole package is judged and the answer holds for every issue.
        """
        values = self.talks.values
        crossed = open_ & actor.crosses(proposal)
        if self.talks.scenario.settings.settlement == "issue_by_issue":
            # Its distance from the current values gives its utility of them and its best
            # case (both from w |v - x|) and, less its distance from the proposal, the gain.
            now = np.abs(values - actor.position)
            best, here = actor.best_case(values, open_, gaps=actor.weights * now)
            now -= np.abs(proposal - actor.position)
            gain = np.multiply(actor.weights, now, out=now)
            worth = gain / 100.0
            worth += here[:, None]
            reservation = actor.reservation_utility(values, best, here=here)
            accept = (worth >= reservation - TOLERANCE) & ~crossed & open_
        else:
            whole = actor.utility(proposal)
            worth = np.repeat(whole[:, None], proposal.shape[1], axis=1)
            best = actor.utility(np.where(open_, actor.position, values))
            ru = actor.reservation_utility(values, best)
            ok = (whole >= ru - TOLERANCE) & ~crossed.any(axis=1)
            accept = ok[:, None] & open_
            reservation = np.repeat(ru[:, None], proposal.shape[1], axis=1)
        return Response(accept=accept, worth=worth, reservation=reservation, crossed=crossed)

    # ---- after the decision --------------------------------------------------------------
    def update(self, plan, proposers, parts, proposal, responses, still_open) -> None:
        """Refusals reveal information; every participant concedes toward the compromise
        point as it perceives it (the focal point of multilateral talks; with two parties,
        toward the other), and a consensus norm presses isolated members harder."""
        self.learn_from_refusals(parts, responses, still_open)
        consensus = self.talks.scenario.meetings[plan.meeting].consensus
        moves = []  # all decided on the positions of this round, then made together
        positions = [a.position for a in parts]
        for a in parts:
            focal = self.focal_point(a, parts, positions)
            pressure = consensus * self.isolation(a, parts, focal) if consensus else 0.0
            moves.append((a, focal, pressure))
        for a, focal, pressure in moves:
            a.concede_toward(focal, still_open, pressure)

    @staticmethod
    def isolation(a: Actor, parts: list[Actor], focal: np.ndarray) -> np.ndarray:
        """The capability share [R, K] of the others at the table beyond ``a`` toward the
        compromise point: 1 for a lone holdout, about one half for a median member."""
        side = np.sign(focal - a.position)
        others = [b for b in parts if b is not a]
        beyond = sum(
            b.capability[:, None] * (np.sign(b.position - a.position) == side) for b in others
        )
        return beyond / sum(b.capability for b in others)[:, None]

    # ---- narration ----------------------------------------------------------------------
    def explain(self, rec: RoundRecord, run: int, fmt: Formatter) -> list[str]:
        talks = self.talks
        issues = talks.scenario.issues
        actors = talks.actor_list
        proposer = actors[rec.proposers[run]]
        open_k = [k for k in range(len(issues)) if rec.open_issues[run, k]]
        if not open_k:
            return ["Everything on this table is already settled."]
        offer = "; ".join(f"{issues[k].name} at {fmt(k, rec.proposal[run, k])}" for k in open_k)
        lines = [f"{proposer.name} proposes: {offer}."]
        content = []
        for i in rec.plan.participants:
            a, resp = actors[i], rec.responses[i]
            no = [k for k in open_k if not resp.accept[run, k]]
            if not no:
                content.append(a.name)
                continue
            lines.append(f"{a.name} " + self._refusal(a, resp, rec, run, open_k, no) + ".")
        if content:
            verb = "accepts" if len(content) == 1 else "accept"
            lines.append(f"{_names(content)} {verb} everything proposed.")
        return lines

    def _refusal(self, a: Actor, resp: Response, rec, run: int, open_k, no) -> str:
        issues = self.talks.scenario.issues
        yes = [k for k in open_k if resp.accept[run, k]]
        bits = ["accepts " + _names([issues[k].name for k in yes])] if yes else []
        package = self.talks.scenario.settings.settlement == "package"
        crossed = [k for k in open_k if resp.crossed[run, k]]
        for k in no:
            name = issues[k].name
            if resp.crossed[run, k]:
                bits.append(
                    f"refuses {name}: it crosses its red line ({self._bound(a, rec, run, k)})"
                )
            elif package and crossed:
                # The package is refused whole for a red line crossed on another issue.
                where = _names([issues[j].name for j in crossed])
                bits.append(
                    f"refuses {name} with the package, which crosses its red line on {where}"
                )
            elif resp.worth[run, k] < resp.reservation[run, k] - TOLERANCE:
                bits.append(
                    f"refuses {name}: worth {resp.worth[run, k]:.2f} to it, "
                    f"it holds out for {resp.reservation[run, k]:.2f}"
                )
            else:
                bits.append(f"refuses {name}")
        why = ""
        if a.has_military_option and resp.reservation[run, no].min() <= a.war_value()[run] + 1e-12:
            why = f" (it measures offers against force, worth {a.war_value()[run]:.2f} to it)"
        return "; ".join(bits) + why

    @staticmethod
    def _bound(a: Actor, rec, run: int, k: int) -> str:
        if rec.proposal[run, k] < a.at_least[run, k]:
            return f"at least {a.at_least[run, k]:.0f}"
        return f"at most {a.at_most[run, k]:.0f}"


def _path_utility(point: np.ndarray, weights: np.ndarray, cand: list[np.ndarray]) -> np.ndarray:
    """``utility(point, weights, package)`` [R, G] of each candidate package, given issue by
    issue (``cand[k]``: [R, G] or [R, 1]); the issues' terms are added in issue order, as
    the sum over the last axis adds them."""
    terms = []
    for k, c in enumerate(cand):
        term = np.subtract(c, point[:, k, None])
        np.abs(term, out=term)
        term *= weights[:, k, None]  # w |c - x|, in one buffer
        terms.append(term)
    return 1.0 - add_in_order(terms) / 100.0
