"""negsim sweep and negsim explain: paired points, designs, bad input, sensitivity, PRIM and the
lever search, each against an answer known by construction or by theory."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.jobs import run_job
from sim.sweep import parse_vary, sweep_job
from sim.sweep.design import check_varies, design_points
from tests.factory import build, crisis, negsim_here, write

COST = "actors.a.military_option.cost"


def _case():
    # War pays less as its cost rises: armed conflict falls and agreement rises with COST.
    return crisis({"uniform": [0.3, 0.9]}, 0.1, noise=10, resolve=0.3)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep")
    path = write(tmp, _case())
    out = sweep_job(
        path,
        [parse_vary(f"{COST}=0:0.4:5")],
        runs_per_point=400,
        seed=7,
        out=tmp / "sweep",
        per_point_outcomes=True,
    )
    return tmp, path, out


def test_shares_move_with_the_varied_cost_and_intervals_hold_them(swept):
    _, _, out = swept
    pts = out.points
    assert list(pts[COST]) == pytest.approx([0, 0.1, 0.2, 0.3, 0.4])
    assert (pts["status"] == "ok").all() and (pts["runs"] == 400).all()
    war = pts["share_armed_conflict"].to_numpy()
    deal = pts["share_agreement"].to_numpy()
    # Paired runs: the cost is the only difference, so the shares move monotonically.
    assert np.all(np.diff(war) < 0) and np.all(np.diff(deal) > 0)
    for o in ("agreement", "armed_conflict"):
        assert (pts[f"share_{o}_low"] <= pts[f"share_{o}"]).all()
        assert (pts[f"share_{o}"] <= pts[f"share_{o}_high"]).all()
    shares = pts[[c for c in pts if c.startswith("share_") and c.count("_") in (1, 2)]]
    total = pts[
        [
            f"share_{o}"
            for o in ("agreement", "partial_agreement", "stalemate", "breakdown", "armed_conflict")
        ]
    ].sum(axis=1)
    assert total.to_numpy() == pytest.approx(1.0) and len(shares.columns) >= 5


def test_the_baseline_point_is_a_plain_run_byte_for_byte(swept):
    tmp, path, out = swept
    run = run_job(path, runs=400, seed=7, out=tmp / "run", charts=False)
    plain = (run.path / "outcomes.csv").read_text().splitlines()
    lines = (out.path / "outcomes.csv").read_text().splitlines()
    k = int(np.flatnonzero(np.isclose(out.points[COST], 0.1))[0])  # the scenario's own cost
    header, rows = lines[0], [ln for ln in lines[1:] if ln.split(",", 1)[0] == str(k)]
    assert header.split(",", 1)[1] == plain[0]
    assert [r.split(",", 1)[1] for r in rows] == plain[1:]
    other = [ln.split(",", 1)[1] for ln in lines[1:] if ln.split(",", 1)[0] == "0"]
    assert other != plain[1:]  # a point at another cost does differ


def test_folder_manifest_and_charts(swept):
    _, _, out = swept
    m = json.loads((out.path / "manifest.json").read_text())
    assert m["design"] == "grid" and m["seed"] == 7 and m["runs_per_point"] == 400
    assert [p[COST] for p in m["point_overrides"]] == pytest.approx([0, 0.1, 0.2, 0.3, 0.4])
    assert {p.name for p in (out.path / "charts").iterdir()} == {"shares.png", "tornado.png"}
    page = (out.path / "report.html").read_text()
    assert 'href="charts/tornado.png"' in page and 'href="charts/shares.png"' in page
    eff = pd.read_csv(out.path / "effects.csv")
    assert eff.loc[0, "at_high_armed_conflict"] < eff.loc[0, "baseline_armed_conflict"]
    assert eff.loc[0, "baseline_armed_conflict"] < eff.loc[0, "at_low_armed_conflict"]


@pytest.mark.parametrize(
    ("vary", "needle"),
    [
        (f"{COST}=0:2:3", "leaves the field's bounds, 0 to 1"),
        ("actors.a.military_option.cst=0:1", "nearest valid path: actors.a.military_option.cost"),
        (f"{COST}=0.5:0.2", "LOW 0.5 is above HIGH 0.2"),
        (f"{COST}=0:0.5:1", "N must be at least 2"),
        (f"{COST}=0:x", "HIGH 'x' is not a number"),
    ],
)
def test_bad_vary_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, vary, needle):
    path = write(tmp_path, _case())
    code, out, err = negsim_here(
        "sweep", path, "--vary", vary, "--out", tmp_path / "o", capsys=capsys
    )
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists() and out == ""


def test_sobol_design_needs_a_power_of_two(tmp_path, capsys):
    path = write(tmp_path, _case())
    code, _, err = negsim_here(
        "sweep",
        path,
        "--vary",
        f"{COST}=0:0.5",
        "--design",
        "sobol",
        "--points",
        "12",
        "--out",
        tmp_path / "o",
        capsys=capsys,
    )
    assert code == 2 and "power of two" in err and not (tmp_path / "o").exists()


def test_designs_stay_in_range_and_are_seeded(tmp_path):
    sc = build(tmp_path, _case())
    varies = [parse_vary(f"{COST}=0.1:0.3"), parse_vary("actors.b.patience=0.6:0.9")]
    assert check_varies(sc, varies, "lhs", 20) == []
    a = design_points(varies, "lhs", 20, seed=3)
    assert a.equals(design_points(varies, "lhs", 20, seed=3))
    assert not a.equals(design_points(varies, "lhs", 20, seed=4))
    assert a[COST].between(0.1, 0.3).all() and a["actors.b.patience"].between(0.6, 0.9).all()
    # Latin hypercube: one point in each of the 20 strata of every parameter.
    strata = np.floor((a[COST] - 0.1) / 0.2 * 20).clip(0, 19)
    assert sorted(strata.astype(int)) == list(range(20))
    s = design_points(varies, "sobol", 8, seed=3)
    assert len(s) == 8 * (2 + 2)


def test_prim_finds_a_planted_box():
    from sim.analysis.discovery import find_box

    rng = np.random.default_rng(11)
    x = pd.DataFrame(rng.uniform(size=(3000, 4)), columns=["a", "b", "c", "d"])
    y = ((x["a"] > 0.6) & (x["b"] < 0.3)).to_numpy()
    box = find_box(x, y)
    assert set(box.limits) == {"a", "b"}
    assert box.limits["a"][0] == pytest.approx(0.6, abs=0.05)
    assert box.limits["b"][1] == pytest.approx(0.3, abs=0.05)
    assert box.density > 0.9 and box.coverage > 0.9
    assert box.base_rate == pytest.approx(y.mean())


def test_sobol_indices_of_the_ishigami_function():
    from SALib.sample import sobol

    from sim.analysis.sensitivity import sobol_indices

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol.sample(problem, 1024, calc_second_order=False, seed=2)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    got = sobol_indices(problem, y).set_index("parameter")
    # Analytic values (Ishigami and Homma 1990; a = 7, b = 0.1).
    s1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
    st = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}
    for p in s1:
        assert got.loc[p, "S1"] == pytest.approx(s1[p], abs=0.07)
        assert got.loc[p, "ST"] == pytest.approx(st[p], abs=0.07)


def test_correlation_ratio_ranks_the_input_that_matters():
    from sim.analysis.sensitivity import correlation_ratio, rank_inputs

    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.uniform(size=(4000, 3)), columns=["hump", "trend", "noise"])
    y = np.abs(x["hump"] - 0.5) < 0.15  # a hump: no linear correlation, a large ratio
    y = y | (rng.uniform(size=4000) < 0.3 * x["trend"])
    assert abs(np.corrcoef(x["hump"], y)[0, 1]) < 0.05
    assert list(rank_inputs(x, y.to_numpy())["parameter"]) == ["hump", "trend", "noise"]
    assert correlation_ratio(np.zeros(10), np.arange(10)) == 0.0


def test_explain_a_run_and_a_sweep(swept, tmp_path, capsys):
    _tmp, _path, out = swept
    code, text, err = negsim_here(
        "explain",
        out.path,
        "--outcome",
        "armed_conflict",
        "--chart",
        tmp_path / "c.png",
        capsys=capsys,
    )
    assert code == 0, err
    assert COST in text and "PRIM box" in text and (tmp_path / "c.png").stat().st_size > 0
    code, _, err = negsim_here("explain", out.path, "--outcome", "war", capsys=capsys)
    assert code == 2 and "--outcome: must be one of" in err


def test_the_lever_search_finds_a_planted_threshold(tmp_path):
    from sim.sweep.search import parse_target, what_it_takes

    # Agreement is possible exactly when p_win - cost <= 0.5 (tests/factory.py): with p_win
    # 0.7, from a cost of 0.2 up; the noise-free runs all agree there and none below.
    data = crisis(0.7, 0.05)
    data["levers"] = [
        {"path": COST, "label": "cost", "min": 0, "max": 1, "step": 0.05},
        {"path": "actors.a.military_option.signal", "label": "s", "min": 0, "max": 1, "step": 0.25},
    ]
    sc = build(tmp_path, data)
    s = what_it_takes(sc, parse_target("agreement>=0.5"), runs=20, seed=1)
    assert s.baseline.share == 0.0
    assert s.single is not None and s.single.changes == {COST: pytest.approx(0.2)}
    assert s.single.share == 1.0 and s.single.low > 0.8
    none = what_it_takes(sc, parse_target("armed_conflict>=0.5"), runs=20, seed=1)
    assert none.single is None or none.single.share >= 0.5


def test_a_pool_gives_the_points_of_one_process_and_a_failed_point_does_not_stop_it(
    tmp_path, monkeypatch
):
    from sim.experiment.executors import make_executor
    from sim.scenario import with_overrides
    from sim.sweep import runner

    monkeypatch.setattr(runner, "CHUNK", 150)  # several chunks per point, interleaved
    sc = build(tmp_path, _case())
    points = [with_overrides(sc, {COST: c}) for c in (0.0, 0.3)]
    plan = [points[0], "error: planted", points[1]]
    one = list(runner.play_points(plan, 400, 3))
    with make_executor("process", 2) as pool:
        two = list(runner.play_points(plan, 400, 3, pool))
    assert [r.index for r in two] == [0, 1, 2]
    assert two[1].outcomes is None and two[1].error == "error: planted"
    for a, b in zip(one, two, strict=True):
        if a.outcomes is None:
            assert b.outcomes is None
        else:
            pd.testing.assert_frame_equal(a.outcomes, b.outcomes)
    assert not one[0].outcomes.equals(one[2].outcomes)


def test_explain_without_the_analysis_extra_says_what_to_install(swept, capsys, monkeypatch):
    import sys

    _, _, out = swept
    monkeypatch.setitem(sys.modules, "prim", None)  # as if not installed
    code, _, err = negsim_here("explain", out.path, "--outcome", "agreement", capsys=capsys)
    assert code == 2 and "pip install 'negsim[analysis]'" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("agreement=0.3", "expected OUTCOME>=SHARE"),
        ("war>=0.3", "'war' is not an outcome"),
        ("agreement>=3", "between 0 and 1"),
    ],
)
def test_a_bad_target_exits_2(tmp_path, capsys, target, needle):
    path = write(tmp_path, _case())
    code, _, err = negsim_here("explain", path, "--target", target, capsys=capsys)
    assert code == 2 and needle in err


def test_a_sobol_sweep_ranks_the_cost_above_the_signal(tmp_path):
    from sim.sweep.explain import explain_lines, explain_results

    path = write(tmp_path, _case())
    out = sweep_job(
        path,
        [parse_vary(f"{COST}=0:0.5"), parse_vary("actors.a.military_option.signal=0.2:0.8")],
        design="sobol",
        points=8,
        runs_per_point=200,
        seed=2,
        out=tmp_path / "s",
        charts=False,
    )
    assert len(out.points) == 8 * (2 + 2)
    assert out.manifest["base_sample_n"] == 8 and "Saltelli" in out.manifest["design_note"]
    ex = explain_results(out.path, "armed_conflict")
    assert ex.measure == "ST" and ex.ranking["parameter"].iloc[0] == COST
    assert any("Sobol indices" in line for line in explain_lines(ex))


def test_a_whole_number_field_is_swept_in_whole_numbers(tmp_path, capsys):
    path = write(tmp_path, _case())
    out = sweep_job(
        path,
        [parse_vary("meetings.m.rounds=2:6:4")],
        runs_per_point=20,
        seed=1,
        out=tmp_path / "w",
        charts=False,
    )
    assert list(out.points["meetings.m.rounds"]) == [2, 3, 5, 6]
    assert (out.points["status"] == "ok").all()
    code, _, err = negsim_here("sweep", path, "--vary", "meetings.m.rounds=2.5:6", capsys=capsys)
    assert code == 2 and "takes whole numbers" in err


def test_a_drawn_lever_is_measured_from_its_mean(tmp_path):
    from sim.sweep.search import parse_target, search_lines, what_it_takes

    data = crisis(0.7, {"uniform": [0.0, 0.1]})
    data["levers"] = [{"path": COST, "label": "cost", "min": 0, "max": 1, "step": 0.05}]
    s = what_it_takes(build(tmp_path, data), parse_target("agreement>=50%"), runs=20, seed=1)
    assert s.starts[COST] == pytest.approx(0.05) and s.drawn == [COST]
    assert s.single.changes == {COST: pytest.approx(0.2)}
    assert s.single.size == pytest.approx(0.15)
    assert any("fixed at 0.2" in line for line in search_lines(s))
