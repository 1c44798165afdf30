"""negsim backtest: forecasts, scores by the stated formulas, the folder it writes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.backtest import (
    REFERENCES,
    backtest_job,
    crps_ensemble,
    paired_bootstrap,
    reference_forecasts,
)
from sim.importers import read_deu

from .deu_data import CAPABILITY_WEIGHTED, MEDIAN_ACTOR, OUTCOME, WEIGHTED_MEAN, cli, write_tiny
from .factory import REPO

DEV = REPO / "data" / "deu3" / "dev.tsv"
FORECAST_COLUMNS = [
    "proposal", "issue", "outcome", "reference_point", "forecast_negsim", "negsim_q10",
    "negsim_q25", "negsim_q50", "negsim_q75", "negsim_q90", "forecast_weighted_mean",
    "forecast_capability_weighted_mean", "forecast_median_actor", "forecast_status_quo",
]  # fmt: skip
SCORE_COLUMNS = [
    "predictor", "subset", "n", "mae", "rmse", "medae", "crps", "cover50", "cover80",
    "diff_vs_best_reference", "diff_low", "diff_high",
]  # fmt: skip


def test_crps_of_a_sample_by_hand():
    # {0, 10} against 0: E|X - y| = 5, E|X - X'| = (0 + 10 + 10 + 0) / 4 = 5, CRPS = 5 - 2.5;
    # the integral of (F(x) - 1{x >= 0})^2 = 0.25 over [0, 10) gives the same 2.5
    assert crps_ensemble(np.array([0.0, 10.0]), 0.0) == pytest.approx(2.5)
    assert crps_ensemble(np.array([10.0, 0.0]), 5.0) == pytest.approx(5 - 2.5)
    assert crps_ensemble(np.array([30.0]), 42.0) == pytest.approx(12.0)  # one value: |error|
    assert crps_ensemble(np.full(50, 7.0), 7.0) == pytest.approx(0.0)


def test_paired_bootstrap_resamples_proposals_not_issues():
    # proposal 1: two issues each 1 worse; proposal 2: one issue 4 worse. Resamples of two
    # proposals give 1 (both 1), 2 (one of each: 6 / 3) or 4 (both 2), with chances 1/4, 1/2, 1/4
    diff, lo, hi = paired_bootstrap(
        np.array([1.0, 1.0, 4.0]), np.zeros(3), np.array([1, 1, 2]), seed=3
    )
    assert diff == pytest.approx(2.0)
    assert (lo, hi) == (pytest.approx(1.0), pytest.approx(4.0))
    same = paired_bootstrap(np.array([3.0, 5.0]), np.array([3.0, 5.0]), np.array([1, 2]), seed=3)
    assert same == (0.0, 0.0, 0.0)
    again = paired_bootstrap(np.arange(9.0), np.zeros(9), np.arange(9) // 3, seed=3)
    assert again == paired_bootstrap(np.arange(9.0), np.zeros(9), np.arange(9) // 3, seed=3)


def test_reference_predictors_reproduce_the_data_readme_on_the_shipped_dev_file():
    data = read_deu(DEV)
    errors = {r: [] for r in REFERENCES}
    for issue in data.scored():
        for r, f in reference_forecasts(issue, data.gdp).items():
            errors[r].append(abs(f - issue.outcome))
    mae = {r: np.nanmean(e) for r, e in errors.items()}
    assert mae["weighted_mean"] == pytest.approx(24.44, abs=0.005)
    assert mae["capability_weighted_mean"] == pytest.approx(23.8, abs=0.05)
    assert mae["median_actor"] == pytest.approx(28.52, abs=0.005)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bt")
    data = write_tiny(folder / "tiny.tsv")
    out = backtest_job(data, runs=40, seed=5, out=folder / "res", workers=1)
    return out


def test_tiny_backtest_forecasts_by_the_stated_formulas(tiny):
    f = pd.read_csv(tiny.path / "forecasts.csv")
    assert list(f.columns) == FORECAST_COLUMNS
    assert list(f["issue"]) == [1, 2, 3]
    for col, expected in (
        ("forecast_weighted_mean", WEIGHTED_MEAN),
        ("forecast_capability_weighted_mean", CAPABILITY_WEIGHTED),
        ("forecast_median_actor", MEDIAN_ACTOR),
        ("outcome", OUTCOME),
    ):
        assert f[col].tolist() == pytest.approx([expected[i] for i in (1, 2, 3)]), col
    assert f["forecast_status_quo"].isna().tolist() == [False, True, False]  # rp blank on 2
    q = f[[f"negsim_q{k}" for k in (10, 25, 50, 75, 90)]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-9).all()
    # forecast_negsim is the mean of the runs' final values of the proposal's own scenario
    from sim.backtest.run import unit_seed
    from sim.importers import Mapping, deu_scenario, to_scenario
    from sim.model import simulate

    data = read_deu(tiny.path.parent / "tiny.tsv")
    runs = simulate(to_scenario(deu_scenario(data, 1, Mapping())), 40, unit_seed(5, (1,)))
    assert f["forecast_negsim"][:2].tolist() == pytest.approx(
        [runs["value_d00001i1"].mean(), runs["value_d00001i2"].mean()]
    )
    assert f["negsim_q50"][0] == pytest.approx(runs["value_d00001i1"].median())


def test_tiny_backtest_scores_by_hand(tiny):
    s = pd.read_csv(tiny.path / "scores.csv")
    assert list(s.columns) == SCORE_COLUMNS
    assert set(s["subset"]) == {"all", "QMV", "Unan"}
    row = s.set_index(["predictor", "subset"])
    wm = [abs(WEIGHTED_MEAN[i] - OUTCOME[i]) for i in (1, 2, 3)]  # 15, 0, 40
    cw = [abs(CAPABILITY_WEIGHTED[i] - OUTCOME[i]) for i in (1, 2, 3)]
    med = [abs(MEDIAN_ACTOR[i] - OUTCOME[i]) for i in (1, 2, 3)]  # 40, 0, 0
    assert row.loc[("weighted_mean", "all"), "mae"] == pytest.approx(55 / 3)
    assert row.loc[("weighted_mean", "all"), "rmse"] == pytest.approx(np.sqrt((225 + 1600) / 3))
    assert row.loc[("weighted_mean", "all"), "medae"] == pytest.approx(15)
    assert row.loc[("capability_weighted_mean", "all"), "mae"] == pytest.approx(np.mean(cw))
    assert row.loc[("median_actor", "QMV"), "mae"] == pytest.approx(np.mean(med[:2]))
    assert row.loc[("weighted_mean", "Unan"), "crps"] == pytest.approx(wm[2])  # point: |error|
    assert row.loc[("status_quo", "all"), "n"] == 2  # rp blank on issue 2
    assert row.loc[("status_quo", "all"), "mae"] == pytest.approx((60 + 100) / 2)
    # the median actor (13.3) is the best reference over all; its own difference is 0
    assert tiny.best_reference == "median_actor"
    assert row.loc[("median_actor", "all"), "diff_vs_best_reference"] == 0
    assert row.loc[("weighted_mean", "all"), "diff_vs_best_reference"] == pytest.approx(
        np.mean(wm) - np.mean(med)
    )
    negsim = row.loc[("negsim", "all")]
    assert 0 <= negsim["cover50"] <= negsim["cover80"] <= 1
    assert negsim["crps"] <= negsim["mae"] + 1e-9  # the spread of runs never hurts CRPS
    assert np.isnan(row.loc[("weighted_mean", "all"), "cover50"])


def test_tiny_backtest_lists_skipped_rows_and_writes_its_folder(tiny):
    skipped = pd.read_csv(tiny.path / "skipped.csv")
    assert list(skipped.columns) == ["line", "proposal", "issue", "column", "reason"]
    assert sorted(skipped["issue"]) == [3, 4, 5]
    manifest = json.loads((tiny.path / "manifest.json").read_text())
    assert manifest["seed"] == 5 and manifest["runs"] == 40 and manifest["issues_scored"] == 3
    assert len(manifest["data_sha256"]) == 64
    assert sorted(p.name for p in (tiny.path / "charts").glob("*.png")) == [
        "error_vs_movement.png",
        "forecast_vs_outcome.png",
    ]
    page = (tiny.path / "report.html").read_text()
    assert "doi:10.34810/data53" in page and "<script" not in page


def test_backtest_on_a_slice_of_the_dev_data(tmp_path, monkeypatch, capsys):
    lines = DEV.read_text().splitlines()
    keep = [ln for ln in lines[2:] if ln.split("\t")[0] in {"1", "10", "30"}]
    data = tmp_path / "slice.tsv"
    data.write_text("\n".join(lines[:2] + keep) + "\n")
    args = ("backtest", data, "--runs", "20", "--seed", "2", "--out", tmp_path / "res")
    code, stdout, stderr = cli(monkeypatch, capsys, *args, "--workers", "1")
    assert code == 0, stderr
    f = pd.read_csv(tmp_path / "res" / "forecasts.csv")
    assert list(f.columns) == FORECAST_COLUMNS
    assert sorted(f["proposal"].unique()) == [1, 10, 30]
    assert len(f) == len(keep)  # every row of these three proposals is scoreable
    assert "Median actor" in stdout and "res" in stdout
    code, _, stderr = cli(monkeypatch, capsys, *args)  # the folder exists: refused
    assert code == 2 and "already exists" in stderr


def test_same_seed_same_forecasts_whatever_the_workers(tiny, tmp_path):
    two = backtest_job(
        tiny.path.parent / "tiny.tsv", runs=40, seed=5, out=tmp_path / "b", workers=2, charts=False
    )
    pd.testing.assert_frame_equal(two.forecasts, tiny.forecasts)


def test_cross_validation_folds_hold_whole_proposals_and_choose_on_training_only():
    from sim.backtest.cv import assign_folds, choose
    from sim.importers import Mapping

    folds = assign_folds(list(range(10, 30)), 5, seed=1)
    assert sorted(folds) == list(range(10, 30))
    assert sorted(np.bincount(list(folds.values()))) == [4, 4, 4, 4, 4]
    assert assign_folds(list(range(10, 30)), 5, seed=1) == folds
    # two proposals per fold, one issue each; "a" is better everywhere except proposal 10,
    # where "b" is perfect: "a" is chosen in every fold, including the one holding 10
    proposals = np.arange(10, 20)
    a = pd.DataFrame({"proposal": proposals, "issue": proposals, "error": 5.0})
    a.loc[0, "error"] = 30.0
    b = a.assign(error=10.0)
    b.loc[0, "error"] = 0.0
    result = choose({"a": a, "b": b}, {"a": Mapping(rounds=5), "b": Mapping(rounds=7)}, 5, 1)
    assert result.folds.groupby("fold")["chosen"].sum().tolist() == [1] * 5
    assert set(result.folds[result.folds["chosen"]]["candidate"]) == {"a"}
    assert result.cv_mae == pytest.approx(a["error"].mean())  # (30 + 9 x 5) / 10
    assert result.chosen.rounds == 5
    held = result.folds[result.folds["candidate"] == "a"]
    assert held["test_n"].sum() == 10 and (held["train_n"] == 8).all()


def test_mechanism_options_the_default_is_negsim_and_unknown_ones_are_refused(tiny, tmp_path):
    from sim.backtest import BacktestError

    data = tiny.path.parent / "tiny.tsv"
    same = backtest_job(
        data, runs=5, seed=5, mechanisms=["bargaining"], out=tmp_path / "a", charts=False
    )
    assert list(same.forecasts.columns) == FORECAST_COLUMNS  # no second column for the default
    # Another mechanism forecasts every issue under the default mapping (whose consensus norm
    # only bargaining honours: the mapping leaves it out for the others).
    other = backtest_job(
        data, runs=5, seed=5, mechanisms=["expected_utility"], out=tmp_path / "c", charts=False
    )
    assert other.forecasts["forecast_expected_utility"].notna().all()
    with pytest.raises(BacktestError, match="--mechanism: unknown mechanism 'nope'"):
        backtest_job(data, runs=5, seed=5, mechanisms=["nope"], out=tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_a_bdm_case_is_reported_on_its_own_scale():
    from sim.backtest.bdm_case import bdm_forecasts, bdm_references, weighted_median
    from sim.importers import read_bdm

    case = read_bdm(REPO / "data" / "bdm1994" / "ec_car_emissions.csv")
    refs = bdm_references(case)  # data/README.md: weighted mean 7.39, weighted median 7.0
    assert refs["capability_weighted_mean"] == pytest.approx(7.39, abs=0.005)
    assert refs["weighted_median"] == 7.0
    assert weighted_median(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 5.0])) == 3.0
    table = bdm_forecasts(case, status_quo=7, runs=30, seed=1, outcome=8.833)
    row = table.set_index("predictor").loc["negsim"]
    assert 4 <= row["q10"] <= row["q90"] <= 10 and 4 <= row["forecast"] <= 10
    assert row["abs_error"] == pytest.approx(abs(row["forecast"] - 8.833))


def test_backtest_charts_are_legible_once_fitted_to_the_report(tiny):
    from sim.plots.backtest import error_vs_movement, forecast_vs_outcome
    from sim.plots.legible import MIN_TEXT_PX, shown_px

    from .test_plots_room import painted_texts

    for fig in (forecast_vs_outcome(tiny.forecasts, source="x"), error_vs_movement(tiny.forecasts)):
        width = fig.get_figwidth()
        small = [
            t.get_text()
            for t in painted_texts(fig)
            if shown_px(t.get_fontsize(), width) < MIN_TEXT_PX
        ]
        assert small == []
