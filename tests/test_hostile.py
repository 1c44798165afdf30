"""A hostile scenario author and a careless user (issue 10): files that are not scenarios,
text that would drive a terminal, budgets, and results folders that contradict themselves."""

from __future__ import annotations

import copy
import errno
import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.jobs import run_job
from sim.results import ResultsError, ResultsFolder
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.text import name_key, printable

from .factory import REPO, actor, negsim_here, scenario_dict, stance, write

BASELINE = REPO / "scenarios" / "nato_russia_2022.yaml"
VARIANT = REPO / "scenarios" / "nato_offers_limits.yaml"
ESC = "\x1b"
HOSTILE = {  # names an author could write; none may reach a terminal as anything but text
    "markup": "Upstream [/bold] State",
    "link": "[link=https://evil.example]Click[/link]",
    "emoji": "Skull :skull: State",
    "clear": "Clear\x1b[2J State",
    "osc8": "\x1b]8;;https://evil.example\x1b\\Link\x1b]8;;\x1b\\",
    "bidi": "Abc\u202eevil",
    "math": "Dollar $\\frac{x$ State",
}


def _problems(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return str(caught.value)


# --- files that are not scenarios are never read, and never echoed


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="POSIX devices")
def test_devices_pipes_and_huge_files_are_refused_before_reading(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as fh:
        fh.truncate(3_000_000_000)  # sparse: 3 GB that would take long to read
    start = time.perf_counter()
    assert "not a regular file" in _problems(Path("/dev/zero"))
    assert "not a regular file" in _problems(fifo)  # would hang if opened
    assert "NEGSIM_MAX_FILE_BYTES" in _problems(huge)
    assert time.perf_counter() - start < 1.0


def test_symbolic_link_loops_are_bad_input(tmp_path):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    assert "cannot be read" in _problems(tmp_path / "a.yaml")
    variant = tmp_path / "variant.yaml"
    variant.write_text("extends: a.yaml\nid: looped\n")
    assert "extends: cannot be followed" in _problems(variant)


def test_limits_name_themselves_and_how_to_raise_them(monkeypatch):
    monkeypatch.setenv("NEGSIM_MAX_ACTORS", "5")
    assert "NEGSIM_MAX_ACTORS" in _problems(BASELINE)  # 6 actors
    monkeypatch.setenv("NEGSIM_MAX_ACTORS", "6")
    monkeypatch.setenv("NEGSIM_MAX_FILE_BYTES", "1000")
    assert "NEGSIM_MAX_FILE_BYTES" in _problems(BASELINE)


def test_a_ten_thousand_actor_file_is_refused_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("NEGSIM_MAX_FILE_BYTES", "10000000")
    head = (
        "id: crowd\ntitle: A crowd\nnotes: {what_it_is: Many actors.}\nissues:\n"
        "  - {id: x, name: X, low: none, high: all, status_quo: 50, assumption: t}\nactors:\n"
    )
    actors = "".join(
        f"  - {{id: a{i}, name: A{i}, capability: 1, flexibility: 0, patience: 1, dialogue: 1, "
        f"stances: {{x: {{position: 50, salience: 1, assumption: t}}}}}}\n"
        for i in range(10_000)
    )
    path = tmp_path / "crowd.yaml"
    path.write_text(head + actors + "meetings: []\n")
    start = time.perf_counter()
    assert "NEGSIM_MAX_ACTORS" in _problems(path)
    assert time.perf_counter() - start < 5.0  # was 49 s, as "an alias bomb?"


# --- text is text


def test_printable_escapes_what_drives_a_terminal():
    for name in HOSTILE.values():
        shown = printable(name)
        assert ESC not in shown and "\u202e" not in shown
    assert printable("line\nbreak") == "line\\x0abreak"
    assert printable("line\nbreak", keep="\n") == "line\nbreak"
    assert printable("Café, Київ, 北京") == "Café, Київ, 北京"  # letters are not escaped


def test_names_are_compared_as_readers_see_them():
    assert name_key("Russia") == name_key("Rus\u200bsia") == name_key("ＲＵＳＳＩＡ")
    assert name_key("  Russia  ") == name_key("russia")
    assert name_key("Russia") != name_key("Prussia")


def _hostile_scenario(tmp_path: Path, issues: int = 2, actors: int = len(HOSTILE)) -> Path:
    ids = {f"issue{k}": 50.0 for k in range(issues)}
    names = [HOSTILE[k] for k in ("math", "clear", "markup", "emoji", "link", "osc8", "bidi")]
    names = (names + [f"Extra {k}" for k in range(actors)])[:actors]
    people = [
        actor(
            f"a{i}",
            {k: stance(10 + 10 * i, 0.9 - 0.05 * j) for j, k in enumerate(ids)},
            name=n,
            capability=float(len(names) - i),
        )
        for i, n in enumerate(names)
    ]
    data = scenario_dict(people, ids, belief_noise=5)
    data["title"] = "Title [bold]with[/bold] markup \x1b[31m"
    data["issues"][0]["name"] = "Issue :skull: [red]one[/red]"
    return write(tmp_path, data)


def test_describe_narrate_and_validate_show_hostile_text_as_text(tmp_path, capsys):
    path = _hostile_scenario(tmp_path)
    for command in ("describe", "narrate", "validate"):
        code, out, err = negsim_here(command, path, capsys=capsys)
        assert code == 0, (command, err)
        assert ESC not in out + err and "\u202e" not in out + err, command
        assert "\\x1b" in out or command == "validate", command
        if command != "validate":
            assert "[/bold]" in out and "[link=" in out, command  # markup shown, not applied
            assert ":skull:" in out and "\U0001f480" not in out, command


def test_hostile_names_chart_and_many_issues_stay_bounded(tmp_path):
    from PIL import Image

    path = _hostile_scenario(tmp_path, issues=11, actors=10)
    out = run_job(path, runs=20, seed=1, out=tmp_path / "r").path
    for png in (out / "charts").glob("*.png"):
        width, height = Image.open(png).size
        assert width <= 3000 and height <= 3000, (png.name, width, height)
    page = (out / "report.html").read_text()
    # The table's own section (the report's contents list names it first).
    sections = [p.split("</section>", 1)[0] for p in page.split("<section")[1:]]
    left_out = next(p for p in sections if "Issues not charted" in p)
    # The issues the actors care least about go to the table, the rest are charted.
    assert [f">issue{k}<" in left_out for k in range(11)] == [False] * 9 + [True] * 2
    # The actors with the least capability too (eight lines at most).
    left_out = next(p for p in sections if "Actors not charted" in p)
    assert [f">a{i}<" in left_out for i in range(10)] == [False] * 8 + [True] * 2
    positions = pd.read_csv(out / "positions_summary.csv")
    assert positions["issue"].nunique() == 11  # the data keeps every issue


# --- budgets before work


def test_a_run_over_the_memory_budget_is_refused_before_anything_is_written(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("NEGSIM_MAX_MEMORY_MB", "5")
    out = tmp_path / "r"
    code, _, err = negsim_here("run", BASELINE, "--runs", "200000", "--out", out, capsys=capsys)
    assert code == 2 and "NEGSIM_MAX_MEMORY_MB" in err and "per-round histograms" in err
    assert list(tmp_path.iterdir()) == []


# --- results that cannot lie


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("folders")
    cuban = REPO / "scenarios" / "cuban_missile_crisis_1962.yaml"
    return {
        "base": run_job(BASELINE, runs=40, seed=4, out=root / "base", charts=False).path,
        "variant": run_job(VARIANT, runs=40, seed=4, out=root / "variant", charts=False).path,
        "cuban": run_job(cuban, runs=40, seed=4, out=root / "cuban", charts=False).path,
    }


def _broken(folders, tmp_path, how) -> Path:
    bad = shutil.copytree(folders["variant"], tmp_path / "bad")
    how(bad)
    return bad


def _truncate(folder: Path) -> None:
    lines = (folder / "outcomes.csv").read_text().splitlines()
    (folder / "outcomes.csv").write_text("\n".join(lines[:20]) + "\n")


def _drop_outcome(folder: Path) -> None:
    table = pd.read_csv(folder / "outcomes.csv").drop(columns="outcome")
    table.to_csv(folder / "outcomes.csv", index=False)


def _other_seed(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["seed"] = 5
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("how", "needle"),
    [
        (_truncate, "has 19 rows"),
        (_drop_outcome, "lacks the column outcome"),
        (_other_seed, "seed"),
    ],
)
def test_compare_refuses_a_folder_whose_files_disagree(folders, tmp_path, capsys, how, needle):
    bad = _broken(folders, tmp_path, how)
    out = tmp_path / "cmp"
    code, _, err = negsim_here("compare", folders["base"], bad, "--out", out, capsys=capsys)
    assert code == 2, err
    assert "files disagree" in err and needle in err and str(bad) in err
    assert not out.exists()


def test_compare_records_what_each_folder_holds_and_pairs_only_like_with_like(
    folders, tmp_path, capsys
):
    out = tmp_path / "cmp"
    args = ("compare", folders["base"], folders["variant"], folders["cuban"], "--out", out)
    code, stdout, err = negsim_here(*args, capsys=capsys)
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert "runs" not in manifest and "seed" not in manifest  # not the command's defaults
    assert [(i["runs"], i["seed"]) for i in manifest["inputs"]] == [(40, 4)] * 3
    assert manifest["inputs"][1]["kind"] == "results folder"
    diff = pd.read_csv(out / "differences.csv")
    paired = diff.groupby("scenario")["paired"].all().to_dict()
    assert paired == {"nato_offers_limits": True, "cuban_missile_crisis_1962": False}
    # Each pair says how it is paired: common random numbers only where the runs are paired.
    notes = {line.split(": ", 1)[0]: line for line in stdout.splitlines() if ": " in line}
    assert "common random numbers" in notes["nato_offers_limits"]
    assert "common random numbers" not in notes["cuban_missile_crisis_1962"]
    assert "independent" in notes["cuban_missile_crisis_1962"]


def test_the_manifest_hashes_every_file_read_as_it_was_read(tmp_path):
    import hashlib

    base = shutil.copy(BASELINE, tmp_path / "nato_russia_2022.yaml")
    variant = shutil.copy(VARIANT, tmp_path / "variant.yaml")
    read = {p.name: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in (base, variant)}

    def edit_during_the_run(_: int) -> None:
        Path(variant).write_text(Path(variant).read_text() + "\n# edited while it ran\n")

    out = run_job(
        Path(variant),
        runs=10,
        seed=1,
        out=tmp_path / "r",
        charts=False,
        progress=edit_during_the_run,
    ).path
    manifest = json.loads((out / "manifest.json").read_text())
    files = {Path(f["file"]).name: f["sha256"] for f in manifest["scenario_files"]}
    assert files == read and manifest["scenario_sha256"] == read["variant.yaml"]
    assert manifest["versions"]["negsim"]


def test_the_manifest_names_the_commit_when_run_from_a_checkout(folders):
    import subprocess

    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    manifest = json.loads((folders["base"] / "manifest.json").read_text())
    assert manifest["versions"]["negsim_commit"].startswith(head)


def test_folder_names_chosen_by_negsim_never_collide(tmp_path):
    target = tmp_path / "20260101T000000Z"
    first, second = ResultsFolder(target, unique=True), ResultsFolder(target, unique=True)
    for folder in (first, second):
        folder.write_json("manifest.json", {"runs": 1})
    assert first.commit() == target
    assert second.commit() == tmp_path / "20260101T000000Z-2"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_a_full_disk_or_a_refused_write_names_the_path(tmp_path, capsys, monkeypatch, code):
    def fail(self, name, table):
        raise OSError(code, os.strerror(code), str(self.path / name))

    monkeypatch.setattr(ResultsFolder, "write_csv", fail)
    out = tmp_path / "r"
    with pytest.raises(ResultsError, match=r"outcomes\.csv: cannot write results"):
        run_job(BASELINE, runs=5, seed=1, out=out, charts=False)
    code_, _, err = negsim_here("run", BASELINE, "--runs", "5", "--out", out, capsys=capsys)
    assert code_ == 2 and os.strerror(code) in err and "internal error" not in err
    assert list(tmp_path.iterdir()) == []


def test_deep_copies_keep_the_hostile_table_honest():
    # The HOSTILE table is shared by several tests: none of them may change it.
    assert copy.deepcopy(HOSTILE) == HOSTILE and len(HOSTILE) == 7
