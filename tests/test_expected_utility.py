"""Bueno de Mesquita's challenge model (sim/model/expected_utility.py) held to hand arithmetic,
to the car emissions case's known figures, and to invariants on random batches."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from sim.model import expected_utility as eu

ROOT = Path(__file__).resolve().parents[1]
CAR = ROOT / "data" / "bdm1994" / "ec_car_emissions.csv"
DOC = ROOT / "docs" / "model.md"


def car_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capability, salience on 0-1, position mapped from the 4-10 scale onto 0-100."""
    with CAR.open() as f:
        rows = list(csv.DictReader(f))
    c = np.array([float(r["Capability"]) for r in rows])
    s = np.array([float(r["Salience"]) for r in rows]) / 100.0
    x = (np.array([float(r["Position"]) for r in rows]) - 4.0) / 6.0 * 100.0
    return c, s, x


def to_car_scale(v):
    return 4.0 + np.asarray(v) / 100.0 * 6.0


# ---- the car case's known figures ------------------------------------------------------------
def test_car_weighted_mean_and_median_by_hand():
    # weights c*s: at 4: NL 6.4 + LU 0.6 + DE 12.8 + DK 5.0 = 24.8; at 7: BE 3.2 + IE 0.5 + GR 5.6
    # = 9.3; at 10: FR 9.6 + IT 9.6 + UK 14.4 = 33.6; total 67.7.
    # mean = (24.8*4 + 9.3*7 + 33.6*10) / 67.7 = 500.3 / 67.7 = 7.3900...
    # median: cumulative weight 24.8 at 4 (< 33.85, half), 34.1 at 7 (> half): 7.
    c, s, x = car_case()
    median, mean = eu.forecast(c, s, x)
    assert to_car_scale(median) == pytest.approx(7.0)
    assert to_car_scale(mean) == pytest.approx(500.3 / 67.7)
    assert round(float(to_car_scale(mean)), 2) == 7.39


def test_weighted_median_splits_an_exact_tie_at_the_midpoint():
    # weight 1 at 0 and 1 at 100: every point between minimises the weighted distance.
    assert eu.weighted_median(np.array([0.0, 100.0]), np.array([1.0, 1.0])) == 50.0
    # weight 2 at 0, 1 at 40, 1 at 100: the cumulative weight reaches half at 0 exactly, so
    # [0, 40] minimises; midpoint 20. With 1.5 at 40 the median is 40.
    x = np.array([0.0, 40.0, 100.0])
    assert eu.weighted_median(x, np.array([2.0, 1.0, 1.0])) == 20.0
    assert eu.weighted_median(x, np.array([2.0, 1.5, 1.0])) == 40.0


