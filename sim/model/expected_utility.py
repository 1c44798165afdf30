"""Bueno de Mesquita's expected-utility ("challenge") model, after Scholz, Calbert and Smith (2011).

One issue per batch row: every array has leading batch axes (runs x issues flattened) and a last
axis over the N actors; pairwise quantities are ``[..., N, N]`` indexed ``[i, j]``. Pure numpy,
no randomness: the model is deterministic given its inputs (noise, where wanted, comes from the
engine's perception errors). Each function names the equation of
docs/model.md (section 10.1) it computes; the variants chosen where the paper is ambiguous
are listed there and in ``Round``.

Inputs: capability ``c >= 0``, salience ``s`` on 0-1, position ``x`` on a scale of width
``span`` (0-100 in negsim, so ``span = 100``; Scholz et al. divide distances by the range of the
scale). Q, the chance the status quo survives unchallenged, defaults to BDM's 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SPAN = 100.0  # negsim's issue scale
Q_STATUS_QUO = 0.5  # BDM (1994): no reason to think the status quo more or less likely to hold

_CACHE_ELEMENTS = 1 << 15  # doubles per working buffer of the vote sums (256 kB)
CLOSE = 1e-9  # positions nearer than this share of the scale count as one (float noise)

NO_OFFER, CONFLICT, COMPROMISE, CAPITULATION = 0, 1, 2, 3
OFFER_KINDS = ("none", "conflict", "compromise", "capitulation")


# ---- the group's choice: median voter (forecast) and compromise (mean) ----------------------
def weighted_mean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``sum w x / sum w`` over actors; the plain mean where nobody has weight."""
    total = w.sum(axis=-1)
    mean = (w * x).sum(axis=-1) / np.where(total > 0, total, 1.0)
    return np.where(total > 0, mean, x.mean(axis=-1))


def weighted_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The median voter: the actor position that beats every other in pairwise votes.

    With votes ``w_k (|x_k - b| - |x_k - a|)`` position a beats b exactly when
    ``sum_k w_k |x_k - a|`` is smaller, so the Condorcet winner among positions is the
    minimiser of that sum: the weighted median. Where a whole interval minimises it (exactly
    half the weight on each side) its midpoint is returned, so mirrored inputs give mirrored
    answers.
    """
    cost = (w[..., None, :] * np.abs(x[..., None, :] - x[..., :, None])).sum(axis=-1)
    best = cost.min(axis=-1, keepdims=True)
    tied = cost <= best + 1e-12 * (1.0 + np.abs(best))
    lo = np.where(tied, x, np.inf).min(axis=-1)
    hi = np.where(tied, x, -np.inf).max(axis=-1)
    return (lo + hi) / 2.0


def forecast(c: np.ndarray, s: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The model's forecast (the c*s weighted median of positions) and, for comparison, the
    c*s weighted mean (the compromise model), each ``[...]``."""
    w = c * s
    return weighted_median(x, w), weighted_mean(x, w)


# ---- utilities (eq. 1-2) --------------------------------------------------------------------
def _bend(z: np.ndarray, r: np.ndarray | None) -> np.ndarray:
    """BDM's risk-bent utility ``2 - 4 z^r`` of a lottery term z in [0, 1] (eq. 2); ``r=None``
    is risk neutral (r = 1) without the cost of a power."""
    if r is None:
        return 2.0 - 4.0 * z
    return 2.0 - 4.0 * np.clip(z, 0.0, 1.0) ** r


def voter_utility(
    x_k: np.ndarray, y: np.ndarray, r_k: np.ndarray | None = None, span: float = SPAN
) -> np.ndarray:
    """Utility to an actor at ``x_k`` (risk exponent ``r_k``) of position y being adopted:
    ``2 - 4 (0.5 + 0.5 |y - x_k| / span)^r_k`` (eq. 1), 0 at its own position when r = 1."""
    return _bend(0.5 + 0.5 * np.abs(y - x_k) / span, r_k)


