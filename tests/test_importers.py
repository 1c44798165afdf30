"""Scenarios from data: the DEU and BDM readers, the Council's rules, and malformed files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim.importers import (
    ERAS,
    DataFormatError,
    Mapping,
    bdm_scenario,
    deu_scenario,
    era_for,
    read_bdm,
    read_deu,
    to_scenario,
)
from sim.importers.deu import parse_date

from .deu_data import cli, write_tiny
from .factory import REPO

DEV = REPO / "data" / "deu3" / "dev.tsv"
BDM = REPO / "data" / "bdm1994" / "ec_car_emissions.csv"


def test_the_shipped_dev_file_has_the_scoreable_issues_its_readme_counts():
    data = read_deu(DEV)
    assert len(data.scored()) == 192  # data/README.md: 192 scoreable issues
    assert len({i.proposal for i in data.scored()}) <= 77
    assert all(len(i.positions) >= 3 and i.outcome is not None for i in data.scored())
    assert sum(i.reference_point is None for i in data.scored()) == 50  # "blank for 50"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("26-01-00", dt.date(2000, 1, 26)),
        ("14-12-1999", dt.date(1999, 12, 14)),
        ("1930-05-01", dt.date(2001, 5, 30)),  # dd-mm-yy read by a spreadsheet as yy-mm-dd
        ("2024-05-17", dt.date(2017, 5, 24)),
        ("999", None),
        ("", None),
        ("31-02-05", None),
    ],
)
def test_deu_dates_including_the_spreadsheet_mangled_ones(text, expected):
    assert parse_date(text) == expected


def test_council_weights_match_the_treaty_totals():
    totals = {e.name: (sum(e.weights.values()), e.votes_needed) for e in ERAS}
    assert totals["EU-15"] == (87, 62)
    assert totals["EU-25 (transitional)"] == (124, 88)
    assert totals["EU-25 (Nice)"] == (321, 232)
    assert totals["EU-27 (Nice)"] == (345, 255)
    assert totals["EU-28 (Nice)"] == (352, 260)


def test_the_era_follows_the_date_and_moves_on_for_a_state_not_yet_member():
    assert era_for(dt.date(2001, 5, 30), {"de", "fr"}).name == "EU-15"
    assert era_for(dt.date(2005, 3, 1), {"de", "pl"}).name == "EU-25 (Nice)"
    # Romania coded on a proposal dated 2005: negotiated in the Council of 27
    assert era_for(dt.date(2005, 3, 1), {"de", "ro"}).name == "EU-27 (Nice)"
    assert era_for(None, {"de"}).name.startswith("EU-28 (double majority")


def test_a_tiny_file_reads_with_each_unscoreable_row_reported(tmp_path):
    data = read_deu(write_tiny(tmp_path / "tiny.tsv"))
    assert [i.issue for i in data.scored()] == [1, 2, 3]
    assert [i.issue for i in data.issues] == [1, 2, 3, 4]  # issue 4 has no outcome
    reasons = {(s.issue, s.column): s.reason for s in data.skipped}
    assert "without a salience" in reasons[("3", "sep")]
    assert "no outcome" in reasons[("4", "out")]
    assert "not a number" in reasons[("5", "pde")]
    assert len(data.skipped) == 3
    assert data.gdp == {"com": 4, "ep": 4, "de": 2, "fr": 1, "uk": 3}


def test_a_qmv_codecision_proposal_becomes_a_weighted_vote_with_two_veto_players(tmp_path):
    data = read_deu(write_tiny(tmp_path / "tiny.tsv"))
    spec = deu_scenario(data, 1)
    scenario = to_scenario(spec)
    meeting = spec["meetings"][0]
    assert meeting["chair"] == "random"  # the cross-validated default (docs/backtest.md)
    assert meeting["consensus"] == 1.0
    assert deu_scenario(data, 1, mapping=Mapping(chair="commission"))["meetings"][0]["chair"] == (
        "com"
    )
    assert meeting["rule"]["kind"] == "qualified_majority"
    assert meeting["rule"]["weights"] == {"de": 10}  # EU-15 weight (adopted 2001)
    assert meeting["rule"]["threshold"] == pytest.approx(62 / 87, abs=1e-4)
    assert meeting["rule"]["veto"] == ["com", "ep"]
    # fr is coded with salience 0 only: indifferent, left out and said so
    assert [a.id for a in scenario.actors] == ["com", "ep", "de"]
    assert "France" in spec["notes"]["what_it_is"]
    issue2 = spec["issues"][1]
    assert issue2["status_quo"] == 50.0 and "no reference point" in issue2["assumption"]
    com = next(a for a in spec["actors"] if a["id"] == "com")
    assert com["capability"] == 4 and com["stances"]["d00001i1"]["salience"] == 0.5


def test_a_unanimity_consultation_needs_every_state_and_only_consults_parliament(tmp_path):
    data = read_deu(write_tiny(tmp_path / "tiny.tsv"))
    spec = deu_scenario(data, 2, Mapping(missing_status_quo="midpoint", rounds=7))
    to_scenario(spec)
    rule = spec["meetings"][0]["rule"]
    assert rule == {"kind": "unanimity", "voters": ["fr", "de"], "veto": ["com"]}
    assert spec["meetings"][0]["rounds"] == 7


def test_missing_reference_points_follow_the_global_choice(tmp_path):
    data = read_deu(write_tiny(tmp_path / "tiny.tsv"))
    sq = {
        how: deu_scenario(data, 1, Mapping(missing_status_quo=how))["issues"][1]["status_quo"]
        for how in ("zero", "midpoint", "commission")
    }
    assert sq == {"zero": 0.0, "midpoint": 50.0, "commission": 50.0}
    assert (
        deu_scenario(data, 1, Mapping(missing_status_quo="midpoint"))["issues"][0]["status_quo"]
        == 0.0
    )  # a coded rp is kept


def test_every_dev_proposal_and_issue_makes_a_valid_scenario():
    data = read_deu(DEV)
    for proposal in data.proposals():
        to_scenario(deu_scenario(data, proposal))
    chairs = set()
    for issue in data.scored():
        spec = deu_scenario(
            data, issue.proposal, issues=[issue.issue], mapping=Mapping(chair="commission")
        )
        to_scenario(spec)
        # without the Commission at the table (not coded, or salience 0) the chair rotates
        has_com = issue.saliences.get("com", 0) > 0
        chairs.add((has_com, spec["meetings"][0]["chair"]))
    assert chairs == {(True, "com"), (False, "rotate")}


def test_a_bdm_case_keeps_its_scale_in_what_is_shown():
    case = read_bdm(BDM)
    assert (case.low, case.high) == (4, 10)
    spec = bdm_scenario(case, status_quo=4)
    to_scenario(spec)
    issue = spec["issues"][0]
    assert "4-10" in issue["name"] and issue["status_quo"] == 0
    uk = next(a for a in spec["actors"] if a["name"] == "UK")
    assert uk["stances"][issue["id"]]["position"] == 100
    assert case.to_case_scale(case.to_negsim(8.833)) == pytest.approx(8.833)
    assert case.to_negsim(7) == pytest.approx(50)


def test_import_deu_writes_a_scenario_that_validates(tmp_path, monkeypatch, capsys):
    out = tmp_path / "p1.yaml"
    code, _, stderr = cli(
        monkeypatch, capsys, "import", "deu", DEV, "--proposal", "1", "--out", out
    )
    assert code == 0, stderr
    code, stdout, stderr = cli(monkeypatch, capsys, "validate", out)
    assert code == 0, stderr
    assert "deu_d00032" in stdout


def test_import_bdm_writes_the_case_on_its_own_scale(tmp_path, monkeypatch, capsys):
    out = tmp_path / "car.yaml"
    code, _, stderr = cli(
        monkeypatch, capsys, "import", "bdm", BDM, "--status-quo", "4", "--out", out
    )
    assert code == 0, stderr
    assert "original 4-10 scale" in out.read_text()
    bad = ("import", "bdm", BDM, "--status-quo", "11", "--out", tmp_path / "x.yaml")
    code, _, stderr = cli(monkeypatch, capsys, *bad)
    assert code == 2 and "--status-quo: must lie on the case's scale 4-10" in stderr
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: write_tiny(p, sep=","), ":1: (header): not tab-separated"),
        (lambda p: write_tiny(p, drop="pcom"), ":1: pcom: required column missing"),
        (lambda p: write_tiny(p, drop="out"), ":1: out: required column missing"),
    ],
)
def test_malformed_data_exits_2_with_file_line_column_and_writes_nothing(
    tmp_path, monkeypatch, capsys, make, expected
):
    data = make(tmp_path / "bad.tsv")
    with pytest.raises(DataFormatError):
        read_deu(data)
    monkeypatch.chdir(tmp_path)
    for args in (
        ("backtest", "bad.tsv", "--runs", "2", "--out", "res"),
        ("import", "deu", "bad.tsv", "--proposal", "1", "--out", "s.yaml"),
    ):
        code, _, stderr = cli(monkeypatch, capsys, *args)
        assert code == 2
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"bad.tsv{expected}")
        assert "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tsv"]


def test_a_row_of_the_wrong_width_is_a_format_error(tmp_path):
    path = write_tiny(tmp_path / "t.tsv")
    lines = path.read_text().splitlines()
    lines[3] += "\textra"
    path.write_text("\n".join(lines))
    with pytest.raises(DataFormatError, match=r"t.tsv:4: \(row\): .* fields"):
        read_deu(path)


def test_bdm_missing_column_is_reported_with_its_line(tmp_path):
    path = tmp_path / "case.csv"
    path.write_text("Actor,Capability,Position\nA,1,4\nB,1,6\n")
    with pytest.raises(DataFormatError, match=r"case.csv:1: Salience: required column missing"):
        read_bdm(path)
    assert isinstance(read_bdm(BDM).path, Path)


def test_importers_import_only_the_scenario_layer():
    import ast

    offenders = []
    for source in (REPO / "sim" / "importers").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [
                f"{source.name}: {n}"
                for n in names
                if n.startswith("sim") and not n.startswith("sim.scenario")
            ]
    assert not offenders, offenders