# ---- a three-actor case by hand (risk neutral, Q = 1/2, span 100) ----------------------------
# A at 0 (c 1, s 1), B at 50 (c 1, s 0.5), C at 100 (c 2.4, s 0.5); weights c*s = 1, 0.5, 1.2.
# Median: sum w|x - y| is 145 at 0, 110 at 50, 125 at 100, so mu = 50; mean = 145/2.7.
# Risk neutral, u_k(y) = 2 - 4(0.5 + 0.5|y - x_k|/100) = -|y - x_k|/50, so
# v_k(i, j) = w_k (|x_j - x_k| - |x_i - x_k|) / 50:
#   (A, B): A +1, B -0.5, C -1.2           -> P_AB = 1/2.7,   P_BA = 1.7/2.7
#   (A, C): A +2, B  0,   C -2.4           -> P_AC = 2/4.4,   P_CA = 2.4/4.4
#   (B, C): A +1, B +0.5, C -1.2           -> P_BC = 1.5/2.7, P_CB = 1.2/2.7
# Payoffs at r = 1: U_s = 2d, U_f = -2d, U_sq = 0, U_b = m + d, U_w = -(m + d), with d the
# distance between the two and m the challenger's distance to mu, both over 100.
# E(a challenges b) = s_b (P U_s + (1-P) U_f) + (1 - s_b) U_s - 0.5 U_sq - 0.5 (T U_b + (1-T) U_w)
#   A->B: d .5, m .5, s_B .5: 0.5(2P-1) + 0.5 = P = 1/2.7; A farther from mu: T 0, stay
#         0.5 U_w = -0.5                              -> 1/2.7 + 0.5     = 0.870370
#   B->A: d .5, m 0, s_A 1: 2P-1 = 3.4/2.7 - 1; T 1, stay 0.5 U_b = 0.25
#                                                     -> 0.7/2.7 - 0.25  = 0.009259
#   A->C: d 1, m .5, s_C .5: 0.5(4P-2) + 1 = 2P; T 1/2 (both 50 from mu), stay 0
#                                                     -> 4/4.4           = 0.909091
#   C->A: d 1, m .5, s_A 1: 4P-2; T 1/2, stay 0       -> 9.6/4.4 - 2     = 0.181818
#   B->C: d .5, m 0, s_C .5: P; T 1, stay 0.25        -> 1.5/2.7 - 0.25  = 0.305556
#   C->B: d .5, m .5, s_B .5: P; T 0, stay -0.5       -> 1.2/2.7 + 0.5   = 0.944444
# Offers, read from the receiver's side (a = its EU of challenging, b = the other's):
#   B from A: a .0093 < b .8704, both > 0: conflict lost, B would adopt 0;
#   B from C: a .3056 < b .9444: conflict lost, B would adopt 100; both move B 50: B stays
#   (mean of the tied offers); C from A: a .1818 < b .9091: conflict lost, C adopts 0;
#   A: its EU beats the other's in both pairs, no offer. After the round: 0, 50, 0.
THREE = (np.array([1.0, 1.0, 2.4]), np.array([1.0, 0.5, 0.5]), np.array([0.0, 50.0, 100.0]))
EU_BY_HAND = np.array(
    [
        [0.0, 1 / 2.7 + 0.5, 4 / 4.4],
        [0.7 / 2.7 - 0.25, 0.0, 1.5 / 2.7 - 0.25],
        [9.6 / 4.4 - 2, 1.2 / 2.7 + 0.5, 0.0],
    ]
)  # [a, b]: E(a challenges b)


def test_three_actors_votes_and_probabilities_by_hand():
    c, s, x = THREE
    v = eu.vote(c, s, x)  # [k, i, j]
    assert v[:, 0, 1] == pytest.approx([1.0, -0.5, -1.2])
    assert v[:, 0, 2] == pytest.approx([2.0, 0.0, -2.4])
    assert v[:, 1, 2] == pytest.approx([1.0, 0.5, -1.2])
    p = eu.success_probability(c, s, x)
    by_hand = np.array(
        [[0.5, 1 / 2.7, 2 / 4.4], [1.7 / 2.7, 0.5, 1.5 / 2.7], [2.4 / 4.4, 1.2 / 2.7, 0.5]]
    )
    assert p == pytest.approx(by_hand)


def test_three_actors_expected_utilities_and_offers_by_hand():
    c, s, x = THREE
    rnd = eu.analyse(c, s, x, risk=False)
    assert rnd.median == pytest.approx(50.0)
    assert rnd.mean == pytest.approx(145 / 2.7)
    off = ~np.eye(3, dtype=bool)
    assert rnd.eu_challenge[off] == pytest.approx(EU_BY_HAND[off])
    assert rnd.eu_challenged[off] == pytest.approx(EU_BY_HAND.T[off])
    kinds = np.full((3, 3), eu.NO_OFFER)
    kinds[1, 0] = kinds[1, 2] = kinds[2, 0] = eu.CONFLICT
    assert (rnd.offer_kind == kinds).all()
    assert rnd.position == pytest.approx([0.0, 50.0, 0.0])