def payoffs(
    x_a: np.ndarray,
    x_b: np.ndarray,
    mu: np.ndarray,
    r: np.ndarray | None = None,
    span: float = SPAN,
) -> dict[str, np.ndarray]:
    """The five payoffs of a challenge by a (at ``x_a``) to b (at ``x_b``), with risk exponent r
    (eq. 2): success (b adopts a's position), failure (a adopts b's), status quo, status quo
    changing for the better or the worse (the move is measured by the average of a's distance
    to the median voter ``mu`` and to b)."""
    d = np.abs(x_a - x_b) / span
    h = 0.25 * (np.abs(x_a - mu) / span + d)
    return {
        "success": _bend(0.5 - 0.5 * d, r),
        "failure": _bend(0.5 + 0.5 * d, r),
        "better": _bend(0.5 - h, r),
        "worse": _bend(0.5 + h, r),
        "status_quo": _bend(np.asarray(0.5), r),
    }


# ---- votes and the probability of success (eq. 3-4) ----------------------------------------
def vote(
    c: np.ndarray, s: np.ndarray, x: np.ndarray, r: np.ndarray | None = None, span: float = SPAN
) -> np.ndarray:
    """Votes ``[..., K, I, J]``: actor k's vote for position i against j,
    ``v_k(i, j) = c_k s_k (u_k(x_i) - u_k(x_j))`` (eq. 3). For inspection and tests; the round
    sums votes without this N^3 array (``success_probability``)."""
    rk = None if r is None else r[..., :, None]
    u = voter_utility(x[..., :, None], x[..., None, :], rk, span)  # [..., K, I]
    w = (c * s)[..., :, None, None]
    return w * (u[..., :, :, None] - u[..., :, None, :])