def test_three_actors_risk_exponents_by_hand():
    # Exposure D_i = sum of the others' EU of challenging i (risk neutral, table above):
    # D_A = .009259 + .181818 = .191077 (min), D_B = .870370 + .944444 = 1.814815 (max),
    # D_C = .909091 + .305556 = 1.214646. R = (2D - Dmax - Dmin)/(Dmax - Dmin): A -1, B +1,
    # C = .423401/1.623737 = .260757; r = (1 - R/3)/(1 + R/3): A 2, B 1/2,
    # C .913081/1.086919 = .840064.
    c, s, x = THREE
    d = EU_BY_HAND.sum(axis=0)
    big_r = (2 * d - d.max() - d.min()) / (d.max() - d.min())
    assert big_r == pytest.approx([-1.0, 1.0, 0.260757], abs=1e-6)
    r = eu.risk_exponents(c, s, x)
    assert r == pytest.approx((1 - big_r / 3) / (1 + big_r / 3))
    assert r == pytest.approx([2.0, 0.5, 0.840064], abs=1e-6)


def test_compromise_and_capitulation_follow_the_sign_pattern():
    # Fixed EUs pushed through the same classification as analyse(): a compromise moves the
    # share |a|/b of the way; |a| >= b capitulates; b <= 0 or a >= b > 0 gives no offer.
    c, s, x = THREE
    for risk in (False, True):
        rnd = eu.analyse(c, s, x, risk=risk)
        a, b, kind = rnd.eu_challenge, rnd.eu_challenged, rnd.offer_kind
        comp = kind == eu.COMPROMISE
        assert ((a[comp] <= 0) & (-a[comp] < b[comp])).all()
        cap = kind == eu.CAPITULATION
        assert ((a[cap] <= 0) & (-a[cap] >= b[cap]) & (b[cap] > 0)).all()
        none = (kind == eu.NO_OFFER) & ~np.eye(3, dtype=bool)
        assert ((b[none] <= 0) | (a[none] >= b[none])).all()


def test_compromise_and_capitulation_by_hand():
    # Two actors, risk neutral, Q = 1 (so the status-quo terms vanish: U_sq = 0 at r = 1);
    # i at 0, j at 100, d = 1: U_s = 2, U_f = -2. P_ij = w_i / (w_i + w_j).
    # E(i ch j) = s_j (2P - 2(1-P)) + 2(1 - s_j) = 2 - 4 s_j (1 - P_ij)
    # E(j ch i) = 2 - 4 s_i P_ij
    # Compromise: c_i 2, s_i .5 (w 1); c_j 3, s_j 1 (w 3): P = 1/4, a = 2 - 3 = -1,
    # b = 2 - 0.5 = 1.5: |a| < b, i moves |a|/b = 2/3 of the way: to 66.67. From j's side its
    # EU (1.5) beats i's (-1): no offer, j stays.
    rnd = eu.analyse([2.0, 3.0], [0.5, 1.0], [0.0, 100.0], risk=False, q=1.0)
    assert rnd.eu_challenge[0, 1] == pytest.approx(-1.0)
    assert rnd.eu_challenged[0, 1] == pytest.approx(1.5)
    assert rnd.offer_kind[0, 1] == eu.COMPROMISE and rnd.offer_kind[1, 0] == eu.NO_OFFER
    assert rnd.position == pytest.approx([200 / 3, 100.0])
    # Capitulation: c_i 1, s_i 1 (w 1), same j: a = -1, b = 2 - 1 = 1: |a| >= b, i adopts 100.
    rnd = eu.analyse([1.0, 3.0], [1.0, 1.0], [0.0, 100.0], risk=False, q=1.0)
    assert rnd.eu_challenge[0, 1] == pytest.approx(-1.0)
    assert rnd.eu_challenged[0, 1] == pytest.approx(1.0)
    assert rnd.offer_kind[0, 1] == eu.CAPITULATION
    assert rnd.position == pytest.approx([100.0, 100.0])


# ---- invariants on random batches -----------------------------------------------------------
def random_batch(seed: int, batch: int = 64, n: int = 6):
    rng = np.random.default_rng(seed)
    c = rng.uniform(0.05, 1.0, (batch, n))
    s = rng.uniform(0.05, 1.0, (batch, n))
    x = rng.choice(np.linspace(0, 100, 11), (batch, n))
    return c, s, x