def success_probability(
    c: np.ndarray, s: np.ndarray, x: np.ndarray, r: np.ndarray | None = None, span: float = SPAN
) -> np.ndarray:
    """``P_ij`` ``[..., N, N]``: the chance i's position prevails over j's, the votes for i over
    all votes cast on the pair, ``sum_k max(v_k(i,j), 0) / sum_k |v_k(i,j)|`` (eq. 4), so
    ``P_ij + P_ji = 1``; 1/2 where nobody's vote separates them (same position, or no weight).

    Summed one voter at a time in place ([batch, N, N] memory, not N^3); the votes cast follow
    from the votes for, ``|v| = 2 max(v, 0) - v``, and ``sum_k v_k(i, j) = W_i - W_j``.
    """
    rk = None if r is None else r[..., :, None]
    u = voter_utility(x[..., :, None], x[..., None, :], rk, span)  # [..., K, I]
    n = x.shape[-1]
    wu = ((c * s)[..., :, None] * u).reshape(-1, n, n)  # [rows, K, I]
    pro = np.empty((wu.shape[0], n, n))
    step = max(1, _CACHE_ELEMENTS // (n * n))  # rows whose [N, N] buffers stay in cache
    for lo in range(0, wu.shape[0], step):
        part = wu[lo : lo + step]
        acc = np.zeros((part.shape[0], n, n))
        buf = np.empty_like(acc)
        for k in range(n):
            np.subtract(part[:, k, :, None], part[:, k, None, :], out=buf)
            np.maximum(buf, 0.0, out=buf)
            acc += buf
        pro[lo : lo + step] = acc
    total = wu.sum(axis=-2)  # W_i
    cast = 2.0 * pro - (total[:, :, None] - total[:, None, :])
    live = cast > 1e-300
    p = np.where(live, pro / np.where(live, cast, 1.0), 0.5)
    return p.reshape(*x.shape, n)


# ---- expected utility of a challenge (eq. 5) ------------------------------------------------
def challenge_eu(
    x_a: np.ndarray,
    x_b: np.ndarray,
    s_b: np.ndarray,
    p_ab: np.ndarray,
    mu: np.ndarray,
    r: np.ndarray | None = None,
    q: float = Q_STATUS_QUO,
    span: float = SPAN,
) -> np.ndarray:
    """Expected utility, with risk exponent r, of a challenging b (eq. 5):

    ``s_b [P U_s + (1 - P) U_f] + (1 - s_b) U_s - Q U_sq - (1 - Q)[T U_b + (1 - T) U_w]``

    b resists with probability s_b (its salience) and then a wins with probability P; if b
    does not resist a gets its way. Not challenging leaves the status quo (probability Q) or
    lets it drift, for the better with probability T: T = 1 when a is nearer the median voter
    than b (b drifting to the median drifts toward a), 0 when farther, 1/2 when as near
    (our reading; docs/model.md 10.1, variant V2).
    """
    u = payoffs(x_a, x_b, mu, r, span)
    success = u["success"]
    value = success - s_b * (1.0 - p_ab) * (success - u["failure"]) - q * u["status_quo"]
    if q < 1.0:
        gap = np.abs(x_b - mu) - np.abs(x_a - mu)  # > 0: a is the nearer
        tie = CLOSE * span
        t = np.where(gap > tie, 1.0, np.where(gap < -tie, 0.0, 0.5))
        value = value - (1.0 - q) * (u["worse"] + t * (u["better"] - u["worse"]))
    return value


def _pair_eus(s, x, p, mu, r, q, span) -> tuple[np.ndarray, np.ndarray]:
    """Both EUs of each pair as actor i sees them (its own risk exponent r_i):
    ``E^i(U_ij)`` (i challenges j) and ``E^i(U_ji)`` (j challenges i), ``[..., N, N]``."""
    xi, xj = x[..., :, None], x[..., None, :]
    si, sj = s[..., :, None], s[..., None, :]
    ri = None if r is None else r[..., :, None]
    m = mu[..., None, None]
    eu_ij = challenge_eu(xi, xj, sj, p, m, ri, q, span)
    eu_ji = challenge_eu(xj, xi, si, 1.0 - p, m, ri, q, span)
    return eu_ij, eu_ji


# ---- risk attitudes (eq. 6-7) ---------------------------------------------------------------
def risk_exponents(
    c: np.ndarray,
    s: np.ndarray,
    x: np.ndarray,
    mu: np.ndarray | None = None,
    q: float = Q_STATUS_QUO,
    span: float = SPAN,
) -> np.ndarray:
    """Each actor's risk exponent ``r_i`` in [1/2, 2] from how exposed its position is (eq. 6-7).

    With everyone risk neutral, i's exposure is what the others expect from challenging it,
    ``D_i = sum_{j != i} E^j(U_ji)``. An actor holding the most exposed position is taken to
    accept risk, the least exposed to avoid it:
    ``R_i = (2 D_i - D_max - D_min) / (D_max - D_min)`` in [-1, 1] (0 when all are equal),
    ``r_i = (1 - R_i/3) / (1 + R_i/3)``.
    """
    mu = forecast(c, s, x)[0] if mu is None else mu
    p = success_probability(c, s, x, None, span)
    eu_ij, _ = _pair_eus(s, x, p, mu, None, q, span)  # risk neutral: perspective is moot
    n = x.shape[-1]
    exposure = np.where(np.eye(n, dtype=bool), 0.0, eu_ij).sum(axis=-2)  # sum over challengers
    hi = exposure.max(axis=-1, keepdims=True)
    lo = exposure.min(axis=-1, keepdims=True)
    spread = hi - lo
    big = spread > 1e-12
    risk = np.where(big, (2.0 * exposure - hi - lo) / np.where(big, spread, 1.0), 0.0)
    return (1.0 - risk / 3.0) / (1.0 + risk / 3.0)


# ---- one round: challenges, offers, moves (eq. 8-9) -----------------------------------------
@dataclass(frozen=True)
class Round:
    """Everything one round computed, for tests and narration; pairwise arrays ``[..., N, N]``
    are indexed ``[i, j]`` and read from i's side.

    ``offer_kind[i, j]`` classifies j's offer to i by the signs of the two EUs as i sees them
    (a = E^i(U_ij), b = E^i(U_ji)): conflict that i expects to lose (b > a > 0: i adopts x_j),
    compromise (a <= 0 < b, |a| < b: i moves the share |a|/b of the way to x_j), capitulation
    (a <= 0 < b, |a| >= b: i adopts x_j). ``offer[i, j]`` is where i would move (nan: no offer).
    Each actor accepts the offer that moves it least (ties: their mean), all at once.
    """

    median: np.ndarray  # [...] median voter before the round (the model's forecast)
    mean: np.ndarray  # [...] c*s weighted mean before the round
    risk: np.ndarray  # [..., N] r_i
    probability: np.ndarray  # P_ij
    eu_challenge: np.ndarray  # E^i(U_ij)
    eu_challenged: np.ndarray  # E^i(U_ji)
    offer_kind: np.ndarray  # int8 codes, OFFER_KINDS
    offer: np.ndarray  # position i would take accepting j's offer
    accepted: np.ndarray  # [..., N] index of the offer accepted (-1: none; first of ties)
    position: np.ndarray  # [..., N] positions after the round


def analyse(
    c: np.ndarray,
    s: np.ndarray,
    x: np.ndarray,
    *,
    q: float = Q_STATUS_QUO,
    risk: bool = True,
    span: float = SPAN,
) -> Round:
    """Play one round of challenges (Scholz et al. 2011, appendix steps 2-11) for every batch row.

    ``risk=False`` holds every actor risk neutral (r = 1) instead of deriving r from exposure.
    """
    c, s, x = (np.asarray(a, dtype=float) for a in (c, s, x))
    c, s, x = np.broadcast_arrays(c, s, x)
    median, mean = forecast(c, s, x)
    r = risk_exponents(c, s, x, median, q, span) if risk else None
    p = success_probability(c, s, x, r, span)
    a, b = _pair_eus(s, x, p, median, r, q, span)
    r = np.ones_like(x) if r is None else r

    n = x.shape[-1]
    xi, xj = x[..., :, None], x[..., None, :]
    # No challenge to oneself or to an actor already at one's position; an actor to which the
    # issue does not matter (zero salience) challenges no one (variant V4).
    apart = np.abs(xi - xj) > CLOSE * span
    live = ~np.eye(n, dtype=bool) & apart & (s[..., None, :] > 0)
    conflict = live & (a > 0) & (b > a)
    yielding = live & (a <= 0) & (b > 0)
    compromise = yielding & (-a < b)
    capitulation = yielding & ~compromise
    kind = np.select(
        [conflict, compromise, capitulation], [CONFLICT, COMPROMISE, CAPITULATION], NO_OFFER
    ).astype(np.int8)
    share = np.where(compromise, -a / np.where(b > 0, b, 1.0), 1.0)
    offer = np.where(kind > NO_OFFER, xi + share * (xj - xi), np.nan)

    move = np.where(kind > NO_OFFER, np.abs(offer - xi), np.inf)
    least = move.min(axis=-1, keepdims=True)
    chosen = (kind > NO_OFFER) & (move <= least + 1e-12)
    has = chosen.any(axis=-1)
    target = np.where(chosen, offer, 0.0).sum(axis=-1) / np.maximum(chosen.sum(axis=-1), 1)
    new = np.where(has, target, x)
    accepted = np.where(has, np.argmax(chosen, axis=-1), -1)
    return Round(median, mean, r, p, a, b, kind, offer, accepted, new)


def round(
    c: np.ndarray,
    s: np.ndarray,
    x: np.ndarray,
    *,
    q: float = Q_STATUS_QUO,
    risk: bool = True,
    span: float = SPAN,
) -> np.ndarray:
    """Positions ``[..., N]`` after one round of challenges (see ``analyse``)."""
    return analyse(c, s, x, q=q, risk=risk, span=span).position


def simulate(
    c: np.ndarray,
    s: np.ndarray,
    x: np.ndarray,
    rounds: int,
    *,
    q: float = Q_STATUS_QUO,
    risk: bool = True,
    span: float = SPAN,
) -> np.ndarray:
    """Positions ``[rounds + 1, ..., N]``: the start, then after each round."""
    out = [np.asarray(x, dtype=float)]
    for _ in range(rounds):
        out.append(round(c, s, out[-1], q=q, risk=risk, span=span))
    return np.stack(out)