@pytest.mark.parametrize("risk", [True, False])
def test_positions_stay_within_the_initial_range(risk):
    c, s, x = random_batch(1)
    hist = eu.simulate(c, s, x, 5, risk=risk)
    lo, hi = x.min(axis=-1, keepdims=True), x.max(axis=-1, keepdims=True)
    assert (hist >= lo - 1e-9).all() and (hist <= hi + 1e-9).all()
    assert (hist[1:] != hist[:-1]).any(), "nothing moved: the check would prove nothing"


def test_an_actor_with_zero_salience_never_moves_others():
    c, s, x = random_batch(2)
    s[:, 0] = 0.0
    rnd = eu.analyse(c, s, x)
    assert (rnd.offer_kind[..., :, 0] == eu.NO_OFFER).all()
    assert (rnd.accepted != 0).all()
    # Contrast: with a positive salience the same actor does make offers somewhere.
    s[:, 0] = 1.0
    assert (eu.analyse(c, s, x).offer_kind[..., :, 0] != eu.NO_OFFER).any()


def test_identical_actors_end_where_each_other_ends():
    c, s, x = random_batch(3)
    c[:, 1], s[:, 1], x[:, 1] = c[:, 0], s[:, 0], x[:, 0]
    hist = eu.simulate(c, s, x, 4)
    assert hist[..., 0] == pytest.approx(hist[..., 1])


def test_relabelling_actors_relabels_the_result():
    c, s, x = random_batch(4)
    perm = np.array([3, 0, 5, 1, 4, 2])
    a = eu.simulate(c, s, x, 3)
    b = eu.simulate(c[:, perm], s[:, perm], x[:, perm], 3)
    assert b == pytest.approx(a[..., perm])


def test_mirroring_the_scale_mirrors_the_result():
    c, s, x = random_batch(5)
    a = eu.simulate(c, s, x, 3)
    b = eu.simulate(c, s, 100.0 - x, 3)
    assert b == pytest.approx(100.0 - a)


def test_all_actors_at_one_point_stay_there():
    c, s, _ = random_batch(6)
    x = np.full_like(c, 30.0)
    rnd = eu.analyse(c, s, x)
    assert (rnd.offer_kind == eu.NO_OFFER).all()
    assert (rnd.position == 30.0).all()
    assert (rnd.median == 30.0).all()


def test_the_batch_is_the_rows_played_one_at_a_time():
    c, s, x = random_batch(7, batch=12)
    whole = eu.simulate(c, s, x, 3)
    rows = np.stack([eu.simulate(c[b], s[b], x[b], 3) for b in range(12)], axis=1)
    assert whole == pytest.approx(rows)
    # Extra leading axes (runs x issues) broadcast the same way.
    nested = eu.simulate(c.reshape(3, 4, 6), s.reshape(3, 4, 6), x.reshape(3, 4, 6), 3)
    assert nested.reshape(whole.shape) == pytest.approx(whole)


def test_probabilities_sum_the_votes_and_pair_up():
    c, s, x = random_batch(8, batch=8)
    r = eu.risk_exponents(c, s, x)
    v = eu.vote(c, s, x, r)
    pro, cast = np.maximum(v, 0).sum(axis=-3), np.abs(v).sum(axis=-3)
    p = eu.success_probability(c, s, x, r)
    expected = np.where(cast > 0, pro / np.where(cast > 0, cast, 1), 0.5)
    assert p == pytest.approx(expected)
    assert p + np.swapaxes(p, -1, -2) == pytest.approx(np.ones_like(p))
    assert ((r >= 0.5 - 1e-12) & (r <= 2 + 1e-12)).all()


# ---- the documented car-case numbers are the model's ----------------------------------------
def car_forecasts(q: float, risk: bool, rounds: int = 5) -> list[float]:
    c, s, x = car_case()
    hist = eu.simulate(c, s, x, rounds, q=q, risk=risk)
    return [float(to_car_scale(eu.forecast(c, s, h)[0])) for h in hist]


def test_docs_report_the_car_forecasts_the_model_makes():
    text = DOC.read_text()
    for q in (0.5, 1.0):
        for risk in (True, False):
            row = " | ".join(f"{v:.2f}" for v in car_forecasts(q, risk)[1:])
            assert row in text, f"docs out of date for Q={q}, risk={risk}: {row}"
